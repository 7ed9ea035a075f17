// Black-box: `patch`, `label` and `annotate` as a k1s process runs them: kubectl's result lines,
// error messages and exit codes, and what ends up stored.
import assert from "node:assert/strict";
import { assertFails, assertOk, type Sandbox, sandbox } from "./_harness.ts";

/** `name<TAB>json` of a field of every ConfigMap, one line each, via `get -o jsonpath`. */
async function fieldOfAll(s: Sandbox, field: string): Promise<string> {
  const r = await s.k1s([
    "get",
    "cm",
    "-o",
    `jsonpath={range .items[*]}{.metadata.name}{"\\t"}{${field}}{"\\n"}{end}`,
  ]);
  assert.equal(r.code, 0, r.err);
  return r.out;
}

Deno.test("patch: strategic (default), merge and json patches with kubectl's lines", async () => {
  await using s = await sandbox();
  const file = await s.file(
    "objects.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: '1'\n---\n" +
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bot\nsecrets:\n- name: a\n",
  );
  assertOk(
    await s.k1s(["create", "-f", file]),
    "configmap/x created\nserviceaccount/bot created\n",
  );

  assertOk(await s.k1s(["patch", "cm", "x", "-p", '{"data":{"b":"2"}}']), "configmap/x patched\n");
  assertOk(
    await s.k1s(["patch", "configmap/x", "--type", "merge", "-p", '{"data":{"b":"2"}}']),
    "configmap/x patched (no change)\n",
  );
  assertOk(
    await s.k1s([
      "patch",
      "cm",
      "x",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/data/a","value":"9"},{"op":"remove","path":"/data/b"}]',
    ]),
    "configmap/x patched\n",
  );
  // A YAML patch is converted to JSON by the client, as kubectl does.
  assertOk(await s.k1s(["patch", "cm", "x", "-p", "data: {c: '3'}"]), "configmap/x patched\n");
  const patchFile = await s.file("patch.json", '{"metadata":{"labels":{"from":"file"}}}');
  assertOk(
    await s.k1s(["patch", "cm", "x", "--patch-file", patchFile]),
    "configmap/x patched\n",
  );
  const yaml = await s.k1s([
    "patch",
    "cm",
    "x",
    "--type=merge",
    "-p",
    '{"data":{"d":"4"}}',
    "-o",
    "yaml",
  ]);
  assert.equal(yaml.err, "");
  assert.equal(yaml.code, 0);
  assert.match(
    yaml.out,
    /^apiVersion: v1\ndata:\n {2}a: "9"\n {2}c: "3"\n {2}d: "4"\nkind: ConfigMap\nmetadata:\n {2}creationTimestamp: "[^"]+"\n {2}labels:\n {4}from: file\n {2}name: x\n {2}namespace: default\n/,
  );

  // Strategic merge patch merges a ServiceAccount's secrets by name (patch items first, as the
  // API server orders them); a merge patch replaces the list.
  assertOk(
    await s.k1s([
      "patch",
      "sa",
      "bot",
      "-p",
      '{"secrets":[{"name":"b"}]}',
      "-o",
      "jsonpath={.secrets[*].name}",
    ]),
    "b a",
  );
  assertOk(
    await s.k1s([
      "patch",
      "sa",
      "bot",
      "--type",
      "merge",
      "-p",
      '{"secrets":[{"name":"c"}]}',
      "-o",
      "jsonpath={.secrets[*].name}",
    ]),
    "c",
  );
});

