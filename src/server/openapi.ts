/**
 * OpenAPI v3 as kube-apiserver serves it: the `/openapi/v3` index and one
 * OpenAPI 3.0 document per served group-version (`/openapi/v3/api/v1`,
 * `/openapi/v3/apis/<group>/<version>`), derived from the scheme at call time.
 *
 * What kubectl reads from them, and so what each document carries:
 * - `kubectl explain`: `components.schemas`, one per kind, named as kube names
 *   them (`io.k8s.api.core.v1.ConfigMap`; user kinds by their reversed group,
 *   `dev.k1s.inventory.v1.Item`), with the array form of
 *   `x-kubernetes-group-version-kind`, descriptions, and `metadata` as a
 *   reference to `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`; named
 *   nested objects (an OpenAPI schema's `title`) become components of their
 *   own, so explain shows `<ObjectReference>` as for kube's types.
 * - validation (cli-runtime's query-param verifier): a PATCH operation with
 *   the object form of `x-kubernetes-group-version-kind` and a
 *   `fieldValidation` query parameter, so kubectl leaves validation to the
 *   server.
 * - `kubectl apply` and `edit`: a PATCH request body offering
 *   `application/strategic-merge-patch+json` only for kinds with strategic
 *   merge patch metadata, whose `x-kubernetes-patch-strategy` and
 *   `x-kubernetes-patch-merge-key` it then honours; other kinds get JSON merge
 *   patches, as custom resources do.
 *
 * @example
 * ```ts
 * import { openAPIV3Answer } from "./openapi.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import { coreV1Kinds } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const scheme = new Scheme(coreV1Kinds);
 * const index = JSON.parse((await openAPIV3Answer(scheme, { path: "/openapi/v3" }))!.body!);
 * const url = new URL(index.paths["api/v1"].serverRelativeURL, "http://x");
 * const doc = await openAPIV3Answer(scheme, { path: url.pathname, hash: url.searchParams.get("hash") });
 * assert.equal(doc?.headers["cache-control"], "public, immutable");
 * assert.ok(JSON.parse(doc!.body!).components.schemas["io.k8s.api.core.v1.ConfigMap"]);
 * ```
 *
 * @module
 */
import { KUBE_API_GROUPS } from "../apimachinery/gvk.ts";
import type { GroupVersion, GroupVersionKind } from "../apimachinery/gvk.ts";
import type { PatchMeta } from "../apimachinery/strategic_merge_patch.ts";
import {
  API_VERSION_DESCRIPTION,
  type JsonSchema,
  KIND_DESCRIPTION,
  kindJSONSchema,
  LIST_METADATA_DESCRIPTION,
  META_V1_PREFIX,
  METADATA_DESCRIPTION,
  metaV1Schemas,
  toOpenAPIV3,
} from "../scheme/json_schema.ts";
import type { Scheme } from "../scheme/scheme.ts";
import { acceptsJson, parseAccept } from "./http.ts";
import {
  type DiscoveryOptions,
  type HttpAnswer,
  servedGroups,
  type ServedResource,
  servedResources,
} from "./discovery.ts";

/** The path of the OpenAPI v3 index. */
export const OPENAPI_V3_PATH: string = "/openapi/v3";

/** An OpenAPI 3.0 document for one group-version. */
export interface OpenAPIV3Document {
  /** `3.0.0`. */
  openapi: string;
  /** Title and version. */
  info: { title: string; version: string };
  /** Operations by URL path template. */
  paths: Record<string, JsonSchema>;
  /** Schemas by name, and the bearer-token security scheme. */
  components: { schemas: Record<string, JsonSchema>; securitySchemes?: JsonSchema };
  /** Security requirements. */
  security?: JsonSchema[];
}

/** The `/openapi/v3` index: a hashed document URL per group-version. */
export interface OpenAPIV3Index {
  /** By `api/v1` or `apis/<group>/<version>`. */
  paths: Record<string, { serverRelativeURL: string }>;
}

/**
 * The index key and document path of a group-version: `api/v1`,
 * `apis/<group>/<version>`.
 */
