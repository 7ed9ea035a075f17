import assert from "node:assert/strict";
import { z } from "zod";
import { coreV1Kinds } from "../resources/core_v1.ts";
import type { JsonSchema } from "../scheme/json_schema.ts";
import { defineKind } from "../scheme/kind.ts";
import { Scheme } from "../scheme/scheme.ts";
import {
  openAPIV3Answer,
  type OpenAPIV3Document,
  openAPIV3Document,
  openAPIV3Index,
  schemaNamePrefix,
} from "./openapi.ts";
import { SELF_SUBJECT_REVIEW_RESOURCES } from "./review_resources.ts";

type Json = any;

const Part = z.object({ name: z.string(), count: z.number().int() });
const Item = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Item",
  spec: z.object({
    quantity: z.number().int().min(0).default(1).describe("How many."),
    price: z.number().positive().optional(),
    mode: z.literal("fast"),
    note: z.string().nullable(),
    labels: z.record(z.string(), z.string()).optional(),
    parts: z.array(Part).optional().describe("Parts, merged by name."),
    pair: z.tuple([z.string(), z.number()]).optional(),
  }),
  status: z.object({ ready: z.boolean().optional() }),
  patchMeta: { spec: { fields: { parts: { patchStrategy: "merge", patchMergeKey: "name" } } } },
});
interface Tree {
  name: string;
  children?: Tree[];
}
const TreeSchema: z.ZodType<Tree> = z.object({
  name: z.string(),
  get children() {
    return z.array(TreeSchema).optional();
  },
});
const Plant = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Plant",
  scope: "Cluster",
  spec: z.object({ tree: TreeSchema }),
});

const extra = SELF_SUBJECT_REVIEW_RESOURCES;
const ITEMS = { group: "inventory.k1s.dev", version: "v1alpha1" };
const CORE = { group: "", version: "v1" };
const META = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1";

async function doc(scheme: Scheme, gv = CORE): Promise<OpenAPIV3Document & Json> {
  const d = await openAPIV3Document(scheme, gv, { extra });
  assert.ok(d, `no document for ${JSON.stringify(gv)}`);
  return d;
}

async function sha512(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-512", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("")
    .toUpperCase();
}

Deno.test("index: one hashed URL per served group-version; the hash is the SHA-512 of the served bytes", async () => {
  const scheme = new Scheme([...coreV1Kinds, Item]);
  const index = await openAPIV3Index(scheme, { extra });
  assert.deepEqual(Object.keys(index.paths), [
    "api/v1",
    "apis/authentication.k8s.io/v1",
    "apis/authorization.k8s.io/v1",
    "apis/inventory.k1s.dev/v1alpha1",
  ]);
  for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
    const url = new URL(serverRelativeURL, "http://k1s");
    assert.equal(url.pathname, `/openapi/v3/${key}`);
    const hash = url.searchParams.get("hash")!;
    assert.match(hash, /^[0-9A-F]{128}$/);
    const answer = await openAPIV3Answer(scheme, { path: url.pathname, hash, extra });
    assert.equal(answer?.status, 200);
    assert.equal(await sha512(answer!.body!), hash);
  }
  const answer = await openAPIV3Answer(scheme, { path: "/openapi/v3/", extra });
  assert.deepEqual(answer?.headers, { "content-type": "application/json" });
  assert.deepEqual(JSON.parse(answer!.body!), index);
});

Deno.test("index: a group-version's hash changes with its kinds and only then", async () => {
  const scheme = new Scheme([...coreV1Kinds, Item]);
  const before = await openAPIV3Index(scheme);
  assert.deepEqual(await openAPIV3Index(scheme), before);
  scheme.register(Plant);
  const after = await openAPIV3Index(scheme);
  assert.equal(after.paths["api/v1"].serverRelativeURL, before.paths["api/v1"].serverRelativeURL);
  assert.notEqual(
    after.paths["apis/inventory.k1s.dev/v1alpha1"].serverRelativeURL,
    before.paths["apis/inventory.k1s.dev/v1alpha1"].serverRelativeURL,
  );
  assert.ok((await doc(scheme, ITEMS)).components.schemas["dev.k1s.inventory.v1alpha1.Plant"]);
  scheme.unregister(Item);
  scheme.unregister(Plant);
  assert.equal(await openAPIV3Document(scheme, ITEMS), undefined);
  assert.deepEqual(Object.keys((await openAPIV3Index(scheme)).paths), ["api/v1"]);
});

