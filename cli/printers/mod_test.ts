import assert from "node:assert/strict";
import { z } from "zod";
import {
  ConfigMap,
  defineKind,
  Event,
  type Kind,
  type KubeObject,
  Namespace,
  Secret,
  ServiceAccount,
} from "@k1s/k1s";
import { age, PrintError, printObjects } from "./mod.ts";
import { toKubectlYaml } from "./yaml.ts";

const NOW = new Date("2024-01-03T00:00:00Z");
const testdata = new URL("./testdata/", import.meta.url);

const Item = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Item",
  shortNames: ["itm"],
  spec: z.object({
    quantity: z.number().int().default(1),
    price: z.number().optional(),
    category: z.string().optional(),
    onSale: z.boolean().optional(),
  }),
  printerColumns: [
    { name: "Category", type: "string", jsonPath: ".spec.category" },
    { name: "Quantity", type: "integer", jsonPath: ".spec.quantity" },
    { name: "Price", type: "number", jsonPath: ".spec.price", priority: 1 },
    { name: "On Sale", type: "boolean", jsonPath: ".spec.onSale", priority: 1 },
    { name: "Created", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
});
const Plain = defineKind({
  group: "example.k1s.dev",
  version: "v1",
  kind: "Widget",
  scope: "Cluster",
  spec: z.object({}),
});

const KINDS: Kind[] = [ConfigMap, Secret, Namespace, ServiceAccount, Event, Item, Plain] as Kind[];
const kindOf = (o: KubeObject) =>
  KINDS.find((k) => k.apiVersion === o.apiVersion && k.kind === o.kind);

function cm(name: string, created: string, data: Record<string, string>, extra = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "default", creationTimestamp: created, ...extra },
    data,
  };
}

const cms = [
  cm("alpha", "2024-01-01T00:00:00Z", { a: "1", b: "2" }, { labels: { app: "web", tier: "a" } }),
  cm("beta", "2024-01-02T00:00:00Z", { x: "y" }, { namespace: "prod" }),
  cm("a-much-longer-name", "2024-01-02T23:59:30Z", {}),
];

Deno.test("age formats like kubectl", () => {
  assert.equal(age("2024-01-02T23:59:55Z", NOW), "5s");
  assert.equal(age("2024-01-01T00:00:00Z", NOW), "2d");
  assert.equal(age("2024-01-02T21:30:00Z", NOW), "150m");
  assert.equal(age(undefined, NOW), "<unknown>");
});

Deno.test("configmap table: NAME DATA AGE, tabwriter padding 3", async () => {
  assert.equal(
    await printObjects(cms, { kindOf, now: NOW }),
    "NAME                 DATA   AGE\n" +
      "alpha                2      2d\n" +
      "beta                 1      24h\n" +
      "a-much-longer-name   0      30s\n",
  );
});

Deno.test("table options: -A namespace column, --show-labels, --no-headers, wide", async () => {
  assert.equal(
    await printObjects(cms.slice(0, 2), {
      kindOf,
      now: NOW,
      namespaceColumn: true,
      showLabels: true,
    }),
    "NAMESPACE   NAME    DATA   AGE   LABELS\n" +
      "default     alpha   2      2d    app=web,tier=a\n" +
      "prod        beta    1      24h   <none>\n",
  );
  assert.equal(
    await printObjects(cms.slice(0, 2), { kindOf, now: NOW, noHeaders: true, output: "wide" }),
    "alpha   2     2d\n" +
      "beta    1     24h\n",
  );
});

Deno.test("secrets, namespaces and service accounts use kubectl's columns", async () => {
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "tls", creationTimestamp: "2024-01-02T00:00:00Z" },
    type: "kubernetes.io/tls",
    data: { "tls.crt": "", "tls.key": "" },
  };
  assert.equal(
    await printObjects([secret], { kindOf, now: NOW }),
    "NAME   TYPE                DATA   AGE\n" +
      "tls    kubernetes.io/tls   2      24h\n",
  );
  const ns = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
    status: { phase: "Active" },
  };
  // Cluster-scoped kinds get no NAMESPACE column even with -A.
  assert.equal(
    await printObjects([ns], { kindOf, now: NOW, namespaceColumn: true }),
    "NAME      STATUS   AGE\n" +
      "default   Active   2d\n",
  );
  const sa = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "default", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
  };
  assert.equal(
    await printObjects([sa], { kindOf, now: NOW }),
    "NAME      SECRETS   AGE\n" +
      "default   0         2d\n",
  );
});