export function groupVersionPath(gv: GroupVersion): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

/** The group-version of an index key (`api/v1`, `apis/<group>/<version>`), or undefined. */
export function parseGroupVersionPath(path: string): GroupVersion | undefined {
  const parts = path.split("/");
  if (parts.some((p) => p === "")) return undefined;
  if (parts.length === 2 && parts[0] === "api") return { group: "", version: parts[1] };
  if (parts.length === 3 && parts[0] === "apis") return { group: parts[1], version: parts[2] };
  return undefined;
}

/** Kube's built-in groups whose schemas live under `io.k8s.api.<package>`. */
const BUILTIN_PACKAGES: Record<string, string> = {
  "": "io.k8s.api.core",
  "apiextensions.k8s.io": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
  "apiregistration.k8s.io": "io.k8s.kube-aggregator.pkg.apis.apiregistration",
  "internal.apiserver.k8s.io": "io.k8s.api.apiserverinternal",
};
for (const g of KUBE_API_GROUPS) {
  BUILTIN_PACKAGES[g] ??= `io.k8s.api.${g.split(".")[0]}`;
}

/**
 * The prefix of a group-version's schema names, as kube names them: Go
 * package paths for its own groups (`io.k8s.api.core.v1`,
 * `io.k8s.api.rbac.v1`), the reversed group for others, as for
 * CustomResourceDefinitions (`inventory.k1s.dev` → `dev.k1s.inventory.v1`).
 *
 * @example
 * ```ts
 * import { schemaNamePrefix } from "./openapi.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(schemaNamePrefix({ group: "", version: "v1" }), "io.k8s.api.core.v1");
 * assert.equal(
 *   schemaNamePrefix({ group: "inventory.k1s.dev", version: "v1alpha1" }),
 *   "dev.k1s.inventory.v1alpha1",
 * );
 * ```
 */
export function schemaNamePrefix(gv: GroupVersion): string {
  const pkg = BUILTIN_PACKAGES[gv.group] ?? gv.group.split(".").reverse().join(".");
  return `${pkg}.${gv.version}`;
}

const isObject = (v: unknown): v is JsonSchema =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const metaRef = (name: string) => componentRef(`${META_V1_PREFIX}.${name}`);

/** Sorts object keys (recursively), as Go writes maps: the document's bytes, hence its hash, are stable. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  const out: JsonSchema = {};
  for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]);
  return out;
}

// ------------------------------------------------------------------ component schemas

/** Writes strategic-merge metadata as kube's `x-kubernetes-patch-*` extensions. */
function applyPatchMeta(node: JsonSchema, meta: PatchMeta): void {
  const props = node.properties;
  if (!isObject(props)) return;
  for (const [field, fm] of Object.entries(meta)) {
    const prop = props[field];
    if (!isObject(prop)) continue;
    if (fm.patchStrategy) prop["x-kubernetes-patch-strategy"] = fm.patchStrategy;
    if (fm.patchMergeKey) prop["x-kubernetes-patch-merge-key"] = fm.patchMergeKey;
    if (fm.fields) applyPatchMeta(isObject(prop.items) ? prop.items : prop, fm.fields);
  }
}

/** The components of one document under construction, and the shapes of named objects. */
interface Components {
  prefix: string;
  schemas: Record<string, JsonSchema>;
  /** Names a kind, list, metav1 type or `$defs` entry holds: never used for a named object. */
  reserved: Set<string>;
  /** Canonical JSON (without description) of each named-object component. */
  shapes: Map<string, string>;
}

type Position = "inline" | "property" | "item";

