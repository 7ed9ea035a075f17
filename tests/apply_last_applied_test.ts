// `apply view-last-applied` and `apply set-last-applied`, run both ways against one served store:
// kubectl 1.32, and k1s with --server. What they print and what they leave in the annotation must
// be the same.
import assert from "node:assert/strict";
import { k1s } from "../cli/cli_under_test.ts";
import { runCli } from "../cli/_test_helpers.ts";
import { LAST_APPLIED_ANNOTATION } from "../cli/apply.ts";
import { ConfigMap } from "../src/resources/core_v1.ts";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

const cm = (name: string, data: Record<string, string>) =>
  JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });

Deno.test({
  name:
    "apply view-last-applied and set-last-applied: k1s prints and writes what kubectl 1.32 does",
  ignore: !haveKubectl(32),
  async fn() {
    await using f = await kubectlFixture(32);
    const { dir, kubectl, server, rt } = f;
    const both = async (args: string[]) => {
      const run = await kubectl.run(args);
      // (kubectl's usage hints name kubectl.)
      const theirs = { ...run, err: run.err.replaceAll("See 'kubectl ", "See 'k1s ") };
      const ours = await runCli(k1s, ["--server", server.url, ...args]);
      return { theirs, ours };
    };
    const same = async (args: string[]) => {
      const { theirs, ours } = await both(args);
      assert.deepEqual(ours, theirs, args.join(" "));
      return ours;
    };
    const annotation = async (name: string) =>
      (await rt.client.get(ConfigMap, name, { namespace: "default" })).metadata.annotations
        ?.[LAST_APPLIED_ANNOTATION];

    await Deno.writeTextFile(`${dir}/a.json`, cm("a", { z: "1", b: "<2>" }));
    assert.equal((await kubectl.run(["apply", "-f", `${dir}/a.json`])).code, 0);
    // YAML (the default) and JSON as json.Indent leaves it (key order and escapes kept).
    assert.match(
      (await same(["apply", "view-last-applied", "configmap/a"])).out,
      /^apiVersion: v1\n/,
    );
    assert.match(
      (await same(["apply", "view-last-applied", "cm", "a", "-o", "json"])).out,
      /^\{\n {2}"/,
    );
    await same(["apply", "view-last-applied", "cm", "--all"]);
    await same(["apply", "view-last-applied", "-f", `${dir}/a.json`]);
    await same(["apply", "view-last-applied", "cm/a", "-o", "wide"]);
    await same(["apply", "view-last-applied", "cm"]);
    await same(["apply", "view-last-applied"]);

    // An object without the annotation: passed over when named, kubectl's odd error from a file.
    await Deno.writeTextFile(`${dir}/b.json`, cm("b", { k: "v" }));
    assert.equal((await kubectl.run(["create", "-f", `${dir}/b.json`])).code, 0);
    assert.equal((await same(["apply", "view-last-applied", "cm/b"])).out, "");
    assert.equal((await same(["apply", "view-last-applied", "-f", `${dir}/b.json`])).code, 1);
    const refused = await same(["apply", "set-last-applied", "-f", `${dir}/b.json`]);
    assert.match(refused.err, /run the command with --create-annotation/);
    assert.equal(await annotation("b"), undefined);

    // set-last-applied: the file's object becomes the annotation; nothing else changes.
    await Deno.writeTextFile(`${dir}/a2.json`, cm("a", { z: "changed" }));
    const before = await rt.client.get(ConfigMap, "a", { namespace: "default" });
    const dry = await same([
      "apply",
      "set-last-applied",
      "-f",
      `${dir}/a2.json`,
      "--dry-run=client",
    ]);
    assert.equal(dry.out, "configmap/a configured (dry run)\n");
    const theirs = await kubectl.run(["apply", "set-last-applied", "-f", `${dir}/a2.json`]);
    assert.equal(theirs.out, "configmap/a configured\n");
    const kubectlWrote = await annotation("a");
    const after = await rt.client.get(ConfigMap, "a", { namespace: "default" });
    assert.deepEqual(after.data, before.data, "only the annotation changes");
    // k1s, from the annotation kubectl set back to the first file, then to the second.
    await kubectl.run(["apply", "set-last-applied", "-f", `${dir}/a.json`]);
    const ours = await runCli(k1s, [
      "--server",
      server.url,
      "apply",
      "set-last-applied",
      "-f",
      `${dir}/a2.json`,
    ]);
    assert.deepEqual(ours, theirs);
    assert.equal(await annotation("a"), kubectlWrote);
    // Unchanged: kubectl's line, nothing written.
    await same(["apply", "set-last-applied", "-f", `${dir}/a2.json`]);
    // --create-annotation: kubectl's run, undone, then k1s's.
    const create = ["apply", "set-last-applied", "-f", `${dir}/b.json`, "--create-annotation"];
    const kubectlCreated = await kubectl.run([...create, "-o", "name"]);
    assert.equal(kubectlCreated.out, "configmap/b\n");
    const created = await annotation("b");
    await rt.client.patch(ConfigMap, "b", {
      metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: null } },
    }, { namespace: "default", type: "merge" });
    assert.deepEqual(
      await runCli(k1s, ["--server", server.url, ...create, "-o", "name"]),
      kubectlCreated,
    );
    assert.equal(await annotation("b"), created);
    await same(["apply", "set-last-applied"]);
  },
});
