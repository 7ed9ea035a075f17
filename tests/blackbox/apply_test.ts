// Black-box: `k1s apply` (kubectl's client-side apply) from files, directories and stdin: its
// created/configured/unchanged lines, the last-applied-configuration annotation, the three-way
// merge, and namespaces (golden texts as kubectl v1.32 prints them).
import assert from "node:assert/strict";
import { assertFails, assertOk, sandbox } from "./_harness.ts";

/** Replaces the fields the server fills in (creation time, resourceVersion, uid) with markers. */
function serverFields(yaml: string): string {
  return yaml
    .replace(/^( *)creationTimestamp: "[^"]+"$/gm, '$1creationTimestamp: "T"')
    .replace(/^( *)resourceVersion: "\d+"$/gm, '$1resourceVersion: "RV"')
    .replace(/^( *)uid: [0-9a-f-]{36}$/gm, "$1uid: UID");
}

const LAST_APPLIED = "{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}";

const A_V1 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: web\n" +
  "data:\n  mode: fast\n  gone: soon\n";
const A_V2 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: web\n" +
  "data:\n  mode: slow\n";

Deno.test("apply -f FILE, DIR, -R and stdin: created, unchanged, configured; three-way merge", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("dir/a.yaml", A_V1);
  await s.file(
    "dir/sub/list.json",
    JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: ["j1", "j2"].map((name) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name },
        data: { from: "json" },
      })),
    }),
  );
  // -R: subdirectories too, files in name order.
  assertOk(
    await s.k1s(["apply", "-R", "-f", "dir"], here),
    "configmap/a created\nconfigmap/j1 created\nconfigmap/j2 created\n",
  );
  // kubectl stores the applied object (namespace filled in, annotations: {}) as compact JSON
  // with sorted keys and a trailing newline.
  assertOk(
    await s.k1s(["get", "cm", "a", "-o", `jsonpath=${LAST_APPLIED}`]),
    '{"apiVersion":"v1","data":{"gone":"soon","mode":"fast"},"kind":"ConfigMap",' +
      '"metadata":{"annotations":{},"labels":{"app":"web"},"name":"a","namespace":"default"}}\n',
  );

  // Someone else adds a label; the manifest drops `gone` and changes `mode`.
  assertOk(await s.k1s(["label", "cm", "a", "owner=ops"]), "configmap/a labeled\n");
  await s.file("dir/a.yaml", A_V2);
  assertOk(await s.k1s(["apply", "-f", "dir/a.yaml"], here), "configmap/a configured\n");
  const live = await s.k1s(["get", "cm", "a", "-o", "yaml"]);
  assertOk(
    { ...live, out: serverFields(live.out) },
    "apiVersion: v1\ndata:\n  mode: slow\nkind: ConfigMap\nmetadata:\n  annotations:\n" +
      "    kubectl.kubernetes.io/last-applied-configuration: |\n" +
      '      {"apiVersion":"v1","data":{"mode":"slow"},"kind":"ConfigMap","metadata":{"annotations":{},' +
      '"labels":{"app":"web"},"name":"a","namespace":"default"}}\n' +
      '  creationTimestamp: "T"\n  labels:\n    app: web\n    owner: ops\n  name: a\n' +
      '  namespace: default\n  resourceVersion: "RV"\n  uid: UID\n',
  );

  // Multi-document YAML on stdin.
  assertOk(
    await s.k1s(["apply", "-f", "-"], {
      stdin: `${A_V2}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n`,
    }),
    "configmap/a unchanged\nconfigmap/b created\n",
  );
  // A client dry run says what would happen and writes nothing.
  assertOk(
    await s.k1s(["apply", "-f", "-", "--dry-run=client"], {
      stdin: `${A_V1}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n`,
    }),
    "configmap/a configured (dry run)\nconfigmap/z created (dry run)\n",
  );
  assertOk(
    await s.k1s(["get", "cm", "-o", "jsonpath={.items[*].metadata.name} {.items[0].data}"]),
    'a b j1 j2 {"mode":"slow"}',
  );
});