Deno.test("document answers: immutable at the current hash, 301 from a stale one, ETag and 304, 406", async () => {
  const scheme = new Scheme(coreV1Kinds);
  const url = new URL((await openAPIV3Index(scheme)).paths["api/v1"].serverRelativeURL, "http://x");
  const hash = url.searchParams.get("hash")!;
  const current = (await openAPIV3Answer(scheme, { path: "/openapi/v3/api/v1", hash }))!;
  assert.equal(current.status, 200);
  assert.equal(current.headers["content-type"], "application/json");
  assert.equal(current.headers["cache-control"], "public, immutable");
  assert.equal(current.headers.etag, `"${hash}"`);
  assert.ok(Date.parse(current.headers.expires) > Date.now() + 300 * 24 * 3600 * 1000);

  const stale = (await openAPIV3Answer(scheme, { path: "/openapi/v3/api/v1", hash: "0BAD" }))!;
  assert.deepEqual(stale, {
    status: 301,
    headers: { location: `/openapi/v3/api/v1?hash=${hash}` },
    body: null,
  });

  const plain = (await openAPIV3Answer(scheme, { path: "/openapi/v3/api/v1/" }))!;
  assert.equal(plain.status, 200);
  assert.equal(plain.headers["cache-control"], undefined);
  assert.equal(plain.body, current.body);
  const cached = await openAPIV3Answer(scheme, {
    path: "/openapi/v3/api/v1",
    ifNoneMatch: `"other", "${hash}"`,
  });
  assert.equal(cached?.status, 304);
  assert.equal(cached?.body, null);
  const proto = await openAPIV3Answer(scheme, {
    path: "/openapi/v3/api/v1",
    accept: "application/com.github.proto-openapi.spec.v3@v1.0+protobuf",
  });
  assert.equal(proto?.status, 406);
  assert.equal(
    (await openAPIV3Answer(scheme, { path: "/openapi/v3/api/v1", accept: "*/*" }))?.status,
    200,
  );
  for (
    const path of [
      "/openapi/v2",
      "/openapi/v3/apis/nope.example.com/v1",
      "/openapi/v3/api",
      "/api/v1",
    ]
  ) {
    assert.equal(await openAPIV3Answer(scheme, { path }), undefined, path);
  }
});

