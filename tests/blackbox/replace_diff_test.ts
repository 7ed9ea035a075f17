// Black-box: `k1s replace`, `k1s diff` and `k1s api-versions` as kubectl v1.32 behaves: replace's
// `kind/name replaced` lines, its errors with the file named, --force (delete, wait, create),
// --save-config; diff's exit codes (0 none, 1 differences, 2 failure), its unified diff of the
// LIVE and MERGED directories, Secret masking and KUBECTL_EXTERNAL_DIFF; the sorted group/versions.
import assert from "node:assert/strict";
import { assertFails, assertOk, type Run, sandbox, withoutServedReviews } from "./_harness.ts";

const CM = (name: string, value: string, extra = "") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  a: "${value}"\n`;

/** The temporary directories and file dates of diff's headers, and server-filled fields, as markers. */
function normalized(r: Run): Run {
  const out = r.out
    .replace(/\S*\/LIVE-[^/\s]+/g, "LIVE")
    .replace(/\S*\/MERGED-[^/\s]+/g, "MERGED")
    .replace(/^(---|\+\+\+) (\S+)\t.*$/gm, "$1 $2")
    .replace(/creationTimestamp: "[^"]+"/g, 'creationTimestamp: "T"')
    .replace(/resourceVersion: "\d+"/g, 'resourceVersion: "RV"')
    .replace(/uid: [0-9a-f-]{36}/g, "uid: UID");
  return { ...r, out };
}

Deno.test("replace -f: replaced, a missing object, a stale resourceVersion, dry runs, -o", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("x.yaml", CM("x", "1"));
  // Replace needs the object to exist.
  assertFails(
    await s.k1s(["replace", "-f", "x.yaml"], here),
    'Error from server (NotFound): error when replacing "x.yaml": configmaps "x" not found\n',
  );
  assertOk(await s.k1s(["create", "-f", "x.yaml"], here), "configmap/x created\n");
  const rv = (await s.k1s(["get", "cm", "x", "-o", "jsonpath={.metadata.resourceVersion}"])).out;

  // Without a resourceVersion: an unconditional overwrite of the whole object.
  await s.file("x.yaml", CM("x", "2", "  labels:\n    v: two\n"));
  assertOk(await s.k1s(["replace", "-f", "x.yaml"], here), "configmap/x replaced\n");
  assertOk(
    await s.k1s(["get", "cm", "x", "-o", "jsonpath={.data.a} {.metadata.labels.v}"]),
    "2 two",
  );

  // With the resourceVersion read before the last write: kubectl's conflict, nothing written.
  await s.file("stale.yaml", CM("x", "3", `  resourceVersion: "${rv}"\n`));
  assertFails(
    await s.k1s(["replace", "-f", "stale.yaml"], here),
    'Error from server (Conflict): error when replacing "stale.yaml": Operation cannot be ' +
      'fulfilled on configmaps "x": the object has been modified; please apply your changes to ' +
      "the latest version and try again\n",
  );
  assertOk(await s.k1s(["get", "cm", "x", "-o", "jsonpath={.data.a}"]), "2");

  // Dry runs and -o: nothing is written.
  await s.file("y.yaml", CM("x", "9"));
  assertOk(
    await s.k1s(["replace", "-f", "y.yaml", "--dry-run=client"], here),
    "configmap/x replaced (dry run)\n",
  );
  assertOk(
    await s.k1s(["replace", "-f", "y.yaml", "--dry-run=server"], here),
    "configmap/x replaced (server dry run)\n",
  );
  assertOk(
    await s.k1s(["replace", "-f", "-", "-o", "name"], { stdin: CM("x", "2") }),
    "configmap/x\n",
  );
  const yaml = await s.k1s(["replace", "-f", "-", "-o", "yaml"], { stdin: CM("x", "2") });
  assertOk(
    normalized(yaml),
    'apiVersion: v1\ndata:\n  a: "2"\nkind: ConfigMap\nmetadata:\n  creationTimestamp: "T"\n' +
      '  name: x\n  namespace: default\n  resourceVersion: "RV"\n  uid: UID\n',
  );
  assertOk(await s.k1s(["get", "cm", "x", "-o", "jsonpath={.data.a}"]), "2");

  // Bad input: kubectl's messages, exit 1.
  assertFails(
    await s.k1s(["replace", "-f", "nope.yaml"]),
    'error: the path "nope.yaml" does not exist\n',
  );
  assertFails(await s.k1s(["replace"]), "error: must specify one of -f and -k\n");
  assertFails(
    await s.k1s(["replace", "-f", "x.yaml", "-o", "wide"], here),
    'error: unable to match a printer suitable for the output format "wide", allowed formats are: ' +
      "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template," +
      "templatefile,yaml\n",
  );
  assertFails(
    await s.k1s(["replace", "-f", "x.yaml", "--dry-run=maybe"], here),
    'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n',
  );
  assertFails(
    await s.k1s(["replace", "-f", "x.yaml", "--grace-period=3"], here),
    "error: --grace-period must have --force specified\n",
  );
  assertFails(
    await s.k1s(["replace", "-f", "x.yaml", "--timeout=3s"], here),
    "error: --timeout must have --force specified\n",
  );
});

Deno.test("replace --force deletes, waits and creates; --save-config prepares apply", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("x.yaml", CM("x", "1"));
  assertOk(await s.k1s(["create", "-f", "x.yaml"], here), "configmap/x created\n");
  const uid = (await s.k1s(["get", "cm", "x", "-o", "jsonpath={.metadata.uid}"])).out;
  await s.file("x.yaml", CM("x", "2"));
  assertOk(
    await s.k1s(["replace", "--force", "-f", "x.yaml"], here),
    'configmap "x" deleted\nconfigmap/x replaced\n',
  );
  const after = await s.k1s(["get", "cm", "x", "-o", "jsonpath={.metadata.uid} {.data.a}"]);
  assert.notEqual(after.out.split(" ")[0], uid, "a new object");
  assert.equal(after.out.split(" ")[1], "2");
  // A missing object is simply created.
  await s.file("fresh.yaml", CM("fresh", "1"));
  assertOk(
    await s.k1s(["replace", "--force", "-f", "fresh.yaml"], here),
    "configmap/fresh replaced\n",
  );
  assertFails(
    await s.k1s(["replace", "--force", "--dry-run=server", "-f", "fresh.yaml"], here),
    "error: --dry-run can not be used when --force is set\n",
  );

  // --save-config: apply later finds its annotation (no warning) and merges three ways.
  assertOk(
    await s.k1s(["replace", "--save-config", "-f", "x.yaml"], here),
    "configmap/x replaced\n",
  );
  assertOk(
    await s.k1s([
      "get",
      "cm",
      "x",
      "-o",
      "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}",
    ]),
    '{"apiVersion":"v1","data":{"a":"2"},"kind":"ConfigMap","metadata":{"annotations":{},' +
      '"name":"x","namespace":"default"}}\n',
  );
  assertOk(await s.k1s(["apply", "-f", "x.yaml"], here), "configmap/x unchanged\n");
  await s.file("x.yaml", CM("x", "3"));
  assertOk(await s.k1s(["apply", "-f", "x.yaml"], here), "configmap/x configured\n");
});

Deno.test("diff -f: exit 0 without changes, 1 with a unified diff, new objects, masked Secrets", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("x.yaml", CM("x", "1"));
  assertOk(await s.k1s(["apply", "-f", "x.yaml"], here), "configmap/x created\n");
  // Nothing would change: no output, exit 0.
  assertOk(await s.k1s(["diff", "-f", "x.yaml"], here), "");

  // A change: `diff -u -N` of the LIVE and MERGED directories, exit 1. The last-applied
  // annotation is compared as it is (kubectl diffs the configuration without it).
  await s.file("x.yaml", CM("x", "2"));
  const changed = normalized(await s.k1s(["diff", "-f", "x.yaml"], here));
  assert.deepEqual(changed, {
    code: 1,
    err: "",
    out: "diff -u -N LIVE/v1.ConfigMap.default.x MERGED/v1.ConfigMap.default.x\n" +
      "--- LIVE/v1.ConfigMap.default.x\n+++ MERGED/v1.ConfigMap.default.x\n" +
      '@@ -1,6 +1,6 @@\n apiVersion: v1\n data:\n-  a: "1"\n+  a: "2"\n kind: ConfigMap\n' +
      " metadata:\n   annotations:\n",
  });
  // Nothing was written.
  assertOk(await s.k1s(["get", "cm", "x", "-o", "jsonpath={.data.a}"]), "1");

  // A new object (from stdin): every line added, against an empty LIVE file.
  const added = normalized(await s.k1s(["diff", "-f", "-"], { stdin: CM("fresh", "1") }));
  assert.deepEqual(added, {
    code: 1,
    err: "",
    out: "diff -u -N LIVE/v1.ConfigMap.default.fresh MERGED/v1.ConfigMap.default.fresh\n" +
      "--- LIVE/v1.ConfigMap.default.fresh\n+++ MERGED/v1.ConfigMap.default.fresh\n" +
      '@@ -0,0 +1,9 @@\n+apiVersion: v1\n+data:\n+  a: "1"\n+kind: ConfigMap\n+metadata:\n' +
      '+  creationTimestamp: "T"\n+  name: fresh\n+  namespace: default\n+  uid: UID\n',
  });
  assertFails(
    await s.k1s(["get", "cm", "fresh"]),
    'Error from server (NotFound): configmaps "fresh" not found\n',
  );

  // Secrets: values masked, changed ones marked before/after.
  const secret = (data: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\ndata:\n${data}`;
  await s.file("s.yaml", secret("  a: YQ==\n  b: Yg==\n"));
  assertOk(await s.k1s(["apply", "-f", "s.yaml"], here), "secret/s created\n");
  await s.file("s.yaml", secret("  a: YQ==\n  b: Yw==\n  c: Yw==\n"));
  const masked = await s.k1s(["diff", "-f", "s.yaml"], here);
  assert.equal(masked.code, 1, masked.err);
  assert.ok(
    masked.out.includes(
      "\n data:\n   a: '***'\n-  b: '*** (before)'\n+  b: '*** (after)'\n+  c: '***'\n",
    ),
    masked.out,
  );
  assert.doesNotMatch(masked.out, /YQ==|Yg==|Yw==/);
});

