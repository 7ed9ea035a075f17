/**
 * What kubectl's decoder refuses in a manifest it does not validate: a
 * document that is not an object, `items` that are not objects, a missing
 * kind, and metadata that does not decode into Go's ObjectMeta, worded as
 * Go's encoding/json words it (`json: cannot unmarshal bool into Go struct
 * field ObjectMeta.metadata.labels of type string`).
 *
 * @module
 */
import { isObject } from "../src/apimachinery/json_value.ts";

/**
 * What kubectl's decoder (cli-runtime's metadataValidatingDecoder around
 * unstructured.UnstructuredJSONScheme) refuses in a document, worded as it
 * is, or undefined: a document that is not an object, `items` that are not
 * objects, a missing kind (`text()` is the document's JSON, which the
 * message quotes), and metadata that does not decode into ObjectMeta.
 * `sorted`: the keys come in sorted order (YAML converted to JSON by Go),
 * else in the order written (JSON).
 */
export function decodeProblem(
  doc: unknown,
  text: () => string,
  sorted: boolean,
): string | undefined {
  if (!isObject(doc)) {
    return `json: cannot unmarshal ${goKind(doc)} into Go value of type unstructured.detector`;
  }
  if ("items" in doc) {
    const items = doc.items;
    if (items !== null && !Array.isArray(items)) {
      return `json: cannot unmarshal ${
        goKind(items)
      } into Go struct field decodeList.items of type []json.RawMessage`;
    }
    for (const item of items ?? []) {
      if (item !== null && !isObject(item)) {
        return `json: cannot unmarshal ${
          goKind(item)
        } into Go value of type map[string]interface {}`;
      }
    }
  }
  if (typeof doc.kind !== "string" || doc.kind === "") {
    return `Object 'Kind' is missing in '${text()}'`;
  }
  try {
    const saved: string[] = [];
    decodeStruct(doc, METADATA_ONLY, { struct: "metadataOnlyObject", path: [] }, saved, sorted);
    return saved[0];
  } catch (err) {
    if (err instanceof ImmediateDecodeError) return err.message;
    throw err;
  }
}

/** The JSON type word Go's decoder uses in `cannot unmarshal X`. */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "object" && v !== null) return "object";
  return typeof v; // string, number
}

/** A Go type a field decodes into: its name in messages and how it checks a value. */
type GoType =
  | { kind: "string" | "int64" | "bool" | "time" | "any"; name: string }
  | { kind: "map"; name: string; value: GoType }
  | { kind: "slice"; name: string; item: GoType }
  | { kind: "struct"; name: string; struct: string; fields: Record<string, GoType> };

const STRING: GoType = { kind: "string", name: "string" };
const INT64: GoType = { kind: "int64", name: "int64" };
const BOOL: GoType = { kind: "bool", name: "bool" };
const UID: GoType = { kind: "string", name: "types.UID" };
const TIME: GoType = { kind: "time", name: "v1.Time" };
const STRING_MAP: GoType = { kind: "map", name: "map[string]string", value: STRING };

const OWNER_REFERENCE: GoType = {
  kind: "struct",
  name: "v1.OwnerReference",
  struct: "OwnerReference",
  fields: {
    apiVersion: STRING,
    kind: STRING,
    name: STRING,
    uid: UID,
    controller: BOOL,
    blockOwnerDeletion: BOOL,
  },
};

const MANAGED_FIELDS_ENTRY: GoType = {
  kind: "struct",
  name: "v1.ManagedFieldsEntry",
  struct: "ManagedFieldsEntry",
  fields: {
    manager: STRING,
    operation: { kind: "string", name: "v1.ManagedFieldsOperationType" },
    apiVersion: STRING,
    time: TIME,
    fieldsType: STRING,
    fieldsV1: { kind: "any", name: "v1.FieldsV1" },
    subresource: STRING,
  },
};