Deno.test("events: LAST SEEN TYPE REASON OBJECT MESSAGE, and the wide columns", async () => {
  const ev = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "app.17a", namespace: "default", creationTimestamp: "2024-01-02T23:00:00Z" },
    involvedObject: { kind: "ConfigMap", name: "app", namespace: "default" },
    reason: "Updated",
    message: "data changed\n",
    type: "Normal",
    firstTimestamp: "2024-01-02T23:00:00Z",
    lastTimestamp: "2024-01-02T23:59:00Z",
    count: 3,
    source: { component: "k1s" },
  };
  assert.equal(
    await printObjects([ev], { kindOf, now: NOW }),
    "LAST SEEN   TYPE     REASON    OBJECT          MESSAGE\n" +
      "60s         Normal   Updated   configmap/app   data changed\n",
  );
  assert.equal(
    await printObjects([ev], { kindOf, now: NOW, wide: true }),
    "LAST SEEN   TYPE     REASON    OBJECT          SUBOBJECT   SOURCE   MESSAGE        FIRST SEEN   COUNT   NAME\n" +
      "60s         Normal   Updated   configmap/app               k1s      data changed   60m          3       app.17a\n",
  );
});

const items: KubeObject[] = [
  {
    apiVersion: "inventory.k1s.dev/v1alpha1",
    kind: "Item",
    metadata: { name: "pen10", namespace: "default", creationTimestamp: "2024-01-02T00:00:00Z" },
    spec: { quantity: 10, price: 1.5, category: "office", onSale: true },
  },
  {
    apiVersion: "inventory.k1s.dev/v1alpha1",
    kind: "Item",
    metadata: { name: "pen9", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { quantity: 200, price: 3 },
  },
];

Deno.test("user kinds print their printer columns, typed like CRD columns", async () => {
  assert.equal(
    await printObjects(items, { kindOf, now: NOW }),
    "NAME    CATEGORY   QUANTITY   CREATED\n" +
      "pen10   office     10         24h\n" +
      "pen9               200        2d\n",
  );
  assert.equal(
    await printObjects(items, { kindOf, now: NOW, output: "wide" }),
    "NAME    CATEGORY   QUANTITY   PRICE   ON SALE   CREATED\n" +
      "pen10   office     10         1.5     true      24h\n" +
      "pen9               200        3                 2d\n",
  );
});

Deno.test("kinds without columns print NAME AGE", async () => {
  const w = {
    apiVersion: "example.k1s.dev/v1",
    kind: "Widget",
    metadata: { name: "w", creationTimestamp: "2024-01-02T00:00:00Z" },
    spec: {},
  };
  assert.equal(await printObjects([w], { kindOf, now: NOW }), "NAME   AGE\nw      24h\n");
  // Unknown kinds too.
  assert.equal(
    await printObjects([w], { kindOf: () => undefined, now: NOW }),
    "NAME   AGE\nw      24h\n",
  );
});

Deno.test("--sort-by sorts strings byte by byte and numbers numerically", async () => {
  const names = (out: string) => out.trim().split("\n");
  assert.deepEqual(
    names(await printObjects(items, { kindOf, output: "name", sortBy: ".metadata.name" })),
    ["item.inventory.k1s.dev/pen10", "item.inventory.k1s.dev/pen9"],
  );
  assert.deepEqual(
    names(await printObjects(items, { kindOf, output: "name", sortBy: "{.spec.quantity}" })),
    ["item.inventory.k1s.dev/pen10", "item.inventory.k1s.dev/pen9"],
  );
  assert.deepEqual(
    names(
      await printObjects(cms, { kindOf, output: "name", sortBy: ".metadata.creationTimestamp" }),
    ),
    ["configmap/alpha", "configmap/beta", "configmap/a-much-longer-name"],
  );
  await assert.rejects(
    () => printObjects(cms, { kindOf, sortBy: ".spec.nope" }),
    /couldn't find any field with path "\{\.spec\.nope\}" in the list of objects/,
  );
  // kubectl 1.32 compares strings byte by byte (a10 before a2), quantities by amount.
  const named = (...names: string[]) =>
    names.map((name, i) => ({ ...cms[0], metadata: { ...cms[0].metadata, name, uid: String(i) } }));
  assert.deepEqual(
    names(
      await printObjects(named("a2", "a10", "a1"), {
        kindOf,
        output: "name",
        sortBy: ".metadata.name",
      }),
    ),
    ["configmap/a1", "configmap/a10", "configmap/a2"],
  );
});

Deno.test("several kinds: one table each, blank line between, names as kind/name", async () => {
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", creationTimestamp: "2024-01-02T00:00:00Z" },
    type: "Opaque",
    data: { a: "" },
  };
  assert.equal(
    await printObjects([cms[0], secret], { kindOf, now: NOW }),
    "NAME              DATA   AGE\n" +
      "configmap/alpha   2      2d\n" +
      "\n" +
      "NAME       TYPE     DATA   AGE\n" +
      "secret/s   Opaque   1      24h\n",
  );
  assert.equal(
    await printObjects([cms[0], secret], { kindOf, now: NOW, noHeaders: true }),
    "configmap/alpha   2     2d\n" +
      "secret/s   Opaque   1     24h\n",
  );
});

