/**
 * CustomResourceDefinitions from kinds: what `controller-gen` does for Go
 * types, done for k1s kinds. One CRD per group and kind, a version per kind
 * object, and a structural `openAPIV3Schema` converted from the kind's JSON
 * Schema (references inlined, unions and tuples made structural), so that
 * the output is what kube-apiserver accepts.
 *
 * @module
 */
import type {
  CustomResourceColumnDefinition,
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
} from "../resources/apiextensions_v1.ts";
import type { Kind } from "../scheme/kind.ts";
import { type JsonSchema, kindJSONSchema } from "../scheme/json_schema.ts";
import { compareKubeVersions } from "../apimachinery/gvk.ts";
import { isSupportedStringFormat } from "./schema/compile.ts";
import { CREATE_SCHEMA_OPTIONS, validateOpenAPISchema } from "./crd_schema/mod.ts";
import { compileSchemaRules } from "../cel/mod.ts";
import { formatFieldError } from "../apimachinery/errors.ts";

/** Options of {@linkcode crdFromKinds}. */
export interface CRDExportOptions {
  /** The storage version; default the only version, else the highest by kube's version priority. */
  storageVersion?: string;
  /** Told about every lossy step (recursion cut off, a union or pattern kube cannot take). */
  onWarning?: (message: string) => void;
  /** Annotations of the CRD (e.g. `api-approved.kubernetes.io` for `*.k8s.io` groups). */
  annotations?: Record<string, string>;
  /** Labels of the CRD. */
  labels?: Record<string, string>;
}

const API_VERSION_DESCRIPTION = "APIVersion defines the versioned schema of this representation " +
  "of an object. Servers should convert recognized schemas to the latest internal value, and " +
  "may reject unrecognized values. More info: " +
  "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DESCRIPTION = "Kind is a string value representing the REST resource this object " +
  "represents. Servers may infer this from the endpoint the client submits requests to. Cannot " +
  "be updated. In CamelCase. More info: " +
  "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

const FORMAT_ALIASES: Record<string, string> = {
  "cidrv4": "cidr",
  "cidrv6": "cidr",
  "url": "uri",
  "float32": "float",
  "float64": "double",
  "base64": "byte",
};
/** Value keywords copied as they are. */
const COPY = [
  "description",
  "title",
  "default",
  "example",
  "maxLength",
  "minLength",
  "maxItems",
  "minItems",
  "maxProperties",
  "minProperties",
  "multipleOf",
];
const INT32 = [-2147483648, 2147483647];
const UINT32 = [0, 4294967295];

