// Wrongly typed and malformed patches get kubectl 1.32's messages. `patch --local -f` shows them
// without a server on both sides; the golden lines are kubectl's, checked against it when
// installed.
import assert from "node:assert/strict";
import { k1s } from "../cli/cli_under_test.ts";
import { runCli } from "../cli/_test_helpers.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

/** [patch flags, kubectl's stderr]. */
const CASES: [string[], string][] = [
  [
    ["--type=json", "-p", '{"a":1}'],
    "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
  ],
  [
    ["--type=merge", "-p", "[1]"],
    "json: cannot unmarshal array into Go value of type unstructured.detector",
  ],
  [["--type=merge", "-p", '"s"'], "Invalid JSON Patch"],
  [["--type=foo", "-p", "{}"], '--type must be one of [json merge strategic], not "foo"'],
  [["--type=json", "-p", '[{"op":"frob"}]'], "Unexpected kind: frob"],
  [
    ["--type=json", "-p", '[{"op":"add","path":"/data/x"}]'],
    'add operation does not apply: doc is missing path: "/data/x": missing value',
  ],
  [["-p", "{bad"], "invalid JSON document"],
  [["--type=merge", "-p", "{bad"], "Invalid JSON Patch"],
  [
    ["--type=json", "-p", "{bad"],
    "invalid character 'b' looking for beginning of object key string",
  ],
  [
    ["--type=json", "-p", "[bad"],
    `unable to parse "[bad": yaml: line 1: did not find expected ',' or ']'`,
  ],
  [["--type=strategic", "-p", "5"], "invalid JSON document"],
];

Deno.test("patch: kubectl's messages for wrongly typed and malformed patches", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-patch-" });
  try {
    await Deno.writeTextFile(
      `${dir}/cm.yaml`,
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    if (!KUBECTL_132) {
      console.log("kubectl 1.32 is not installed: comparing with the golden lines only");
    }
    for (const [flags, message] of CASES) {
      await t.step(flags.join(" "), async () => {
        const ours = await runCli(k1s, ["patch", "--local", "-f", `${dir}/cm.yaml`, ...flags]);
        assert.deepEqual({ code: ours.code, out: ours.out, err: ours.err }, {
          code: 1,
          out: "",
          err: `error: ${message}\n`,
        });
        if (KUBECTL_132) {
          const theirs = await kubectlOffline(["patch", "--local", "-f", "cm.yaml", ...flags], dir);
          assert.equal(theirs.err, `error: ${message}\n`);
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
