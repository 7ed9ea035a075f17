import assert from "node:assert/strict";
import {
  loadManifests,
  type Manifest,
  ManifestError,
  parseManifests,
  parseManifestsPartly,
} from "./manifests.ts";

// Test inputs are written to a temporary directory rather than kept under testdata/, because
// `deno fmt --check` would reformat (or fail on) the deliberately malformed YAML and JSON.
const FILES: Record<string, string> = {
  "bad/array.json": '[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}]\n',
  "bad/badjson.json": '{"apiVersion":"v1" "kind":"x"}',
  "bad/badlist.yaml": "apiVersion: v1\nkind: List\nitems:\n- 5\n- kind: ConfigMap\n",
  "bad/malformed.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n data: x\n",
  "bad/malformed_second.yaml":
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n data: x\n",
  "bad/nokind.yaml": "metadata:\n  name: a\n",
  "bad/onlyapiversion.yaml": "apiVersion: v1\nmetadata:\n  name: a\n",
  "bad/scalar.yaml": "just a string\n",
  "bad/truncated.json": '{"apiVersion":"v1","kind":"ConfigMap",',
  "cmlist.json":
    '{\n  "apiVersion": "v1",\n  "kind": "ConfigMapList",\n  "items": [\n    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j1"}},\n    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j2"}}\n  ]\n}\n',
  "dir/a.yaml":
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a1\ndata:\n  enabled: "yes"\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a2\n',
  "dir/b.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}\n',
  "dir/notes.txt": "not a manifest\n",
  "dir/sub/c.yml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
  "dir/upper.YAML": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: upper\n",
  "list.yaml":
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: l1\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: l2\n",
  "stream.json":
    '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s1"}}\n{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s2"}}\n',
};

const TESTDATA = await Deno.makeTempDir({ prefix: "k1s-manifests-" });
for (const [path, text] of Object.entries(FILES)) {
  const full = `${TESTDATA}/${path}`;
  await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(full, text);
}
globalThis.addEventListener("unload", () => Deno.removeSync(TESTDATA, { recursive: true }));

/** Loads with the test data directory as working directory, so sources read as a user typed them. */
async function load(
  sources: string[],
  options: Parameters<typeof loadManifests>[1] = {},
): Promise<Manifest[]> {
  const cwd = Deno.cwd();
  Deno.chdir(TESTDATA);
  try {
    return await loadManifests(sources, options);
  } finally {
    Deno.chdir(cwd);
  }
}

async function loadError(sources: string[], options = {}): Promise<ManifestError> {
  try {
    await load(sources, options);
  } catch (err) {
    assert.ok(err instanceof ManifestError, `expected a ManifestError, got ${err}`);
    return err;
  }
  throw new Error("expected loadManifests to fail");
}

function names(ms: Manifest[]): string[][] {
  return ms.map((m) => [m.object.metadata.name!, m.source, String(m.index)]);
}

const VALIDATE_TAIL =
  "; if you choose to ignore these errors, turn validation off with --validate=false";

Deno.test("a YAML file with several documents; comment-only documents are skipped", async () => {
  const ms = await load(["dir/a.yaml"]);
  assert.deepEqual(names(ms), [["a1", "dir/a.yaml", "0"], ["a2", "dir/a.yaml", "1"]]);
  // YAML 1.1 as kubectl reads it: a quoted "yes" stays a string.
  assert.deepEqual((ms[0].object as unknown as { data: unknown }).data, { enabled: "yes" });
});

Deno.test("a directory: only .yaml/.yml/.json files, sorted, without subdirectories", async () => {
  const ms = await load(["dir"]);
  assert.deepEqual(names(ms), [
    ["a1", "dir/a.yaml", "0"],
    ["a2", "dir/a.yaml", "1"],
    ["b", "dir/b.json", "0"],
  ]);
  // a trailing slash is not doubled
  assert.deepEqual((await load(["dir/"])).map((m) => m.source), [
    "dir/a.yaml",
    "dir/a.yaml",
    "dir/b.json",
  ]);
});

Deno.test("a directory with -R recurses, in lexical order", async () => {
  const ms = await load(["dir"], { recursive: true });
  assert.deepEqual(names(ms), [
    ["a1", "dir/a.yaml", "0"],
    ["a2", "dir/a.yaml", "1"],
    ["b", "dir/b.json", "0"],
    ["c", "dir/sub/c.yml", "0"],
  ]);
});

Deno.test("a file named explicitly is read whatever its extension", async () => {
  const ms = await load(["dir/upper.YAML"]);
  assert.deepEqual(names(ms), [["upper", "dir/upper.YAML", "0"]]);
});