function isObject(v: unknown): v is JsonSchema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON pointer lookup (`#/$defs/x`, `#/properties/spec`, `#`). */
function resolvePointer(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

/** Patterns Go's RE2 cannot compile: look-around and back-references. */
function re2Incompatible(pattern: string): boolean {
  return /\(\?<?[=!]|\\[1-9]|\\k</.test(pattern);
}

interface Walk {
  root: JsonSchema;
  stack: JsonSchema[];
  warn(path: string, message: string): void;
}

const PRESERVE = { "x-kubernetes-preserve-unknown-fields": true };

/**
 * Converts JSON Schema (draft 2020-12, as zod writes it, or the OpenAPI v3
 * of `openAPISchema`) into a structural schema node: every `$ref` inlined
 * (a recursive one becomes `x-kubernetes-preserve-unknown-fields`), `null`
 * alternatives become `nullable`, an integer-or-string union becomes
 * `x-kubernetes-int-or-string`, records become `additionalProperties`, unions
 * of objects are merged into one object, unions of one scalar type into one
 * `enum`, and what kube cannot describe (tuples, other unions, `{}`) keeps
 * unknown fields. `warn` hears about each lossy step.
 *
 * @example
 * ```ts
 * import { structuralSchema } from "./export.ts";
 * import assert from "node:assert/strict";
 *
 * const s = structuralSchema({
 *   type: "object",
 *   properties: {
 *     port: { anyOf: [{ type: "integer" }, { type: "string" }] },
 *     note: { anyOf: [{ type: "string" }, { type: "null" }] },
 *   },
 * });
 * assert.deepEqual(s.properties, {
 *   port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
 *   note: { type: "string", nullable: true },
 * });
 * ```
 */
export function structuralSchema(
  schema: JsonSchema,
  warn: (path: string, message: string) => void = () => {},
): JsonSchema {
  return convert(schema, { root: schema, stack: [], warn }, "");
}

function convert(node: unknown, w: Walk, path: string): JsonSchema {
  if (!isObject(node)) {
    if (node === false) w.warn(path, "a schema that allows nothing keeps unknown fields instead");
    return { ...PRESERVE };
  }
  if (typeof node.$ref === "string") {
    const target = resolvePointer(w.root, node.$ref);
    const siblings = Object.fromEntries(
      Object.entries(node).filter(([k]) => k !== "$ref" && k !== "$schema" && k !== "$defs"),
    );
    if (!target) {
      w.warn(path, `unresolvable $ref ${node.$ref}: kept as unknown fields`);
      return withDocs({ ...PRESERVE }, siblings);
    }
    if (w.stack.includes(target)) {
      w.warn(
        path,
        `recursive reference ${node.$ref} cut off: structural schemas cannot recurse, the ` +
          "value keeps unknown fields unvalidated",
      );
      const cut: JsonSchema = target.type === "object" || target.properties
        ? { type: "object", ...PRESERVE }
        : { ...PRESERVE };
      return withDocs(cut, { ...target, ...siblings });
    }
    return convert({ ...target, ...siblings }, { ...w, stack: [...w.stack, target] }, path);
  }
  const inner = { ...w, stack: [...w.stack, node] };
  return convertNode(node, inner, path);
}

function withDocs(out: JsonSchema, src: JsonSchema): JsonSchema {
  if (typeof src.description === "string") out.description = src.description;
  return out;
}

function copyValueKeywords(node: JsonSchema, out: JsonSchema) {
  for (const key of COPY) if (node[key] !== undefined) out[key] = structuredClone(node[key]);
  if (Array.isArray(node.examples) && node.examples.length > 0 && out.example === undefined) {
    out.example = structuredClone(node.examples[0]);
  }
}

function isNullSchema(v: unknown): boolean {
  return isObject(v) && (v.type === "null" || (Array.isArray(v.enum) && v.enum.length === 1 &&
    v.enum[0] === null)) &&
    !v.properties;
}

function convertNode(node: JsonSchema, w: Walk, path: string): JsonSchema {
  // Alternatives: anyOf / oneOf, and type lists.
  let nullable = node.nullable === true;
  let types = (Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type])
    .filter((t): t is string => typeof t === "string");
  if (types.includes("null")) nullable = true;
  types = types.filter((t) => t !== "null");
  const alternatives = [
    ...(Array.isArray(node.anyOf) ? node.anyOf : []),
    ...(Array.isArray(node.oneOf) ? node.oneOf : []),
  ];
  if (alternatives.length > 0) {
    const members = alternatives.filter((m) => {
      if (!isNullSchema(m)) return true;
      nullable = true;
      return false;
    });
    const rest = Object.fromEntries(
      Object.entries(node).filter(([k]) => k !== "anyOf" && k !== "oneOf"),
    );
    let out: JsonSchema;
    if (members.length === 0) out = { ...PRESERVE };
    else if (members.length === 1) out = convert({ ...members[0], ...rest }, w, path);
    else out = union(members.map((m) => convert(m, w, path)), rest, w, path);
    if (nullable) out.nullable = true;
    return out;
  }
  if (types.length > 1) {
    const members = types.map((t) => convertNode({ ...node, type: t }, w, path));
    const out = union(members, {}, w, path);
    copyValueKeywords(node, out);
    if (nullable) out.nullable = true;
    return out;
  }
  if (Array.isArray(node.allOf) && node.allOf.length > 0) {
    // Intersections: merged (zod writes them for `.and()`).
    const merged = node.allOf.map((m) => convert(m, w, path));
    const rest = Object.fromEntries(Object.entries(node).filter(([k]) => k !== "allOf"));
    const base = convertNode(rest, w, path);
    const out = merged.reduce((a, b) => mergeObjects(a, b, false), base);
    if (nullable) out.nullable = true;
    return out;
  }

  const out: JsonSchema = {};
  const type = types[0];
  let enumValues: unknown[] | undefined = Array.isArray(node.enum)
    ? node.enum.filter((v) => v !== null)
    : undefined;
  if (Array.isArray(node.enum) && node.enum.includes(null)) nullable = true;
  if (node.const !== undefined && node.const !== null) enumValues = [node.const];
  const intOrString = node["x-kubernetes-int-or-string"] === true;

  if (type) out.type = type;
  else if (!intOrString) {
    const inferred = node.properties || node.additionalProperties
      ? "object"
      : node.items || node.prefixItems
      ? "array"
      : enumValues && enumValues.length > 0 && enumValues.every((v) => typeof v === "string")
      ? "string"
      : undefined;
    if (inferred) out.type = inferred;
  }
  copyValueKeywords(node, out);
  if (enumValues && enumValues.length > 0) out.enum = structuredClone(enumValues);

  switch (out.type) {
    case "object":
      convertObject(node, out, w, path);
      break;
    case "array":
      convertArray(node, out, w, path);
      break;
    case "integer":
    case "number":
      convertNumber(node, out);
      break;
    case "string":
      convertString(node, out, w, path);
      break;
    case "boolean":
      break;
    default:
      if (!intOrString && node["x-kubernetes-preserve-unknown-fields"] !== true) {
        if (Object.keys(node).some((k) => !k.startsWith("$") && !COPY.includes(k))) {
          w.warn(path, "a schema without a type keeps unknown fields");
        }
        Object.assign(out, PRESERVE);
      }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-kubernetes-") && key !== "x-kubernetes-group-version-kind") {
      out[key] = structuredClone(value);
    }
  }
  if (intOrString) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (nullable) out.nullable = true;
  return out;
}

