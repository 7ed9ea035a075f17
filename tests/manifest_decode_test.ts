// What kubectl 1.32 refuses in `-f` manifests beyond their YAML syntax, and the YAML details its
// reader and go-yaml have: metadata that does not decode into ObjectMeta (`unable to decode`),
// null mapping keys, tabs, `...` document ends, a leading `---` in the line numbers. The expected
// outputs are kubectl's; when kubectl 1.32 is installed the test runs it on the same files (offline:
// `label --local`, `create --dry-run=client`, `--validate=false`) and requires the same result.
import assert from "node:assert/strict";
import { captureIO } from "../cli/io.ts";
import { k1s } from "../cli/cli_under_test.ts";
import { parseManifestsPartly } from "../cli/manifests.ts";
import { KUBECTL_132, kubectlOffline } from "./_kubectl.ts";

const CM = "apiVersion: v1\nkind: ConfigMap\n";
const YAML_ERR = "error converting YAML to JSON: yaml:";

interface Case {
  name: string;
  file: string;
  text: string;
  /** The command, `F` standing for the file's absolute path. */
  args: string[];
  code: number;
  out: string;
  /** Standard error, `F` standing for the file's absolute path. */
  err: string;
}

const LABEL = ["label", "--local", "-o", "name", "-f", "F", "a=b"];
const CREATE_NOVALIDATE = [
  "create",
  "--dry-run=client",
  "--validate=false",
  "-o",
  "name",
  "-f",
  "F",
];
const CREATE = ["create", "--dry-run=client", "-o", "name", "-f", "F"];

const CASES: Case[] = [
  {
    name: "a YAML 1.1 boolean label value (y)",
    file: "bool.yaml",
    text: `${CM}metadata:\n  name: a\n  labels: {x: y}\n`,
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string\n',
  },
  {
    name: "a YAML 1.1 boolean label value, create --validate=false",
    file: "bool.yaml",
    text: `${CM}metadata:\n  name: a\n  labels: {x: y}\n`,
    args: CREATE_NOVALIDATE,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string\n',
  },
  {
    name: "a numeric name",
    file: "name.yaml",
    text: `${CM}metadata:\n  name: 123\n`,
    args: CREATE_NOVALIDATE,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string\n',
  },
  {
    name: "a numeric label value",
    file: "numlabel.yaml",
    text: `${CM}metadata:\n  name: a\n  labels: {x: 5}\n`,
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string\n',
  },
  {
    name: "the first bad field in sorted key order wins",
    file: "several.yaml",
    text: `${CM}metadata: {name: a, generation: x, finalizers: [1], annotations: {a: 1.5}}\n`,
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string\n',
  },
  {
    name: "a fractional generation",
    file: "generation.yaml",
    text: `${CM}metadata: {name: a, generation: 1.5}\n`,
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.metadata.generation of type int64\n',
  },
  {
    name: "labels that are a list",
    file: "labellist.yaml",
    text: `${CM}metadata: {name: a, labels: [a]}\n`,
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string\n',
  },
  {
    name: "an owner reference's controller as a string",
    file: "owner.yaml",
    text: `${CM}metadata: {name: a, ownerReferences: [{name: 5, controller: x}]}\n`,
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal string into Go struct field OwnerReference.metadata.ownerReferences.controller of type bool\n',
  },
  {
    name: "a numeric creationTimestamp",
    file: "time.yaml",
    text: `${CM}metadata: {name: a, creationTimestamp: 5}\n`,
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string\n',
  },
  {
    name: "metadata that is a number",
    file: "meta.yaml",
    text: `${CM}metadata: 5\n`,
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal number into Go struct field metadataOnlyObject.metadata of type v1.ObjectMeta\n',
  },
  {
    name: "JSON: fields in the order written",
    file: "labels.json",
    text:
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"b": 1, "a": true}}}\n',
    args: LABEL,
    code: 1,
    out: "",
    err:
      'error: unable to decode "F": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string\n',
  },
  {
    name: "a refused document does not stop the others",
    file: "multi.yaml",
    text: `${CM}metadata: {name: 5}\n---\n${CM}metadata: {name: b}\n`,
    args: LABEL,
    code: 1,
    out: "configmap/b\n",
    err:
      'error: unable to decode "F": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string\n',
  },
  {
    name: "a null mapping key",
    file: "nullkey.yaml",
    text: `${CM}metadata:\n  name: a\n  labels: {~: a}\n`,
    args: CREATE,
    code: 1,
    out: "",
    err:
      'error: error parsing F: error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: "a"\n',
  },
  {
    name: "a null mapping key with a map value",
    file: "nullkey2.yaml",
    text: `${CM}metadata: {name: a}\ndata: {null: {a: [1, b, ~]}}\n`,
    args: CREATE,
    code: 1,
    out: "",
    err:
      'error: error parsing F: error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: map[interface {}]interface {}{"a":[]interface {}{1, "b", interface {}(nil)}}\n',
  },
  {
    name: "a tab indenting a mapping",
    file: "tab.yaml",
    text: `${CM}metadata:\n\tname: a\n`,
    args: CREATE,
    code: 1,
    out: "",
    err:
      `error: error parsing F: ${YAML_ERR} line 4: found character that cannot start any token\n`,
  },
  {
    name: "a tab after a quoted scalar",
    file: "tab2.yaml",
    text: `${CM}metadata:\n  name: 'a'\n\tlabels: {}\n`,
    args: CREATE,
    code: 1,
    out: "",
    err:
      `error: error parsing F: ${YAML_ERR} line 5: found character that cannot start any token\n`,
  },
  {
    name: "a tab after a plain scalar and a blank line",
    file: "tab3.yaml",
    text: `${CM}metadata:\n  name: a\n\n\tlabels: {}\n`,
    args: CREATE,
    code: 1,
    out: "",
    err:
      `error: error parsing F: ${YAML_ERR} line 6: found a tab character that violates indentation\n`,
  },
  {
    name: "only separators and a document end",
    file: "seps.yaml",
    text: "---\n---\n...\n",
    args: CREATE,
    code: 1,
    out: "",
    err: `error: error parsing F: ${YAML_ERR} did not find expected node content\n`,
  },
  {
    name: "a document end after a comment",
    file: "end.yaml",
    text: "# c\n...\n",
    args: CREATE,
    code: 1,
    out: "",
    err: `error: error parsing F: ${YAML_ERR} line 1: did not find expected node content\n`,
  },
  {
    name: "what follows a document end is not read",
    file: "after.yaml",
    text: `${CM}metadata: {name: a}\n...\nfoo: [\n`,
    args: LABEL,
    code: 0,
    out: "configmap/a\n",
    err: "",
  },
  {
    name: "a leading --- counts in the line numbers",
    file: "lead.yaml",
    text: `---\n${CM}metadata: {name: [a}\n`,
    args: CREATE,
    code: 1,
    out: "",
    err: `error: error parsing F: ${YAML_ERR} line 3: did not find expected ',' or ']'\n`,
  },
];