Deno.test("apply to an object made by create: kubectl's warning, then the annotation is added", async () => {
  await using s = await sandbox();
  assertOk(
    await s.k1s(["create", "cm", "plain", "--from-literal=k=v", "--from-literal=keep=me"]),
    "configmap/plain created\n",
  );
  const r = await s.k1s(["apply", "-f", "-"], {
    stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v2\n",
  });
  assert.deepEqual(r, {
    code: 0,
    out: "configmap/plain configured\n",
    err: "Warning: resource configmaps/plain is missing the " +
      "kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl " +
      "apply. kubectl apply should only be used on resources created declaratively by either " +
      "kubectl create --save-config or kubectl apply. The missing annotation will be patched " +
      "automatically.\n",
  });
  // Without a previous configuration nothing is removed: `keep` stays.
  assertOk(
    await s.k1s(["get", "cm", "plain", "-o", `jsonpath={.data} ${LAST_APPLIED}`]),
    '{"k":"v2","keep":"me"} {"apiVersion":"v1","data":{"k":"v2"},"kind":"ConfigMap",' +
      '"metadata":{"annotations":{},"name":"plain","namespace":"default"}}\n',
  );
});

Deno.test("apply -n: objects go to the namespace; an object naming another one is refused", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  assertOk(await s.k1s(["create", "ns", "team"]), "namespace/team created\n");
  await s.file("a.yaml", A_V2);
  assertOk(await s.k1s(["apply", "-n", "team", "-f", "a.yaml"], here), "configmap/a created\n");
  assertOk(
    await s.k1s(["get", "cm", "a", "-n", "team", "-o", `jsonpath=${LAST_APPLIED}`]),
    '{"apiVersion":"v1","data":{"mode":"slow"},"kind":"ConfigMap","metadata":{"annotations":{},' +
      '"labels":{"app":"web"},"name":"a","namespace":"team"}}\n',
  );
  await s.file("other.yaml", A_V2.replace("name: a\n", "name: other\n  namespace: default\n"));
  assertFails(
    await s.k1s(["apply", "-f", "other.yaml", "-n", "team"], here),
    'error: the namespace from the provided object "default" does not match the namespace "team". ' +
      "You must pass '--namespace=default' to perform this operation.\n",
  );
  // The object's own namespace is used when -n is not given.
  assertOk(await s.k1s(["apply", "-f", "other.yaml"], here), "configmap/other created\n");
});

Deno.test("apply -o: names as they go, other formats together at the end (a List for several)", async () => {
  await using s = await sandbox();
  const one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: newone\n";
  // kubectl 1.32's client dry run of a new object: the object it would send, no server fields.
  assertOk(
    await s.k1s(["apply", "-f", "-", "--dry-run=client", "-o", "yaml"], { stdin: one }),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n" +
      "    kubectl.kubernetes.io/last-applied-configuration: |\n" +
      '      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{},"name":"newone","namespace":"default"}}\n' +
      "  name: newone\n  namespace: default\n",
  );
  assertFails(
    await s.k1s(["get", "cm", "newone"]),
    'Error from server (NotFound): configmaps "newone" not found\n',
  );
  const two = `${one}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n`;
  assertOk(
    await s.k1s(["apply", "-f", "-", "-o", "name", "--field-manager", "mine"], { stdin: two }),
    "configmap/newone\nconfigmap/other\n",
  );
  const listed = await s.k1s(["apply", "-f", "-", "-o", "yaml"], { stdin: two });
  assert.equal(listed.code, 0, listed.err);
  assert.match(
    listed.out,
    /^apiVersion: v1\nitems:\n- apiVersion: v1\n[\s\S]*name: other\n[\s\S]*kind: List\nmetadata:\n {2}resourceVersion: ""\n$/,
  );
});
