// Black-box: `k1s get` as a shell user runs it — kubectl's tables, output formats, selectors,
// sorting, chunking, several kinds at once, and kubectl's errors and exit codes.
import assert from "node:assert/strict";
import { assertFails, assertOk, freshAges, type Run, type Sandbox, sandbox } from "./_harness.ts";

/** The objects most tests read: three ConfigMaps in default, one in `other`, two Secrets, an SA. */
const SEED = `apiVersion: v1
kind: Namespace
metadata:
  name: other
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: alpha
  labels: {app: web, tier: fe}
data: {x: "10", z: "b"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: beta
  labels: {app: db}
data: {x: "9"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: gamma
data: {x: "100", a: "1", b: "2"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: delta
  namespace: other
  labels: {app: web}
data: {x: "1"}
---
apiVersion: v1
kind: Secret
metadata:
  name: s1
type: Opaque
data: {p: cQ==}
---
apiVersion: v1
kind: Secret
metadata:
  name: token
type: example.com/custom
stringData: {k: v, l: w}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: robot
`;

/** A sandbox holding {@linkcode SEED}. */
async function seeded(): Promise<Sandbox> {
  const s = await sandbox();
  const path = await s.file("seed.yaml", SEED);
  assertOk(
    await s.k1s(["create", "-f", path]),
    "namespace/other created\n" +
      "configmap/alpha created\n" +
      "configmap/beta created\n" +
      "configmap/gamma created\n" +
      "configmap/delta created\n" +
      "secret/s1 created\n" +
      "secret/token created\n" +
      "serviceaccount/robot created\n",
  );
  return s;
}

/** Asserts a successful run whose table (fresh ages normalised) is `table`. */
function assertTable(r: Run, table: string): void {
  assertOk({ ...r, out: freshAges(r.out) }, table);
}