Deno.test("-o name", async () => {
  assert.equal(
    await printObjects([cms[0], items[0]], { kindOf, output: "name" }),
    "configmap/alpha\nitem.inventory.k1s.dev/pen10\n",
  );
});

Deno.test("-o json: the object when one was named, else a List", async () => {
  const obj = JSON.parse(await Deno.readTextFile(new URL("quoting.kubectl.json.golden", testdata)));
  // Golden from `kubectl label --local -f q.yaml a=b -o json` (unstructured: sorted keys).
  assert.equal(
    await printObjects([obj], { kindOf, output: "json", singleItemImplied: true }),
    await Deno.readTextFile(new URL("quoting.kubectl.json.golden", testdata)),
  );
  assert.equal(
    await printObjects([], { kindOf, output: "json" }),
    '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
  );
  const list = JSON.parse(await printObjects([cms[1]], { kindOf, output: "json" }));
  assert.equal(list.kind, "List");
  assert.equal(list.items[0].metadata.name, "beta");
});

Deno.test("-o yaml matches kubectl's yaml byte for byte", async () => {
  for (
    const [input, golden] of [
      ["quoting.kubectl.json.golden", "quoting.kubectl.yaml.golden"],
      ["styles.json", "styles.kubectl.yaml.golden"],
    ]
  ) {
    const obj = JSON.parse(await Deno.readTextFile(new URL(input, testdata)));
    assert.equal(
      await printObjects([obj], { kindOf, output: "yaml", singleItemImplied: true }),
      await Deno.readTextFile(new URL(golden, testdata)),
      input,
    );
  }
  assert.equal(
    await printObjects([cms[1]], { kindOf, output: "yaml" }),
    `apiVersion: v1
items:
- apiVersion: v1
  data:
    x: "y"
  kind: ConfigMap
  metadata:
    creationTimestamp: "2024-01-02T00:00:00Z"
    name: beta
    namespace: prod
kind: List
metadata:
  resourceVersion: ""
`,
  );
});

