// Black-box: `k1s create` from files, directories and stdin, and with its generators, against
// kubectl's output (golden texts taken from kubectl v1.32).
import assert from "node:assert/strict";
import { assertFails, assertOk, sandbox } from "./_harness.ts";

/** Replaces the fields the server fills in (creation time, resourceVersion, uid) with markers. */
function serverFields(yaml: string): string {
  return yaml
    .replace(/^( *)creationTimestamp: "[^"]+"$/gm, '$1creationTimestamp: "T"')
    .replace(/^( *)resourceVersion: "\d+"$/gm, '$1resourceVersion: "RV"')
    .replace(/^( *)uid: [0-9a-f-]{36}$/gm, "$1uid: UID");
}

const CM_A = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n";
const SECRET_S = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: x\n";

Deno.test("create -f reads YAML, JSON, multi-document files, Lists, directories and stdin", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir }; // paths in messages are printed as given
  await s.file("multi.yaml", `${CM_A}---\n${SECRET_S}`);
  await s.file(
    "list.json",
    JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } },
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "bot" } },
      ],
    }),
  );
  await s.file("dir/c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
  await s.file(
    "dir/d.json",
    '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}}',
  );
  await s.file("dir/notes.txt", "not a manifest: skipped\n");
  await s.file("dir/sub/e.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e\n");

  assertOk(
    await s.k1s(["create", "-f", "multi.yaml", "-f", "list.json"], here),
    "configmap/a created\nsecret/s created\nconfigmap/b created\nserviceaccount/bot created\n",
  );
  // A directory: its .json, .yaml and .yml files in name order; subdirectories only with -R.
  assertOk(
    await s.k1s(["create", "-f", "dir"], here),
    "configmap/c created\nconfigmap/d created\n",
  );
  const recursive = await s.k1s(["create", "-R", "-f", "dir"], here);
  assert.deepEqual(recursive, {
    code: 1,
    out: "configmap/e created\n",
    err:
      'Error from server (AlreadyExists): error when creating "dir/c.yaml": configmaps "c" already exists\n' +
      'Error from server (AlreadyExists): error when creating "dir/d.json": configmaps "d" already exists\n',
  });
  assertOk(
    await s.k1s(["create", "-f", "-"], {
      stdin: '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "f"}}\n',
    }),
    "configmap/f created\n",
  );
  assertOk(
    await s.k1s(["get", "cm,secret,sa", "-o", "name"]),
    "configmap/a\nconfigmap/b\nconfigmap/c\nconfigmap/d\nconfigmap/e\nconfigmap/f\n" +
      "secret/s\nserviceaccount/bot\n",
  );
});

Deno.test("create -f -o name|yaml prints the created objects as kubectl does", async () => {
  await using s = await sandbox();
  assertOk(
    await s.k1s(["create", "-f", "-", "-o", "name"], { stdin: `${CM_A}---\n${SECRET_S}` }),
    "configmap/a\nsecret/s\n",
  );
  const yaml = await s.k1s(["create", "-f", "-", "-n", "default", "-o", "yaml"], {
    stdin: CM_A.replace("name: a", "name: b") + "---\n" + SECRET_S.replace("name: s", "name: t"),
  });
  assertOk(
    { ...yaml, out: serverFields(yaml.out) },
    'apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  creationTimestamp: "T"\n' +
      '  name: b\n  namespace: default\n  resourceVersion: "RV"\n  uid: UID\n' +
      "---\n" +
      'apiVersion: v1\ndata:\n  p: eA==\nkind: Secret\nmetadata:\n  creationTimestamp: "T"\n' +
      '  name: t\n  namespace: default\n  resourceVersion: "RV"\n  uid: UID\ntype: Opaque\n',
  );
  // Table formats are not printers of create; nothing is created.
  assertFails(
    await s.k1s(["create", "-f", "-", "-o", "wide"], { stdin: CM_A.replace("name: a", "name: w") }),
    'error: unable to match a printer suitable for the output format "wide", allowed formats are: ' +
      "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template," +
      "templatefile,yaml\n",
  );
  assertOk(await s.k1s(["get", "cm", "-o", "name"]), "configmap/a\nconfigmap/b\n");
});