/** Replaces what the server generates (times, uids, resource versions) with fixed text. */
function stable(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "TIME")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UID")
    .replace(/(resourceVersion"?: )"\d+"/g, '$1"RV"');
}

Deno.test("get on a store with ConfigMaps, Secrets, a ServiceAccount and two namespaces", async (t) => {
  await using s = await seeded();

  await t.step(
    "kubectl's table for each built-in kind, several kinds, -A and its flags",
    async () => {
      assertTable(
        await s.k1s(["get", "cm"]),
        "NAME    DATA   AGE\n" +
          "alpha   2      0s\n" +
          "beta    1      0s\n" +
          "gamma   3      0s\n",
      );
      assertTable(
        await s.k1s(["get", "secrets"]),
        "NAME    TYPE                 DATA   AGE\n" +
          "s1      Opaque               1      0s\n" +
          "token   example.com/custom   2      0s\n",
      );
      assertTable(
        await s.k1s(["get", "ns"]),
        "NAME      STATUS   AGE\n" +
          "default   Active   0s\n" +
          "other     Active   0s\n",
      );
      assertTable(
        await s.k1s(["get", "serviceaccounts"]),
        "NAME    SECRETS   AGE\n" +
          "robot   0         0s\n",
      );
      // -o wide has no extra columns for ConfigMaps; names may be given after the type.
      assertTable(
        await s.k1s(["get", "configmap", "alpha", "gamma", "-o", "wide"]),
        "NAME    DATA   AGE\n" +
          "alpha   2      0s\n" +
          "gamma   3      0s\n",
      );
      // Several kinds: one table each, a blank line between them, names as kind/name.
      assertTable(
        await s.k1s(["get", "cm,secrets"]),
        "NAME              DATA   AGE\n" +
          "configmap/alpha   2      0s\n" +
          "configmap/beta    1      0s\n" +
          "configmap/gamma   3      0s\n" +
          "\n" +
          "NAME           TYPE                 DATA   AGE\n" +
          "secret/s1      Opaque               1      0s\n" +
          "secret/token   example.com/custom   2      0s\n",
      );
      assertTable(
        await s.k1s(["get", "configmaps/beta", "secret/s1", "sa/robot"]),
        "NAME             DATA   AGE\n" +
          "configmap/beta   1      0s\n" +
          "\n" +
          "NAME        TYPE     DATA   AGE\n" +
          "secret/s1   Opaque   1      0s\n" +
          "\n" +
          "NAME                   SECRETS   AGE\n" +
          "serviceaccount/robot   0         0s\n",
      );
      // -A: a NAMESPACE column for namespaced kinds only.
      assertTable(
        await s.k1s(["get", "namespaces,cm", "-A"]),
        "NAME                STATUS   AGE\n" +
          "namespace/default   Active   0s\n" +
          "namespace/other     Active   0s\n" +
          "\n" +
          "NAMESPACE   NAME              DATA   AGE\n" +
          "default     configmap/alpha   2      0s\n" +
          "default     configmap/beta    1      0s\n" +
          "default     configmap/gamma   3      0s\n" +
          "other       configmap/delta   1      0s\n",
      );
      assertTable(
        await s.k1s(["get", "cm", "--all-namespaces", "--show-labels", "--no-headers"]),
        "default   alpha   2     0s    app=web,tier=fe\n" +
          "default   beta    1     0s    app=db\n" +
          "default   gamma   3     0s    <none>\n" +
          "other     delta   1     0s    app=web\n",
      );
      // Two kinds asked for, only one with objects: kubectl still prefixes the kind; --no-headers
      // prints no blank line between kinds.
      assertTable(
        await s.k1s(["get", "sa,cm", "--no-headers", "--namespace", "other"]),
        "configmap/delta   1     0s\n",
      );
      // An empty result is a message on stderr, not an error.
      assert.deepEqual(await s.k1s(["get", "sa", "-n", "other"]), {
        code: 0,
        out: "",
        err: "No resources found in other namespace.\n",
      });
    },
  );

  await t.step("-o yaml|json|name print kubectl's documents and Lists", async () => {
    const yaml = await s.k1s(["get", "cm", "alpha", "-o", "yaml"]);
    assertOk(
      { ...yaml, out: stable(yaml.out) },
      `apiVersion: v1
data:
  x: "10"
  z: b
kind: ConfigMap
metadata:
  creationTimestamp: "TIME"
  labels:
    app: web
    tier: fe
  name: alpha
  namespace: default
  resourceVersion: "RV"
  uid: UID
`,
    );
    const json = await s.k1s(["get", "secret/s1", "-o", "json"]);
    assertOk(
      { ...json, out: stable(json.out) },
      `{
    "apiVersion": "v1",
    "data": {
        "p": "cQ=="
    },
    "kind": "Secret",
    "metadata": {
        "creationTimestamp": "TIME",
        "name": "s1",
        "namespace": "default",
        "resourceVersion": "RV",
        "uid": "UID"
    },
    "type": "Opaque"
}
`,
    );
    // A selection (even of one object) is a List.
    const list = await s.k1s(["get", "cm", "-A", "-l", "app=web,tier", "-o", "json"]);
    assertOk(
      { ...list, out: stable(list.out) },
      `{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "data": {
                "x": "10",
                "z": "b"
            },
            "kind": "ConfigMap",
            "metadata": {
                "creationTimestamp": "TIME",
                "labels": {
                    "app": "web",
                    "tier": "fe"
                },
                "name": "alpha",
                "namespace": "default",
                "resourceVersion": "RV",
                "uid": "UID"
            }
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
`,
    );
    const yamlList = await s.k1s([
      "get",
      "sa,secrets",
      "-o",
      "yaml",
      "--field-selector",
      "metadata.name=robot",
    ]);
    assertOk(
      { ...yamlList, out: stable(yamlList.out) },
      `apiVersion: v1
items:
- apiVersion: v1
  kind: ServiceAccount
  metadata:
    creationTimestamp: "TIME"
    name: robot
    namespace: default
    resourceVersion: "RV"
    uid: UID
kind: List
metadata:
  resourceVersion: ""
`,
    );
    assertOk(
      await s.k1s(["get", "cm,secrets,sa", "-o", "name"]),
      "configmap/alpha\nconfigmap/beta\nconfigmap/gamma\nsecret/s1\nsecret/token\nserviceaccount/robot\n",
    );
  });

  await t.step("-o jsonpath and custom-columns, inline and from files", async () => {
    assertOk(
      await s.k1s(["get", "cm", "-o", "jsonpath={.items[*].metadata.name}"]),
      "alpha beta gamma",
    );
    assertOk(
      await s.k1s([
        "get",
        "cm",
        "-A",
        "-o",
        'jsonpath={range .items[?(@.metadata.labels.app=="web")]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
      ]),
      "default/alpha\nother/delta\n",
    );
    const jp = await s.file(
      "names.jsonpath",
      '{range .items[*]}{.metadata.name}={.data.x}{"\\n"}{end}',
    );
    assertOk(
      await s.k1s(["get", "cm", "-o", `jsonpath-file=${jp}`]),
      "alpha=10\nbeta=9\ngamma=100\n",
    );
    assertOk(
      await s.k1s([
        "get",
        "cm",
        "-o",
        "custom-columns=NAME:.metadata.name,X:.data.x,APP:.metadata.labels.app",
      ]),
      "NAME    X     APP\n" +
        "alpha   10    web\n" +
        "beta    9     db\n" +
        "gamma   100   <none>\n",
    );
    const cc = await s.file(
      "columns.txt",
      "NAMESPACE          NAME\nmetadata.namespace metadata.name\n",
    );
    assertOk(
      await s.k1s(["get", "cm", "-A", "--no-headers", "-o", `custom-columns-file=${cc}`]),
      "default   alpha\n" +
        "default   beta\n" +
        "default   gamma\n" +
        "other     delta\n",
    );
  });

  await t.step(
    "-l, --field-selector, -n, --sort-by and --chunk-size select and order as kubectl",
    async () => {
      const names = async (...args: string[]) => {
        const r = await s.k1s(["get", "cm", ...args, "-o", "name"]);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.err, "");
        return r.out.split("\n").filter((l) => l).map((l) => l.replace("configmap/", "")).join(" ");
      };
      assert.equal(await names("-l", "app!=web"), "beta gamma");
      assert.equal(await names("-l", "app in (web,db)"), "alpha beta");
      assert.equal(await names("-A", "-l", "app notin (db)"), "alpha gamma delta");
      assert.equal(await names("-l", "app,!tier"), "beta");
      assert.equal(await names("-A", "--selector", "!app"), "gamma");
      assert.equal(await names("-A", "--field-selector", "metadata.namespace!=default"), "delta");
      // Strings sort naturally ("9" < "10" < "100").
      assert.equal(await names("--sort-by", ".data.x"), "beta alpha gamma");
      assertTable(
        await s.k1s(["get", "cm", "-A", "--sort-by={.metadata.name}"]),
        "NAMESPACE   NAME    DATA   AGE\n" +
          "default     alpha   2      0s\n" +
          "default     beta    1      0s\n" +
          "other       delta   1      0s\n" +
          "default     gamma   3      0s\n",
      );
      // Chunked listing (more objects than the chunk) gives what one request gives.
      const whole = await s.k1s(["get", "cm,secrets", "-A", "-o", "json", "--chunk-size=0"]);
      const chunked = await s.k1s(["get", "cm,secrets", "-A", "-o", "json", "--chunk-size", "2"]);
      assert.equal(whole.code, 0);
      assert.equal(JSON.parse(whole.out).items.length, 6);
      assert.deepEqual(chunked, whole);
    },
  );

  await t.step("bad input fails with kubectl's messages and exit codes", async () => {
    assertFails(
      await s.k1s(["get", "frobs"]),
      'error: the server doesn\'t have a resource type "frobs"\n',
    );
    assertFails(
      await s.k1s(["get", "cm", "nope"]),
      'Error from server (NotFound): configmaps "nope" not found\n',
    );
    // Only the error when the one object named is missing, whatever the format.
    assertFails(
      await s.k1s(["get", "configmap/nope", "-o", "json"]),
      'Error from server (NotFound): configmaps "nope" not found\n',
    );
    // What exists is printed; what does not is an error after it.
    const some = await s.k1s(["get", "cm", "alpha", "nope", "-o", "name"]);
    assert.deepEqual(some, {
      code: 1,
      out: "configmap/alpha\n",
      err: 'Error from server (NotFound): configmaps "nope" not found\n',
    });
    assertOk(await s.k1s(["get", "cm", "nope", "--ignore-not-found", "-o", "json"]), "");
    // kubectl prefixes selector errors with `Unable to find "/v1, Resource=configmaps" that match
    // label selector "…", field selector "…": `; the part after it is the server's.
    const label = await s.k1s(["get", "cm", "-l", "a b"]);
    assertFails(
      label,
      /^Error from server \(BadRequest\): (Unable to find "\/v1, Resource=configmaps" that match label selector "a b", field selector "": )?unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt\n$/,
    );
    assertFails(
      await s.k1s(["get", "cm", "--field-selector", "foo"]),
      /^Error from server \(BadRequest\): (Unable to find "\/v1, Resource=configmaps" that match label selector "", field selector "foo": )?invalid selector: 'foo'; can't understand 'foo'\n$/,
    );
    assertFails(
      await s.k1s(["get", "cm", "-o", "foo"]),
      'error: unable to match a printer suitable for the output format "foo", allowed formats are: ' +
        "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath," +
        "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n",
    );
    assertFails(
      await s.k1s(["get", "cm", "-o", "jsonpath={.items[*"]),
      "error: error parsing jsonpath {.items[*, unterminated array\n",
    );
    assertFails(
      await s.k1s(["get", "cm", "--show-labels", "-o", "yaml"]),
      "error: --show-labels option cannot be used with yaml printer\n",
    );
    // Flag errors: kubectl 1.27-1.33 print them as `error: …`; the rest of the message is pflag's.
    assertFails(
      await s.k1s(["get", "cm", "--chunk-size=many"]),
      /^error: invalid argument "many" for "--chunk-size" flag: strconv\.ParseInt: parsing "many": invalid syntax\nSee 'k1s get --help' for usage\.\n$/,
    );
    assertFails(
      await s.k1s(["get", "cm", "--x"]),
      /^error: unknown flag: --x\nSee 'k1s get --help' for usage\.\n$/,
    );
    assertFails(
      await s.k1s(["get", "cm,secrets", "-w"]),
      "error: you may only specify a single resource type\n",
    );
    assertFails(
      await s.k1s(["get"]),
      'You must specify the type of resource to get. Use "k1s api-resources" for a complete list ' +
        "of supported resources.\n\n" +
        "error: Required resource not specified.\n" +
        'Use "k1s explain <resource>" for a detailed description of that resource (e.g. k1s explain pods).\n' +
        "See 'k1s get -h' for help and examples\n",
    );
  });
});

