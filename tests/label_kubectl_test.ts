// `label` and `annotate` on a server's objects print what kubectl 1.32 prints against the same
// server: `label "k" not found.` and `not labeled` when nothing changes, `unlabeled`, `--list`
// with a header per object on standard output, `--resource-version`, client dry runs, and
// `--field-selector` (with `delete` too).
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

const CASES = [
  ["label", "cm", "l1", "nope-"],
  ["label", "cm", "l1", "nope-", "app=web"],
  ["label", "cm", "l3", "nope-"],
  ["label", "cm", "l1", "l2", "nope-"],
  ["label", "cm", "l1", "app-"],
  ["label", "cm", "l1", "app=web"],
  ["label", "cm", "l1", "app=x"],
  ["label", "cm", "l1", "app=x", "--overwrite"],
  ["label", "cm", "l1", "app-", "--dry-run=client"],
  ["label", "cm", "--all", "--list"],
  ["label", "cm", "l1", "--list"],
  ["annotate", "cm", "l1", "l2", "--list"],
  ["annotate", "cm", "l1", "a-"],
  // --field-selector picks the objects, as -l does.
  ["label", "cm", "--field-selector", "metadata.name=l1", "x=1"],
  ["annotate", "cm", "--field-selector", "metadata.name!=l1", "x=1"],
  ["label", "cm", "l1", "--field-selector", "metadata.name=l1", "x=1"],
  ["label", "cm", "--field-selector", "spec.nope=1", "x=1"],
  ["delete", "cm", "--field-selector", "metadata.name=l3"],
  ["delete", "cm", "--field-selector", "bad"],
];

Deno.test("label, annotate and delete on a server: k1s prints what kubectl 1.32 prints", async (t) => {
  if (!haveKubectl(32)) return;
  await using fx = await kubectlFixture();
  // l1 and l2 carry app=web; l3 has no labels.
  const reset = async () => {
    await fx.kubectl.run(["delete", "cm", "l1", "l2", "l3", "--ignore-not-found"]);
    for (const name of ["l1", "l2", "l3"]) {
      assert.equal((await fx.kubectl.run(["create", "cm", name])).code, 0);
    }
    assert.equal((await fx.kubectl.run(["label", "cm", "l1", "l2", "app=web"])).code, 0);
  };
  for (const args of CASES) {
    await t.step(args.join(" "), async () => {
      await reset();
      const theirs = await fx.kubectl.run(args);
      const theirState = await fx.kubectl.run(["get", "cm", "--show-labels", "--no-headers"]);
      await reset();
      const io = captureIO();
      const code = await k1s.run(["--server", fx.server.url, ...args], io);
      assert.deepEqual({ code, out: io.out, err: io.err }, {
        ...theirs,
        err: theirs.err.replaceAll("kubectl", "k1s"),
      });
      const mine = await fx.kubectl.run(["get", "cm", "--show-labels", "--no-headers"]);
      assert.deepEqual(mine.out.replace(/ \d+s /g, " "), theirState.out.replace(/ \d+s /g, " "));
    });
  }
});
