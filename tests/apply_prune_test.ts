// `apply --prune`, run both ways: kubectl 1.32 against one served store, k1s against another,
// from the same files; what they print and what is left must be the same.
import assert from "node:assert/strict";
import { k1s } from "../cli/cli_under_test.ts";
import { runCli } from "../cli/_test_helpers.ts";
import { ConfigMap } from "../src/resources/core_v1.ts";
import { haveKubectl, type KubectlFixture, kubectlFixture } from "./_kubectl.ts";

const cm = (name: string, app: string) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, labels: { app } },
    data: { k: name },
  });

/** The same scene in a served store; returns what each step printed. */
async function scene(f: KubectlFixture, run: (args: string[]) => Promise<unknown>) {
  const { dir } = f;
  const out: unknown[] = [];
  await Deno.writeTextFile(
    `${dir}/all.json`,
    [cm("a", "web"), cm("b", "web"), cm("c", "db")].join("\n"),
  );
  await Deno.writeTextFile(`${dir}/a.json`, cm("a", "web"));
  await Deno.writeTextFile(`${dir}/d.json`, cm("d", "web"));
  await Deno.writeTextFile(`${dir}/c.json`, cm("c", "db"));
  const allow = "--prune-allowlist=core/v1/ConfigMap";
  /** `apply --prune -f FILE` and more flags. */
  const prune = async (file: string, ...flags: string[]) =>
    out.push(await run(["apply", "--prune", "-f", `${dir}/${file}`, ...flags]));
  out.push(await run(["apply", "-f", `${dir}/all.json`]));
  out.push(await run(["create", "-f", `${dir}/d.json`])); // no last-applied annotation
  // Refusals, before anything is written.
  await prune("a.json", allow);
  await prune("a.json", "--all", "-l", "app=web", allow);
  await prune("a.json", "-l", "app=web", "--prune-allowlist=v1/ConfigMap");
  await prune("a.json", "-l", "app=web", "--prune-allowlist=core/v1/Frob");
  // A dry run prints what would go; then the prune.
  await prune("a.json", "-l", "app=web", allow, "--dry-run=client");
  await prune("a.json", "-l", "app=web", allow, "--dry-run=server");
  await prune("a.json", "-l", "app=web", allow);
  // -l also picks what is applied: of all.json only c, and nothing labelled app=db goes.
  await prune("all.json", "-l", "app=db", allow, "-o", "name");
  await prune("all.json", "--all", allow);
  // --all: every applied config map but c goes; d, never applied, stays.
  await prune("c.json", "--all", allow);
  const left = await f.rt.client.list(ConfigMap, { namespace: "default" });
  out.push(left.items.map((o) => o.metadata.name).filter((n) => n !== "kube-root-ca.crt"));
  return out;
}

Deno.test({
  name: "apply --prune: k1s prints and deletes what kubectl 1.32 does",
  ignore: !haveKubectl(32),
  async fn() {
    await using theirs = await kubectlFixture(32);
    await using ours = await kubectlFixture(32);
    const kubectlSaid = await scene(theirs, async (args) => {
      const r = await theirs.kubectl.run(args);
      return {
        ...r,
        out: r.out.replaceAll(theirs.dir, "DIR"),
        err: r.err.replaceAll(theirs.dir, "DIR"),
      };
    });
    const k1sSaid = await scene(ours, async (args) => {
      const r = await runCli(k1s, ["--server", ours.server.url, ...args]);
      return {
        ...r,
        out: r.out.replaceAll(ours.dir, "DIR"),
        err: r.err.replaceAll(ours.dir, "DIR"),
      };
    });
    if (Deno.env.get("K1S_SHOW")) console.log(JSON.stringify(kubectlSaid, null, 1));
    for (let i = 0; i < kubectlSaid.length; i++) {
      assert.deepEqual(k1sSaid[i], kubectlSaid[i], `step ${i}`);
    }
    assert.deepEqual(kubectlSaid.at(-2), {
      code: 0,
      out: "configmap/c unchanged\nconfigmap/a pruned\nconfigmap/b pruned\n",
      err: "",
    });
    assert.deepEqual(kubectlSaid.at(-1), ["c", "d"]);
  },
});

Deno.test({
  name: "apply --force: an immutable change deletes and re-creates, as kubectl 1.32 does",
  ignore: !haveKubectl(32),
  async fn() {
    await using theirs = await kubectlFixture(32);
    await using ours = await kubectlFixture(32);
    const steps = async (f: KubectlFixture, run: (args: string[]) => Promise<unknown>) => {
      const frozen = (v: string) =>
        JSON.stringify({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "frozen" },
          immutable: true,
          data: { k: v },
        });
      await Deno.writeTextFile(`${f.dir}/v1.json`, frozen("one"));
      await Deno.writeTextFile(`${f.dir}/v2.json`, frozen("two"));
      const out = [await run(["apply", "-f", `${f.dir}/v1.json`])];
      const before = await f.rt.client.get(ConfigMap, "frozen", { namespace: "default" });
      out.push(await run(["apply", "-f", `${f.dir}/v2.json`]));
      out.push(await run(["apply", "-f", `${f.dir}/v2.json`, "--force", "--dry-run=server"]));
      out.push(await run(["apply", "-f", `${f.dir}/v2.json`, "--force", "--prune", "--all"]));
      out.push(await run(["apply", "-f", `${f.dir}/v2.json`, "--force"]));
      const after = await f.rt.client.get(ConfigMap, "frozen", { namespace: "default" });
      out.push([after.data, after.metadata.uid !== before.metadata.uid]);
      return out;
    };
    const clean = (dir: string, r: { code: number; out: string; err: string }) => ({
      ...r,
      out: r.out.replaceAll(dir, "DIR"),
      err: r.err.replaceAll(dir, "DIR"),
    });
    const kubectlSaid = await steps(
      theirs,
      async (a) => clean(theirs.dir, await theirs.kubectl.run(a)),
    );
    const k1sSaid = await steps(
      ours,
      async (a) => clean(ours.dir, await runCli(k1s, ["--server", ours.server.url, ...a])),
    );
    if (Deno.env.get("K1S_SHOW")) console.log(JSON.stringify(kubectlSaid, null, 1));
    assert.deepEqual(k1sSaid, kubectlSaid);
    assert.deepEqual(kubectlSaid.at(-2), {
      code: 0,
      out: "configmap/frozen configured\n",
      err: "",
    });
    assert.deepEqual(kubectlSaid.at(-1), [{ k: "two" }, true]);
  },
});
