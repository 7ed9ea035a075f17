// Black-box: `k1s delete` by names, kind/name, files, selectors and --all; cascading deletion
// through owner references; waiting for deletion; namespaces (golden texts as kubectl v1.32
// prints them).
import assert from "node:assert/strict";
import { assertFails, assertOk, sandbox } from "./_harness.ts";

/** YAML for ConfigMaps named `names` (with `labels`, when given). */
function configMaps(names: string[], labels?: Record<string, string>): string {
  return names.map((name) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n` +
    (labels ? `  labels: ${JSON.stringify(labels)}\n` : "")
  ).join("---\n");
}

Deno.test("delete by kind/name, names, -l, --all, --all -n, a namespace; NotFound", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "ns", "team"]), "namespace/team created\n");
  const setup = await s.k1s(["create", "-f", "-"], {
    stdin: configMaps(["a", "b", "c", "f"]) + "---\n" + configMaps(["d", "e"], { app: "web" }) +
      "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
  });
  assert.equal(setup.code, 0, setup.err);
  assertOk(
    await s.k1s(["create", "-n", "team", "-f", "-"], {
      stdin: configMaps(["t1", "t2"]) +
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n" +
        "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bot\n",
    }),
    "configmap/t1 created\nconfigmap/t2 created\nsecret/s created\nserviceaccount/bot created\n",
  );

  assertOk(
    await s.k1s(["delete", "cm/a", "secret/s"]),
    'configmap "a" deleted\nsecret "s" deleted\n',
  );
  // Every name is tried; a missing one is an error (exit 1) after the others are deleted.
  assert.deepEqual(await s.k1s(["delete", "configmap", "b", "nope", "c"]), {
    code: 1,
    out: 'configmap "b" deleted\nconfigmap "c" deleted\n',
    err: 'Error from server (NotFound): configmaps "nope" not found\n',
  });
  assertOk(
    await s.k1s(["delete", "cm", "-l", "app=web"]),
    'configmap "d" deleted\nconfigmap "e" deleted\n',
  );
  assertOk(await s.k1s(["delete", "cm", "--all"]), 'configmap "f" deleted\n');
  // Nothing left to delete: kubectl says so on stdout and succeeds.
  assertOk(await s.k1s(["delete", "cm", "--all"]), "No resources found\n");
  assertOk(
    await s.k1s(["delete", "cm", "--all", "-n", "team"]),
    'configmap "t1" deleted\nconfigmap "t2" deleted\n',
  );
  // When delete returns, the namespace and everything in it are gone.
  assertOk(await s.k1s(["delete", "namespace", "team"]), 'namespace "team" deleted\n');
  assertOk(await s.k1s(["get", "ns,cm,secret,sa", "-A", "-o", "name"]), "namespace/default\n");
});

Deno.test("delete -f FILE: objects of the file; missing ones are errors naming the file", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("pair.yaml", configMaps(["a", "b"]));
  assertOk(
    await s.k1s(["create", "-f", "pair.yaml"], here),
    "configmap/a created\nconfigmap/b created\n",
  );
  assertOk(
    await s.k1s(["delete", "-f", "pair.yaml"], here),
    'configmap "a" deleted\nconfigmap "b" deleted\n',
  );
  assertFails(
    await s.k1s(["delete", "-f", "pair.yaml"], here),
    'Error from server (NotFound): error when deleting "pair.yaml": configmaps "a" not found\n' +
      'Error from server (NotFound): error when deleting "pair.yaml": configmaps "b" not found\n',
  );
  assertOk(await s.k1s(["delete", "-f", "pair.yaml", "--ignore-not-found"], here), "");
});

/** ConfigMap `name` owned by the ConfigMap `owner` with `uid`. */
function child(name: string, owner: string, uid: string, block = false): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  ownerReferences:\n` +
    `  - apiVersion: v1\n    kind: ConfigMap\n    name: ${owner}\n    uid: ${uid}\n` +
    (block ? "    blockOwnerDeletion: true\n" : "");
}

Deno.test("delete --cascade=background|foreground|orphan with owner references", async () => {
  await using s = await sandbox();
  assertOk(
    await s.k1s(["create", "-f", "-"], { stdin: configMaps(["p1", "p2", "p3", "other"]) }),
    "configmap/p1 created\nconfigmap/p2 created\nconfigmap/p3 created\nconfigmap/other created\n",
  );
  const uids = await s.k1s([
    "get",
    "cm",
    "p1",
    "p2",
    "p3",
    "-o",
    "jsonpath={.items[*].metadata.uid}",
  ]);
  const [u1, u2, u3] = uids.out.split(" ");
  assert.ok(u1 && u2 && u3, uids.out);
  assertOk(
    await s.k1s(["create", "-f", "-"], {
      stdin: [child("c1", "p1", u1), child("c2", "p2", u2), child("c3", "p3", u3, true)].join(
        "---\n",
      ),
    }),
    "configmap/c1 created\nconfigmap/c2 created\nconfigmap/c3 created\n",
  );

  // Background (the default): the dependent is gone when the command returns.
  assertOk(await s.k1s(["delete", "cm", "p1", "--cascade=background"]), 'configmap "p1" deleted\n');
  // Foreground: the owner waits for its blocking dependents; both are gone.
  assertOk(await s.k1s(["delete", "cm", "p3", "--cascade=foreground"]), 'configmap "p3" deleted\n');
  // Orphan: the dependent stays, without its owner reference.
  assertOk(await s.k1s(["delete", "cm", "p2", "--cascade=orphan"]), 'configmap "p2" deleted\n');
  assertOk(
    await s.k1s([
      "get",
      "cm",
      "-o",
      "jsonpath={.items[*].metadata.name}:{.items[*].metadata.ownerReferences}",
    ]),
    "c2 other:",
  );
  assertFails(
    await s.k1s(["delete", "cm", "other", "--cascade=bogus"]),
    'error: invalid cascade value (bogus). Must be "background", "foreground", or "orphan"\n',
  );
});

Deno.test("delete waits for finalizers unless --wait=false", async () => {
  await using s = await sandbox();
  assertOk(
    await s.k1s(["create", "-f", "-"], {
      stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n" +
        "  finalizers: [example.com/hold]\n",
    }),
    "configmap/held created\n",
  );
  assertOk(await s.k1s(["delete", "cm", "held", "--wait=false"]), 'configmap "held" deleted\n');
  const pending = await s.k1s([
    "get",
    "cm",
    "held",
    "-o",
    "jsonpath={.metadata.finalizers} {.metadata.deletionTimestamp}",
  ]);
  assert.match(pending.out, /^\["example\.com\/hold"\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // Waiting (the default) on an object whose finalizer stays: kubectl's timeout error.
  assert.deepEqual(await s.k1s(["delete", "cm", "held", "--timeout=1s"]), {
    code: 1,
    out: 'configmap "held" deleted\n',
    err: "error: timed out waiting for the condition on configmaps/held\n",
  });
  assertOk(
    await s.k1s(["patch", "cm", "held", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']),
    "configmap/held patched\n",
  );
});

Deno.test("delete --dry-run: client does not ask about named objects; server checks them", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "cm", "keep"]), "configmap/keep created\n");
  assertOk(
    await s.k1s(["delete", "cm", "keep", "nope", "--dry-run=client"]),
    'configmap "keep" deleted (dry run)\nconfigmap "nope" deleted (dry run)\n',
  );
  assertOk(
    await s.k1s(["delete", "cm", "keep", "--dry-run=server"]),
    'configmap "keep" deleted (server dry run)\n',
  );
  assertFails(
    await s.k1s(["delete", "cm", "nope", "--dry-run=server"]),
    'Error from server (NotFound): configmaps "nope" not found\n',
  );
  assertOk(await s.k1s(["get", "cm", "-o", "name"]), "configmap/keep\n");
});

Deno.test("delete --force, --grace-period, --now, a bare --cascade and -o name, as kubectl", async () => {
  await using s = await sandbox();
  for (const n of ["a", "b", "c", "d"]) {
    assertOk(await s.k1s(["create", "cm", n]), `configmap/${n} created\n`);
  }
  const force = await s.k1s(["delete", "cm", "a", "--force"]);
  assert.equal(force.code, 0);
  assert.equal(force.out, 'configmap "a" force deleted\n');
  assert.equal(
    force.err,
    "Warning: Immediate deletion does not wait for confirmation that the running resource has " +
      "been terminated. The resource may continue to run on the cluster indefinitely.\n",
  );
  // --grace-period=0 without --force is 1 (kubectl protects against accidental loss).
  assertOk(await s.k1s(["delete", "cm", "b", "--grace-period=0"]), 'configmap "b" deleted\n');
  assertOk(await s.k1s(["delete", "cm", "c", "--now", "-o", "name"]), "configmap/c\n");
  assertOk(await s.k1s(["delete", "cm", "d", "--cascade"]), 'configmap "d" deleted\n');
  // Refused before anything is read or deleted.
  assertOk(await s.k1s(["create", "cm", "e"]), "configmap/e created\n");
  assertFails(
    await s.k1s(["delete", "cm", "e", "--force", "--grace-period=3"]),
    "error: --force and --grace-period greater than 0 cannot be specified together\n",
  );
  assertFails(
    await s.k1s(["delete", "cm", "e", "--now", "--grace-period=3"]),
    "error: --now and --grace-period cannot be specified together\n",
  );
  assertFails(
    await s.k1s(["delete", "cm", "e", "-o", "yaml"]),
    "error: unexpected -o output mode: yaml. We only support '-o name'\n",
  );
  assertOk(await s.k1s(["get", "cm", "e", "-o", "name"]), "configmap/e\n");
});
