/**
 * A kind's schema as JSON Schema, and in the OpenAPI v3.0 dialect Kubernetes
 * publishes (what `kubectl explain` and `kubectl apply` read from
 * `/openapi/v3`), with the `metav1` schemas every kind refers to (ObjectMeta,
 * ListMeta, Status, DeleteOptions). One source for `explain`, CRD export and
 * the HTTP server's OpenAPI documents.
 *
 * @module
 */
import type { Kind } from "./kind.ts";
import { metaV1Docs } from "./meta_v1_docs.ts";

/** A JSON Schema or OpenAPI schema object, as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

const PARAMS = { io: "input", unrepresentable: "any" } as const;

/**
 * The JSON Schema of a kind's fields besides apiVersion, kind and metadata:
 * the input side (defaulted fields are not required), unrepresentable parts
 * (dates, bigints) as `{}`. Zod schemas and OpenAPI schemas describe
 * themselves; other zod-shaped schemas (zod/mini) go through zod; a schema
 * zod cannot describe gives `{}`.
 *
 * @example
 * ```ts
 * import { kindJSONSchema } from "./json_schema.ts";
 * import { ConfigMap } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const schema = await kindJSONSchema(ConfigMap);
 * assert.deepEqual(Object.keys(schema.properties as object).sort(), ["binaryData", "data", "immutable"]);
 * ```
 */
export async function kindJSONSchema(kind: Pick<Kind, "schema">): Promise<JsonSchema> {
  const schema = kind.schema;
  try {
    const json = schema.toJSONSchema
      ? schema.toJSONSchema(PARAMS)
      : (await import("zod")).z.toJSONSchema(schema as any, PARAMS);
    return isObject(json) ? json : {};
  } catch {
    return {};
  }
}

/** What {@linkcode toOpenAPIV3} returns. */
export interface OpenAPIV3Conversion {
  /** The schema, in OpenAPI v3.0 terms. */
  schema: JsonSchema;
  /** The converted `$defs` of the source, by their name there. */
  definitions: Record<string, JsonSchema>;
}

/** Options of {@linkcode toOpenAPIV3}. */
export interface OpenAPIV3ConversionOptions {
  /**
   * The `$ref` that replaces `#/$defs/<name>`, e.g.
   * `#/components/schemas/dev.k1s.inventory.v1.Item.<name>`.
   */
  ref(name: string): string;
}

const KEEP = new Set([
  "type",
  "format",
  "title",
  "description",
  "default",
  "enum",
  "multipleOf",
  "maximum",
  "minimum",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
  "required",
  "nullable",
  "readOnly",
  "example",
]);
const SUBSCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);

function isObject(v: unknown): v is JsonSchema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNullSchema(v: unknown): boolean {
  return isObject(v) && v.type === "null" && Object.keys(v).length === 1;
}

/**
 * Converts JSON Schema (draft 2020-12, as zod writes it) to an OpenAPI v3.0
 * schema that Kubernetes' OpenAPI parser (kube-openapi, used by kubectl)
 * accepts: `type` lists and `{type: "null"}` alternatives become `nullable`,
 * `const` becomes a one-value `enum`, numeric `exclusiveMinimum` and
 * `exclusiveMaximum` become the boolean form, tuples lose their positional
 * items, zod's ±2^53-1 integer bounds are dropped, `$ref` with siblings
 * becomes `allOf: [{$ref}]`, `$defs` are returned apart with their references
 * rewritten, and keywords OpenAPI v3.0 lacks are dropped (`x-` extensions are
 * kept).
 *
 * @example
 * ```ts
 * import { toOpenAPIV3 } from "./json_schema.ts";
 * import assert from "node:assert/strict";
 *
 * const { schema } = toOpenAPIV3({
 *   $schema: "https://json-schema.org/draft/2020-12/schema",
 *   type: "object",
 *   properties: { mode: { type: "string", const: "fast" }, note: { type: ["string", "null"] } },
 * }, { ref: (name) => `#/components/schemas/${name}` });
 * assert.deepEqual(schema, {
 *   type: "object",
 *   properties: { mode: { type: "string", enum: ["fast"] }, note: { type: "string", nullable: true } },
 * });
 * ```
 */
export function toOpenAPIV3(
  schema: JsonSchema,
  options: OpenAPIV3ConversionOptions,
): OpenAPIV3Conversion {
  const definitions: Record<string, JsonSchema> = {};
  const defs = schema.$defs ?? schema.definitions;
  if (isObject(defs)) {
    for (const [name, def] of Object.entries(defs)) definitions[name] = convert(def, options);
  }
  return { schema: convert(schema, options), definitions };
}

