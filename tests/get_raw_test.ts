// `get --raw URI`: the body of one GET as the server sends it, kubectl's refusals of --raw with
// other flags, and the server's errors; through a server and on a local store (the API
// server's handler in-process). Compared with kubectl 1.32 against `k1s serve`.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

const run = async (args: string[]) => {
  const io = captureIO();
  const code = await k1s.run(args, io);
  return { code, out: io.out, err: io.err };
};

Deno.test("get --raw: k1s prints what kubectl 1.32 prints", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  assert.equal((await fx.kubectl.run(["create", "cm", "app", "--from-literal=k=v"])).code, 0);
  const remote = [
    ["get", "--raw", "/api/v1/namespaces/default/configmaps/app"],
    ["get", "--raw", "/api/v1/namespaces/default/configmaps?limit=1"],
    ["get", "--raw", "/api/v1/namespaces/default/configmaps/nope"],
  ];
  // Paths whose bodies do not depend on the store's contents: the same on a local store.
  const both = [
    ["get", "--raw", "/version"],
    ["get", "--raw", "/apis/coordination.k8s.io"],
    ["get", "--raw", "/nope"],
    ["get", "--raw", "x"],
    ["get", "cm", "--raw", "/api"],
    ["get", "--raw", "/api", "-o", "yaml"],
    ["get", "--raw", "/api", "-l", "a=b"],
  ];
  for (const args of [...remote, ...both]) {
    await t.step(args.join(" "), async () => {
      const theirs = await fx.kubectl.run(args);
      const expected = { ...theirs, err: theirs.err.replaceAll("kubectl", "k1s") };
      assert.deepEqual(await run(["--server", fx.server.url, ...args]), expected);
      if (both.includes(args)) assert.deepEqual(await run(["--store=memory:", ...args]), expected);
    });
  }
});
