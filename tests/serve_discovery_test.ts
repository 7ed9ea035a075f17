// Real kubectl against discovery and OpenAPI v3 from src/server/discovery.ts and openapi.ts alone:
// a bare Deno.serve answers /version, discovery and /openapi/v3 (and, for apply, one canned object
// and a PATCH recorder), so what kubectl prints depends on those two modules only.
import assert from "node:assert/strict";
import { z } from "zod";
import { coreV1Kinds } from "../src/resources/core_v1.ts";
import { defineKind } from "../src/scheme/kind.ts";
import { Scheme } from "../src/scheme/scheme.ts";
import { discoveryAnswer } from "../src/server/discovery.ts";
import { openAPIV3Answer } from "../src/server/openapi.ts";
import { SELF_SUBJECT_REVIEW_RESOURCES } from "../src/server/review_resources.ts";
import { haveKubectl, httpKubeconfig, Kubectl } from "./_kubectl.ts";

const Widget = defineKind({
  group: "widgets.k1s.test",
  version: "v1",
  kind: "Widget",
  shortNames: ["wd"],
  categories: ["all"],
  spec: z.object({
    size: z.number().int().min(1).default(1).describe("How big the widget is."),
    color: z.enum(["red", "blue"]).describe("Paint colour."),
    parts: z.array(z.object({ name: z.string().describe("Part name."), count: z.number().int() }))
      .optional().describe("Parts it is made of, merged by name."),
  }).describe("WidgetSpec is the desired state of a widget."),
  status: z.object({ ready: z.boolean().optional() }),
  patchMeta: { spec: { fields: { parts: { patchStrategy: "merge", patchMergeKey: "name" } } } },
});

// Same fields, no strategic merge patch metadata: kubectl must send JSON merge patches.
const Gadget = defineKind({
  group: "widgets.k1s.test",
  version: "v1",
  kind: "Gadget",
  spec: z.object({ parts: z.array(z.object({ name: z.string(), count: z.number().int() })) }),
});

interface Logged {
  method: string;
  path: string;
  search: string;
  accept: string;
  contentType: string;
  body: string;
  status: number;
  responseType: string;
}

interface Fixture extends AsyncDisposable {
  scheme: Scheme;
  kubectl: Kubectl;
  dir: string;
  log: Logged[];
  /** Objects GET answers, by URL path. */
  objects: Map<string, unknown>;
}

const NOT_FOUND = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "the server could not find the requested resource",
  reason: "NotFound",
  details: {},
  code: 404,
};