function convertObject(node: JsonSchema, out: JsonSchema, w: Walk, path: string) {
  if (isObject(node.properties)) {
    const props: JsonSchema = {};
    for (const [name, sub] of Object.entries(node.properties)) {
      props[name] = convert(sub, w, `${path}.${name}`);
    }
    out.properties = props;
    if (Array.isArray(node.required)) {
      const required = node.required.filter((r) => typeof r === "string" && r in props);
      if (required.length > 0) out.required = required;
    }
    if (node.additionalProperties === true || isObject(node.additionalProperties)) {
      // properties and additionalProperties are mutually exclusive in kube.
      out["x-kubernetes-preserve-unknown-fields"] = true;
      w.warn(path, "properties with additionalProperties: extra keys are kept unvalidated");
    }
  } else if (isObject(node.additionalProperties)) {
    out.additionalProperties = convert(node.additionalProperties, w, `${path}[*]`);
  } else if (node.additionalProperties !== false) {
    out["x-kubernetes-preserve-unknown-fields"] = true;
  }
  if (isObject(node.propertyNames) && Object.keys(node.propertyNames).some((k) => k !== "type")) {
    w.warn(path, "propertyNames constraints are dropped");
  }
}

function convertArray(node: JsonSchema, out: JsonSchema, w: Walk, path: string) {
  if (Array.isArray(node.prefixItems) || Array.isArray(node.items)) {
    w.warn(path, "tuples cannot be described: items keep unknown fields");
    out.items = { ...PRESERVE };
    return;
  }
  out.items = isObject(node.items) ? convert(node.items, w, `${path}[*]`) : { ...PRESERVE };
  if (node.uniqueItems === true && out["x-kubernetes-list-type"] === undefined) {
    const it = out.items as JsonSchema;
    if (["string", "integer", "number", "boolean"].includes(it.type as string)) {
      out["x-kubernetes-list-type"] = "set";
    } else w.warn(path, "uniqueItems is forbidden in CRDs and is dropped");
  }
}

