// `get --sort-by` orders as kubectl 1.32's sorter: strings byte by byte (item10 before item9),
// two quantities by amount, objects without the field first; maps and other unsortable values
// end the run with klog's `F…` line. Compared with kubectl 1.32 against the same server.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture, type KubectlRun } from "./_kubectl.ts";

const CASES = [
  ["--sort-by=.metadata.name"],
  ["--sort-by=.metadata.name", "-o", "name"],
  ["--sort-by={.metadata.labels.q}", "-o", "name"],
  ["--sort-by=.data.n", "-o", "name"],
  ["--sort-by=.metadata.labels", "-o", "name"],
  ["--sort-by=.metadata.labels"],
  ["--sort-by=.nope", "-o", "name"],
];

/** Ages, and klog's time and pid, vary from run to run. */
const stable = (r: KubectlRun): KubectlRun => ({
  code: r.code,
  out: r.out.replace(/ +\d+s\n/g, "\n"),
  err: r.err.replace(/^F\d{4} [\d:.]+ +\d+ /gm, "F "),
});

Deno.test("get --sort-by: k1s orders and fails as kubectl 1.32 does", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  const objects = [
    ["item9", "1m", "9"],
    ["item10", "200k", "10"],
    ["b1", "", "x"],
    ["z", "3", ""],
  ];
  for (const [name, q, n] of objects) {
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, labels: q ? { q } : {} },
      data: n ? { n } : {},
    };
    const r = await fx.kubectl.run(["create", "-f", "-"], { stdin: JSON.stringify(cm) });
    assert.equal(r.code, 0, r.err);
  }
  for (const args of CASES) {
    await t.step(args.join(" "), async () => {
      const theirs = stable(await fx.kubectl.run(["get", "cm", ...args]));
      const io = captureIO();
      const code = await k1s.run(["--server", fx.server.url, "get", "cm", ...args], io);
      assert.deepEqual(stable({ code, out: io.out, err: io.err }), theirs);
    });
  }
});
