/**
 * Reading a v1 `JSONSchemaProps` (plain JSON) the way kube's internal
 * `apiextensions.JSONSchemaProps` sees it after conversion: `null` means
 * absent, plain booleans are set only when true, plain strings only when
 * non-empty, and pointers, maps and slices whenever present.
 *
 * @module
 */

/** A JSON schema node as sent (v1 JSON field names). */
export type SchemaNode = Record<string, unknown>;

/** True for a plain JSON object. */
export function isNode(v: unknown): v is SchemaNode {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Fields that are plain `bool` in the internal type (zero when false). */
const PLAIN_BOOLS = new Set([
  "nullable",
  "exclusiveMaximum",
  "exclusiveMinimum",
  "uniqueItems",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
]);

/** Fields that are plain `string` in the internal type (zero when empty). */
const PLAIN_STRINGS = new Set([
  "id",
  "$schema",
  "description",
  "type",
  "format",
  "title",
  "pattern",
]);

/**
 * Whether a field of the node is non-zero in kube's internal type.
 *
 * @example
 * ```ts
 * import { isSet } from "./props.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isSet({ nullable: false }, "nullable"), false);
 * assert.equal(isSet({ "x-kubernetes-preserve-unknown-fields": false }, "x-kubernetes-preserve-unknown-fields"), true);
 * ```
 */
export function isSet(s: SchemaNode, key: string): boolean {
  const v = s[key];
  if (v === undefined || v === null) return false;
  if (PLAIN_BOOLS.has(key)) return v === true;
  if (PLAIN_STRINGS.has(key)) return v !== "";
  return true;
}

/** `schema.Type` (empty when unset). */
export function typeOf(s: SchemaNode): string {
  return typeof s.type === "string" ? s.type : "";
}

/** The `properties` map as entries (empty when absent). */
export function propertiesOf(s: SchemaNode): [string, SchemaNode][] {
  const p = s.properties;
  if (!isNode(p)) return [];
  return Object.entries(p).map(([k, v]) => [k, isNode(v) ? v : {}]);
}

/** A list of subschemas (`allOf`, `anyOf`, `oneOf`). */
export function schemaList(s: SchemaNode, key: string): SchemaNode[] {
  const l = s[key];
  return Array.isArray(l) ? l.map((x) => (isNode(x) ? x : {})) : [];
}

/** A string list (`required`, `x-kubernetes-list-map-keys`). */
export function stringList(s: SchemaNode, key: string): string[] {
  const l = s[key];
  return Array.isArray(l) ? l.map((x) => String(x)) : [];
}

/** `JSONSchemaPropsOrBool` as kube decodes it (`additionalProperties`, `additionalItems`). */
export interface SchemaOrBool {
  /** Whether additional entries are allowed. */
  allows: boolean;
  /** The schema, when one was given. */
  schema?: SchemaNode;
}

/** Decodes a `JSONSchemaPropsOrBool` field; undefined when unset. */
export function schemaOrBool(s: SchemaNode, key: string): SchemaOrBool | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return { allows: v };
  return { allows: true, schema: isNode(v) ? v : {} };
}

/** `JSONSchemaPropsOrArray` as kube decodes `items`; undefined when unset. */
export interface SchemaOrArray {
  /** The single schema. */
  schema?: SchemaNode;
  /** The schemas of the array form. */
  schemas: SchemaNode[];
}

/** Decodes `items`. */
export function itemsOf(s: SchemaNode): SchemaOrArray | undefined {
  const v = s.items;
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return { schemas: v.map((x) => (isNode(x) ? x : {})) };
  return { schema: isNode(v) ? v : {}, schemas: [] };
}

/** Number of entries of a map-valued field (`patternProperties`, `definitions`). */
export function mapLen(s: SchemaNode, key: string): number {
  const v = s[key];
  return isNode(v) ? Object.keys(v).length : 0;
}

/** True when the boolean extension is true. */
export function flag(s: SchemaNode, key: string): boolean {
  return s[key] === true;
}

/** An optional string field (`x-kubernetes-list-type`, `x-kubernetes-map-type`). */
export function optString(s: SchemaNode, key: string): string | undefined {
  const v = s[key];
  return v === undefined || v === null ? undefined : String(v);
}

/** Deep equality of JSON values, as `reflect.DeepEqual` on decoded JSON. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isNode(a) && isNode(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Path helpers matching `field.Path`: `.child`, `[key]`, `[index]`. */
export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** `field.Path.Key`. */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

/** `field.Path.Index`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
