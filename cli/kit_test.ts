// The CLI run in-process on temporary stores: kubectl's messages and exit codes.
import assert from "node:assert/strict";
import { captureIO } from "./io.ts";
import { k1s } from "./cli_under_test.ts";
import { lazyCommand, loadCommands } from "./kit.ts";
import { runCli, tempStore } from "./_test_helpers.ts";

function k(store: string, args: string[], stdin?: string) {
  return runCli(k1s, ["--store", store, ...args], { stdin });
}

Deno.test("create generators and delete, with kubectl's lines", async () => {
  await using s = await tempStore("k1s-cli-");
  assert.deepEqual(await k(s.store, ["create", "namespace", "team"]), {
    code: 0,
    out: "namespace/team created\n",
    err: "",
  });
  const cm = await k(s.store, [
    "create",
    "configmap",
    "app",
    "-n",
    "team",
    "--from-literal=mode=fast",
    "--from-literal=level=3",
  ]);
  assert.equal(cm.out, "configmap/app created\n");
  const sec = await k(s.store, ["create", "secret", "generic", "pw", "--from-literal=p=s3cret"]);
  assert.equal(sec.out, "secret/pw created\n");
  assert.equal((await k(s.store, ["create", "sa", "bot"])).out, "serviceaccount/bot created\n");
  const again = await k(s.store, ["create", "namespace", "team"]);
  assert.equal(again.code, 1);
  assert.equal(again.err, 'Error from server (AlreadyExists): namespaces "team" already exists\n');
  const dry = await k(s.store, ["create", "cm", "ghost", "--dry-run=client"]);
  assert.equal(dry.out, "configmap/ghost created (dry run)\n");
  const del = await k(s.store, ["delete", "configmap", "app", "ghost", "-n", "team"]);
  assert.equal(del.code, 1);
  assert.equal(del.out, 'configmap "app" deleted\n');
  assert.equal(del.err, 'Error from server (NotFound): configmaps "ghost" not found\n');
  assert.equal((await k(s.store, ["delete", "cm", "ghost", "--ignore-not-found"])).code, 0);
});

Deno.test("bad input gets kubectl's errors and exit codes, and writes nothing", async () => {
  await using s = await tempStore("k1s-cli-");
  const unknown = await k(s.store, ["delete", "frobs", "x"]);
  assert.deepEqual(unknown, {
    code: 1,
    out: "",
    err: 'error: the server doesn\'t have a resource type "frobs"\n',
  });
  const flag = await k(s.store, ["create", "namespace", "x", "--bogus"]);
  assert.equal(flag.code, 1);
  assert.equal(flag.err, "error: unknown flag: --bogus\nSee 'k1s create --help' for usage.\n");
  // A bare --dry-run is a client dry run (kubectl's deprecated default), with kubectl's warning;
  // it never takes the next argument as its value.
  const bare = await k(s.store, [
    "create",
    "cm",
    "dry",
    "--from-literal=a=1",
    "--dry-run",
    "-o",
    "name",
  ]);
  assert.equal(bare.code, 0, bare.err);
  assert.equal(bare.out, "configmap/dry\n");
  assert.match(
    bare.err,
    /^W\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ helpers\.go:702\] --dry-run is deprecated and can be replaced with --dry-run=client\.\n$/,
  );
  assert.equal((await k(s.store, ["get", "cm", "dry"])).code, 1);
  const lit = await k(s.store, ["create", "cm", "c", "--from-literal=novalue"]);
  assert.equal(lit.err, "error: invalid literal source novalue, expected key=value\n");
  const dup = await k(s.store, ["create", "cm", "c", "--from-literal=a=1", "--from-literal=a=2"]);
  assert.equal(
    dup.err,
    'error: cannot add key "a", another key by that name already exists in Data for ConfigMap "c"\n',
  );
  const bad = await k(s.store, ["create", "namespace", "Bad_Name"]);
  assert.equal(bad.code, 1);
  assert.match(
    bad.err,
    /^The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label/,
  );
  const verb = await runCli(k1s, ["frobnicate"]);
  assert.equal(
    verb.err,
    'error: unknown command "frobnicate" for "k1s"\n',
  );
  // cobra's suggestions: a Levenshtein distance of 2 at most, or a prefix.
  assert.equal(
    (await runCli(k1s, ["gett"])).err,
    'error: unknown command "gett" for "k1s"\n\nDid you mean this?\n\tget\n',
  );
  assert.equal(
    (await runCli(k1s, ["api"])).err,
    'error: unknown command "api" for "k1s"\n\nDid you mean this?\n\tapi-resources\n\tapi-versions\n',
  );
  // An unknown verb after global flags could only be a plugin, and kubectl refuses flags there.
  assert.deepEqual(await k(s.store, ["frobnicate"]), {
    code: 1,
    out: "",
    err: "Error: flags cannot be placed before plugin name: --store\n",
  });
  const list = await k(s.store, ["api-resources", "-o", "name"]);
  assert.equal(
    list.out,
    "configmaps\nevents\nnamespaces\nsecrets\nserviceaccounts\n" +
      "validatingadmissionpolicies.admissionregistration.k8s.io\n" +
      "validatingadmissionpolicybindings.admissionregistration.k8s.io\n" +
      "customresourcedefinitions.apiextensions.k8s.io\n" +
      "leases.coordination.k8s.io\n",
  );
});