Deno.test("diff --prune: what apply --prune would delete shows as removed (kubectl 1.32's diff)", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  const labelled = (name: string, value: string) => CM(name, value, "  labels:\n    app: web\n");
  await s.file("ab.yaml", `${labelled("a", "1")}---\n${labelled("b", "1")}`);
  await s.file("a.yaml", labelled("a", "1"));
  assertOk(
    await s.k1s(["apply", "-f", "ab.yaml"], here),
    "configmap/a created\nconfigmap/b created\n",
  );
  // Without --prune, a.yaml matches what is live.
  assertOk(await s.k1s(["diff", "-f", "a.yaml", "-l", "app=web"], here), "");
  const pruned = normalized(
    await s.k1s(
      ["diff", "-f", "a.yaml", "--prune", "-l", "app=web", "--prune-allowlist=core/v1/ConfigMap"],
      here,
    ),
  );
  assert.deepEqual(pruned, {
    code: 1,
    err: "",
    out: "diff -u -N LIVE/v1.ConfigMap.default.b MERGED/v1.ConfigMap.default.b\n" +
      "--- LIVE/v1.ConfigMap.default.b\n+++ MERGED/v1.ConfigMap.default.b\n" +
      '@@ -1,15 +0,0 @@\n-apiVersion: v1\n-data:\n-  a: "1"\n-kind: ConfigMap\n-metadata:\n' +
      "-  annotations:\n-    kubectl.kubernetes.io/last-applied-configuration: |\n" +
      '-      {"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},' +
      '"labels":{"app":"web"},"name":"b","namespace":"default"}}\n' +
      '-  creationTimestamp: "T"\n-  labels:\n-    app: web\n-  name: b\n-  namespace: default\n' +
      '-  resourceVersion: "RV"\n-  uid: UID\n',
  });
  // Nothing was deleted; an unknown kind in the allowlist is kubectl's error (exit 2).
  assertOk(await s.k1s(["get", "cm", "b", "-o", "name"]), "configmap/b\n");
  assertFails(
    await s.k1s(["diff", "-f", "a.yaml", "--prune", "--prune-allowlist=core/v1/Bogus"], here),
    'error: no matches for kind "Bogus" in version "v1"\n',
    2,
  );
});