Deno.test("patch: bad patches, missing objects and invalid results fail and change nothing", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "cm", "x", "--from-literal=a=1"]), "configmap/x created\n");

  // The API server's validation, in kubectl's words, and exit code 1.
  assertFails(
    await s.k1s(["patch", "cm", "x", "-p", '{"data":{"bad key":"v"}}']),
    'The ConfigMap "x" is invalid: data[bad key]: Invalid value: "bad key": a valid config key ' +
      "must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or " +
      "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n",
  );
  assertFails(
    await s.k1s(["patch", "cm", "nope", "-p", '{"data":{"a":"2"}}']),
    'Error from server (NotFound): configmaps "nope" not found\n',
  );
  // Not YAML: kubectl's client refuses it before sending.
  assertFails(
    await s.k1s(["patch", "cm", "x", "-p", "data: [b"]),
    "error: unable to parse \"data: [b\": yaml: line 1: did not find expected ',' or ']'\n",
  );
  // JSON-looking text goes to the server as it is, which rejects it as a bad request. (The exact
  // reasons differ from kube-apiserver's; reported, not asserted.)
  assertFails(
    await s.k1s(["patch", "cm", "x", "-p", '{"data":']),
    /^Error from server \(BadRequest\): [^\n]+\n$/,
  );
  assertFails(
    await s.k1s(["patch", "cm", "x", "--type=json", "-p", '{"op":"remove","path":"/data/a"}']),
    /^Error from server \(BadRequest\): [^\n]*json[^\n]+\n$/,
  );
  assert.equal(await fieldOfAll(s, ".data"), 'x\t{"a":"1"}\n');
});