Deno.test("List and *List objects are flattened, in YAML and JSON", async () => {
  const ms = await load(["list.yaml", "cmlist.json"]);
  assert.deepEqual(names(ms), [
    ["l1", "list.yaml", "0"],
    ["l2", "list.yaml", "1"],
    ["j1", "cmlist.json", "0"],
    ["j2", "cmlist.json", "1"],
  ]);
  assert.equal(ms[1].object.kind, "Secret");
});

Deno.test("a stream of JSON objects", async () => {
  assert.deepEqual(names(await load(["stream.json"])), [
    ["s1", "stream.json", "0"],
    ["s2", "stream.json", "1"],
  ]);
});

Deno.test("stdin as a stream or a function, named STDIN, mixed with files", async () => {
  const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: in1\n---\n" +
    "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: in2}}\n";
  const stream = new Blob([text]).stream();
  const ms = await load(["stream.json", "-"], { stdin: stream });
  assert.deepEqual(names(ms), [
    ["s1", "stream.json", "0"],
    ["s2", "stream.json", "1"],
    ["in1", "STDIN", "0"],
    ["in2", "STDIN", "1"],
  ]);
  const json = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}}';
  assert.deepEqual(names(await load(["-"], { stdin: () => Promise.resolve(json) })), [
    ["j", "STDIN", "0"],
  ]);
});

Deno.test("empty input gives no objects", async () => {
  assert.deepEqual(await load(["-"], { stdin: () => Promise.resolve("\n---\n# nothing\n") }), []);
  assert.deepEqual(
    await load(["-"], { stdin: () => Promise.resolve("apiVersion: v1\nkind: List\nitems: []\n") }),
    [],
  );
});

Deno.test("a missing path is refused before anything is read", async () => {
  let read = false;
  const stdin = () => {
    read = true;
    return Promise.resolve("");
  };
  const err = await loadError(["-", "dir", "missing.yaml"], { stdin });
  assert.equal(err.message, 'the path "missing.yaml" does not exist');
  assert.deepEqual(err.messages, ['the path "missing.yaml" does not exist']);
  assert.equal(read, false);
});

Deno.test("a directory without manifests", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notes.txt`, "hello");
    const err = await loadError([dir]);
    assert.equal(
      err.message,
      `error reading [${dir}]: recognized file extensions are [.json .yaml .yml]`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("malformed YAML: kubectl's prefix and go-yaml's words, the line within the document", async () => {
  // kubectl 1.32 prints `yaml: line 4: did not find expected key` (more cases: tests/yaml_errors_test.ts).
  const err = await loadError(["bad/malformed.yaml"]);
  assert.equal(
    err.message,
    "error parsing bad/malformed.yaml: error converting YAML to JSON: yaml: line 4: " +
      "did not find expected key",
  );
  // In the second document: the line counts within it, as kubectl's.
  const second = await loadError(["bad/malformed_second.yaml"]);
  assert.equal(
    second.message,
    "error parsing bad/malformed_second.yaml: error converting YAML to JSON: yaml: line 4: " +
      "did not find expected key",
  );
});

Deno.test("malformed JSON", async () => {
  assert.equal(
    (await loadError(["bad/truncated.json"])).message,
    "error parsing bad/truncated.json: unexpected EOF",
  );
  // kubectl's words (Go's encoding/json).
  assert.equal(
    (await loadError(["bad/badjson.json"])).message,
    `error parsing bad/badjson.json: json: offset 20: invalid character '"' after object ` +
      "key:value pair",
  );
});

Deno.test("a bad document separator", async () => {
  const err = await loadError(["-"], {
    stdin: () => Promise.resolve("apiVersion: v1\n--- {a: 1}\nkind: X\n"),
  });
  assert.equal(err.message, "error parsing STDIN: invalid Yaml document separator: {a: 1}");
});

Deno.test("objects without apiVersion or kind", async () => {
  assert.equal(
    (await loadError(["bad/nokind.yaml"])).message,
    `error validating "bad/nokind.yaml": error validating data: [apiVersion not set, kind not set]${VALIDATE_TAIL}`,
  );
  assert.equal(
    (await loadError(["bad/onlyapiversion.yaml"])).message,
    `error validating "bad/onlyapiversion.yaml": error validating data: kind not set${VALIDATE_TAIL}`,
  );
  assert.equal(
    (await loadError(["-"], { stdin: () => Promise.resolve("apiVersion: v1\nkind: 5\n") })).message,
    `error validating "STDIN": error validating data: kind isn't string type${VALIDATE_TAIL}`,
  );
});

Deno.test("documents that are not objects", async () => {
  assert.equal(
    (await loadError(["bad/scalar.yaml"])).message,
    `error validating "bad/scalar.yaml": error validating data: invalid object to validate${VALIDATE_TAIL}`,
  );
  assert.equal(
    (await loadError(["bad/array.json"])).message,
    `error validating "bad/array.json": error validating data: invalid object to validate${VALIDATE_TAIL}`,
  );
});

