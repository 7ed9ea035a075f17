// Black-box: bad input to create, apply and delete fails with kubectl's message on stderr, a
// non-zero exit code and nothing on stdout, and writes nothing: the store is compared before and
// after. k1s reads and checks every document before it writes any, so a bad third document leaves
// the first two unwritten too.
import assert from "node:assert/strict";
import { assertFails, assertOk, type Sandbox, sandbox } from "./_harness.ts";

/** Everything in the store, as YAML: any write would change it (resourceVersions at least). */
async function snapshot(s: Sandbox): Promise<string> {
  const r = await s.k1s(["get", "cm,secret,sa,ns", "-A", "-o", "yaml"]);
  assert.equal(r.code, 0, r.err);
  return r.out;
}

function cm(name: string, extra = ""): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
}

Deno.test("malformed manifests, unknown kinds and missing files are refused before any write", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  assertOk(
    await s.k1s(["create", "-f", "-"], { stdin: cm("a", "data:\n  k: v\n") }),
    "configmap/a created\n",
  );
  const before = await snapshot(s);

  // The first document is malformed (a tab in the indentation); the second would change `a`.
  // (Documents before a bad one are written, as kubectl's: see the next test.)
  await s.file(
    "f.yaml",
    "apiVersion: v1\nkind: ConfigMap\n\tmetadata:\n  name: c\n" +
      `---\n${cm("a", "data:\n  k: changed\n")}---\n${cm("b")}`,
  );
  // kubectl (go-yaml): `yaml: line 3: found a tab character that violates indentation`; the line
  // counts within the document.
  const yamlError =
    /^error: error parsing f\.yaml: error converting YAML to JSON: yaml: line 3: .+\n$/;
  assertFails(await s.k1s(["create", "-f", "f.yaml"], here), yamlError);
  assertFails(await s.k1s(["apply", "-f", "f.yaml"], here), yamlError);

  // Malformed JSON in the second object of a stream: kubectl reports the byte offset.
  await s.file(
    "f.json",
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"k",}}\n' +
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}}\n',
  );
  assertFails(
    await s.k1s(["create", "-f", "f.json"], here),
    /^error: error parsing f\.json: json: offset 62: invalid character '}' looking for beginning of object key string\n$/,
  );

  // A document without apiVersion and kind.
  await s.file("nokind.yaml", `metadata:\n  name: x\n---\n${cm("b")}`);
  assertFails(
    await s.k1s(["apply", "-f", "nokind.yaml"], here),
    'error: error validating "nokind.yaml": error validating data: [apiVersion not set, kind not set]; ' +
      "if you choose to ignore these errors, turn validation off with --validate=false\n",
  );

  // A kind the server does not serve (alone: beside good objects, those are written, below).
  await s.file("frob.yaml", `apiVersion: v1\nkind: Frob\nmetadata:\n  name: x\n`);
  const unknownKind =
    'error: resource mapping not found for name: "x" namespace: "" from "frob.yaml": ' +
    'no matches for kind "Frob" in version "v1"\nensure CRDs are installed first\n';
  assertFails(await s.k1s(["create", "-f", "frob.yaml"], here), unknownKind);

  // A missing file, even next to a good one.
  assertFails(
    await s.k1s(["apply", "-f", "frob.yaml", "-f", "nope.yaml"], here),
    'error: the path "nope.yaml" does not exist\n',
  );
  assertFails(
    await s.k1s(["delete", "-f", "nope.yaml"], here),
    'error: the path "nope.yaml" does not exist\n',
  );

  assert.equal(await snapshot(s), before);
});