const TITLE_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Moves titled objects (`title: "ObjectReference"`) into components named
 * `<prefix>.<title>`, replaced by `allOf: [{$ref}]`. A property keeps its own
 * description beside the reference (explain prints it, then the type's); an
 * array item's or map value's description is the type's. Objects with the
 * same title but another shape stay inline.
 */
function hoist(node: JsonSchema, position: Position, c: Components): JsonSchema {
  const out: JsonSchema = { ...node };
  if (isObject(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([k, v]) => [k, hoist(v as JsonSchema, "property", c)]),
    );
  }
  if (isObject(out.items)) out.items = hoist(out.items, "item", c);
  if (isObject(out.additionalProperties)) {
    out.additionalProperties = hoist(out.additionalProperties, "item", c);
  }
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    if (Array.isArray(out[key])) {
      out[key] = (out[key] as JsonSchema[]).map((m) => hoist(m, "inline", c));
    }
  }
  const title = out.title;
  if (
    position === "inline" || typeof title !== "string" || !TITLE_RE.test(title) ||
    out.type !== "object" || !isObject(out.properties)
  ) return out;
  const name = `${c.prefix}.${title}`;
  const { description, default: dflt, title: _, ...component } = out;
  const wrapper: JsonSchema = {};
  for (const key of Object.keys(component)) {
    if (key.startsWith("x-kubernetes-patch-")) {
      wrapper[key] = component[key];
      delete component[key];
    }
  }
  const shape = JSON.stringify(canonical(component));
  const known = c.shapes.get(name);
  if (known === undefined) {
    if (c.reserved.has(name)) return out;
    c.shapes.set(name, shape);
    c.schemas[name] = component;
  } else if (known !== shape) return out;
  if (position === "item" && typeof description === "string") {
    c.schemas[name].description ??= description;
  }
  return {
    allOf: [componentRef(name)],
    ...(position === "property" && description !== undefined ? { description } : {}),
    ...(dflt !== undefined ? { default: dflt } : {}),
    ...wrapper,
  };
}

const gvkOf = (r: ServedResource): GroupVersionKind => ({
  group: r.group,
  version: r.version,
  kind: r.kind,
});