Deno.test("diff: KUBECTL_EXTERNAL_DIFF, a custom program's status, and failures exit 2", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("x.yaml", CM("x", "1"));
  assertOk(await s.k1s(["apply", "-f", "x.yaml"], here), "configmap/x created\n");
  await s.file("x.yaml", CM("x", "2"));
  const quiet = normalized(
    await s.k1s(["diff", "-f", "x.yaml"], { ...here, env: { KUBECTL_EXTERNAL_DIFF: "diff -q" } }),
  );
  assert.deepEqual(quiet, {
    code: 1,
    err: "",
    out: "Files LIVE/v1.ConfigMap.default.x and MERGED/v1.ConfigMap.default.x differ\n",
  });
  // A program of one's own gets the two directories; a status over 1 is an error of kubectl's
  // (exit code 2), what the program printed kept.
  const script = await s.file(
    "mydiff.sh",
    '#!/bin/sh\nfor f in "$1"/*; do echo "$(basename "$f") $(basename "$1" | cut -d- -f1) $(basename "$2" | cut -d- -f1) $3"; done\nexit 3\n',
  );
  await Deno.chmod(script, 0o755);
  assert.deepEqual(
    await s.k1s(["diff", "-f", "x.yaml"], {
      ...here,
      env: { KUBECTL_EXTERNAL_DIFF: `${script} --flag=1 ;rm` },
    }),
    {
      code: 2,
      err: `error: failed to run "${script}": exit status 3\n`,
      out: "v1.ConfigMap.default.x LIVE MERGED --flag=1\n",
    },
  );
  assertFails(
    await s.k1s(["diff", "-f", "x.yaml"], {
      ...here,
      env: { KUBECTL_EXTERNAL_DIFF: "no-such-diff" },
    }),
    'error: failed to run "no-such-diff": executable file not found in $PATH\n',
    2,
  );
  // -l keeps the objects of the files whose labels match: here none, so no differences.
  assertOk(await s.k1s(["diff", "-f", "x.yaml", "-l", "app=web"], here), "");
  assert.equal((await s.k1s(["diff", "-f", "x.yaml", "-l", "app!=web"], here)).code, 1);
  // k1s's own errors exit with 2 (1 means "differences found").
  await s.file("bad.yaml", "apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: g\n");
  assertFails(await s.k1s(["diff", "-f", "bad.yaml"], here), /no matches for kind "Gizmo"/, 2);
  assertFails(
    await s.k1s(["diff", "-f", "nope.yaml"]),
    'error: the path "nope.yaml" does not exist\n',
    2,
  );
  assertFails(await s.k1s(["diff"]), "error: must specify one of -f and -k\n", 2);
  assertFails(
    await s.k1s(["diff", "x", "-f", "x.yaml"], here),
    "error: Unexpected args: [x]\nSee 'k1s diff -h' for help and examples\n",
    2,
  );
});