function convert(node: unknown, options: OpenAPIV3ConversionOptions): JsonSchema {
  if (!isObject(node)) return {};
  const out: JsonSchema = {};
  let nullable = false;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-")) out[key] = structuredClone(value);
    else if (key === "type") {
      const types = (Array.isArray(value) ? value : [value]).filter((t) => typeof t === "string");
      if (types.includes("null")) nullable = true;
      const real = types.filter((t) => t !== "null");
      if (real.length === 1) out.type = real[0];
      else if (real.length > 1) out.anyOf = real.map((t) => ({ type: t }));
    } else if (key === "const") out.enum = [structuredClone(value)];
    else if (key === "examples") {
      if (Array.isArray(value) && value.length > 0) out.example = structuredClone(value[0]);
    } else if (key === "exclusiveMinimum" || key === "exclusiveMaximum") {
      if (typeof value === "number") {
        out[key === "exclusiveMinimum" ? "minimum" : "maximum"] = value;
        out[key] = true;
      } else if (typeof value === "boolean") out[key] = value;
    } else if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, convert(sub, options)]),
      );
    } else if (key === "items") {
      if (isObject(value)) out.items = convert(value, options);
    } else if (key === "additionalProperties") {
      if (typeof value === "boolean") out.additionalProperties = value;
      else if (isObject(value)) out.additionalProperties = convert(value, options);
    } else if (key === "not" && isObject(value)) out.not = convert(value, options);
    else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) {
      const members = value.filter((m) => {
        if (!isNullSchema(m)) return true;
        nullable = true;
        return false;
      });
      if (members.length > 0) out[key] = members.map((m) => convert(m, options));
    } else if (KEEP.has(key)) out[key] = structuredClone(value);
  }
  // zod's integer bounds are the safe-integer range, which says nothing.
  if (out.type === "integer") {
    if (out.minimum === -Number.MAX_SAFE_INTEGER) delete out.minimum;
    if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  }
  // A single alternative left after removing `null` is the schema itself.
  for (const key of ["anyOf", "oneOf"]) {
    const members = out[key] as JsonSchema[] | undefined;
    if (members?.length !== 1 || "type" in out) continue;
    delete out[key];
    if ("$ref" in members[0] && !("allOf" in out)) out.allOf = members;
    else for (const [k, v] of Object.entries(members[0])) if (!(k in out)) out[k] = v;
  }
  const target = typeof node.$ref === "string" ? refOf(node.$ref, options) : undefined;
  if (nullable) out.nullable = true;
  if (target === undefined) return out;
  if (Object.keys(out).length === 0) return { $ref: target };
  return { ...out, allOf: [{ $ref: target }, ...((out.allOf as JsonSchema[] | undefined) ?? [])] };
}

function refOf(ref: string, options: OpenAPIV3ConversionOptions): string | undefined {
  for (const prefix of ["#/$defs/", "#/definitions/"]) {
    if (ref.startsWith(prefix)) {
      return options.ref(decodeURIComponent(ref.slice(prefix.length).replaceAll("~1", "/")));
    }
  }
  return undefined; // a reference into the document itself: any value
}

// ------------------------------------------------------------------ metav1 schemas

/** Where the OpenAPI documents of Kubernetes keep the `metav1` types. */
export const META_V1_PREFIX: string = "io.k8s.apimachinery.pkg.apis.meta.v1";

const ref = (name: string) => ({ $ref: `#/components/schemas/${META_V1_PREFIX}.${name}` });
const str = (description: string): JsonSchema => ({ type: "string", description });
const int64 = (description: string): JsonSchema => ({
  type: "integer",
  format: "int64",
  description,
});
const time = (description: string): JsonSchema => ({
  type: "string",
  format: "date-time",
  description,
});
const stringMap = (description: string): JsonSchema => ({
  type: "object",
  description,
  additionalProperties: { type: "string", default: "" },
});
const CONVENTIONS = "https://git.k8s.io/community/contributors/devel/sig-architecture/" +
  "api-conventions.md";

/** The description kube gives every kind's `apiVersion`. */
export const API_VERSION_DESCRIPTION: string =
  "APIVersion defines the versioned schema of this representation of an object. Servers " +
  "should convert recognized schemas to the latest internal value, and may reject " +
  `unrecognized values. More info: ${CONVENTIONS}#resources`;
