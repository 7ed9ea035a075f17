// Malformed YAML gets go-yaml's words and line numbers, as kubectl 1.32 prints them: the golden
// lines below are kubectl's (`kubectl create -f F --dry-run=client` parses before it needs a
// server); when kubectl 1.32 is installed the test checks them against it too.
import assert from "node:assert/strict";
import { parseManifests } from "../cli/manifests.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

const HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n";

/** [case, manifest, kubectl's message after `yaml: `]. */
const CASES: [string, string, string][] = [
  ["unterminated flow sequence", `${HEAD}  name: [b\n`, "line 4: did not find expected ',' or ']'"],
  [
    "tab indentation",
    `${HEAD.slice(0, -10)}\tmetadata:\n  name: c\n`,
    "line 3: found a tab character that violates indentation",
  ],
  ["key less indented", `${HEAD}  name: c\n data: x\n`, "line 4: did not find expected key"],
  ["unterminated double quote", `${HEAD}  name: "c\n`, "line 5: found unexpected end of stream"],
  [
    "unterminated flow map",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c\n",
    "line 3: did not find expected ',' or '}'",
  ],
  [
    "a mapping value in a plain scalar",
    `${HEAD}  name: c\ndata:\n  a: b: c\n`,
    "line 6: mapping values are not allowed in this context",
  ],
  [
    "a key after sequence items",
    `${HEAD}  name: c\ndata:\n  - a\n  b: c\n`,
    "line 6: did not find expected '-' indicator",
  ],
  ["an unknown anchor", `${HEAD}  name: *x\n`, "unknown anchor 'x' referenced"],
  [
    "a flow map closed by ]",
    `${HEAD}  name: c\n  labels: {a: b]\n`,
    "line 4: did not find expected ',' or '}'",
  ],
  ["unterminated single quote", `${HEAD}  name: 'c\n`, "line 5: found unexpected end of stream"],
  [
    "@ starting a scalar",
    `${HEAD}  name: c\ndata:\n  k: @x\n`,
    "line 6: found character that cannot start any token",
  ],
  [
    "a key back at a lesser indent",
    `${HEAD}    name: c\n  labels: {}\n`,
    "line 4: did not find expected key",
  ],
  ["a sequence item after a key", "a: b\n- c\n", "line 1: did not find expected key"],
  [
    "a block scalar less indented",
    `${HEAD}  name: c\ndata:\n  k: |\n x\n`,
    "line 6: did not find expected key",
  ],
  [
    "a flow sequence over two lines",
    "key: [a, b\nother: c\n",
    "line 1: did not find expected ',' or ']'",
  ],
  ["invalid !!binary", "a: !!binary x\nkind: y\n", "!!binary value contains invalid base64 data"],
];

Deno.test("malformed YAML: go-yaml's words and line numbers, as kubectl prints them", async (t) => {
  const dir = KUBECTL_132 ? await Deno.makeTempDir({ prefix: "k1s-yaml-" }) : undefined;
  if (!dir) console.log("kubectl 1.32 is not installed: comparing with the golden lines only");
  try {
    for (const [name, text, message] of CASES) {
      await t.step(name, async () => {
        const expected = `error parsing bad.yaml: error converting YAML to JSON: yaml: ${message}`;
        assert.throws(() => parseManifests(text, "bad.yaml"), (err: Error) => {
          assert.equal(err.message, expected);
          return true;
        });
        if (dir) {
          await Deno.writeTextFile(`${dir}/bad.yaml`, text);
          const r = await kubectlOffline(["create", "-f", "bad.yaml", "--dry-run=client"], dir);
          assert.equal(r.err, `error: ${expected}\n`);
        }
      });
    }
  } finally {
    if (dir) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("repeated keys: the last wins, as go-yaml v2's; !!binary is decoded to a string", () => {
  const [obj] = parseManifests(`${HEAD}  name: c\n  name: d\ndata:\n  a: !!binary aGVsbG8=\n`, "f");
  assert.equal(obj.metadata.name, "d");
  assert.deepEqual((obj as unknown as { data: unknown }).data, { a: "hello" });
});