Deno.test("core/v1 schemas: kube's names, the GVK array, ObjectMeta by reference, lists", async () => {
  const d = await doc(new Scheme(coreV1Kinds));
  assert.equal(d.openapi, "3.0.0");
  const schemas = d.components.schemas as Record<string, Json>;
  const cm = schemas["io.k8s.api.core.v1.ConfigMap"];
  assert.deepEqual(cm["x-kubernetes-group-version-kind"], [{
    group: "",
    kind: "ConfigMap",
    version: "v1",
  }]);
  assert.equal(cm.description, "ConfigMap holds configuration data for pods to consume.");
  assert.deepEqual(Object.keys(cm.properties), [
    "apiVersion",
    "binaryData",
    "data",
    "immutable",
    "kind",
    "metadata",
  ]);
  assert.deepEqual(cm.properties.metadata.allOf, [{ $ref: `${META}.ObjectMeta` }]);
  assert.deepEqual(cm.properties.data.additionalProperties, { type: "string" });
  const list = schemas["io.k8s.api.core.v1.ConfigMapList"];
  assert.deepEqual(list["x-kubernetes-group-version-kind"], [{
    group: "",
    kind: "ConfigMapList",
    version: "v1",
  }]);
  assert.deepEqual(list.properties.items.items.allOf, [{
    $ref: "#/components/schemas/io.k8s.api.core.v1.ConfigMap",
  }]);
  assert.deepEqual(list.properties.metadata.allOf, [{ $ref: `${META}.ListMeta` }]);

  const meta = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"];
  assert.equal(meta["x-kubernetes-group-version-kind"], undefined);
  assert.deepEqual(Object.keys(meta.properties), [
    "annotations",
    "creationTimestamp",
    "deletionGracePeriodSeconds",
    "deletionTimestamp",
    "finalizers",
    "generateName",
    "generation",
    "labels",
    "managedFields",
    "name",
    "namespace",
    "ownerReferences",
    "resourceVersion",
    "selfLink",
    "uid",
  ]);
  assert.equal(meta.properties.ownerReferences["x-kubernetes-patch-merge-key"], "uid");
  assert.equal(meta.properties.ownerReferences["x-kubernetes-patch-strategy"], "merge");
  assert.equal(meta.properties.finalizers["x-kubernetes-patch-strategy"], "merge");
  assert.deepEqual(meta.properties.labels.additionalProperties, { type: "string", default: "" });
  assert.deepEqual(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"].required, [
    "apiVersion",
    "kind",
    "name",
    "uid",
  ]);
});

Deno.test("named nested objects become shared components; a property keeps its own description", async () => {
  const schemas = (await doc(new Scheme(coreV1Kinds))).components.schemas as Record<string, Json>;
  const ref = schemas["io.k8s.api.core.v1.ObjectReference"];
  // Described by the array item that uses it (ServiceAccount.secrets), as kube describes the type.
  assert.equal(
    ref.description,
    "ObjectReference contains enough information to let you inspect or modify the referred object.",
  );
  assert.equal(ref.title, undefined);
  assert.deepEqual(Object.keys(ref.properties).sort(), [
    "apiVersion",
    "fieldPath",
    "kind",
    "name",
    "namespace",
    "resourceVersion",
    "uid",
  ]);
  const event = schemas["io.k8s.api.core.v1.Event"];
  assert.deepEqual(event.properties.involvedObject, {
    allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.ObjectReference" }],
    description: "The object that this event is about.",
  });
  assert.deepEqual(event.required, ["involvedObject"]);
  const sa = schemas["io.k8s.api.core.v1.ServiceAccount"];
  assert.deepEqual(sa.properties.secrets.items, {
    allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.ObjectReference" }],
  });
  // Strategic-merge metadata stays on the property, where kubectl looks for it.
  assert.equal(sa.properties.secrets["x-kubernetes-patch-merge-key"], "name");
  assert.equal(sa.properties.secrets["x-kubernetes-patch-strategy"], "merge");
  const status = schemas["io.k8s.api.core.v1.NamespaceStatus"];
  assert.equal(status.properties.conditions["x-kubernetes-patch-merge-key"], "type");
  assert.deepEqual(status.properties.conditions.items.allOf, [
    { $ref: "#/components/schemas/io.k8s.api.core.v1.NamespaceCondition" },
  ]);
  assert.deepEqual(status.properties.phase.enum, ["Active", "Terminating"]);
});

const PATCH_TYPES = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
];
const SMP = "application/strategic-merge-patch+json";

const names = (op: Json) => op.parameters.map((p: Json) => `${p.in}:${p.name}`);