/** The description kube gives every kind's `kind`. */
export const KIND_DESCRIPTION: string =
  "Kind is a string value representing the REST resource this object represents. Servers " +
  "may infer this from the endpoint the client submits requests to. Cannot be updated. In " +
  `CamelCase. More info: ${CONVENTIONS}#types-kinds`;
/** The description kube gives every kind's `metadata`. */
export const METADATA_DESCRIPTION: string =
  `Standard object's metadata. More info: ${CONVENTIONS}#metadata`;
/** The description kube gives every list's `metadata`. */
export const LIST_METADATA_DESCRIPTION: string =
  `Standard list metadata. More info: ${CONVENTIONS}#types-kinds`;

const OM = metaV1Docs.ObjectMeta;
const OR = metaV1Docs.OwnerReference;
const MF = metaV1Docs.ManagedFieldsEntry;
const LM = metaV1Docs.ListMeta;

const OBJECT_META: JsonSchema = {
  type: "object",
  description: OM[""],
  properties: {
    annotations: stringMap(OM.annotations),
    creationTimestamp: time(OM.creationTimestamp),
    deletionGracePeriodSeconds: int64(OM.deletionGracePeriodSeconds),
    deletionTimestamp: time(OM.deletionTimestamp),
    finalizers: {
      type: "array",
      description: OM.finalizers,
      items: { type: "string", default: "" },
      "x-kubernetes-list-type": "set",
      "x-kubernetes-patch-strategy": "merge",
    },
    generateName: str(OM.generateName),
    generation: int64(OM.generation),
    labels: stringMap(OM.labels),
    managedFields: {
      type: "array",
      description: OM.managedFields,
      items: { allOf: [ref("ManagedFieldsEntry")], default: {} },
      "x-kubernetes-list-type": "atomic",
    },
    name: str(OM.name),
    namespace: str(OM.namespace),
    ownerReferences: {
      type: "array",
      description: OM.ownerReferences,
      items: { allOf: [ref("OwnerReference")], default: {} },
      "x-kubernetes-list-map-keys": ["uid"],
      "x-kubernetes-list-type": "map",
      "x-kubernetes-patch-merge-key": "uid",
      "x-kubernetes-patch-strategy": "merge",
    },
    resourceVersion: str(OM.resourceVersion),
    selfLink: str(OM.selfLink),
    uid: str(OM.uid),
  },
};

const OWNER_REFERENCE: JsonSchema = {
  type: "object",
  description: OR[""],
  required: ["apiVersion", "kind", "name", "uid"],
  properties: {
    apiVersion: { ...str(OR.apiVersion), default: "" },
    blockOwnerDeletion: {
      type: "boolean",
      description: OR.blockOwnerDeletion,
    },
    controller: {
      type: "boolean",
      description: OR.controller,
    },
    kind: { ...str(OR.kind), default: "" },
    name: {
      ...str(OR.name),
      default: "",
    },
    uid: {
      ...str(OR.uid),
      default: "",
    },
  },
  "x-kubernetes-map-type": "atomic",
};

const MANAGED_FIELDS_ENTRY: JsonSchema = {
  type: "object",
  description: MF[""],
  properties: {
    apiVersion: str(MF.apiVersion),
    fieldsType: str(MF.fieldsType),
    fieldsV1: {
      allOf: [ref("FieldsV1")],
      description: MF.fieldsV1,
    },
    manager: str(MF.manager),
    operation: str(MF.operation),
    subresource: str(MF.subresource),
    time: time(MF.time),
  },
};

const LIST_META: JsonSchema = {
  type: "object",
  description: LM[""],
  properties: {
    continue: str(LM.continue),
    remainingItemCount: int64(LM.remainingItemCount),
    resourceVersion: str(LM.resourceVersion),
    selfLink: str(LM.selfLink),
  },
};

const STATUS: JsonSchema = {
  type: "object",
  description: "Status is a return value for calls that don't return other objects.",
  properties: {
    apiVersion: str(API_VERSION_DESCRIPTION),
    code: {
      type: "integer",
      format: "int32",
      description: "Suggested HTTP return code for this status, 0 if not set.",
    },
    details: {
      allOf: [ref("StatusDetails")],
      description: "Extended data associated with the reason.  Each reason may define its own " +
        "extended details. This field is optional and the data returned is not guaranteed to " +
        "conform to any schema except that defined by the reason type.",
      "x-kubernetes-list-type": "atomic",
    },
    kind: str(KIND_DESCRIPTION),
    message: str("A human-readable description of the status of this operation."),
    metadata: { allOf: [ref("ListMeta")], default: {}, description: LIST_METADATA_DESCRIPTION },
    reason: str(
      'A machine-readable description of why this operation is in the "Failure" status. If ' +
        "this value is empty there is no information available.",
    ),
    status: str('Status of the operation. One of: "Success" or "Failure".'),
  },
  "x-kubernetes-group-version-kind": [{ group: "", kind: "Status", version: "v1" }],
};

