/**
 * Ratcheting on update: kube relaxes some schema rules when the old CRD
 * already broke them (`requireValidPropertyType`, `requireStructuralSchema`,
 * `requirePrunedDefaults`, `requireAtomicSetType`,
 * `requireMapListKeysMapSetValidation` of `ValidateCustomResourceDefinitionUpdate`).
 *
 * @module
 */
import { defaultIsPruned } from "./defaults.ts";
import { OPENAPI_V3_TYPES, validateMapListKeysMapSet } from "./openapi_schema.ts";
import {
  isNode,
  isSet,
  itemsOf,
  optString,
  propertiesOf,
  schemaList,
  type SchemaNode,
  schemaOrBool,
  typeOf,
} from "./props.ts";
import { structuralConversionError, validateStructural } from "./structural.ts";
import type { SchemaValidationOptions } from "./validate.ts";

/**
 * kube's `SchemaHas`: whether `pred` holds for the schema or any schema
 * nested in it (items, allOf/anyOf/oneOf/not, properties,
 * additionalProperties, patternProperties, additionalItems, definitions,
 * dependencies).
 *
 * @example
 * ```ts
 * import { schemaHas } from "./ratcheting.ts";
 * import assert from "node:assert/strict";
 * const s = { type: "object", properties: { a: { type: "string", default: "x" } } };
 * assert.equal(schemaHas(s, (n) => n.default !== undefined), true);
 * ```
 */
export function schemaHas(s: SchemaNode, pred: (s: SchemaNode) => boolean): boolean {
  if (pred(s)) return true;
  const items = itemsOf(s);
  if (items?.schema && schemaHas(items.schema, pred)) return true;
  for (const x of items?.schemas ?? []) if (schemaHas(x, pred)) return true;
  for (const k of ["allOf", "anyOf", "oneOf"]) {
    for (const x of schemaList(s, k)) if (schemaHas(x, pred)) return true;
  }
  if (isNode(s.not) && schemaHas(s.not, pred)) return true;
  for (const [, p] of propertiesOf(s)) if (schemaHas(p, pred)) return true;
  const ap = schemaOrBool(s, "additionalProperties");
  if (ap?.schema && schemaHas(ap.schema, pred)) return true;
  const ai = schemaOrBool(s, "additionalItems");
  if (ai?.schema && schemaHas(ai.schema, pred)) return true;
  for (const k of ["patternProperties", "definitions", "dependencies"]) {
    const m = s[k];
    if (!isNode(m)) continue;
    for (const x of Object.values(m)) if (isNode(x) && schemaHas(x, pred)) return true;
  }
  return false;
}

function isNonStructural(s: SchemaNode): boolean {
  return structuralConversionError(s) !== undefined || validateStructural(s, "").length > 0;
}

function hasUnprunedDefaults(s: SchemaNode): boolean {
  if (!schemaHas(s, (n) => isSet(n, "default"))) return false;
  if (isNonStructural(s)) return false;
  return schemaHas(s, (n) => isSet(n, "default") && !defaultIsPruned(n.default, n));
}

function hasNonAtomicSetType(s: SchemaNode): boolean {
  return schemaHas(s, (n) => {
    const items = itemsOf(n)?.schema;
    if (optString(n, "x-kubernetes-list-type") !== "set" || !items) return false;
    const t = typeOf(items);
    if (t === "array") {
      const lt = optString(items, "x-kubernetes-list-type");
      return lt !== undefined && lt !== "atomic";
    }
    if (t === "object") return optString(items, "x-kubernetes-map-type") !== "atomic";
    return false;
  });
}

/** The schema switches of kube's create: everything required. */
export const CREATE_SCHEMA_OPTIONS: Readonly<SchemaValidationOptions> = Object.freeze({
  allowDefaults: true,
  requireValidPropertyType: true,
  requireStructuralSchema: true,
  requirePrunedDefaults: true,
  requireAtomicSetType: true,
  requireMapListKeysMapSetValidation: true,
});

/**
 * The schema switches kube uses on update, from every `openAPIV3Schema` of
 * the OLD CRD (the shared one and all per-version ones): each rule is
 * relaxed when an old schema already broke it.
 *
 * @example
 * ```ts
 * import { ratchetedSchemaOptions } from "./ratcheting.ts";
 * import assert from "node:assert/strict";
 * const old = [{ type: "object", properties: { a: { type: "foo" } } }];
 * assert.equal(ratchetedSchemaOptions(old).requireValidPropertyType, false);
 * assert.equal(ratchetedSchemaOptions(old).requireStructuralSchema, true);
 * ```
 */
export function ratchetedSchemaOptions(
  oldSchemas: Record<string, unknown>[],
): SchemaValidationOptions {
  const any = (p: (s: SchemaNode) => boolean) => oldSchemas.some((s) => isNode(s) && p(s));
  return {
    allowDefaults: true,
    requireValidPropertyType: !any((s) =>
      schemaHas(s, (n) => typeOf(n) !== "" && !OPENAPI_V3_TYPES.includes(typeOf(n)))
    ),
    requireStructuralSchema: !any(isNonStructural),
    requirePrunedDefaults: !any(hasUnprunedDefaults),
    requireAtomicSetType: !any(hasNonAtomicSetType),
    requireMapListKeysMapSetValidation: !any((s) =>
      schemaHas(s, (n) => validateMapListKeysMapSet(n, "").length > 0)
    ),
  };
}