async function fixture(
  minor: number,
  mode: "negotiate" | "legacy" = "negotiate",
): Promise<Fixture> {
  const scheme = new Scheme([...coreV1Kinds, Widget]);
  const extra = SELF_SUBJECT_REVIEW_RESOURCES;
  const log: Logged[] = [];
  const objects = new Map<string, unknown>();
  const handle = async (req: Request, url: URL) => {
    if (url.pathname === "/version") {
      return { status: 200, headers: {}, body: JSON.stringify({ major: "1", minor: "32" }) };
    }
    const accept = req.headers.get("accept");
    const discovery = discoveryAnswer(scheme, {
      path: url.pathname,
      accept: mode === "legacy" ? "application/json" : accept,
      address: url.host,
      extra,
    });
    if (discovery) return discovery;
    const openapi = await openAPIV3Answer(scheme, {
      path: url.pathname,
      hash: url.searchParams.get("hash"),
      accept,
      ifNoneMatch: req.headers.get("if-none-match"),
      extra,
    });
    if (openapi) return openapi;
    const obj = objects.get(url.pathname);
    if (obj && req.method === "GET") return { status: 200, headers: {}, body: JSON.stringify(obj) };
    if (obj && req.method === "PATCH") {
      return { status: 200, headers: {}, body: JSON.stringify(obj) };
    }
    return { status: 404, headers: {}, body: JSON.stringify(NOT_FOUND) };
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const body = await req.text();
    const a = await handle(req, url);
    const headers = { "content-type": "application/json", ...a.headers };
    log.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      accept: req.headers.get("accept") ?? "",
      contentType: req.headers.get("content-type") ?? "",
      body,
      status: a.status,
      responseType: headers["content-type"],
    });
    return new Response(a.body, { status: a.status, headers });
  });
  const dir = await Deno.makeTempDir({ prefix: "k1s-discovery-" });
  const kubeconfig = await httpKubeconfig(dir, `http://127.0.0.1:${server.addr.port}`);
  await Deno.mkdir(`${dir}/cache`);
  return {
    scheme,
    kubectl: new Kubectl(minor, kubeconfig, `${dir}/cache`),
    dir,
    log,
    objects,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function ok(k: Kubectl, args: string[]): Promise<string> {
  const r = await k.run(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: exit ${r.code}\n${r.out}${r.err}`);
  return r.out;
}

/** A kubectl table as rows of cells, cut at the header's column starts (cells may be empty). */
function table(text: string): string[][] {
  const [header, ...lines] = text.trimEnd().split("\n");
  const starts = [...header.matchAll(/\S+/g)].map((m) => m.index!);
  return [header, ...lines].map((line) =>
    starts.map((s, i) => line.slice(s, starts[i + 1]).trim())
  );
}

const API_RESOURCES = [
  ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
  ["configmaps", "cm", "v1", "true", "ConfigMap"],
  ["events", "ev", "v1", "true", "Event"],
  ["namespaces", "ns", "v1", "false", "Namespace"],
  ["secrets", "", "v1", "true", "Secret"],
  ["serviceaccounts", "sa", "v1", "true", "ServiceAccount"],
  ["selfsubjectreviews", "", "authentication.k8s.io/v1", "false", "SelfSubjectReview"],
  ["selfsubjectaccessreviews", "", "authorization.k8s.io/v1", "false", "SelfSubjectAccessReview"],
  ["selfsubjectrulesreviews", "", "authorization.k8s.io/v1", "false", "SelfSubjectRulesReview"],
  ["widgets", "wd", "widgets.k1s.test/v1", "true", "Widget"],
];

const AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const AGGREGATED_V2BETA1 =
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

/** GETs of per-group-version legacy lists (what kubectl fetches when discovery is not aggregated). */
function legacyListFetches(log: Logged[]): string[] {
  return log.filter((l) => /^\/(api\/[^/]+|apis\/[^/]+\/[^/]+)$/.test(l.path)).map((l) => l.path)
    .sort();
}

Deno.test({
  name: "kubectl 1.32: api-resources, api-versions and explain from aggregated v2 and OpenAPI v3",
  ignore: !haveKubectl(32),
  async fn() {
    await using f = await fixture(32);
    const k = f.kubectl;
    assert.deepEqual(table(await ok(k, ["api-resources"])), API_RESOURCES);
    // /api and /apis were answered in aggregated v2, so no per-group-version list was needed.
    const roots = f.log.filter((l) => l.path === "/api" || l.path === "/apis");
    assert.ok(roots.length >= 2);
    for (const l of roots) assert.equal(l.responseType, AGGREGATED_V2);
    assert.deepEqual(legacyListFetches(f.log), []);

    const wide = table(
      await ok(k, ["api-resources", "-o", "wide", "--api-group=widgets.k1s.test"]),
    );
    assert.deepEqual(wide, [
      ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"],
      [
        "widgets",
        "wd",
        "widgets.k1s.test/v1",
        "true",
        "Widget",
        "create,delete,deletecollection,get,list,patch,update,watch",
        "all",
      ],
    ]);
    assert.equal(
      await ok(k, ["api-resources", "--verbs=create", "--namespaced=false", "-o", "name"]),
      "namespaces\nselfsubjectreviews.authentication.k8s.io\n" +
        "selfsubjectaccessreviews.authorization.k8s.io\nselfsubjectrulesreviews.authorization.k8s.io\n",
    );
    assert.equal(
      await ok(k, ["api-versions"]),
      "authentication.k8s.io/v1\nauthorization.k8s.io/v1\nv1\nwidgets.k1s.test/v1\n",
    );

    const cm = await ok(k, ["explain", "configmaps"]);
    assert.match(
      cm,
      /^KIND: {7}ConfigMap\nVERSION: {4}v1\n\nDESCRIPTION:\n {4}ConfigMap holds configuration data for pods to consume\.\n/,
    );
    assert.deepEqual(
      [...cm.matchAll(/^ {2}(\w+)\t<(.*)>/gm)].map((m) => `${m[1]} <${m[2]}>`),
      [
        "apiVersion <string>",
        "binaryData <map[string]string>",
        "data <map[string]string>",
        "immutable <boolean>",
        "kind <string>",
        "metadata <ObjectMeta>",
      ],
    );
    assert.equal(
      await ok(k, ["explain", "configmaps.data"]),
      `KIND:       ConfigMap
VERSION:    v1

FIELD: data <map[string]string>


DESCRIPTION:
    Data contains the configuration data. Each key must consist of alphanumeric
    characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use
    the BinaryData field. The keys stored in Data must not overlap with the keys
    in the BinaryData field, this is enforced during validation process.
    

`,
    );
    assert.equal(
      await ok(k, ["explain", "wd.spec"]),
      `GROUP:      widgets.k1s.test
KIND:       Widget
VERSION:    v1

FIELD: spec <Object>


DESCRIPTION:
    WidgetSpec is the desired state of a widget.
    
FIELDS:
  color\t<string> -required-
  enum: red, blue
    Paint colour.

  parts\t<[]Object>
    Parts it is made of, merged by name.

  size\t<integer>
    How big the widget is.


`,
    );
    // Named nested types show as kube shows them, and metadata is kube's ObjectMeta.
    assert.match(await ok(k, ["explain", "sa.secrets"]), /^FIELD: secrets <\[\]ObjectReference>$/m);
    assert.match(
      await ok(k, ["explain", "cm.metadata.ownerReferences"]),
      /^FIELD: ownerReferences <\[\]OwnerReference>$/m,
    );
    const missing = await k.run(["explain", "configmaps.nope"]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /field "nope" does not exist/);

    // Default (strict) validation: the query-param verifier finds fieldValidation on the PATCH
    // operations and leaves validation to the server; without it kubectl would fetch
    // /openapi/v2 and fail ("failed to download openapi").
    await Deno.writeTextFile(
      `${f.dir}/objs.yaml`,
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: '1'}\n---\n" +
        "apiVersion: widgets.k1s.test/v1\nkind: Widget\nmetadata: {name: w}\nspec: {color: red}\n",
    );
    assert.equal(
      await ok(k, ["create", "-f", `${f.dir}/objs.yaml`, "--dry-run=client", "-o", "name"]),
      "configmap/a\nwidget.widgets.k1s.test/w\n",
    );
    assert.deepEqual(f.log.filter((l) => l.path.startsWith("/openapi/v2")), []);
    const docs = f.log.filter((l) => l.path.startsWith("/openapi/v3/")).map((l) => l.path);
    assert.ok(docs.includes("/openapi/v3/api/v1"));
    assert.ok(docs.includes("/openapi/v3/apis/widgets.k1s.test/v1"));
  },
});

Deno.test({
  name: "kubectl 1.32: kinds registered while serving appear in api-resources and explain",
  ignore: !haveKubectl(32),
  async fn() {
    await using f = await fixture(32);
    const k = f.kubectl;
    assert.ok(!(await ok(k, ["api-resources", "-o", "name"])).includes("gadgets"));
    assert.equal((await k.run(["explain", "gadgets"])).code, 1);
    f.scheme.register(Gadget);
    // api-resources refreshes discovery; explain re-reads the index, whose hash for the
    // widgets.k1s.test/v1 document has changed.
    assert.match(
      await ok(k, ["api-resources", "--api-group=widgets.k1s.test", "-o", "name"]),
      /^gadgets\.widgets\.k1s\.test\nwidgets\.widgets\.k1s\.test\n$/,
    );
    assert.match(await ok(k, ["explain", "gadgets.spec"]), /^FIELD: spec <Object>$/m);
  },
});

for (
  const [minor, mode, served] of [[28, "negotiate", AGGREGATED_V2BETA1], [
    32,
    "legacy",
    "application/json",
  ]] as const
) {
  Deno.test({
    name: `kubectl 1.${minor}: api-resources from ${
      mode === "legacy" ? "legacy discovery only" : "aggregated v2beta1"
    }`,
    ignore: !haveKubectl(minor),
    async fn() {
      await using f = await fixture(minor, mode);
      assert.deepEqual(table(await ok(f.kubectl, ["api-resources"])), API_RESOURCES);
      const roots = f.log.filter((l) => l.path === "/api" || l.path === "/apis");
      for (const l of roots) assert.equal(l.responseType, served);
      assert.deepEqual(
        legacyListFetches(f.log),
        mode === "legacy"
          ? [
            "/api/v1",
            "/apis/authentication.k8s.io/v1",
            "/apis/authorization.k8s.io/v1",
            "/apis/widgets.k1s.test/v1",
          ]
          : [],
      );
    },
  });
}

Deno.test({
  name: "kubectl 1.32 apply: strategic merge patches computed from the published patch " +
    "extensions, JSON merge patch for a kind without them",
  ignore: !haveKubectl(32),
  async fn() {
    await using f = await fixture(32);
    f.scheme.register(Gadget);
    const k = f.kubectl;
    const ns = "/api/v1/namespaces";
    const base = "/apis/widgets.k1s.test/v1/namespaces/default";
    type Obj =
      & { apiVersion: string; kind: string; metadata: Record<string, unknown> }
      & Record<
        string,
        unknown
      >;
    const widget = (kind: string, spec: unknown): Obj => ({
      apiVersion: "widgets.k1s.test/v1",
      kind,
      metadata: { name: kind.toLowerCase(), namespace: "default" },
      spec,
    });
    // What the server holds: the last applied configuration plus what servers add.
    const stored = (path: string, last: Obj, extra: Record<string, unknown> = {}) =>
      f.objects.set(path, {
        ...last,
        ...extra,
        metadata: {
          ...last.metadata,
          uid: crypto.randomUUID(),
          resourceVersion: "5",
          creationTimestamp: "2025-01-01T00:00:00Z",
          annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(last) },
          managedFields: [{
            manager: "kubectl-client-side-apply",
            operation: "Update",
            apiVersion: last.apiVersion,
            time: "2025-01-01T00:00:00Z",
            fieldsType: "FieldsV1",
            fieldsV1: { "f:metadata": {} },
          }],
        },
      });
    const before = [{ name: "a", count: 1 }];
    const parts = [{ name: "a", count: 2 }, { name: "b", count: 1 }];
    stored(`${base}/widgets/widget`, widget("Widget", { color: "red", parts: before }));
    stored(`${base}/gadgets/gadget`, widget("Gadget", { parts: before }));
    const cm = (data: Record<string, string>, labels: Record<string, string>): Obj => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default", labels },
      data,
    });
    stored(`${ns}/default/configmaps/c`, cm({ a: "1" }, { tier: "web" }));
    const namespace = (labels: Record<string, string>): Obj => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "n", labels },
    });
    stored(`${ns}/n`, namespace({ team: "a" }), {
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
    // A stream of objects, not a `kind: List` (kubectl validates a List client-side, from
    // OpenAPI v2).
    await Deno.writeTextFile(
      `${f.dir}/apply.json`,
      [
        widget("Widget", { color: "red", parts }),
        widget("Gadget", { parts }),
        cm({ a: "2", b: "3" }, { tier: "db" }),
        namespace({ team: "b", zone: "z1" }),
      ].map((o) => JSON.stringify(o)).join("\n"),
    );
    const r = await k.run(["apply", "-f", `${f.dir}/apply.json`]);
    // No "warning: error calculating patch from openapi v3 spec" either.
    assert.deepEqual(r, {
      code: 0,
      out:
        "widget.widgets.k1s.test/widget configured\ngadget.widgets.k1s.test/gadget configured\n" +
        "configmap/c configured\nnamespace/n configured\n",
      err: "",
    });
    const patches = f.log.filter((l) => l.method === "PATCH");
    assert.deepEqual(patches.map((p) => [p.path, p.contentType]), [
      [`${base}/widgets/widget`, "application/strategic-merge-patch+json"],
      [`${base}/gadgets/gadget`, "application/merge-patch+json"],
      [`${ns}/default/configmaps/c`, "application/strategic-merge-patch+json"],
      [`${ns}/n`, "application/strategic-merge-patch+json"],
    ]);
    for (const p of patches) assert.match(p.search, /[?&]fieldValidation=Strict(&|$)/);
    const body = patches.map((p) => JSON.parse(p.body));
    // The merge key published for Widget.spec.parts: only changed items, in the new order.
    assert.deepEqual(body[0].spec, {
      "$setElementOrder/parts": [{ name: "a" }, { name: "b" }],
      parts,
    });
    assert.deepEqual(body[1].spec, { parts });
    assert.deepEqual(body[2].data, { a: "2", b: "3" });
    assert.deepEqual(body[2].metadata.labels, { tier: "db" });
    assert.deepEqual(body[3].metadata.labels, { team: "b", zone: "z1" });
  },
});