Deno.test("api-versions: sorted group/versions, CRD groups included; help texts", async () => {
  await using s = await sandbox();
  assertOk(
    withoutServedReviews(await s.k1s(["api-versions"])),
    "admissionregistration.k8s.io/v1\napiextensions.k8s.io/v1\ncoordination.k8s.io/v1\nv1\n",
  );
  const crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n" +
    "metadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n" +
    "  names:\n    kind: Widget\n    plural: widgets\n    singular: widget\n    listKind: WidgetList\n" +
    "  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n" +
    "      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n";
  assertOk(
    await s.k1s(["apply", "-f", "-"], { stdin: crd }),
    "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n",
  );
  assertOk(
    withoutServedReviews(await s.k1s(["api-versions"])),
    "admissionregistration.k8s.io/v1\napiextensions.k8s.io/v1\ncoordination.k8s.io/v1\n" +
      "example.com/v1\nv1\n",
  );
  assertFails(
    withoutServedReviews(await s.k1s(["api-versions", "x"])),
    "error: unexpected arguments: [x]\nSee 'k1s api-versions -h' for help and examples\n",
  );
  for (const verb of ["replace", "diff", "api-versions"]) {
    const help = await s.k1s([verb, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, new RegExp(`\\nUsage:\\n  k1s ${verb}`));
  }
  const top = await s.k1s(["--help"]);
  // kubectl's order: diff before apply, replace after patch, api-versions after api-resources.
  const names = [...top.out.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]);
  const at = (n: string) => names.indexOf(n);
  assert.ok(at("diff") >= 0 && at("diff") < at("apply"));
  assert.ok(at("replace") === at("patch") + 1);
  assert.ok(at("api-versions") === at("api-resources") + 1);
});