function convertNumber(node: JsonSchema, out: JsonSchema) {
  let min = typeof node.minimum === "number" ? node.minimum : undefined;
  let max = typeof node.maximum === "number" ? node.maximum : undefined;
  const exMin = node.exclusiveMinimum;
  const exMax = node.exclusiveMaximum;
  if (typeof exMin === "number") {
    min = exMin;
    out.exclusiveMinimum = true;
  } else if (exMin === true) out.exclusiveMinimum = true;
  if (typeof exMax === "number") {
    max = exMax;
    out.exclusiveMaximum = true;
  } else if (exMax === true) out.exclusiveMaximum = true;
  let format = typeof node.format === "string"
    ? FORMAT_ALIASES[node.format] ?? node.format
    : undefined;
  if (out.type === "integer") {
    if (min === -Number.MAX_SAFE_INTEGER && max === Number.MAX_SAFE_INTEGER) {
      min = max = undefined;
      format ??= "int64";
    } else if (min === INT32[0] && max === INT32[1]) {
      min = max = undefined;
      format ??= "int32";
    } else if (min === UINT32[0] && max === UINT32[1]) {
      max = undefined;
      format ??= "int64";
    } else {
      if (min === -Number.MAX_SAFE_INTEGER) min = undefined;
      if (max === Number.MAX_SAFE_INTEGER) max = undefined;
      format ??= "int64";
    }
    if (format !== "int32" && format !== "int64") format = "int64";
  } else if (format !== "float" && format !== "double") format = undefined;
  if (min !== undefined) out.minimum = min;
  else delete out.exclusiveMinimum;
  if (max !== undefined) out.maximum = max;
  else delete out.exclusiveMaximum;
  if (format) out.format = format;
}

function convertString(node: JsonSchema, out: JsonSchema, w: Walk, path: string) {
  let format = typeof node.format === "string"
    ? FORMAT_ALIASES[node.format] ?? node.format
    : undefined;
  if (node.contentEncoding === "base64") format = "byte";
  // Formats kube-openapi does not know are dropped (kube would only warn about them).
  if (format && !isSupportedStringFormat(format)) format = undefined;
  if (format) out.format = format;
  if (typeof node.pattern === "string") {
    // zod writes its own pattern next to a format; kube checks the format itself.
    if (format && typeof node.format === "string") return;
    if (re2Incompatible(node.pattern)) {
      w.warn(path, `pattern ${node.pattern} uses look-around or back-references (not RE2)`);
    } else out.pattern = node.pattern;
  }
}

function isIntOrStringPair(members: JsonSchema[]): boolean {
  if (members.length !== 2) return false;
  const types = members.map((m) => m.type).sort();
  return types[0] === "integer" && types[1] === "string";
}

/** A structural stand-in for a union of converted members. */
function union(members: JsonSchema[], rest: JsonSchema, w: Walk, path: string): JsonSchema {
  const docs: JsonSchema = {};
  copyValueKeywords(rest, docs);
  if (isIntOrStringPair(members)) {
    return {
      ...docs,
      "x-kubernetes-int-or-string": true,
      anyOf: [{ type: "integer" }, { type: "string" }],
    };
  }
  const types = new Set(members.map((m) => m.type));
  if (types.size === 1 && !types.has(undefined)) {
    const type = [...types][0];
    if (type === "object") {
      const merged = members.reduce((a, b) => mergeObjects(a, b, true));
      w.warn(path, "a union of objects is merged into one object (alternatives not enforced)");
      return { ...merged, ...docs };
    }
    if (type !== "array") {
      const out: JsonSchema = { type };
      if (members.every((m) => Array.isArray(m.enum))) {
        out.enum = [...new Set(members.flatMap((m) => m.enum as unknown[]))];
      } else w.warn(path, `a union of ${type}s keeps only the type`);
      if (type === "integer" || type === "number") {
        const formats = new Set(members.map((m) => m.format));
        if (formats.size === 1 && [...formats][0]) out.format = [...formats][0];
      }
      return { ...out, ...docs };
    }
  }
  w.warn(path, "a union kube cannot describe keeps unknown fields");
  return { ...docs, ...PRESERVE };
}