Deno.test("resource/name with more than one slash is refused with kubectl's line", async () => {
  await using s = await sandbox();
  assertFails(
    await s.k1s(["get", "cm/a/b"]),
    "error: arguments in resource/name form may not have more than one slash\n",
  );
});

Deno.test("get all on an empty namespace, and a name across all namespaces, as kubectl", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "ns", "empty"]), "namespace/empty created\n");
  const none = await s.k1s(["get", "all", "-n", "empty"]);
  assert.deepEqual(none, { code: 0, out: "", err: "No resources found in empty namespace.\n" });
  assert.equal((await s.k1s(["get", "all", "-A"])).err, "No resources found\n");
  assertOk(await s.k1s(["create", "cm", "x"]), "configmap/x created\n");
  assertFails(
    await s.k1s(["get", "cm", "x", "-A"]),
    "error: a resource cannot be retrieved by name across all namespaces\n",
  );
});

Deno.test("get -L/--label-columns and --show-kind, as kubectl 1.32 prints them", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "cm", "a"]), "configmap/a created\n");
  assertOk(await s.k1s(["create", "cm", "b"]), "configmap/b created\n");
  assertOk(
    await s.k1s(["label", "cm", "b", "tier=db", "app.kubernetes.io/name=web"]),
    "configmap/b labeled\n",
  );
  const r = await s.k1s(["get", "cm", "-L", "tier,app.kubernetes.io/name", "--show-kind"]);
  assert.equal(r.code, 0, r.err);
  // The header is the key's last segment; an absent label is an empty cell (seen with kubectl).
  assert.match(
    r.out,
    /^NAME {10}DATA {3}AGE +TIER {3}NAME\nconfigmap\/a {3}0 {6}\S+ + {7}\nconfigmap\/b {3}0 {6}\S+ +db {5}web\n$/,
  );
  const both = await s.k1s(["get", "cm", "b", "-L", "tier", "-L", "missing", "--show-labels"]);
  assert.match(
    both.out,
    /^NAME +DATA +AGE +TIER +MISSING +LABELS\nb +0 +\S+ +db +app\.kubernetes\.io\/name=web,tier=db\n$/,
  );
});