Deno.test("create generators: namespace, configmap, secret generic, serviceaccount", async () => {
  await using s = await sandbox();
  const greeting = await s.file("src/greeting", "hello");
  const dir = `${s.dir}/src/dir`;
  await s.file("src/dir/app.properties", "x=1\ny=2\n");
  await s.file("src/dir/notes.txt", "line1\nline2\n");
  await s.file("src/dir/nested/ignored", "only regular files of the directory are read\n");
  const bin = `${s.dir}/src/bin.dat`;
  await Deno.writeFile(bin, new Uint8Array([0xff, 0xfe, 0x00, 0x01]));

  assertOk(await s.k1s(["create", "namespace", "team"]), "namespace/team created\n");
  const cm = await s.k1s([
    "create",
    "configmap",
    "app",
    "-n",
    "team",
    `--from-file=${greeting}`,
    `--from-file=renamed=${greeting}`,
    `--from-file=${dir}`,
    `--from-file=${bin}`,
    "--from-literal=lit=eral",
    "-o",
    "yaml",
  ]);
  // kubectl: UTF-8 files go to data, others to binaryData; a directory adds each regular file.
  assertOk(
    { ...cm, out: serverFields(cm.out) },
    "apiVersion: v1\n" +
      "binaryData:\n  bin.dat: //4AAQ==\n" +
      "data:\n  app.properties: |\n    x=1\n    y=2\n  greeting: hello\n  lit: eral\n" +
      "  notes.txt: |\n    line1\n    line2\n  renamed: hello\n" +
      'kind: ConfigMap\nmetadata:\n  creationTimestamp: "T"\n  name: app\n  namespace: team\n' +
      '  resourceVersion: "RV"\n  uid: UID\n',
  );
  // What was printed is what was stored.
  assert.equal((await s.k1s(["get", "cm", "app", "-n", "team", "-o", "yaml"])).out, cm.out);

  assertOk(
    await s.k1s([
      "create",
      "secret",
      "generic",
      "pw",
      "--from-literal=user=admin",
      `--from-file=k=${dir}/notes.txt`,
      "--type=example.com/custom",
      "-o",
      "name",
    ]),
    "secret/pw\n",
  );
  assertOk(
    await s.k1s(["get", "secret", "pw", "-o", "jsonpath={.type} {.data}"]),
    'example.com/custom {"k":"bGluZTEKbGluZTIK","user":"YWRtaW4="}',
  );
  assertOk(
    await s.k1s(["create", "serviceaccount", "bot", "-n", "team"]),
    "serviceaccount/bot created\n",
  );

  // Existing names: kubectl prints the namespace's error as it is and wraps the others'.
  assertFails(
    await s.k1s(["create", "ns", "team"]),
    'Error from server (AlreadyExists): namespaces "team" already exists\n',
  );
  assertFails(
    await s.k1s(["create", "cm", "app", "-n", "team"]),
    'error: failed to create configmap: configmaps "app" already exists\n',
  );
  assertFails(
    await s.k1s(["create", "secret", "generic", "pw"]),
    'error: failed to create secret secrets "pw" already exists\n',
  );
  assertFails(
    await s.k1s(["create", "sa", "bot", "-n", "team"]),
    'error: failed to create serviceaccount: serviceaccounts "bot" already exists\n',
  );
});