Deno.test("-o jsonpath and jsonpath-as-json run on the List (or the named object)", async () => {
  assert.equal(
    await printObjects(cms, { kindOf, output: "jsonpath={.items[*].metadata.name}" }),
    "alpha beta a-much-longer-name",
  );
  assert.equal(
    await printObjects([cms[0]], {
      kindOf,
      output: "jsonpath={.data.a}",
      singleItemImplied: true,
    }),
    "1",
  );
  assert.equal(
    await printObjects([cms[0]], {
      kindOf,
      output: "jsonpath-as-json={.metadata.name}",
      singleItemImplied: true,
    }),
    '[\n    "alpha"\n]\n',
  );
  await assert.rejects(
    () => printObjects(cms, { kindOf, output: "jsonpath={.a[" }),
    (e: Error) =>
      e instanceof PrintError && e.message === "error parsing jsonpath {.a[, unterminated array",
  );
  await assert.rejects(
    () => printObjects(cms, { kindOf, output: "jsonpath" }),
    /^PrintError: template format specified but no template given$/,
  );
});

Deno.test("template failures: jsonpath's debug block, template files as Go reads them", async () => {
  const obj = {
    apiVersion: "v1",
    kind: "Thing",
    metadata: { name: "t", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { n: 3, big: 1e21, f: 2.5, on: true, none: null, list: [], s: 'q"<' },
  };
  await assert.rejects(
    () =>
      printObjects([obj as KubeObject], {
        kindOf,
        output: "jsonpath={.spec.n[0]}",
        singleItemImplied: true,
      }),
    (e: Error) =>
      e instanceof PrintError &&
      e.message ===
        'error executing jsonpath "{.spec.n[0]}": Error executing template: int64 is not array ' +
          "or slice. Printing more information for debugging the template:\n\ttemplate was:\n" +
          "\t\t{.spec.n[0]}\n\tobject given to jsonpath engine was:\n\t\t" +
          'map[string]interface {}{"apiVersion":"v1", "kind":"Thing", "metadata":' +
          'map[string]interface {}{"creationTimestamp":"2024-01-01T00:00:00Z", "name":"t"}, ' +
          '"spec":map[string]interface {}{"big":1e+21, "f":2.5, "list":[]interface {}{}, "n":3, ' +
          '"none":interface {}(nil), "on":true, "s":"q\\"<"}}\n\n\n',
  );
  // --allow-missing-template-keys=false: a missing field fails (kubectl 1.32's messages).
  const named = { kindOf, singleItemImplied: true, allowMissingKeys: false };
  await assert.rejects(
    () => printObjects([cms[0]], { ...named, output: "jsonpath={.nope}" }),
    /^PrintError: error executing jsonpath "\{\.nope\}": Error executing template: nope is not found\. Printing more information/,
  );
  await assert.rejects(
    () => printObjects([cms[0]], { ...named, output: "go-template={{.nope}}" }),
    (e: Error) =>
      e.message ===
        'error executing template "{{.nope}}": template: output:1:2: executing "output" at ' +
          '<.nope>: map has no entry for key "nope"',
  );
  const readFile = (path: string): string => {
    if (path === "empty") return "";
    throw new Deno.errors.IsADirectory(`Is a directory (os error 21): readfile '${path}'`);
  };
  // An empty template file is an empty template: nothing to print.
  assert.equal(await printObjects(cms, { kindOf, output: "jsonpath-file=empty", readFile }), "");
  for (const format of ["jsonpath-file", "go-template-file", "templatefile"]) {
    await assert.rejects(
      () => printObjects(cms, { kindOf, output: `${format}=dir`, readFile }),
      /^PrintError: error reading --template dir, read dir: is a directory$/,
    );
  }
});

Deno.test("-o custom-columns", async () => {
  assert.equal(
    await printObjects(cms, {
      kindOf,
      output:
        "custom-columns=NAME:.metadata.name,NS:metadata.namespace,DATA:.data,APP:{.metadata.labels.app}",
    }),
    "NAME                 NS        DATA           APP\n" +
      "alpha                default   map[a:1 b:2]   web\n" +
      "beta                 prod      map[x:y]       <none>\n" +
      "a-much-longer-name   default   map[]          <none>\n",
  );
  await assert.rejects(
    () => printObjects(cms, { kindOf, output: "custom-columns=NAME" }),
    /^PrintError: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>$/,
  );
  await assert.rejects(
    () => printObjects(cms, { kindOf, output: "custom-columns=" }),
    /custom-columns format specified but no custom columns given/,
  );
  const file = Deno.makeTempFileSync();
  Deno.writeTextFileSync(file, "NAME   DATA\n.metadata.name   .data.x\n");
  assert.equal(
    await printObjects(cms.slice(0, 2), { kindOf, output: `custom-columns-file=${file}` }),
    "NAME    DATA\nalpha   <none>\nbeta    y\n",
  );
  Deno.removeSync(file);
});

Deno.test("unknown output formats fail with kubectl's message", async () => {
  // Formats that take no argument match no printer with one (`-o json=x`), as kubectl's.
  for (const output of ["foo", "json=x", "yaml=", "name=x", "wide=x"]) {
    await assert.rejects(
      () => printObjects(cms, { kindOf, output }),
      (e: Error) =>
        e.message ===
          `unable to match a printer suitable for the output format "${output}", allowed formats are: ` +
            "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath," +
            "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml",
    );
  }
});

Deno.test("toKubectlYaml folds long strings and quotes like go-yaml", () => {
  assert.equal(
    toKubectlYaml({ a: "x ".repeat(45).trim(), b: ["y", "no", "1.0"], c: "l1\nl2" }),
    "a: x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x\n" +
      "  x x x x x\n" +
      'b:\n- "y"\n- "no"\n- "1.0"\nc: |-\n  l1\n  l2\n',
  );
});

Deno.test("toKubectlYaml escapes characters outside the BMP as kubectl 1.32 prints them", () => {
  // go-yaml v2 sees only up to 3-byte UTF-8 as printable: an emoji forces a double-quoted string.
  assert.equal(
    toKubectlYaml({ a: "😀 smile", b: "é", d: "日本", e: "x😀" }),
    'a: "\\U0001F600 smile"\nb: é\nd: 日本\ne: "x\\U0001F600"\n',
  );
});

async function kubectl(
  args: string[],
): Promise<{ ok: boolean; out: string; err: string } | undefined> {
  try {
    const r = await new Deno.Command("kubectl", { args, stdout: "piped", stderr: "piped" })
      .output();
    const d = new TextDecoder();
    return { ok: r.success, out: d.decode(r.stdout), err: d.decode(r.stderr) };
  } catch {
    return undefined;
  }
}
const haveKubectl = (await kubectl(["version", "--client"]))?.ok ?? false;

Deno.test({
  name: "live: yaml, json and the unknown-format message agree with the installed kubectl",
  ignore: !haveKubectl,
  async fn() {
    const file = new URL("styles.json", testdata).pathname;
    const obj = JSON.parse(await Deno.readTextFile(file));
    const yaml = await kubectl(["label", "--local", "-f", file, "x=y", "-o", "yaml"]);
    const json = await kubectl(["label", "--local", "-f", file, "x=y", "-o", "json"]);
    obj.metadata.labels = { ...obj.metadata.labels, x: "y" };
    assert.equal(
      await printObjects([obj], { kindOf, output: "yaml", singleItemImplied: true }),
      yaml!.out,
    );
    assert.equal(
      await printObjects([obj], { kindOf, output: "json", singleItemImplied: true }),
      json!.out,
    );
    const created = await kubectl([
      "create",
      "configmap",
      "app",
      "--from-literal=y=yes",
      "--from-literal=multi=a\nb\n",
      "--dry-run=client",
      "-o",
      "yaml",
    ]);
    const cmObj = {
      apiVersion: "v1",
      data: { multi: "a\nb\n", y: "yes" },
      kind: "ConfigMap",
      metadata: { creationTimestamp: null, name: "app" },
    };
    assert.equal(
      await printObjects([cmObj as unknown as KubeObject], {
        kindOf,
        output: "yaml",
        singleItemImplied: true,
      }),
      created!.out,
    );
    const bad = await kubectl(["get", "-f", "/dev/null", "-o", "foo"]);
    let ours = "";
    try {
      await printObjects(cms, { kindOf, output: "foo" });
    } catch (e) {
      ours = `error: ${(e as Error).message}\n`;
    }
    assert.equal(ours, bad!.err);
  },
});