Deno.test("label: add, --overwrite, key- removal, selectors, --all and --list as kubectl", async () => {
  await using s = await sandbox();
  const file = await s.file(
    "cms.yaml",
    ["a", "b", "c"].map((n) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n` +
      (n === "c" ? "" : "  labels: {x: '1'}\n")
    ).join("---\n"),
  );
  assertOk(
    await s.k1s(["create", "-f", file]),
    "configmap/a created\nconfigmap/b created\nconfigmap/c created\n",
  );

  assertOk(await s.k1s(["label", "cm", "a", "tier=web"]), "configmap/a labeled\n");
  assertFails(
    await s.k1s(["label", "cm", "a", "tier=db"]),
    "error: 'tier' already has a value (web), and --overwrite is false\n",
  );
  assertOk(await s.k1s(["label", "cm", "a", "tier=db", "--overwrite"]), "configmap/a labeled\n");
  assertOk(await s.k1s(["label", "configmap/a", "tier=db"]), "configmap/a not labeled\n");
  assertOk(await s.k1s(["label", "cm/a", "tier-"]), "configmap/a unlabeled\n");
  // Removing a missing key: kubectl's note on stdout; nothing changed, so "not labeled" (kubectl
  // 1.32 compares the object's JSON before and after; one without labels would gain an empty
  // map and say "labeled").
  assertOk(
    await s.k1s(["label", "cm", "a", "b", "tier-"]),
    'label "tier" not found.\nconfigmap/a not labeled\nlabel "tier" not found.\n' +
      "configmap/b not labeled\n",
  );
  assertOk(
    await s.k1s(["label", "cm", "c", "tier-"]),
    'label "tier" not found.\nconfigmap/c labeled\n',
  );
  assertOk(
    await s.k1s(["label", "cm", "-l", "x=1", "y=2"]),
    "configmap/a labeled\nconfigmap/b labeled\n",
  );
  assertOk(
    await s.k1s(["label", "configmaps", "--all", "z=3"]),
    "configmap/a labeled\nconfigmap/b labeled\nconfigmap/c labeled\n",
  );
  assertFails(
    await s.k1s(["label", "cm", "c", "v=-bad"]),
    'error: invalid label value: "v=-bad": a valid label must be an empty string or consist of ' +
      "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric " +
      "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " +
      "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
  );
  // --list prints key=value lines (kubectl's order is Go's map order: compare as a set).
  const list = await s.k1s(["label", "cm", "a", "--list"]);
  assert.equal(list.code, 0);
  assert.equal(list.err, "");
  assert.deepEqual(list.out.split("\n").sort(), ["", "x=1", "y=2", "z=3"]);

  assert.equal(
    await fieldOfAll(s, ".metadata.labels"),
    'a\t{"x":"1","y":"2","z":"3"}\nb\t{"x":"1","y":"2","z":"3"}\nc\t{"z":"3"}\n',
  );
});

Deno.test("annotate: add, --overwrite, removal, --all and --list as kubectl", async () => {
  await using s = await sandbox();
  const file = await s.file(
    "cms.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n" +
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
  );
  assertOk(await s.k1s(["create", "-f", file]), "configmap/a created\nconfigmap/b created\n");

  assertOk(
    await s.k1s(["annotate", "cm", "a", "note=a=b c", "owner=me"]),
    "configmap/a annotated\n",
  );
  assertFails(
    await s.k1s(["annotate", "cm", "a", "note=x"]),
    "error: --overwrite is false but found the following declared annotation(s): " +
      "'note' already has a value (a=b c)\n",
  );
  assertOk(
    await s.k1s(["annotate", "configmap/a", "note=x", "--overwrite"]),
    "configmap/a annotated\n",
  );
  // Removing a key, present or not, is "annotated" (kubectl says nothing about missing keys).
  assertOk(await s.k1s(["annotate", "cm", "a", "owner-", "gone-"]), "configmap/a annotated\n");
  assertOk(
    await s.k1s(["annotate", "cm", "--all", "team=blue"]),
    "configmap/a annotated\nconfigmap/b annotated\n",
  );
  const list = await s.k1s(["annotate", "cm", "a", "--list"]);
  assert.equal(list.code, 0);
  assert.deepEqual(list.out.split("\n").sort(), ["", "note=x", "team=blue"]);
  assert.equal(
    await fieldOfAll(s, ".metadata.annotations"),
    'a\t{"note":"x","team":"blue"}\nb\t{"team":"blue"}\n',
  );
});

Deno.test("label and annotate --local -f print the changed objects and send nothing", async () => {
  await using s = await sandbox();
  const file = await s.file(
    "two.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n" +
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  labels:\n    old: x\n",
  );
  // kubectl 1.32 prints each object on its own, without a --- between them.
  assertOk(
    await s.k1s(["label", "--local", "-f", file, "tier=db", "old-", "-o", "yaml"]),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    tier: db\n  name: a\n" +
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    tier: db\n  name: b\n",
  );
  assertOk(
    await s.k1s(["annotate", "--local", "-f", file, "n=1"]),
    "configmap/a annotated\nconfigmap/b annotated\n",
  );
  assertFails(
    await s.k1s(["label", "--local", "cm", "a", "x=y"]),
    "error: can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set\n",
  );
  assertFails(
    await s.k1s(["label", "--local", "-f", file, "x=y", "--dry-run=server"]),
    "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?\n",
  );
  // Nothing was written.
  assert.equal((await s.k1s(["get", "cm", "-o", "name"])).out, "");
});

Deno.test("patch --local -f applies the patch to the files' objects and sends nothing", async () => {
  await using s = await sandbox();
  const file = await s.file(
    "two.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n" +
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
  );
  // Each compared with kubectl 1.32 offline.
  assertOk(
    await s.k1s(["patch", "--local", "-f", file, "-p", '{"data":{"k":"v"}}']),
    "configmap/a patched\nconfigmap/b patched\n",
  );
  assertOk(
    await s.k1s([
      "patch",
      "--local",
      "-f",
      file,
      "--type",
      "merge",
      "-p",
      '{"data":{"k":"v"}}',
      "-o",
      "jsonpath={.data.k}",
    ]),
    "vv",
  );
  const failed = await s.k1s([
    "patch",
    "--local",
    "-f",
    file,
    "--type",
    "json",
    "-p",
    '[{"op":"test","path":"/nope","value":1}]',
  ]);
  assert.deepEqual(failed, {
    code: 1,
    out: "",
    err: "testing value /nope failed: test failed\ntesting value /nope failed: test failed\n",
  });
  assertFails(
    await s.k1s(["patch", "--local", "cm", "a", "-p", "{}"]),
    "error: cannot specify --local and server resources\n",
  );
  assert.equal((await s.k1s(["get", "cm", "-o", "name"])).out, "");
});