Deno.test("get -f: the objects a file names, in its order; a missing one is NotFound", async () => {
  await using s = await sandbox();
  assertOk(await s.k1s(["create", "cm", "a"]), "configmap/a created\n");
  assertOk(await s.k1s(["create", "ns", "team"]), "namespace/team created\n");
  assertOk(await s.k1s(["create", "cm", "b", "-n", "team"]), "configmap/b created\n");
  const file = await s.file(
    "two.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: team\n---\n" +
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
  );
  assertOk(await s.k1s(["get", "-f", file, "-o", "name"]), "configmap/b\nconfigmap/a\n");
  assertOk(
    await s.k1s(["get", "-f", "-", "-o", "jsonpath={.metadata.namespace}"], {
      stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: team\n",
    }),
    "team",
  );
  assertFails(
    await s.k1s(["get", "cm", "-f", file]),
    "error: when paths, URLs, or stdin is provided as input, you may not specify resource " +
      "arguments as well\n",
  );
  assertFails(
    await s.k1s(["get", "-f", "-"], {
      stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ghost\n",
    }),
    'Error from server (NotFound): configmaps "ghost" not found\n',
  );
});

Deno.test("get's flag errors in kubectl 1.32's order (checked offline against kubectl)", async () => {
  await using s = await sandbox();
  const cases: [string[], string][] = [
    // Without -w, a missing type is reported first, before --output-watch-events.
    [
      ["get", "--output-watch-events"],
      'You must specify the type of resource to get. Use "k1s api-resources" for a complete ' +
      "list of supported resources.\n\nerror: Required resource not specified.\n" +
      'Use "k1s explain <resource>" for a detailed description of that resource (e.g. k1s ' +
      "explain pods).\nSee 'k1s get -h' for help and examples\n",
    ],
    [
      ["get", "cm", "--output-watch-events"],
      "error: --output-watch-events option can only be used with --watch or --watch-only\n",
    ],
    [
      ["get", "cm", "-w", "--output-watch-events", "--show-labels", "-o", "json"],
      "error: --show-labels option cannot be used with json printer\n",
    ],
    // A watch skips the type check: the resource builder has nothing to watch.
    [
      ["get", "--watch-only", "--output-watch-events"],
      "error: You must provide one or more resources by argument or filename.\n" +
      "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n" +
      "   '<resource> <name>'\n   '<resource>'\n",
    ],
  ];
  for (const [args, err] of cases) assertFails(await s.k1s(args), err);
});