Deno.test("paths: collection, item, all-namespaces and subresources, each operation with its GVK", async () => {
  const d = await doc(new Scheme(coreV1Kinds));
  const gvk = { group: "", kind: "ConfigMap", version: "v1" };
  const coll = d.paths["/api/v1/namespaces/{namespace}/configmaps"] as Json;
  assert.deepEqual(Object.keys(coll), ["delete", "get", "parameters", "post"]);
  assert.deepEqual(names(coll), ["path:namespace", "query:pretty"]);
  assert.equal(coll.get["x-kubernetes-action"], "list");
  assert.equal(coll.get.operationId, "listCoreV1NamespacedConfigMap");
  assert.ok(names(coll.get).includes("query:watch"));
  assert.deepEqual(
    Object.keys(coll.get.responses["200"].content),
    ["application/json", "application/json;stream=watch"],
  );
  assert.equal(coll.post["x-kubernetes-action"], "post");
  assert.deepEqual(names(coll.post), [
    "query:dryRun",
    "query:fieldManager",
    "query:fieldValidation",
  ]);
  assert.equal(coll.delete["x-kubernetes-action"], "deletecollection");
  const item = d.paths["/api/v1/namespaces/{namespace}/configmaps/{name}"] as Json;
  assert.deepEqual(Object.keys(item), ["delete", "get", "parameters", "patch", "put"]);
  for (const method of ["get", "put", "patch", "delete", "post"]) {
    const op = item[method] ?? coll[method];
    assert.deepEqual(op["x-kubernetes-group-version-kind"], gvk, method);
  }
  assert.deepEqual(names(item.patch), [
    "query:dryRun",
    "query:fieldManager",
    "query:fieldValidation",
    "query:force",
  ]);
  assert.deepEqual(names(item.put), [
    "query:dryRun",
    "query:fieldManager",
    "query:fieldValidation",
  ]);
  assert.equal(item.patch.operationId, "patchCoreV1NamespacedConfigMap");
  assert.deepEqual(item.patch.tags, ["core_v1"]);
  assert.deepEqual(Object.keys(item.patch.requestBody.content), [...PATCH_TYPES, SMP]);
  assert.equal(
    (d.paths["/api/v1/configmaps"] as Json).get.operationId,
    "listCoreV1ConfigMapForAllNamespaces",
  );

  // Cluster-scoped Namespace, its status and finalize subresources.
  assert.ok((d.paths["/api/v1/namespaces"] as Json).post);
  assert.deepEqual(names(d.paths["/api/v1/namespaces/{name}"]), ["path:name", "query:pretty"]);
  const status = d.paths["/api/v1/namespaces/{name}/status"] as Json;
  assert.deepEqual(Object.keys(status), ["get", "parameters", "patch", "put"]);
  assert.equal(status.patch.operationId, "patchCoreV1NamespaceStatus");
  assert.deepEqual(status.patch["x-kubernetes-group-version-kind"], {
    group: "",
    kind: "Namespace",
    version: "v1",
  });
  assert.deepEqual(Object.keys(status.patch.requestBody.content), [...PATCH_TYPES, SMP]);
  const finalize = d.paths["/api/v1/namespaces/{name}/finalize"] as Json;
  assert.deepEqual(Object.keys(finalize), ["parameters", "put"]);
  assert.equal(finalize.put.operationId, "replaceCoreV1NamespaceFinalize");
  assert.equal(d.paths["/api/v1/namespaces/{namespace}/configmaps/{name}/status"], undefined);
});

Deno.test("strategic merge patch is offered only for kinds with patch metadata", async () => {
  const Plain = defineKind({
    group: "inventory.k1s.dev",
    version: "v1alpha1",
    kind: "Plain",
    spec: Part,
  });
  const d = await doc(new Scheme([Item, Plain]), ITEMS);
  const base = "/apis/inventory.k1s.dev/v1alpha1/namespaces/{namespace}";
  const content = (path: string) => Object.keys((d.paths[path] as Json).patch.requestBody.content);
  assert.deepEqual(content(`${base}/items/{name}`), [...PATCH_TYPES, SMP]);
  assert.deepEqual(content(`${base}/items/{name}/status`), [...PATCH_TYPES, SMP]);
  assert.deepEqual(content(`${base}/plains/{name}`), PATCH_TYPES);
  const parts = (d.components.schemas["dev.k1s.inventory.v1alpha1.Item"] as Json).properties.spec
    .properties.parts;
  assert.equal(parts["x-kubernetes-patch-strategy"], "merge");
  assert.equal(parts["x-kubernetes-patch-merge-key"], "name");
});