async function addKindComponents(r: ServedResource, c: Components): Promise<void> {
  const name = `${c.prefix}.${r.kind}`;
  const raw = r.source
    ? await kindJSONSchema(r.source)
    : r.schema
    ? structuredClone(r.schema) as JsonSchema
    : { type: "object" };
  const defName = (d: string) => `${name}.${d.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
  const { schema, definitions } = toOpenAPIV3(raw, {
    ref: (d) => componentRef(defName(d)).$ref,
  });
  if (r.source?.patchMeta) applyPatchMeta(schema, r.source.patchMeta);
  for (const [d, def] of Object.entries(definitions)) {
    c.reserved.add(defName(d));
    c.schemas[defName(d)] = hoist(def, "inline", c);
  }
  const body = hoist(schema, "inline", c);
  const { title: _, properties, ...rest } = body;
  c.schemas[name] = {
    ...rest,
    type: "object",
    properties: {
      ...(isObject(properties) ? properties : {}),
      apiVersion: { type: "string", description: API_VERSION_DESCRIPTION },
      kind: { type: "string", description: KIND_DESCRIPTION },
      metadata: {
        allOf: [metaRef("ObjectMeta")],
        default: {},
        description: METADATA_DESCRIPTION,
      },
    },
    "x-kubernetes-group-version-kind": [gvkOf(r)],
  };
  if (!r.verbs.includes("list")) return;
  c.schemas[`${c.prefix}.${r.listKind}`] = {
    type: "object",
    description: `${r.listKind} is a list of ${r.kind} objects.`,
    required: ["items"],
    properties: {
      apiVersion: { type: "string", description: API_VERSION_DESCRIPTION },
      items: {
        type: "array",
        description: `Items is the list of ${r.kind} objects.`,
        items: { allOf: [componentRef(name)], default: {} },
      },
      kind: { type: "string", description: KIND_DESCRIPTION },
      metadata: {
        allOf: [metaRef("ListMeta")],
        default: {},
        description: LIST_METADATA_DESCRIPTION,
      },
    },
    "x-kubernetes-group-version-kind": [{ ...gvkOf(r), kind: r.listKind }],
  };
}

// ------------------------------------------------------------------ paths

const query = (name: string, type: string, description: string): JsonSchema => ({
  name,
  in: "query",
  description,
  schema: { type, uniqueItems: true },
});
const pathParam = (name: string, description: string): JsonSchema => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", uniqueItems: true },
});

/** Query parameters kube documents on its operations (the server reads all of them). */
const PARAM: Record<string, JsonSchema> = Object.fromEntries(
  [
    ["pretty", "string", "If 'true', then the output is pretty printed."],
    ["dryRun", "string", "When present, modifications are not persisted. Valid values: All."],
    ["fieldManager", "string", "The name of the actor making these changes (required to apply)."],
    [
      "fieldValidation",
      "string",
      "How the server handles unknown or duplicate fields in the request body: Ignore, Warn " +
      "or Strict.",
    ],
    ["force", "boolean", "Re-acquire fields other managers own (apply requests only)."],
    ["allowWatchBookmarks", "boolean", 'Requests watch events with type "BOOKMARK".'],
    ["continue", "string", "Continues a list from where the previous page ended."],
    ["fieldSelector", "string", "Restricts the list of returned objects by their fields."],
    ["labelSelector", "string", "Restricts the list of returned objects by their labels."],
    ["limit", "integer", "The maximum number of objects to return."],
    ["resourceVersion", "string", "Which resource versions the request may be served from."],
    ["resourceVersionMatch", "string", "How resourceVersion applies to list calls."],
    ["sendInitialEvents", "boolean", "With watch=true, start with the current objects."],
    ["timeoutSeconds", "integer", "Timeout for the list/watch call."],
    ["watch", "boolean", "Watch for changes to the described resources."],
    ["gracePeriodSeconds", "integer", "Seconds before the object should be deleted."],
    ["orphanDependents", "boolean", "Deprecated: use propagationPolicy."],
    ["propagationPolicy", "string", "Garbage collection: Orphan, Background or Foreground."],
  ].map(([name, type, description]) => [name, query(name, type, description)]),
);

const params = (...names: string[]): JsonSchema[] => names.map((n) => PARAM[n]);
const LIST_PARAMS = [
  "allowWatchBookmarks",
  "continue",
  "fieldSelector",
  "labelSelector",
  "limit",
  "resourceVersion",
  "resourceVersionMatch",
  "sendInitialEvents",
  "timeoutSeconds",
  "watch",
];
const WRITE_PARAMS = ["dryRun", "fieldManager", "fieldValidation"];
const DELETE_PARAMS = ["dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy"];

/** The patch types every kind accepts; strategic merge only with patch metadata. */
const PATCH_TYPES = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
];
const SMP = "application/strategic-merge-patch+json";

const content = (schema: JsonSchema, ...types: string[]) =>
  Object.fromEntries(types.map((t) => [t, { schema }]));
const response = (description: string, schema: JsonSchema, watch = false) => ({
  description,
  content: content(schema, "application/json", ...(watch ? ["application/json;stream=watch"] : [])),
});
const UNAUTHORIZED = { description: "Unauthorized" };

const upperFirst = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/** `Core`, `RbacAuthorization`, `InventoryK1sDev`: the group in kube's operation ids and tags. */
function groupWord(group: string): string {
  const words = group ? group.replace(/\.k8s\.io$/, "").split(/[.-]/) : ["core"];
  return words.map(upperFirst).join("");
}

/** Adds the paths of one resource: collection, item and subresources, as kube lays them out. */
function addPaths(paths: Record<string, JsonSchema>, r: ServedResource, prefix: string): void {
  const gv = { group: r.group, version: r.version };
  const base = `/${groupVersionPath(gv)}`;
  const gw = groupWord(r.group);
  const og = `${gw}${upperFirst(r.version)}`;
  const tags = [`${gw.charAt(0).toLowerCase()}${gw.slice(1)}_${r.version}`];
  const namespaced = r.scope === "Namespaced";
  const scopeWord = namespaced ? "Namespaced" : "";
  const kindRef = componentRef(`${prefix}.${r.kind}`);
  const statusRef = metaRef("Status");
  const patchTypes = r.source?.patchMeta ? [...PATCH_TYPES, SMP] : PATCH_TYPES;
  const op = (
    action: string,
    id: string,
    description: string,
    extra: JsonSchema,
    gvk: GroupVersionKind = gvkOf(r),
  ): JsonSchema => ({
    description,
    operationId: id,
    tags,
    ...extra,
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { ...gvk },
  });
  const nsParam = pathParam(
    "namespace",
    "object name and auth scope, such as for teams and projects",
  );
  const nameParam = pathParam("name", `name of the ${r.kind}`);
  const has = (verb: string) => r.verbs.includes(verb);

  const collection: JsonSchema = {};
  if (has("list")) {
    collection.get = op(
      "list",
      `list${og}${scopeWord}${r.kind}`,
      `list or watch objects of kind ${r.kind}`,
      {
        parameters: params(...LIST_PARAMS),
        responses: {
          "200": response("OK", componentRef(`${prefix}.${r.listKind}`), true),
          "401": UNAUTHORIZED,
        },
      },
    );
  }
  if (has("create")) {
    collection.post = op("post", `create${og}${scopeWord}${r.kind}`, `create a ${r.kind}`, {
      parameters: params(...WRITE_PARAMS),
      requestBody: { required: true, content: content(kindRef, "*/*") },
      responses: {
        "200": response("OK", kindRef),
        "201": response("Created", kindRef),
        "202": response("Accepted", kindRef),
        "401": UNAUTHORIZED,
      },
    });
  }
  if (has("deletecollection")) {
    collection.delete = op(
      "deletecollection",
      `delete${og}Collection${scopeWord}${r.kind}`,
      `delete collection of ${r.kind}`,
      {
        parameters: params(
          ...DELETE_PARAMS,
          ...LIST_PARAMS.filter((p) => p !== "watch" && p !== "allowWatchBookmarks"),
        ),
        requestBody: { content: content(metaRef("DeleteOptions"), "*/*") },
        responses: { "200": response("OK", statusRef), "401": UNAUTHORIZED },
      },
    );
  }
  const collectionPath = namespaced
    ? `${base}/namespaces/{namespace}/${r.resource}`
    : `${base}/${r.resource}`;
  if (Object.keys(collection).length > 0) {
    paths[collectionPath] = {
      ...collection,
      parameters: namespaced ? [nsParam, PARAM.pretty] : [PARAM.pretty],
    };
  }
  if (namespaced && has("list")) {
    paths[`${base}/${r.resource}`] = {
      get: op(
        "list",
        `list${og}${r.kind}ForAllNamespaces`,
        `list or watch objects of kind ${r.kind}`,
        {
          parameters: params(...LIST_PARAMS),
          responses: {
            "200": response("OK", componentRef(`${prefix}.${r.listKind}`), true),
            "401": UNAUTHORIZED,
          },
        },
      ),
      parameters: [PARAM.pretty],
    };
  }

  const itemParams = namespaced ? [nameParam, nsParam, PARAM.pretty] : [nameParam, PARAM.pretty];
  const itemOps = (
    verbs: readonly string[],
    suffix: string,
    what: string,
    gvk: GroupVersionKind,
    ref: JsonSchema,
  ): JsonSchema => {
    const ops: JsonSchema = {};
    const id = (verb: string) => `${verb}${og}${scopeWord}${r.kind}${suffix}`;
    if (verbs.includes("get")) {
      ops.get = op("get", id("read"), `read ${what}`, {
        responses: { "200": response("OK", ref), "401": UNAUTHORIZED },
      }, gvk);
    }
    if (verbs.includes("update")) {
      ops.put = op("put", id("replace"), `replace ${what}`, {
        parameters: params(...WRITE_PARAMS),
        requestBody: { required: true, content: content(ref, "*/*") },
        responses: {
          "200": response("OK", ref),
          "201": response("Created", ref),
          "401": UNAUTHORIZED,
        },
      }, gvk);
    }
    if (verbs.includes("patch")) {
      ops.patch = op("patch", id("patch"), `partially update ${what}`, {
        parameters: params(...WRITE_PARAMS, "force"),
        requestBody: { required: true, content: content(metaRef("Patch"), ...patchTypes) },
        responses: {
          "200": response("OK", ref),
          "201": response("Created", ref),
          "401": UNAUTHORIZED,
        },
      }, gvk);
    }
    if (verbs.includes("delete")) {
      ops.delete = op("delete", id("delete"), `delete ${what}`, {
        parameters: params(...DELETE_PARAMS),
        requestBody: { content: content(metaRef("DeleteOptions"), "*/*") },
        responses: {
          "200": response("OK", statusRef),
          "202": response("Accepted", statusRef),
          "401": UNAUTHORIZED,
        },
      }, gvk);
    }
    return ops;
  };
  const itemPath = `${collectionPath}/{name}`;
  const item = itemOps(r.verbs, "", `the specified ${r.kind}`, gvkOf(r), kindRef);
  if (Object.keys(item).length > 0) paths[itemPath] = { ...item, parameters: itemParams };
  for (const sub of r.subresources) {
    const word = upperFirst(sub.name);
    const ref = componentRef(`${schemaNamePrefix(sub.responseKind)}.${sub.responseKind.kind}`);
    const ops = itemOps(
      sub.verbs,
      word,
      `${sub.name} of the specified ${r.kind}`,
      sub.responseKind,
      ref,
    );
    if (Object.keys(ops).length > 0) {
      paths[`${itemPath}/${sub.name}`] = { ...ops, parameters: itemParams };
    }
  }
}

// ------------------------------------------------------------------ documents

async function buildDocument(
  gv: GroupVersion,
  resources: readonly ServedResource[],
): Promise<OpenAPIV3Document> {
  const prefix = schemaNamePrefix(gv);
  const schemas = metaV1Schemas();
  const reserved = new Set(Object.keys(schemas));
  for (const r of resources) {
    reserved.add(`${prefix}.${r.kind}`);
    reserved.add(`${prefix}.${r.listKind}`);
  }
  const c: Components = { prefix, schemas, reserved, shapes: new Map() };
  const paths: Record<string, JsonSchema> = {};
  for (const r of resources) {
    await addKindComponents(r, c);
    addPaths(paths, r, prefix);
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: {
          type: "apiKey",
          description: "Bearer Token authentication",
          name: "authorization",
          in: "header",
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

interface CachedDocument {
  /** What the document was built from: kinds and extra resources, by identity or value. */
  signature: unknown[];
  text: string;
  hash: string;
}

const CACHE = new WeakMap<Scheme, Map<string, CachedDocument>>();

function signatureOf(r: ServedResource): unknown[] {
  return r.source
    ? [r.source]
    : [r.schema, `${r.resource}|${r.kind}|${r.scope}|${r.singular}|${r.verbs.join(",")}`];
}

async function sha512Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-512", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")
    .toUpperCase();
}

/** The served document text of a group-version and its hash, built once per set of kinds. */
async function documentOf(
  scheme: Scheme,
  gv: GroupVersion,
  resources: readonly ServedResource[],
): Promise<CachedDocument | undefined> {
  const mine = resources.filter((r) => r.group === gv.group && r.version === gv.version);
  if (mine.length === 0) return undefined;
  const signature = mine.flatMap(signatureOf);
  let docs = CACHE.get(scheme);
  if (!docs) CACHE.set(scheme, docs = new Map());
  const key = groupVersionPath(gv);
  const hit = docs.get(key);
  if (
    hit && hit.signature.length === signature.length &&
    hit.signature.every((s, i) => s === signature[i])
  ) return hit;
  const text = JSON.stringify(canonical(await buildDocument(gv, mine)));
  const entry = { signature, text, hash: await sha512Hex(text) };
  docs.set(key, entry);
  return entry;
}

/**
 * The OpenAPI v3 document of one group-version, or undefined when nothing is
 * served there.
 *
 * @example
 * ```ts
 * import { openAPIV3Document } from "./openapi.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import { coreV1Kinds } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const doc = (await openAPIV3Document(new Scheme(coreV1Kinds), { group: "", version: "v1" }))!;
 * const patch = doc.paths["/api/v1/namespaces/{namespace}/configmaps/{name}"].patch as any;
 * assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "", kind: "ConfigMap", version: "v1" });
 * assert.ok(patch.parameters.some((p: any) => p.name === "fieldValidation" && p.in === "query"));
 * ```
 */
export async function openAPIV3Document(
  scheme: Scheme,
  gv: GroupVersion,
  options: DiscoveryOptions = {},
): Promise<OpenAPIV3Document | undefined> {
  const entry = await documentOf(scheme, gv, servedResources(scheme, options));
  return entry && JSON.parse(entry.text);
}

/** The URL of a group-version's document at `hash`, as the index gives it. */
function documentURL(gv: GroupVersion, hash: string): string {
  return `${OPENAPI_V3_PATH}/${groupVersionPath(gv)}?hash=${hash}`;
}

/**
 * The `/openapi/v3` index: for each served group-version, the URL of its
 * document with `hash`, the uppercase hex SHA-512 of the document's bytes (as
 * kube-openapi computes it).
 */
export async function openAPIV3Index(
  scheme: Scheme,
  options: DiscoveryOptions = {},
): Promise<OpenAPIV3Index> {
  const resources = servedResources(scheme, options);
  const paths: OpenAPIV3Index["paths"] = {};
  for (const g of servedGroups(resources)) {
    for (const version of g.versions) {
      const gv = { group: g.name, version };
      const doc = await documentOf(scheme, gv, resources);
      if (doc) paths[groupVersionPath(gv)] = { serverRelativeURL: documentURL(gv, doc.hash) };
    }
  }
  return canonical({ paths }) as OpenAPIV3Index;
}

/** What {@linkcode openAPIV3Answer} needs of a request. */
export interface OpenAPIRequest extends DiscoveryOptions {
  /** URL path: `/openapi/v3` or `/openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`. */
  path: string;
  /** The `hash` query parameter. */
  hash?: string | null;
  /** The Accept header (only JSON is served). */
  accept?: string | null;
  /** The If-None-Match header. */
  ifNoneMatch?: string | null;
}

function acceptsJSON(accept: string | null | undefined): boolean {
  return !accept || parseAccept(accept).some(acceptsJson);
}

/**
 * The answer to an OpenAPI v3 request, as kube-openapi gives it, or
 * undefined when the path is not an OpenAPI v3 path or names a group-version
 * that is not served (the server answers 404, as it does for `/openapi/v2`).
 * A document requested with its current `hash` is immutable (`Cache-Control:
 * public, immutable`); with a stale hash the answer is a 301 to the current
 * URL; without one it is served with its ETag. `If-None-Match` with the ETag
 * gives 304; an Accept header that allows no JSON gives 406.
 */
export async function openAPIV3Answer(
  scheme: Scheme,
  request: OpenAPIRequest,
): Promise<HttpAnswer | undefined> {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, "") : request.path;
  if (path === OPENAPI_V3_PATH) {
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(await openAPIV3Index(scheme, request)),
    };
  }
  if (!path.startsWith(`${OPENAPI_V3_PATH}/`)) return undefined;
  const gv = parseGroupVersionPath(path.slice(OPENAPI_V3_PATH.length + 1));
  if (!gv) return undefined;
  const doc = await documentOf(scheme, gv, servedResources(scheme, request));
  if (!doc) return undefined;
  if (!acceptsJSON(request.accept)) {
    return { status: 406, headers: { "content-type": "text/plain; charset=utf-8" }, body: "" };
  }
  if (request.hash && request.hash !== doc.hash) {
    return { status: 301, headers: { location: documentURL(gv, doc.hash) }, body: null };
  }
  const headers: Record<string, string> = {
    "content-type": "application/json",
    etag: `"${doc.hash}"`,
    vary: "Accept",
  };
  if (request.hash) {
    headers["cache-control"] = "public, immutable";
    headers.expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  }
  const tags = request.ifNoneMatch?.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (tags?.includes(headers.etag) || tags?.includes("*")) {
    return { status: 304, headers, body: null };
  }
  return { status: 200, headers, body: doc.text };
}