const STATUS_DETAILS: JsonSchema = {
  type: "object",
  description: "StatusDetails is a set of additional properties that MAY be set by the server " +
    "to provide additional information about a response.",
  properties: {
    causes: {
      type: "array",
      description: "The Causes array includes more details associated with the StatusReason " +
        "failure.",
      items: {
        type: "object",
        description: "StatusCause provides more information about an api.Status failure, " +
          "including cases when multiple errors are encountered.",
        properties: {
          field: str(
            "The field of the resource that has caused this error, as named by its " +
              "JSON serialization.",
          ),
          message: str("A human-readable description of the cause of the error."),
          reason: str("A machine-readable description of the cause of the error."),
        },
      },
      "x-kubernetes-list-type": "atomic",
    },
    group: str("The group attribute of the resource associated with the status StatusReason."),
    kind: str("The kind attribute of the resource associated with the status StatusReason."),
    name: str("The name attribute of the resource associated with the status StatusReason."),
    retryAfterSeconds: {
      type: "integer",
      format: "int32",
      description: "If specified, the time in seconds before the operation should be retried.",
    },
    uid: str("UID of the resource."),
  },
};

const DELETE_OPTIONS: JsonSchema = {
  type: "object",
  description: "DeleteOptions may be provided when deleting an API object.",
  properties: {
    apiVersion: str(API_VERSION_DESCRIPTION),
    dryRun: {
      type: "array",
      description: "When present, indicates that modifications should not be persisted. Valid " +
        "values are: - All: all dry run stages will be processed",
      items: { type: "string", default: "" },
      "x-kubernetes-list-type": "atomic",
    },
    gracePeriodSeconds: int64(
      "The duration in seconds before the object should be deleted. Value must be " +
        "non-negative integer. The value zero indicates delete immediately.",
    ),
    kind: str(KIND_DESCRIPTION),
    orphanDependents: {
      type: "boolean",
      description: "Deprecated: please use the PropagationPolicy, this field will be deprecated " +
        "in 1.7. Should the dependent objects be orphaned.",
    },
    preconditions: {
      type: "object",
      description: "Must be fulfilled before a deletion is carried out. If not possible, a 409 " +
        "Conflict status will be returned.",
      properties: {
        resourceVersion: str("Specifies the target ResourceVersion"),
        uid: str("Specifies the target UID."),
      },
    },
    propagationPolicy: str(
      "Whether and how garbage collection will be performed. Acceptable values are: " +
        "'Orphan', 'Background' and 'Foreground'.",
    ),
  },
};

/**
 * The `metav1` component schemas of Kubernetes' OpenAPI v3 documents, by
 * their name under `components.schemas` (`io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`,
 * …), with kube's descriptions and strategic-merge extensions
 * (`ownerReferences` merge by `uid`, `finalizers` merge as a set).
 *
 * @example
 * ```ts
 * import { META_V1_PREFIX, metaV1Schemas } from "./json_schema.ts";
 * import assert from "node:assert/strict";
 *
 * const meta = metaV1Schemas()[`${META_V1_PREFIX}.ObjectMeta`];
 * const owners = (meta.properties as Record<string, Record<string, unknown>>).ownerReferences;
 * assert.equal(owners["x-kubernetes-patch-merge-key"], "uid");
 * ```
 */
export function metaV1Schemas(): Record<string, JsonSchema> {
  return structuredClone({
    [`${META_V1_PREFIX}.DeleteOptions`]: DELETE_OPTIONS,
    [`${META_V1_PREFIX}.FieldsV1`]: {
      type: "object",
      description: "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON " +
        "format.",
    },
    [`${META_V1_PREFIX}.ListMeta`]: LIST_META,
    [`${META_V1_PREFIX}.ManagedFieldsEntry`]: MANAGED_FIELDS_ENTRY,
    [`${META_V1_PREFIX}.ObjectMeta`]: OBJECT_META,
    [`${META_V1_PREFIX}.OwnerReference`]: OWNER_REFERENCE,
    [`${META_V1_PREFIX}.Patch`]: {
      type: "object",
      description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH " +
        "request body.",
    },
    [`${META_V1_PREFIX}.Status`]: STATUS,
    [`${META_V1_PREFIX}.StatusDetails`]: STATUS_DETAILS,
  });
}
