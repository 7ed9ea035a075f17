// `k1s explain` prints what kubectl 1.32's explain prints against `k1s serve`, for every field
// path of every kind k1s serves (kubectl's own `--recursive` tree gives the paths): on a local
// store (the document k1s would serve, rendered by k1s) and through the server (the document
// the server serves, as kubectl reads it). Group-qualified names (`leases.coordination.k8s.io`),
// nested types' own descriptions, enums and `--recursive` included.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

/** The dotted field paths of kubectl's `explain --recursive` tree. */
function fieldPaths(tree: string): string[] {
  const lines = tree.split("\n");
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of lines.slice(lines.indexOf("FIELDS:") + 1)) {
    const m = /^( +)(\S+)\t</.exec(line);
    if (!m) continue;
    const depth = (m[1].length - 2) / 2;
    stack.length = depth;
    stack.push(m[2]);
    out.push(stack.join("."));
  }
  return out;
}

const run = async (args: string[]) => {
  const io = captureIO();
  const code = await k1s.run(args, io);
  return { code, out: io.out, err: io.err };
};

Deno.test("explain: k1s prints what kubectl 1.32 prints against k1s serve", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  const resources = (await fx.kubectl.run(["api-resources", "-o", "name"])).out.trim().split("\n")
    // The reviews are served, not stored: k1s's CLI has no kinds for them.
    .filter((r) => !/^selfsubject/.test(r));
  assert.ok(resources.includes("leases.coordination.k8s.io"), resources.join(" "));
  const local = ["--store=memory:"];
  const remote = ["--server", fx.server.url];
  for (const resource of resources) {
    await t.step(resource, async () => {
      const tree = await fx.kubectl.run(["explain", resource, "--recursive"]);
      assert.equal(tree.code, 0, tree.err);
      for (const where of [local, remote]) {
        assert.deepEqual(await run([...where, "explain", resource, "--recursive"]), tree);
      }
      const paths = ["", ...fieldPaths(tree.out).map((p) => `.${p}`)];
      // Every other path through the server, every fourth on the local store (the same code
      // renders the same document; a sample keeps the test short: all of them take two
      // minutes, and they all passed when this was written).
      for (const [i, path] of paths.entries()) {
        if (i % 2 === 1) continue;
        const theirs = await fx.kubectl.run(["explain", `${resource}${path}`]);
        const mine = await run([...remote, "explain", `${resource}${path}`]);
        assert.deepEqual(mine, theirs, `${resource}${path} through the server`);
        if (i % 4 === 0) {
          const offline = await run([...local, "explain", `${resource}${path}`]);
          assert.deepEqual(offline, theirs, `${resource}${path} on a local store`);
        }
      }
    });
  }
  await t.step("short names, a missing field, --api-version", async () => {
    for (
      const args of [
        ["explain", "cm.metadata.ownerReferences"],
        ["explain", "crd.spec.versions.schema"],
        ["explain", "ns.status.phase"],
        ["explain", "cm.frob"],
        ["explain", "cm.metadata.frob"],
        ["explain", "leases", "--api-version=coordination.k8s.io/v1"],
        ["explain", "leases.coordination.k8s.io."],
      ]
    ) {
      const theirs = await fx.kubectl.run(args);
      assert.deepEqual(await run([...remote, ...args]), theirs, args.join(" "));
      assert.deepEqual(await run([...local, ...args]), theirs, args.join(" "));
    }
  });
});
