/**
 * Uniqueness checks of `x-kubernetes-list-type: set` and `map` lists, as
 * apiextensions-apiserver's `listtype.ValidateListSetsAndMaps`
 * (schema/listtype/validation.go).
 *
 * @module
 */

import type { FieldError } from "../../apimachinery/errors.ts";
import { field } from "../../apimachinery/errors.ts";
import type { CompiledSchema } from "./compile.ts";

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

// Go json.Marshal: map keys sorted.
function canonicalJSON(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJSON).join(",")}]`;
  if (isObj(x)) {
    return `{${
      Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${canonicalJSON(x[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(x) ?? "null";
}

function sortedObject(o: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

const UNSPECIFIED = Symbol("unspecified");

// Indices of second occurrences, as validateListSet.
function nonUnique(items: unknown[]): number[] {
  if (items.length <= 1) return [];
  const seen = new Map<unknown, number>();
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    const k = typeof x === "object" && x !== null ? "\0" + canonicalJSON(x) : x;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    if (n === 1) out.push(i);
  }
  return out;
}

function validateValue(path: string, s: CompiledSchema, x: unknown, out: FieldError[]): void {
  if (s.hasListTypes === false) return;
  if (Array.isArray(x)) validateArray(path, s, x, out);
  else if (isObj(x)) validateMap(path, s, x, out);
}

function validateMap(path: string, s: CompiledSchema, obj: Obj, out: FieldError[]): void {
  if (typeof s.additionalProperties === "object") {
    for (const k of Object.keys(obj)) {
      validateValue(`${path}[${k}]`, s.additionalProperties, obj[k], out);
    }
  }
  if (s.properties) {
    for (const k of Object.keys(obj)) {
      const sub = s.properties.get(k);
      if (sub) validateValue(path ? `${path}.${k}` : k, sub, obj[k], out);
    }
  }
}

function validateArray(path: string, s: CompiledSchema, obj: unknown[], out: FieldError[]): void {
  if (s.listType === "set") {
    for (const i of nonUnique(obj)) out.push(field.duplicate(`${path}[${i}]`, obj[i]));
  } else if (s.listType === "map") {
    validateListMap(path, s, obj, out);
  }
  if (s.items) {
    for (let i = 0; i < obj.length; i++) validateValue(`${path}[${i}]`, s.items, obj[i], out);
  }
}

function validateListMap(path: string, s: CompiledSchema, obj: unknown[], out: FieldError[]) {
  for (let i = 0; i < obj.length; i++) {
    const x = obj[i];
    if (x !== null && !isObj(x)) {
      out.push(
        field.invalid(`${path}[${i}]`, x, "must be an object for an array of list-type map"),
      );
      return;
    }
  }
  if (obj.length <= 1) return;
  const keys = s.listMapKeys ?? [];
  if (keys.length === 1) {
    const kf = keys[0];
    const vals = obj.map((x) => (isObj(x) && kf in x ? x[kf] : UNSPECIFIED));
    for (const i of nonUnique(vals)) {
      out.push(field.duplicate(`${path}[${i}]`, vals[i] === UNSPECIFIED ? {} : { [kf]: vals[i] }));
    }
    return;
  }
  const composite = obj.map((x) => {
    const key: Obj = {};
    if (isObj(x)) { for (const kf of keys) if (kf in x) key[kf] = x[kf]; }
    return sortedObject(key);
  });
  for (const i of nonUnique(composite)) out.push(field.duplicate(`${path}[${i}]`, composite[i]));
}

/**
 * `ValidateListSetsAndMaps`: duplicates in `set` lists (each second occurrence
 * reported once) and in `map` lists by their `x-kubernetes-list-map-keys`
 * (the bad value is the key map, printed as Go's `json.Marshal` with sorted
 * keys, e.g. `Duplicate value: {"name":"a"}`), and non-object items of `map`
 * lists. Paths use `[key]` below additionalProperties, as kube's field.Path.
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import { validateListSetsAndMaps } from "./list_type.ts";
 * import { formatFieldError } from "../../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { l: { type: "array",
 *   "x-kubernetes-list-type": "set", items: { type: "string" } } } });
 * const errs = validateListSetsAndMaps({ l: ["a", "a"] }, s);
 * assert.equal(formatFieldError(errs[0]), 'l[1]: Duplicate value: "a"');
 * ```
 */
export function validateListSetsAndMaps(obj: unknown, schema: CompiledSchema): FieldError[] {
  const out: FieldError[] = [];
  if (isObj(obj) && schema.hasListTypes !== false) validateMap("", schema, obj, out);
  return out;
}
