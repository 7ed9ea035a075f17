// `api-resources` and `api-versions` through a server list what its discovery says (the
// reviews it serves beside the stored kinds, namespaces without deletecollection), as kubectl
// 1.32 prints them against the same server; on a local store, the same kinds and verbs less the
// served-only reviews.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

const CASES = [
  ["api-resources"],
  ["api-resources", "-o", "wide"],
  ["api-resources", "-o", "name"],
  ["api-resources", "--verbs=deletecollection"],
  ["api-resources", "--sort-by=kind", "--namespaced=false"],
  ["api-resources", "--api-group=authorization.k8s.io", "--no-headers"],
  ["api-versions"],
];

const run = async (args: string[]) => {
  const io = captureIO();
  const code = await k1s.run(args, io);
  return { code, out: io.out, err: io.err };
};

Deno.test("api-resources and api-versions: k1s prints what kubectl 1.32 prints", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  const reviews = /^.*(selfsubject|authentication\.k8s\.io|authorization\.k8s\.io).*\n/gm;
  for (const args of CASES) {
    await t.step(args.join(" "), async () => {
      const theirs = await fx.kubectl.run(args);
      assert.equal(theirs.code, 0, theirs.err);
      assert.deepEqual(await run(["--server", fx.server.url, ...args]), theirs);
      // A local store has the stored kinds: the same lines but the reviews'.
      const local = await run(["--store=memory:", ...args]);
      assert.equal(local.code, 0, local.err);
      assert.equal(local.out, theirs.out.replace(reviews, ""));
    });
  }
});