/** One object schema with the properties of both; with `loose`, a property is required only when both require it. */
function mergeObjects(a: JsonSchema, b: JsonSchema, loose: boolean): JsonSchema {
  if (a.type !== "object" || b.type !== "object") return { ...a, ...b };
  const props: JsonSchema = { ...(a.properties as JsonSchema ?? {}) };
  for (const [k, v] of Object.entries((b.properties as JsonSchema) ?? {})) {
    const prev = props[k] as JsonSchema | undefined;
    if (!prev) props[k] = v;
    else if (JSON.stringify(prev) !== JSON.stringify(v)) {
      const pv = v as JsonSchema;
      if (Array.isArray(prev.enum) && Array.isArray(pv.enum) && prev.type === pv.type) {
        props[k] = { ...prev, enum: [...new Set([...prev.enum, ...pv.enum])] };
      } else if (prev.type === "object" && pv.type === "object") {
        props[k] = mergeObjects(prev, pv, loose);
      }
    }
  }
  const ra = (a.required as string[] | undefined) ?? [];
  const rb = (b.required as string[] | undefined) ?? [];
  const required = loose ? ra.filter((r) => rb.includes(r)) : [...new Set([...ra, ...rb])];
  const out: JsonSchema = { ...a, ...b, type: "object" };
  if (Object.keys(props).length > 0) out.properties = props;
  delete out.additionalProperties;
  if (required.length > 0) out.required = required;
  else delete out.required;
  if (
    loose &&
    (a["x-kubernetes-preserve-unknown-fields"] || b["x-kubernetes-preserve-unknown-fields"])
  ) {
    out["x-kubernetes-preserve-unknown-fields"] = true;
  }
  return out;
}

/**
 * The structural `openAPIV3Schema` of one kind: `apiVersion`, `kind`,
 * `metadata` and the kind's own fields (spec, status, …), with the kind's
 * `validations` as the root's `x-kubernetes-validations`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineKind } from "../scheme/kind.ts";
 * import { kindOpenAPIV3Schema } from "./export.ts";
 * import assert from "node:assert/strict";
 *
 * const Pet = defineKind({
 *   group: "pets.example.com",
 *   version: "v1",
 *   kind: "Pet",
 *   spec: z.object({ legs: z.number().int().default(4) }),
 * });
 * const schema = await kindOpenAPIV3Schema(Pet);
 * assert.deepEqual((schema.properties as any).spec.properties.legs, {
 *   type: "integer",
 *   default: 4,
 *   format: "int64",
 * });
 * ```
 */
export async function kindOpenAPIV3Schema(
  kind: Kind,
  onWarning: (message: string) => void = () => {},
): Promise<JsonSchema> {
  const json = await kindJSONSchema(kind);
  const warn = (path: string, message: string) =>
    onWarning(`${kind.kind} ${kind.version}: ${path || "."}: ${message}`);
  const body = structuralSchema(json, warn);
  const properties: JsonSchema = {
    apiVersion: { type: "string", description: API_VERSION_DESCRIPTION },
    kind: { type: "string", description: KIND_DESCRIPTION },
    metadata: { type: "object" },
  };
  for (const [name, sub] of Object.entries((body.properties as JsonSchema | undefined) ?? {})) {
    if (name in properties) continue;
    const s = sub as JsonSchema;
    properties[name] = s;
  }
  const root: JsonSchema = { type: "object" };
  if (typeof json.description === "string") root.description = json.description;
  root.properties = properties;
  const required = ((body.required as string[] | undefined) ?? []).filter((r) =>
    r in properties && r !== "metadata"
  );
  if (required.length > 0) root.required = required;
  if (kind.validations && kind.validations.length > 0) {
    root["x-kubernetes-validations"] = kind.validations.map((r) => ({ ...r }));
  }
  return root;
}