Deno.test("bad list items are reported together", async () => {
  assert.equal(
    (await loadError(["bad/badlist.yaml"])).message,
    `error validating "bad/badlist.yaml": error validating data: ` +
      `[invalid object to validate, apiVersion not set]${VALIDATE_TAIL}`,
  );
});

Deno.test("problems of several sources are reported together, one line each", async () => {
  const err = await loadError(["dir", "bad/nokind.yaml", "list.yaml", "bad/scalar.yaml"]);
  assert.deepEqual(err.messages, [
    `error validating "bad/nokind.yaml": error validating data: [apiVersion not set, kind not set]${VALIDATE_TAIL}`,
    `error validating "bad/scalar.yaml": error validating data: invalid object to validate${VALIDATE_TAIL}`,
  ]);
  assert.equal(err.message, err.messages.join("\n"));
});

Deno.test("YAML is read as kubectl's go-yaml reads it (1.1 booleans and octals, timestamps as text)", async () => {
  const text = "apiVersion: v1\nkind: X\nmetadata: {name: a}\n" +
    "spec: {a: yes, b: on, c: 0777, d: 2024-01-02, e: 22:22, f: 'yes'}\n";
  const [m] = await load(["-"], { stdin: () => Promise.resolve(text) });
  assert.deepEqual((m.object as unknown as { spec: unknown }).spec, {
    a: true,
    b: true,
    c: 511,
    d: "2024-01-02",
    e: "22:22",
    f: "yes",
  });
});

Deno.test("YAML scalars resolve as go-yaml v2 resolves them: e1 is a string, 1e3 a number", () => {
  const data = parseManifests(
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e1\ndata:\n  a: E5\n  b: 1e3\n  c: .5e1\n",
    "x.yaml",
  )[0];
  assert.equal(data.metadata.name, "e1");
  assert.deepEqual((data as { data?: unknown }).data, { a: "E5", b: 1000, c: 5 });
});

Deno.test("validate: false leaves apiVersion and kind to the decoder's words", async () => {
  const stdin = (text: string) => ({ stdin: () => Promise.resolve(text), validate: false });
  assert.equal(
    (await loadError(["-"], stdin("apiVersion: v1\nmetadata: {name: x}\n"))).message,
    `unable to decode "STDIN": Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'`,
  );
  // Without kind but valid otherwise, with validation the validator's words stay.
  assert.match(
    (await loadError(["-"], { stdin: () => Promise.resolve("apiVersion: v1\n") })).message,
    /^error validating "STDIN": error validating data: kind not set/,
  );
  // An object without apiVersion decodes (kubectl leaves that to the mapping).
  const [m] = await load(["-"], stdin("kind: ConfigMap\nmetadata: {name: x}\n"));
  assert.equal(m.object.kind, "ConfigMap");
});

Deno.test("metadata that does not decode is refused; the documents after it are still read", () => {
  const text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 5}\n---\n" +
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: {a: yes}}\n---\n" +
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
  const { objects, problem } = parseManifestsPartly(text, "f.yaml");
  assert.deepEqual(objects.map((o) => o.metadata.name), ["c"]);
  assert.deepEqual(problem?.messages, [
    'unable to decode "f.yaml": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    'unable to decode "f.yaml": json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string',
  ]);
  // Null values decode to nothing, and a list's items are not checked (only the list's metadata).
  assert.deepEqual(
    parseManifests(
      "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: 5}}\n" +
        "metadata: {labels: {a: null}}\n",
      "l.yaml",
    ).map((o) => o.metadata.name),
    [5],
  );
});

Deno.test("YAML as kubectl's reader splits it: --- starting a chunk stays in it, ... ends a document", () => {
  const bad = (text: string) => {
    try {
      parseManifests(text, "f.yaml");
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  };
  const prefix = "error parsing f.yaml: error converting YAML to JSON: yaml: ";
  assert.equal(bad("---\na: [b\n"), `${prefix}line 2: did not find expected ',' or ']'`);
  assert.equal(bad("---\n...\n"), undefined);
  assert.equal(bad("---\n---\n...\n"), `${prefix}did not find expected node content`);
  assert.equal(bad("\n\n...\n"), `${prefix}line 2: did not find expected node content`);
  assert.deepEqual(parseManifests("apiVersion: v1\nkind: A\n...\nx: [\n", "f.yaml"), [
    { apiVersion: "v1", kind: "A" },
  ]);
  assert.equal(
    bad("a: {~: 1}\n"),
    "error parsing f.yaml: error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: 1",
  );
});