Deno.test("api-resources lists kinds like kubectl", async () => {
  await using s = await tempStore("k1s-cli-");
  const r = await k(s.store, ["api-resources"]);
  assert.equal(
    r.out,
    "NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND\n" +
      "configmaps                          cm           v1                                true         ConfigMap\n" +
      "events                              ev           v1                                true         Event\n" +
      "namespaces                          ns           v1                                false        Namespace\n" +
      "secrets                                          v1                                true         Secret\n" +
      "serviceaccounts                     sa           v1                                true         ServiceAccount\n" +
      "validatingadmissionpolicies                      admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicy\n" +
      "validatingadmissionpolicybindings                admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicyBinding\n" +
      "customresourcedefinitions           crd,crds     apiextensions.k8s.io/v1           false        CustomResourceDefinition\n" +
      "leases                                           coordination.k8s.io/v1            true         Lease\n",
  );
});

Deno.test("the store comes from --store, then K1S_STORE, then the data directory", async () => {
  const { resolveStoreUrl } = await import("./store_url.ts");
  const env = (vars: Record<string, string>) => ({ env: (n: string) => vars[n] });
  assert.equal(resolveStoreUrl("k1s", "memory:", env({ K1S_STORE: "kv:x" })), "memory:");
  assert.equal(resolveStoreUrl("k1s", undefined, env({ K1S_STORE: "kv:x" })), "kv:x");
  assert.equal(
    resolveStoreUrl("k1s", undefined, env({ XDG_DATA_HOME: "/d", HOME: "/h" })),
    "sqlite:/d/k1s/store.db",
  );
  assert.equal(
    resolveStoreUrl("k1s", undefined, env({ HOME: "/h" })),
    "sqlite:/h/.local/share/k1s/store.db",
  );
});

Deno.test("create -f and apply -f from files and stdin, going past bad objects as kubectl", async () => {
  await using s = await tempStore("k1s-cli-");
  const file = `${s.dir}/objs.yaml`;
  await Deno.writeTextFile(
    file,
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\n" +
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: x\n",
  );
  assert.deepEqual(await k(s.store, ["create", "-f", file]), {
    code: 0,
    out: "configmap/a created\nsecret/s created\n",
    err: "",
  });
  const again = await k(s.store, ["create", "-f", file]);
  assert.equal(again.code, 1);
  assert.equal(
    again.err,
    `Error from server (AlreadyExists): error when creating "${file}": configmaps "a" already exists\n` +
      `Error from server (AlreadyExists): error when creating "${file}": secrets "s" already exists\n`,
  );
  const applied = await k(
    s.store,
    ["apply", "-f", "-"],
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: '1'\n",
  );
  assert.equal(applied.out, "configmap/b created\n");
  const same = await k(
    s.store,
    ["apply", "-f", "-"],
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: '1'\n",
  );
  assert.equal(same.out, "configmap/b unchanged\n");
  const changed = await k(
    s.store,
    ["apply", "-f", "-"],
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: '2'\n",
  );
  assert.equal(changed.out, "configmap/b configured\n");
  // One unknown kind in a file: the others are applied, then the error (kubectl's builder).
  await Deno.writeTextFile(
    `${s.dir}/mixed.yaml`,
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: v9\nkind: Frob\nmetadata:\n  name: f\n",
  );
  const mixed = await k(s.store, ["apply", "-f", `${s.dir}/mixed.yaml`]);
  assert.equal(mixed.code, 1);
  assert.equal(mixed.out, "configmap/c created\n");
  assert.match(
    mixed.err,
    /^error: resource mapping not found for name: "f" namespace: "" from ".*mixed.yaml": no matches for kind "Frob" in version "v9"\nensure CRDs are installed first\n$/,
  );
  const broken = await k(
    s.store,
    ["apply", "-f", "-"],
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n",
  );
  assert.equal(broken.code, 1);
  assert.match(
    broken.err,
    /^error: error parsing STDIN: error converting YAML to JSON: yaml: line \d+: /,
  );
  const missing = await k(s.store, ["apply", "-f", `${s.dir}/nope.yaml`]);
  assert.equal(missing.err, `error: the path "${s.dir}/nope.yaml" does not exist\n`);
  const gone = await k(s.store, ["delete", "-f", file]);
  assert.equal(gone.out, 'configmap "a" deleted\nsecret "s" deleted\n');
  const names = await k(s.store, ["delete", "cm", "c"]);
  assert.equal(names.out, 'configmap "c" deleted\n');
});