Deno.test("create -f and apply -f write the good files and report the bad ones, as kubectl", async () => {
  // kubectl's builder continues on error: `apply -f DIR` with one malformed file applies the
  // others, then prints the error and exits 1 (seen with kubectl 1.32 against kube-apiserver).
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("dir/1-a.yaml", cm("a"));
  await s.file("dir/2-bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [b\n");
  await s.file("dir/3-c.yaml", cm("c"));
  const applied = await s.k1s(["apply", "-f", "dir"], here);
  assert.equal(applied.code, 1);
  assert.equal(applied.out, "configmap/a created\nconfigmap/c created\n");
  assert.match(
    applied.err,
    /^error: error parsing dir\/2-bad\.yaml: error converting YAML to JSON: yaml: line \d+: .+\n$/,
  );
  // An unknown kind beside a good object: the good one is created.
  await s.file("mixed.yaml", `${cm("d")}---\napiVersion: v1\nkind: Frob\nmetadata:\n  name: x\n`);
  const mixed = await s.k1s(["create", "-f", "mixed.yaml"], here);
  assert.equal(mixed.code, 1);
  assert.equal(mixed.out, "configmap/d created\n");
  assert.equal(
    mixed.err,
    'error: resource mapping not found for name: "x" namespace: "" from "mixed.yaml": ' +
      'no matches for kind "Frob" in version "v1"\nensure CRDs are installed first\n',
  );
  // In one file, the documents before a malformed one are written, the rest are not (kubectl's
  // stream visitor hands each document on as it reads it, and stops at the bad one).
  await s.file(
    "partial.yaml",
    `${cm("e")}---\n${cm("f")}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [g\n` +
      `---\n${cm("h")}`,
  );
  const partial = await s.k1s(["apply", "-f", "partial.yaml"], here);
  assert.equal(partial.code, 1);
  assert.equal(partial.out, "configmap/e created\nconfigmap/f created\n");
  assert.match(partial.err, /^error: error parsing partial\.yaml: error converting YAML to JSON/);
  const created = await s.k1s(["create", "-f", "partial.yaml"], here);
  assert.equal(created.out, "");
  assert.equal(
    created.err,
    'Error from server (AlreadyExists): error when creating "partial.yaml": configmaps "e" already exists\n' +
      'Error from server (AlreadyExists): error when creating "partial.yaml": configmaps "f" already exists\n' +
      partial.err.replace(/^error: /, ""),
  );
  const names = await s.k1s(["get", "cm", "-o", "name"]);
  assert.equal(
    names.out,
    "configmap/a\nconfigmap/c\nconfigmap/d\nconfigmap/e\nconfigmap/f\n",
  );
});

Deno.test("the server refuses invalid objects and missing namespaces; nothing is stored", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };

  const subdomain =
    'Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower ' +
    "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric " +
    "character (e.g. 'example.com', regex used for validation is " +
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  await s.file("bad-name.yaml", cm("Bad_Name"));
  const invalid = `The ConfigMap "Bad_Name" is invalid: metadata.name: ${subdomain}\n`;
  assertFails(await s.k1s(["apply", "-f", "bad-name.yaml"], here), invalid);
  // kubectl's generator wraps the server's message.
  assertFails(
    await s.k1s(["create", "configmap", "Bad_Name", "--from-literal=k=v"]),
    `error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name: ${subdomain}\n`,
  );

  // Wrong types: a number where a string is expected, a string where an object is, in kube-apiserver's
  // words (Go's JSON decoder).
  const decode = (name: string, what: string, type: string) =>
    `Error from server (BadRequest): error when ${name}: ConfigMap in version "v1" cannot be ` +
    `handled as a ConfigMap: json: cannot unmarshal ${what} into Go struct field ConfigMap.data ` +
    `of type ${type}\n`;
  await s.file("number.yaml", cm("num", "data:\n  count: 5\n"));
  assertFails(
    await s.k1s(["create", "-f", "number.yaml"], here),
    decode('creating "number.yaml"', "number", "string"),
  );
  await s.file("string.yaml", cm("str", "data: hello\n"));
  assertFails(
    await s.k1s(["apply", "-f", "string.yaml"], here),
    decode('creating "string.yaml"', "string", "map[string]string"),
  );

  // More than 1 MiB of data (kube-apiserver 1.32: `[]: Too long: may not be more than 1048576
  // bytes`; the field path is not checked).
  await s.file("big.yaml", cm("big", `data:\n  blob: ${"x".repeat(1024 * 1024 + 1)}\n`));
  assertFails(
    await s.k1s(["create", "-f", "big.yaml"], here),
    /^The ConfigMap "big" is invalid: \S+: Too long: may not be more than 1048576 bytes\n$/,
  );

  // A namespace that does not exist.
  await s.file("lost.yaml", cm("lost", "  namespace: nope\n"));
  const noNamespace =
    'Error from server (NotFound): error when creating "lost.yaml": namespaces "nope" not found\n';
  assertFails(await s.k1s(["create", "-f", "lost.yaml"], here), noNamespace);
  assertFails(await s.k1s(["apply", "-f", "lost.yaml"], here), noNamespace);
  assertFails(
    await s.k1s(["create", "cm", "lost", "-n", "nope"]),
    'error: failed to create configmap: namespaces "nope" not found\n',
  );

  assertOk(await s.k1s(["get", "cm,secret,sa,ns", "-A", "-o", "name"]), "namespace/default\n");
});