Deno.test("-f manifests: what kubectl 1.32 decodes and refuses, k1s does too", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-decode-" });
  if (!KUBECTL_132) {
    console.log("kubectl 1.32 is not installed: comparing with the golden outputs only");
  }
  try {
    for (const c of CASES) {
      await t.step(c.name, async () => {
        const path = `${dir}/${c.file}`;
        await Deno.writeTextFile(path, c.text);
        const args = c.args.map((a) => a === "F" ? path : a);
        const io = captureIO();
        const code = await k1s.run(["--store=memory:", ...args], io);
        const expected = { code: c.code, out: c.out, err: c.err.replaceAll("F", path) };
        assert.deepEqual({ code, out: io.out, err: io.err }, expected);
        if (KUBECTL_132) {
          const r = await kubectlOffline(args, dir);
          assert.deepEqual(r, expected);
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** [case, file, text, kubectl's message after `unable to decode "FILE": `]. */
const UNVALIDATED: [string, string, string, string][] = [
  [
    "no kind: the document's JSON, keys sorted, HTML escaped",
    "nokind.yaml",
    "apiVersion: v1\nmetadata: {name: '<a&b>', y: 1e3, z: 0x10}\n",
    `Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"\\u003ca\\u0026b\\u003e","true":1000,"z":16}}'`,
  ],
  [
    "no kind in JSON: the text as written",
    "nokind.json",
    '{"metadata": {"name": "x"},  "apiVersion": "v1"}\n',
    `Object 'Kind' is missing in '{"metadata": {"name": "x"},  "apiVersion": "v1"}'`,
  ],
  [
    "a numeric kind",
    "kind.yaml",
    "apiVersion: v1\nkind: 5\nmetadata: {name: a}\n",
    `Object 'Kind' is missing in '{"apiVersion":"v1","kind":5,"metadata":{"name":"a"}}'`,
  ],
  [
    "a scalar document",
    "scalar.yaml",
    "foo\n",
    "json: cannot unmarshal string into Go value of type unstructured.detector",
  ],
  [
    "a list document",
    "array.yaml",
    "- a\n",
    "json: cannot unmarshal array into Go value of type unstructured.detector",
  ],
  [
    "a numeric apiVersion",
    "apiv.yaml",
    "apiVersion: 5\nkind: ConfigMap\nmetadata: {name: a}\n",
    "json: cannot unmarshal number into Go struct field metadataOnlyObject.apiVersion of type string",
  ],
  [
    "items that are not a list",
    "items.yaml",
    "apiVersion: v1\nkind: List\nitems: 5\n",
    "json: cannot unmarshal number into Go struct field decodeList.items of type []json.RawMessage",
  ],
  [
    "an item that is not an object",
    "item.yaml",
    "apiVersion: v1\nkind: List\nitems:\n- 5\n",
    "json: cannot unmarshal number into Go value of type map[string]interface {}",
  ],
];

Deno.test("without validation (label --local, --validate=false) the decoder's words", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-decode-" });
  try {
    for (const [name, file, text, message] of UNVALIDATED) {
      await t.step(name, async () => {
        const path = `${dir}/${file}`;
        const { objects, problem } = parseManifestsPartly(text, path, { validate: false });
        assert.deepEqual(objects, []);
        assert.deepEqual(problem?.messages, [`unable to decode "${path}": ${message}`]);
        if (KUBECTL_132) {
          await Deno.writeTextFile(path, text);
          const r = await kubectlOffline(LABEL.map((a) => a === "F" ? path : a), dir);
          assert.deepEqual(r, { code: 1, out: "", err: `error: ${problem!.messages[0]}\n` });
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