/** `metadata.name` of a kind's CRD: `<plural>.<group>`. */
export function crdName(kind: Pick<Kind, "plural" | "group">): string {
  return `${kind.plural}.${kind.group}`;
}

function pickStorage(kinds: readonly Kind[], options: CRDExportOptions): string {
  const versions = kinds.map((k) => k.version);
  const wanted = options.storageVersion ?? kinds.find((k) => k.conversion)?.conversion
    ?.storageVersion;
  if (wanted !== undefined) {
    if (!versions.includes(wanted)) {
      throw new TypeError(
        `storage version ${wanted} is not one of the versions ${versions.join(", ")}`,
      );
    }
    return wanted;
  }
  return [...versions].sort((a, b) => compareKubeVersions(b, a))[0];
}

/**
 * The CustomResourceDefinition (apiextensions.k8s.io/v1, plain JSON) of the
 * versions of one kind: each kind object is a version (the kinds must share
 * group, kind, names and scope). Exactly one version is the storage version:
 * `options.storageVersion`, else the one the kinds' `conversion` names, else
 * the highest by kube's version priority. Versions are listed newest first.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineKind } from "../scheme/kind.ts";
 * import { crdFromKinds } from "./export.ts";
 * import assert from "node:assert/strict";
 *
 * const spec = z.object({ size: z.number().int() });
 * const v1 = defineKind({ group: "pets.example.com", version: "v1", kind: "Pet", spec });
 * const v1beta1 = defineKind({ group: "pets.example.com", version: "v1beta1", kind: "Pet", spec });
 * const crd = await crdFromKinds([v1beta1, v1]);
 * assert.equal(crd.metadata.name, "pets.pets.example.com");
 * assert.deepEqual(crd.spec.versions.map((v) => [v.name, v.storage]), [["v1", true], ["v1beta1", false]]);
 * ```
 */
export async function crdFromKinds(
  kinds: readonly Kind[],
  options: CRDExportOptions = {},
): Promise<CustomResourceDefinition> {
  if (kinds.length === 0) throw new TypeError("crdFromKinds needs at least one kind");
  const first = kinds[0];
  const seen = new Set<string>();
  for (const k of kinds) {
    if (k.group !== first.group || k.kind !== first.kind) {
      throw new TypeError(
        `kinds ${first.kind}.${first.group} and ${k.kind}.${k.group} need separate CRDs`,
      );
    }
    if (k.plural !== first.plural || k.singular !== first.singular || k.scope !== first.scope) {
      throw new TypeError(`the versions of ${first.kind} disagree on plural, singular or scope`);
    }
    if (seen.has(k.version)) throw new TypeError(`version ${k.version} of ${k.kind} given twice`);
    seen.add(k.version);
  }
  if (!first.group.includes(".")) {
    throw new TypeError(`group "${first.group}" of ${first.kind} needs a dot to be a CRD group`);
  }
  const storage = pickStorage(kinds, options);
  const sorted = [...kinds].sort((a, b) => compareKubeVersions(b.version, a.version));
  const names = kinds.find((k) => k.version === storage)!;
  const warn = options.onWarning ?? (() => {});
  const versions: CustomResourceDefinitionVersion[] = [];
  for (const k of sorted) {
    const v: CustomResourceDefinitionVersion = {
      name: k.version,
      served: true,
      storage: k.version === storage,
      schema: { openAPIV3Schema: await kindOpenAPIV3Schema(k, warn) },
    };
    if (k.statusSubresource) v.subresources = { status: {} };
    if (k.printerColumns.length > 0) {
      v.additionalPrinterColumns = k.printerColumns.map((c) => {
        const col: CustomResourceColumnDefinition = {
          name: c.name,
          type: c.type,
          jsonPath: c.jsonPath,
        };
        if (c.description !== undefined) col.description = c.description;
        if (c.format !== undefined) col.format = c.format;
        if (c.priority !== undefined && c.priority !== 0) col.priority = c.priority;
        return col;
      });
    }
    if (k.selectableFields.length > 0) {
      v.selectableFields = k.selectableFields.map((f) => ({
        jsonPath: f.startsWith(".") ? f : `.${f}`,
      }));
    }
    versions.push(v);
  }
  const metadata: CustomResourceDefinition["metadata"] = { name: crdName(names) };
  if (options.annotations) metadata.annotations = { ...options.annotations };
  if (options.labels) metadata.labels = { ...options.labels };
  const crdNames: CustomResourceDefinition["spec"]["names"] = {
    kind: names.kind,
    listKind: names.listKind,
    plural: names.plural,
    singular: names.singular,
  };
  if (names.shortNames.length > 0) crdNames.shortNames = [...names.shortNames];
  if (names.categories.length > 0) crdNames.categories = [...names.categories];
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata,
    spec: { group: names.group, names: crdNames, scope: names.scope, versions },
  };
}