Deno.test("apply with a stale resourceVersion is a Conflict and leaves the object as it was", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("a.yaml", cm("a", "data:\n  k: v\n"));
  assertOk(await s.k1s(["apply", "-f", "a.yaml"], here), "configmap/a created\n");
  assertOk(await s.k1s(["label", "cm", "a", "x=1"]), "configmap/a labeled\n");
  const before = await snapshot(s);

  await s.file("stale.yaml", cm("a", '  resourceVersion: "1"\ndata:\n  k: v2\n'));
  const lastApplied =
    '{\\"apiVersion\\":\\"v1\\",\\"data\\":{\\"k\\":\\"v2\\"},\\"kind\\":\\"ConfigMap\\",' +
    '\\"metadata\\":{\\"annotations\\":{},\\"name\\":\\"a\\",\\"namespace\\":\\"default\\",' +
    '\\"resourceVersion\\":\\"1\\"}}\\n';
  assertFails(
    await s.k1s(["apply", "-f", "stale.yaml"], here),
    "Error from server (Conflict): error when applying patch:\n" +
      `{"data":{"k":"v2"},"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"${lastApplied}"},"resourceVersion":"1"}}\n` +
      "to:\n" +
      'Resource: "/v1, Resource=configmaps", GroupVersionKind: "/v1, Kind=ConfigMap"\n' +
      'Name: "a", Namespace: "default"\n' +
      'for: "stale.yaml": error when patching "stale.yaml": Operation cannot be fulfilled on ' +
      'configmaps "a": the object has been modified; please apply your changes to the latest ' +
      "version and try again\n",
  );
  assert.equal(await snapshot(s), before);
});

Deno.test("--validate: unknown fields fail by default, warn with warn, are dropped with ignore", async () => {
  await using s = await sandbox();
  const file = await s.file("cm.yaml", cm("v", "  labelz: {}\ndata:\n  a: '1'\nspecc: 2\n"));
  assertOk(await s.k1s(["create", "ns", "keep"]), "namespace/keep created\n");
  const before = await snapshot(s);
  const strict =
    `Error from server (BadRequest): error when creating "${file}": ConfigMap in version "v1" ` +
    `cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.labelz", ` +
    `unknown field "specc"\n`;
  assertFails(await s.k1s(["create", "-f", file]), strict);
  assertFails(await s.k1s(["apply", "-f", file, "--validate"]), strict);
  assertFails(await s.k1s(["apply", "-f", file, "--validate=true"]), strict);
  assertFails(
    await s.k1s(["apply", "-f", file, "--validate=maybe"]),
    `error: invalid - validate option "maybe"; must be one of: strict (or true), warn, ignore (or false)\n`,
  );
  assert.equal(await snapshot(s), before);
  const warned = await s.k1s(["create", "-f", file, "--validate=warn"]);
  assert.deepEqual(warned, {
    code: 0,
    out: "configmap/v created\n",
    err: 'Warning: unknown field "metadata.labelz"\nWarning: unknown field "specc"\n',
  });
  assertOk(await s.k1s(["get", "cm", "v", "-o", "jsonpath={.data.a}"]), "1");
  assertOk(
    await s.k1s(["create", "configmap", "gen", "--from-literal=k=v", "--validate=ignore"]),
    "configmap/gen created\n",
  );
  const ignored = await s.k1s(["apply", "-f", file, "--validate=false"]);
  assert.equal(ignored.code, 0, ignored.err);
  assert.equal(ignored.out, "configmap/v configured\n");
  assert.doesNotMatch(ignored.err, /unknown field/);
});

Deno.test("deeply nested manifests are refused with a depth error and store nothing", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "ns", "keep"]), "namespace/keep created\n");
  const before = await snapshot(s);
  const yaml = await s.file(
    "deep.yaml",
    cm("deep", `data:\n  a: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`),
  );
  assertFails(
    await s.k1s(["create", "-f", yaml]),
    `error: error parsing ${yaml}: error converting YAML to JSON: yaml: line 6: exceeded max depth\n`,
  );
  const json = await s.file(
    "deep.json",
    `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":` +
      `${'{"a":'.repeat(20_000)}"x"${"}".repeat(20_000)}}`,
  );
  for (const verb of ["apply", "create"]) {
    assertFails(
      await s.k1s([verb, "-f", json]),
      `error: error parsing ${json}: json: exceeded max depth of 1000\n`,
    );
  }
  assert.equal(await snapshot(s), before);
});