Deno.test("get prints kubectl's tables and formats", async () => {
  await using s = await tempStore("k1s-cli-");
  const now = Date.parse("2030-01-01T00:00:00Z");
  await k(s.store, ["create", "ns", "team"]);
  await k(s.store, ["create", "cm", "b", "--from-literal=x=1", "--from-literal=y=2"]);
  await k(s.store, ["create", "cm", "a", "--from-literal=x=1"]);
  await k(s.store, ["create", "cm", "c", "-n", "team"]);
  const get = async (args: string[]) => {
    const io = captureIO({ now });
    const code = await k1s.run(["--store", s.store, ...args], io);
    return { code, out: io.out, err: io.err };
  };
  const table = await get(["get", "configmaps"]);
  assert.equal(table.code, 0);
  assert.match(table.out, /^NAME {3}DATA {3}AGE\na {6}1 {6}\d+y\d+d\nb {6}2 {6}\d+y\d+d\n$/);
  const allNs = await get(["get", "cm", "-A", "--no-headers"]);
  assert.match(
    allNs.out,
    /^default {3}a {5}1 {5}\S+\ndefault {3}b {5}2 {5}\S+\nteam {6}c {5}0 {5}\S+\n$/,
  );
  assert.equal((await get(["get", "cm", "-o", "name"])).out, "configmap/a\nconfigmap/b\n");
  assert.equal(
    (await get(["get", "cm", "a", "-o", "jsonpath={.data.x}"])).out,
    "1",
  );
  assert.equal((await get(["get", "cm", "-o", "jsonpath={.items[*].metadata.name}"])).out, "a b");
  const yaml = (await get(["get", "cm/a", "-o", "yaml"])).out;
  assert.match(yaml, /^apiVersion: v1\ndata:\n {2}x: "1"\nkind: ConfigMap\nmetadata:\n/);
  const missing = await get(["get", "cm", "a", "zz"]);
  assert.equal(missing.code, 1);
  assert.match(missing.out, /^NAME {3}DATA {3}AGE\na {6}1 /);
  assert.equal(missing.err, 'Error from server (NotFound): configmaps "zz" not found\n');
  const none = await get(["get", "secrets", "-n", "team"]);
  assert.deepEqual(none, { code: 0, out: "", err: "No resources found in team namespace.\n" });
  const sel = await get(["get", "cm", "-l", "a in ("]);
  assert.equal(sel.code, 1);
  assert.match(
    sel.err,
    /^Error from server \(BadRequest\): Unable to find "\/v1, Resource=configmaps" that match label selector "a in \(", field selector "": unable to parse requirement/,
  );
  const field = await get(["get", "cm", "--field-selector", "spec.x=1"]);
  assert.equal(
    field.err,
    'Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match ' +
      'label selector "", field selector "spec.x=1": "spec.x" is not a known field selector: only ' +
      '"metadata.name", "metadata.namespace"\n',
  );
  const fmt = await get(["get", "cm", "-o", "bogus"]);
  assert.equal(fmt.code, 1);
  assert.match(fmt.err, /^error: unable to match a printer suitable for the output format "bogus"/);
  const noType = await get(["get"]);
  assert.equal(noType.code, 1);
  assert.match(noType.err, /error: Required resource not specified\./);
});

Deno.test("delete waits for objects to go unless --wait=false; the timeout bounds it", async () => {
  await using s = await tempStore("k1s-cli-");
  await k(
    s.store,
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "held", finalizers: ["example.com/hold"] },
    }),
  );
  const nowait = await k(s.store, ["delete", "cm", "held", "--wait=false"]);
  assert.deepEqual(nowait, { code: 0, out: 'configmap "held" deleted\n', err: "" });
  const timed = await k(s.store, ["delete", "cm", "held", "--timeout=200ms"]);
  assert.equal(timed.code, 1);
  assert.match(timed.err, /timed out waiting for the condition on configmaps\/held/);
  await k(s.store, [
    "patch",
    "cm",
    "held",
    "--type",
    "merge",
    "-p",
    '{"metadata":{"finalizers":null}}',
  ]);
  assert.equal((await k(s.store, ["get", "cm", "held"])).code, 1);
});

Deno.test("standard verbs load lazily: names match, each has its summary, usage and run", async () => {
  const lazy = k1s.spec.commands;
  assert.ok(lazy.every((c) => c.load && c.summary === ""));
  const loaded = await loadCommands(lazy);
  assert.deepEqual(loaded.map((c) => c.name), lazy.map((c) => c.name));
  for (const c of loaded) {
    assert.ok(c.summary.length > 0 && c.usage.length > 0 && !c.load, c.name);
  }
  const describe = loaded.find((c) => c.name === "describe")!;
  const wrong = lazyCommand("get", () => Promise.resolve({ ...describe }));
  await assert.rejects(wrong.load!(), /lazy command "get" loaded "describe"/);
});
