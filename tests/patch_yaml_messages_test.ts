// A patch that is not JSON is read as YAML, and kubectl 1.32 reports the YAML it cannot read in
// go-yaml's words: an unclosed flow collection (`[`, `{`) or quoted scalar, a closing bracket of
// the wrong kind, a value missing after `,` or `:`, with go-yaml's line. `patch --local -f`
// shows them without a server; the golden lines are kubectl's, checked against it when
// installed.
import assert from "node:assert/strict";
import { k1s } from "../cli/cli_under_test.ts";
import { runCli } from "../cli/_test_helpers.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

/** [the patch text, what go-yaml says of it after `yaml: `]. */
const CASES: [string, string][] = [
  ['[{"op":', "line 1: did not find expected node content"],
  ['[{"op":"remove"', "line 1: did not find expected ',' or '}'"],
  ["[1,", "line 1: did not find expected node content"],
  ["[", "line 1: did not find expected node content"],
  ['[{"a":1}', "line 1: did not find expected ',' or ']'"],
  ["a: {b: 1", "line 1: did not find expected ',' or '}'"],
  ["a: {b: ", "line 1: did not find expected node content"],
  ["a:\n - [b", "line 2: did not find expected ',' or ']'"],
  ["a: [1,\n  2", "line 2: did not find expected ',' or ']'"],
  ["a: [1,\n", "line 1: did not find expected node content"],
  ["a: ['x]'", "line 1: did not find expected ',' or ']'"],
  // A closing bracket of the wrong kind, on the first line: go-yaml names no line.
  ["- {a: [1}", "did not find expected ',' or ']'"],
  ["x: [a, {b: c]", "did not find expected ',' or '}'"],
  ["[1,}", "did not find expected node content"],
  ["a: 'x", "found unexpected end of stream"],
  ['a: 1\nb: "x', "line 2: found unexpected end of stream"],
];

Deno.test("patch: go-yaml's messages for a YAML patch kubectl cannot read", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-patch-yaml-" });
  try {
    await Deno.writeTextFile(
      `${dir}/cm.yaml`,
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    if (!KUBECTL_132) {
      console.log("kubectl 1.32 is not installed: comparing with the golden lines only");
    }
    for (const [patch, message] of CASES) {
      await t.step(JSON.stringify(patch), async () => {
        const want = `error: unable to parse ${JSON.stringify(patch)}: yaml: ${message}\n`;
        for (const type of ["json", "merge", "strategic"]) {
          const args = ["patch", "--local", "-f", `${dir}/cm.yaml`, `--type=${type}`, "-p", patch];
          const ours = await runCli(k1s, args);
          assert.deepEqual({ code: ours.code, out: ours.out, err: ours.err }, {
            code: 1,
            out: "",
            err: want,
          }, type);
        }
        if (KUBECTL_132) {
          const theirs = await kubectlOffline(
            ["patch", "--local", "-f", "cm.yaml", "-p", patch],
            dir,
          );
          assert.equal(theirs.err, want);
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