/**
 * The CRD of a single kind (one version); see {@linkcode crdFromKinds}.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineKind } from "../scheme/kind.ts";
 * import { crdFromKind } from "./export.ts";
 * import assert from "node:assert/strict";
 *
 * const Pet = defineKind({
 *   group: "pets.example.com",
 *   version: "v1",
 *   kind: "Pet",
 *   shortNames: ["pt"],
 *   spec: z.object({ name: z.string() }),
 *   status: z.object({ fed: z.boolean().optional() }),
 * });
 * const crd = await crdFromKind(Pet);
 * assert.deepEqual(crd.spec.names.shortNames, ["pt"]);
 * assert.deepEqual(crd.spec.versions[0].subresources, { status: {} });
 * ```
 */
export function crdFromKind(
  kind: Kind,
  options: CRDExportOptions = {},
): Promise<CustomResourceDefinition> {
  return crdFromKinds([kind], options);
}

/**
 * CRDs for any number of kinds: one per group and kind, in the order the
 * kinds first appear.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineKind } from "../scheme/kind.ts";
 * import { crdsFromKinds } from "./export.ts";
 * import assert from "node:assert/strict";
 *
 * const spec = z.object({});
 * const crds = await crdsFromKinds([
 *   defineKind({ group: "a.example.com", version: "v1", kind: "A", spec }),
 *   defineKind({ group: "a.example.com", version: "v1", kind: "B", spec }),
 * ]);
 * assert.deepEqual(crds.map((c) => c.metadata.name), ["as.a.example.com", "bs.a.example.com"]);
 * ```
 */
export async function crdsFromKinds(
  kinds: readonly Kind[],
  options: Omit<CRDExportOptions, "storageVersion"> = {},
): Promise<CustomResourceDefinition[]> {
  const groups = new Map<string, Kind[]>();
  for (const k of kinds) {
    const key = `${k.kind}.${k.group}`;
    const list = groups.get(key) ?? [];
    list.push(k);
    groups.set(key, list);
  }
  const out: CustomResourceDefinition[] = [];
  for (const list of groups.values()) out.push(await crdFromKinds(list, options));
  return out;
}

/**
 * Why kube-apiserver would refuse `schema` as a CRD version's
 * `openAPIV3Schema`: kube's structural-schema and static rules, and its CEL
 * rules' compilation and cost, as the CRD's validation reports them
 * (formatted field errors at `openAPIV3Schema`); empty when it is fine.
 *
 * @example
 * ```ts
 * import { structuralProblems } from "./export.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(structuralProblems({ type: "object", properties: { a: { type: "string" } } }), []);
 * assert.deepEqual(structuralProblems({ type: "object", properties: { a: {} } }), [
 *   "openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields",
 * ]);
 * ```
 */
export function structuralProblems(schema: JsonSchema): string[] {
  const errs = validateOpenAPISchema(schema, "openAPIV3Schema", {
    ...CREATE_SCHEMA_OPTIONS,
    statusSubresourceEnabled: false,
  });
  if (errs.length === 0) errs.push(...compileSchemaRules(schema, "openAPIV3Schema").errors);
  return errs.map(formatFieldError);
}