const OBJECT_META: GoType = {
  kind: "struct",
  name: "v1.ObjectMeta",
  struct: "ObjectMeta",
  fields: {
    name: STRING,
    generateName: STRING,
    namespace: STRING,
    selfLink: STRING,
    uid: UID,
    resourceVersion: STRING,
    generation: INT64,
    creationTimestamp: TIME,
    deletionTimestamp: TIME,
    deletionGracePeriodSeconds: INT64,
    labels: STRING_MAP,
    annotations: STRING_MAP,
    ownerReferences: { kind: "slice", name: "[]v1.OwnerReference", item: OWNER_REFERENCE },
    finalizers: { kind: "slice", name: "[]string", item: STRING },
    managedFields: { kind: "slice", name: "[]v1.ManagedFieldsEntry", item: MANAGED_FIELDS_ENTRY },
  },
};

/** cli-runtime's metadataOnlyObject: TypeMeta's fields and metadata. */
const METADATA_ONLY = { apiVersion: STRING, kind: STRING, metadata: OBJECT_META };

/** An error Go's decoder returns at once (from a type's own UnmarshalJSON), not saved. */
class ImmediateDecodeError extends Error {}

interface DecodeContext {
  /** The innermost struct type's name. */
  struct: string;
  /** The JSON field names from the top. */
  path: string[];
}

const INT64_LIMIT = 2 ** 63;

/**
 * Decodes `value` into `type` as Go's encoding/json does (case-sensitive, unknown fields
 * ignored, null leaving anything as it is): type mismatches are saved in `saved` (the first
 * is reported) and decoding goes on.
 */
function decodeValue(
  value: unknown,
  type: GoType,
  ctx: DecodeContext,
  saved: string[],
  sorted: boolean,
): void {
  if (value === null || value === undefined || type.kind === "any") return;
  const mismatch = (what: string, typeName = type.name) => {
    saved.push(
      `json: cannot unmarshal ${what} into Go struct field ${ctx.struct}.${
        ctx.path.join(".")
      } of type ${typeName}`,
    );
  };
  switch (type.kind) {
    case "string":
      if (typeof value !== "string") mismatch(goKind(value));
      return;
    case "bool":
      if (typeof value !== "boolean") mismatch(goKind(value));
      return;
    case "int64":
      if (typeof value !== "number") mismatch(goKind(value));
      else if (!Number.isInteger(value) || Math.abs(value) >= INT64_LIMIT) {
        mismatch(`number ${String(value)}`);
      }
      return;
    case "time":
      // metav1.Time reads a string itself; its error is returned at once, in the field's context.
      if (typeof value !== "string") {
        throw new ImmediateDecodeError(
          `json: cannot unmarshal ${goKind(value)} into Go struct field ${ctx.struct}.${
            ctx.path.join(".")
          } of type string`,
        );
      }
      return;
    case "map":
      if (!isObject(value)) return mismatch(goKind(value));
      for (const key of keys(value, sorted)) {
        decodeValue(value[key], type.value, ctx, saved, sorted);
      }
      return;
    case "slice":
      if (!Array.isArray(value)) return mismatch(goKind(value));
      for (const item of value) decodeValue(item, type.item, ctx, saved, sorted);
      return;
    case "struct":
      if (!isObject(value)) return mismatch(goKind(value));
      decodeStruct(value, type.fields, { struct: type.struct, path: ctx.path }, saved, sorted);
  }
}

function decodeStruct(
  value: Record<string, unknown>,
  fields: Record<string, GoType>,
  ctx: DecodeContext,
  saved: string[],
  sorted: boolean,
): void {
  for (const key of keys(value, sorted)) {
    const type = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (!type) continue;
    decodeValue(value[key], type, { struct: ctx.struct, path: [...ctx.path, key] }, saved, sorted);
  }
}

function keys(obj: Record<string, unknown>, sorted: boolean): string[] {
  const out = Object.keys(obj);
  return sorted ? out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : out;
}