/** Every keyword used anywhere in a JSON value (object keys, recursively). */
function keywords(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keywords(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keywords(v, out);
    }
  }
  return out;
}

Deno.test("user kinds: reversed-group names, and zod's JSON Schema as OpenAPI 3.0", async () => {
  assert.equal(
    schemaNamePrefix({ group: "rbac.authorization.k8s.io", version: "v1" }),
    "io.k8s.api.rbac.v1",
  );
  assert.equal(
    schemaNamePrefix({ group: "apiextensions.k8s.io", version: "v1" }),
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
  );
  assert.equal(
    schemaNamePrefix({ group: "gateway.networking.k8s.io", version: "v1" }),
    "io.k8s.networking.gateway.v1",
  );
  const d = await doc(new Scheme([Item, Plant]), ITEMS);
  const schemas = d.components.schemas as Record<string, Json>;
  const item = schemas["dev.k1s.inventory.v1alpha1.Item"];
  assert.deepEqual(item["x-kubernetes-group-version-kind"], [
    { group: "inventory.k1s.dev", kind: "Item", version: "v1alpha1" },
  ]);
  assert.deepEqual(item.required, ["spec"]);
  const spec = item.properties.spec.properties;
  assert.deepEqual(spec.quantity, {
    type: "integer",
    minimum: 0,
    default: 1,
    description: "How many.",
  });
  assert.deepEqual(spec.price, { type: "number", minimum: 0, exclusiveMinimum: true });
  assert.deepEqual(spec.mode, { type: "string", enum: ["fast"] });
  assert.deepEqual(spec.note, { type: "string", nullable: true });
  assert.deepEqual(spec.labels, { type: "object", additionalProperties: { type: "string" } });
  assert.deepEqual(spec.pair, { type: "array", minItems: 2, maxItems: 2 });
  assert.ok(schemas["dev.k1s.inventory.v1alpha1.ItemList"]);
  // A recursive zod schema keeps its definition as a component the tree refers to.
  const tree = schemas["dev.k1s.inventory.v1alpha1.Plant"].properties.spec.properties.tree;
  const target = tree.$ref.replace("#/components/schemas/", "");
  assert.ok(target.startsWith("dev.k1s.inventory.v1alpha1.Plant."));
  assert.deepEqual(schemas[target].properties.children.items, { $ref: tree.$ref });
  // Nothing OpenAPI 3.0 (and kubectl's parser) lacks.
  const used = keywords(d.components);
  for (const k of ["$schema", "$defs", "const", "propertyNames", "prefixItems"]) {
    assert.ok(!used.has(k), k);
  }
  const refs = [...JSON.stringify(d).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
  for (const [, name] of refs) assert.ok(schemas[name], `dangling reference to ${name}`);
});

Deno.test("extra resources: the reviews are create-only, with their schemas", async () => {
  const d = await doc(new Scheme(coreV1Kinds), { group: "authorization.k8s.io", version: "v1" });
  assert.deepEqual(Object.keys(d.paths), [
    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
  ]);
  const post = (d.paths["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"] as Json).post;
  assert.deepEqual(Object.keys(d.paths["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]), [
    "parameters",
    "post",
  ]);
  assert.equal(post.operationId, "createAuthorizationV1SelfSubjectAccessReview");
  assert.deepEqual(post["x-kubernetes-group-version-kind"], {
    group: "authorization.k8s.io",
    kind: "SelfSubjectAccessReview",
    version: "v1",
  });
  const ssar = d.components.schemas["io.k8s.api.authorization.v1.SelfSubjectAccessReview"] as Json;
  assert.deepEqual(ssar.properties.spec.allOf, [
    { $ref: "#/components/schemas/io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec" },
  ]);
  assert.equal(
    d.components.schemas["io.k8s.api.authorization.v1.SelfSubjectAccessReviewList"],
    undefined,
  );
  const spec = d.components
    .schemas["io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec"] as JsonSchema;
  assert.ok(spec);
});