Deno.test("create --dry-run=client prints what kubectl would send and stores nothing", async () => {
  await using s = await sandbox();
  const greeting = await s.file("greeting", "hello");
  const notes = await s.file("notes.txt", "line1\nline2\n");
  // Golden: `kubectl create … --dry-run=client -o yaml` with the same arguments.
  assertOk(
    await s.k1s([
      "create",
      "cm",
      "c",
      `--from-file=${greeting}`,
      "--from-literal=k=v",
      "--from-literal=n=1",
      "--dry-run=client",
      "-o",
      "yaml",
    ]),
    'apiVersion: v1\ndata:\n  greeting: hello\n  k: v\n  "n": "1"\nkind: ConfigMap\nmetadata:\n' +
      "  creationTimestamp: null\n  name: c\n",
  );
  assertOk(
    await s.k1s([
      "create",
      "secret",
      "generic",
      "s",
      "-n",
      "team",
      "--from-literal=lit=eral",
      `--from-file=k=${notes}`,
      "--type=example.com/custom",
      "--dry-run=client",
      "-o",
      "yaml",
    ]),
    "apiVersion: v1\ndata:\n  k: bGluZTEKbGluZTIK\n  lit: ZXJhbA==\nkind: Secret\nmetadata:\n" +
      "  creationTimestamp: null\n  name: s\n  namespace: team\ntype: example.com/custom\n",
  );
  // Without data a Secret has no `data` (Go's omitempty).
  assertOk(
    await s.k1s(["create", "secret", "generic", "empty", "--dry-run=client", "-o", "yaml"]),
    "apiVersion: v1\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: empty\n",
  );
  assertOk(
    await s.k1s(["create", "namespace", "x", "--dry-run=client", "-o", "yaml"]),
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  creationTimestamp: null\n  name: x\n" +
      "spec: {}\nstatus: {}\n",
  );
  assertOk(
    await s.k1s(["create", "cm", "c", "--dry-run=client"]),
    "configmap/c created (dry run)\n",
  );
  assertOk(await s.k1s(["create", "cm", "c", "--dry-run=client", "-o", "name"]), "configmap/c\n");
  assertOk(
    await s.k1s(["create", "-f", "-", "--dry-run=client"], { stdin: `${CM_A}---\n${SECRET_S}` }),
    "configmap/a created (dry run)\nsecret/s created (dry run)\n",
  );
  assertOk(await s.k1s(["get", "cm,secret,sa,ns", "-A", "-o", "name"]), "namespace/default\n");
});

Deno.test("generators print -o json in the Go types' field order, as kubectl does", async () => {
  await using s = await sandbox();
  // kubectl create cm x --from-literal=b=2 --from-literal=a=1 --dry-run=client -o json -n team
  assertOk(
    await s.k1s([
      "create",
      "cm",
      "x",
      "--from-literal=b=2",
      "--from-literal=a=1",
      "--dry-run=client",
      "-o",
      "json",
      "-n",
      "team",
    ]),
    `{
    "kind": "ConfigMap",
    "apiVersion": "v1",
    "metadata": {
        "name": "x",
        "namespace": "team",
        "creationTimestamp": null
    },
    "data": {
        "a": "1",
        "b": "2"
    }
}
`,
  );
  // A created object keeps that order, with the fields the server set.
  const made = await s.k1s(["create", "sa", "bot", "-o", "json"]);
  assert.equal(made.code, 0, made.err);
  assert.deepEqual(Object.keys(JSON.parse(made.out)), ["kind", "apiVersion", "metadata"]);
  assert.deepEqual(Object.keys(JSON.parse(made.out).metadata), [
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "creationTimestamp",
  ]);
});

Deno.test("create -f: a Secret key the API server refuses, in data or in stringData", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  const secret = (name: string, field: string, key: string, value: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${field}:\n  "${key}": ${value}\n`;
  await s.file("blank.yaml", secret("blank", "data", "a b", "YQ=="));
  await s.file("dots.yaml", secret("dots", "stringData", "..x", "x"));
  // kube-apiserver's ValidateSecret, in kubectl's words for an Invalid error: stringData is
  // merged into data before validation, so both name the key under data.
  assertFails(
    await s.k1s(["create", "-f", "blank.yaml"], here),
    'The Secret "blank" is invalid: data[a b]: Invalid value: "a b": a valid config key must ' +
      "consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  " +
      "or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n",
  );
  assertFails(
    await s.k1s(["create", "-f", "dots.yaml"], here),
    `The Secret "dots" is invalid: data[..x]: Invalid value: "..x": must not start with '..'\n`,
  );
  // A server dry run is validated the same way; nothing is stored either way.
  assertFails(
    await s.k1s(["create", "-f", "dots.yaml", "--dry-run=server"], here),
    `The Secret "dots" is invalid: data[..x]: Invalid value: "..x": must not start with '..'\n`,
  );
  assertOk(await s.k1s(["get", "secrets", "-o", "name"]), "");
});
