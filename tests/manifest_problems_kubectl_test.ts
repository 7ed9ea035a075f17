// `get`, `describe`, `delete` and `replace` with `-f` files holding an object of a kind the
// server does not have: as kubectl 1.32, the objects it can map are read, deleted or replaced,
// and the mapping error is reported with the server's errors — in the order the objects come
// (get), before them (describe) or after them (delete, replace); alone, with kubectl's
// `error: `. Compared with kubectl 1.32 against the same server.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture, type KubectlRun } from "./_kubectl.ts";

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
const NOPE = "apiVersion: example.com/v1\nkind: Nope\nmetadata: {name: n1}\n";

const FILES: Record<string, string> = {
  // am1 exists, n1's kind does not, am3 does not exist.
  "multi.yaml": [cm("am1"), NOPE, cm("am3")].join("---\n"),
  // The missing object before the unknown kind.
  "reversed.yaml": [cm("am3"), NOPE].join("---\n"),
  // Only the unknown kind.
  "nope.yaml": NOPE,
};

const VERBS = [["get"], ["describe"], ["delete"], ["replace", "--validate=false"]];

/** Ages of fresh objects vary between runs. */
const stable = (r: KubectlRun): KubectlRun => ({ ...r, out: r.out.replace(/ \d+s\n/g, " 0s\n") });

Deno.test("-f with an unknown kind: k1s reports what kubectl 1.32 reports, and acts on the rest", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  for (const [name, text] of Object.entries(FILES)) {
    await Deno.writeTextFile(`${fx.dir}/${name}`, text);
  }
  await Deno.writeTextFile(`${fx.dir}/am1.yaml`, cm("am1"));
  // Each run starts from the same state: am1 alone.
  const reset = async () => {
    await fx.kubectl.run(["delete", "cm", "am1", "am3", "--ignore-not-found"]);
    const r = await fx.kubectl.run(["create", "-f", `${fx.dir}/am1.yaml`]);
    assert.equal(r.code, 0, r.err);
  };
  for (const file of Object.keys(FILES)) {
    for (const verb of VERBS) {
      const args = [...verb, "-f", `${fx.dir}/${file}`];
      await t.step(`${verb[0]} ${file}`, async () => {
        await reset();
        const theirs = stable(await fx.kubectl.run(args));
        const theirState = await fx.kubectl.run(["get", "cm", "-o", "name"]);
        await reset();
        const io = captureIO();
        const code = await k1s.run(["--server", fx.server.url, ...args], io);
        assert.deepEqual(stable({ code, out: io.out, err: io.err }), theirs);
        assert.deepEqual(await fx.kubectl.run(["get", "cm", "-o", "name"]), theirState);
      });
    }
  }
});

Deno.test("-f with a document without kind: validated by create, apply and replace, decoded by the other verbs, as kubectl 1.32", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  const file = `${fx.dir}/nokind.yaml`;
  await Deno.writeTextFile(file, "apiVersion: v1\nmetadata: {name: x}\n");
  const VARIANTS = [
    ["get"],
    ["describe"],
    ["delete"],
    ["diff"],
    ["label", "x=y"],
    ["replace"],
    ["replace", "--validate=false"],
    ["create"],
    ["create", "--validate=false"],
    ["apply"],
    ["apply", "--validate=ignore"],
  ];
  for (const verb of VARIANTS) {
    await t.step(verb.join(" "), async () => {
      const args = [...verb, "-f", file];
      const theirs = await fx.kubectl.run(args);
      const io = captureIO();
      const code = await k1s.run(["--server", fx.server.url, ...args], io);
      assert.deepEqual({ code, out: io.out, err: io.err }, theirs);
    });
  }
});

Deno.test("-f with an object without a name: refused as kubectl refuses it, nothing deleted", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  assert.equal((await fx.kubectl.run(["create", "cm", "keep"])).code, 0);
  const files = {
    "noname.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n",
    "nullmeta.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: null\n",
  };
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${fx.dir}/${name}`, text);
    for (const verb of [["delete"], ["replace"], ["describe"], ["label", "x=y"], ["diff"]]) {
      await t.step(`${verb.join(" ")} ${name}`, async () => {
        const args = [...verb, "-f", `${fx.dir}/${name}`];
        const theirs = await fx.kubectl.run(args);
        const io = captureIO();
        const code = await k1s.run(["--server", fx.server.url, ...args], io);
        assert.deepEqual({ code, out: io.out, err: io.err }, theirs);
        // A nameless DELETE would have addressed the whole collection.
        assert.equal((await fx.kubectl.run(["get", "cm", "-o", "name"])).out, "configmap/keep\n");
      });
    }
  }
  await t.step("the HTTP client refuses an object call without a name", async () => {
    const { HttpClient } = await import("../src/client/http.ts");
    const { ConfigMap } = await import("../mod.ts");
    const client = new HttpClient({ server: fx.server.url });
    await assert.rejects(
      () => client.delete(ConfigMap, undefined as unknown as string),
      /resource name may not be empty/,
    );
    await assert.rejects(() => client.get(ConfigMap, ""), /resource name may not be empty/);
    assert.equal((await fx.kubectl.run(["get", "cm", "-o", "name"])).out, "configmap/keep\n");
  });
});
