// `describe` through a server prints what kubectl 1.32 prints against the same server:
// namespaces (no quota or limit sections: k1s serves neither kind), config maps, service
// accounts and a missing object.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

const CASES = [
  ["describe", "ns", "default"],
  ["describe", "ns"],
  ["describe", "cm", "app"],
  ["describe", "sa", "robot"],
  ["describe", "cm", "nope"],
];

Deno.test("describe: k1s prints what kubectl 1.32 prints against k1s serve", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  for (const args of [["create", "cm", "app", "--from-literal=k=v"], ["create", "sa", "robot"]]) {
    assert.equal((await fx.kubectl.run(args)).code, 0);
  }
  for (const args of CASES) {
    await t.step(args.join(" "), async () => {
      const theirs = await fx.kubectl.run(args);
      const io = captureIO();
      const code = await k1s.run(["--server", fx.server.url, ...args], io);
      assert.deepEqual({ code, out: io.out, err: io.err }, theirs);
    });
  }
});
