// Black-box: `k1s apply --prune` (kubectl's allowlist pruner: what an earlier apply created,
// matching -l or --all, not applied this time), its refusals, `--wait`, an object too large for
// the last-applied annotation, and `apply edit-last-applied` — golden texts as kubectl v1.32
// prints them (the refusals are compared with kubectl itself when it is installed).
import assert from "node:assert/strict";
import { KUBECTL_132, kubectlOffline } from "../_kubectl.ts";
import { assertFails, assertOk, type Run, sandbox } from "./_harness.ts";

const cm = (name: string, app: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    app: ${app}\n` +
  `data:\n  k: ${name}\n`;

const ALLOW = "--prune-allowlist=core/v1/ConfigMap";

/** The names of the config maps left in the default namespace. */
async function left(s: { k1s(args: string[]): Promise<Run> }): Promise<string> {
  const r = await s.k1s(["get", "cm", "-o", "jsonpath={.items[*].metadata.name}"]);
  assert.equal(r.code, 0, r.err);
  return r.out;
}

Deno.test("apply --prune -l: what apply made and this apply left out goes; the rest stays", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("all.yaml", [cm("a", "web"), cm("b", "web"), cm("c", "db")].join("---\n"));
  await s.file("a.yaml", cm("a", "web"));
  assertOk(
    await s.k1s(["apply", "-f", "all.yaml"], here),
    "configmap/a created\nconfigmap/b created\nconfigmap/c created\n",
  );
  // d matches the selector but was never applied: no last-applied annotation, never pruned.
  assertOk(await s.k1s(["create", "-f", "-"], { stdin: cm("d", "web") }), "configmap/d created\n");

  // Dry runs say what would go and keep it.
  assertOk(
    await s.k1s(
      ["apply", "--prune", "-l", "app=web", ALLOW, "-f", "a.yaml", "--dry-run=client"],
      here,
    ),
    "configmap/a configured (dry run)\nconfigmap/b pruned (dry run)\n",
  );
  assertOk(
    await s.k1s(
      ["apply", "--prune", "-l", "app=web", ALLOW, "-f", "a.yaml", "--dry-run=server"],
      here,
    ),
    "configmap/a unchanged (server dry run)\nconfigmap/b pruned (server dry run)\n",
  );
  assert.equal(await left(s), "a b c d");

  // The prune: b goes; c (outside the selector) and d (not applied) stay.
  assertOk(
    await s.k1s(["apply", "--prune", "-l", "app=web", ALLOW, "-f", "a.yaml", "--wait"], here),
    "configmap/a unchanged\nconfigmap/b pruned\n",
  );
  assert.equal(await left(s), "a c d");

  // --all: every applied config map not in the file goes, whatever its labels; -o name.
  assertOk(
    await s.k1s(["apply", "--prune", "--all", ALLOW, "-f", "a.yaml", "-o", "name"], here),
    "configmap/a\nconfigmap/c\n",
  );
  assert.equal(await left(s), "a d");
});

Deno.test("apply --prune without --prune-allowlist: kubectl's default kinds, and its klog warning", async () => {
  await using s = await sandbox();
  const here = { cwd: s.dir };
  await s.file("two.yaml", [cm("a", "web"), cm("b", "web")].join("---\n"));
  await s.file("a.yaml", cm("a", "web"));
  assertOk(
    await s.k1s(["apply", "-f", "two.yaml"], here),
    "configmap/a created\nconfigmap/b created\n",
  );
  const r = await s.k1s(["apply", "--prune", "-l", "app=web", "-f", "a.yaml"], here);
  assert.equal(r.code, 0);
  assert.equal(r.out, "configmap/a unchanged\nconfigmap/b pruned\n");
  assert.match(
    r.err,
    /^W\d{4} [\d:.]+ +\d+ prune\.go:71\] Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used with the --namespace flag in a future release\. To preserve the current behaviour, list the resources you want to target explicitly in the --prune-allowlist flag\.\n$/,
  );
  assert.equal(await left(s), "a");
});

/** kubectl 1.32's refusals (before it contacts a server), with "kubectl" read as "k1s". */
const REFUSALS: { args: string[]; err: string }[] = [
  {
    args: ["--prune"],
    err: "error: all resources selected for prune without explicitly passing --all. To prune " +
      "all resources, pass the --all flag. If you did not mean to prune all resources, specify " +
      "a label selector\n",
  },
  {
    args: ["--prune", "--all", "-l", "app=web"],
    err: "error: cannot set --all and --selector at the same time\n",
  },
  {
    args: ["--all", "-l", "app=web"],
    err: "error: cannot set --all and --selector at the same time\n",
  },
  { args: ["--prune", "--all", "--force"], err: "error: --force cannot be used with --prune\n" },
  {
    args: ["--force", "--dry-run=server"],
    err: "error: --dry-run=server cannot be used with --force\n",
  },
  {
    args: ["--prune", "--all", "--prune-allowlist=ConfigMap"],
    err: "error: invalid GroupVersionKind format: ConfigMap, please follow <group/version/kind>\n",
  },
  {
    args: ["--cascade=sometimes"],
    err:
      'error: invalid cascade value (sometimes). Must be "background", "foreground", or "orphan"\n',
  },
  {
    args: ["--timeout=soon"],
    err: 'error: invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"\n' +
      "See 'k1s apply --help' for usage.\n",
  },
];

Deno.test("apply --prune, --force, --cascade, --timeout: kubectl's refusals, nothing written", async () => {
  await using s = await sandbox();
  const file = await s.file("a.yaml", cm("a", "web"));
  for (const { args, err } of REFUSALS) {
    const argv = ["apply", "-f", file, ...args];
    assertFails(await s.k1s(argv), err);
    if (KUBECTL_132) {
      const k = await kubectlOffline(argv, s.dir);
      assert.deepEqual({ ...k, err: k.err.replaceAll("kubectl", "k1s") }, {
        code: 1,
        out: "",
        err,
      });
    }
  }
  // --prune-allowlist alone is neither read nor refused (kubectl's too).
  assertOk(
    await s.k1s(["apply", "-f", file, "--prune-allowlist=nonsense", "--dry-run=client"]),
    "configmap/a created (dry run)\n",
  );
  assert.equal(await left(s), "");
});

const TOO_LONG =
  'The ConfigMap "big" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes\n';
const MISSING_WARNING =
  "Warning: resource configmaps/big is missing the kubectl.kubernetes.io/last-applied-configuration " +
  "annotation which is required by kubectl apply. kubectl apply should only be used on resources " +
  "created declaratively by either kubectl create --save-config or kubectl apply. The missing " +
  "annotation will be patched automatically.\n";

Deno.test("apply of a config map too large for the last-applied annotation: the server's Invalid", async () => {
  await using s = await sandbox();
  const big = JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "big" },
    data: { k: "x".repeat(300_000) },
  });
  const file = await s.file("big.json", big);
  // Created by apply: the annotation would hold the whole object (kubectl 1.32's words).
  assertFails(await s.k1s(["apply", "-f", file]), TOO_LONG);
  // create takes it (no annotation); apply then warns before its patch, and fails the same way.
  assertOk(await s.k1s(["create", "-f", file]), "configmap/big created\n");
  assertFails(await s.k1s(["apply", "-f", file]), MISSING_WARNING + TOO_LONG);
  assertFails(await s.k1s(["apply", "-f", file, "--dry-run=server"]), MISSING_WARNING + TOO_LONG);
  const r = await s.k1s(["get", "cm", "big", "-o", "jsonpath={.metadata.annotations}"]);
  assert.deepEqual(r, { code: 0, out: "", err: "" });
});

Deno.test("apply edit-last-applied: the saved annotation is set, nothing else changes", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["apply", "-f", "-"], { stdin: cm("a", "web") }), "configmap/a created\n");
  // The editor sees kubectl's header and the annotation as YAML, and changes k.
  const editor = await s.file(
    "editor.sh",
    `#!/bin/sh\nhead -n 3 "$1" > '${s.dir}/seen'\nsed -i "s/k: a/k: edited/" "$1"\n`,
  );
  await Deno.chmod(editor, 0o755);
  assertOk(
    await s.k1s(["apply", "edit-last-applied", "cm/a"], { env: { EDITOR: editor } }),
    "configmap/a edited\n",
  );
  assert.equal(
    await Deno.readTextFile(`${s.dir}/seen`),
    "# Please edit the 'last-applied-configuration' annotations below.\n" +
      "# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.\n#\n",
  );
  // kubectl writes the edited annotation as compact JSON without a final newline, so
  // view-last-applied's indented copy has none either.
  assertOk(
    await s.k1s(["apply", "view-last-applied", "configmap", "a", "-o", "json"]),
    '{\n  "apiVersion": "v1",\n  "data": {\n    "k": "edited"\n  },\n  "kind": "ConfigMap",\n' +
      '  "metadata": {\n    "annotations": {},\n    "labels": {\n      "app": "web"\n    },\n' +
      '    "name": "a",\n    "namespace": "default"\n  }\n}',
  );
  assertOk(await s.k1s(["get", "cm", "a", "-o", "jsonpath={.data.k}"]), "a");
  // An editor that saves nothing new: kubectl's words, exit 0.
  const r = await s.k1s(["apply", "edit-last-applied", "cm", "a"], { env: { EDITOR: "true" } });
  assert.deepEqual(r, { code: 0, out: "", err: "Edit cancelled, no changes made.\n" });
  // An object without the annotation.
  assertOk(await s.k1s(["create", "cm", "plain"]), "configmap/plain created\n");
  assertFails(
    await s.k1s(["apply", "edit-last-applied", "cm/plain"], { env: { EDITOR: "true" } }),
    "error: no last-applied-configuration annotation found on resources, to create the " +
      "annotation, use command `k1s apply set-last-applied --create-annotation`\n",
  );
  // Its own flags only, as kubectl's subcommand.
  assertFails(
    await s.k1s(["apply", "edit-last-applied", "cm/a", "--prune"]),
    /^error: unknown flag: --prune\n/,
  );
});
