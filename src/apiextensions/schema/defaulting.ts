/**
 * Structural defaulting of custom objects, as apiextensions-apiserver's
 * `structuraldefaulting.Default` (schema/defaulting/algorithm.go).
 *
 * @module
 */

import type { CompiledSchema } from "./compile.ts";

type Obj = Record<string, unknown>;

/** A default as a new value (scalars need no copy). */
function copyDefault(v: unknown): unknown {
  return typeof v === "object" && v !== null ? structuredClone(v) : v;
}

function nonNullableNull(x: unknown, s: CompiledSchema | undefined): boolean {
  return x === null && s !== undefined && !s.nullable;
}

/**
 * Fills defaults (deep-copied) into the object, recursively, as kube's
 * `structuraldefaulting.Default`: an absent property with a default, or a
 * property that is null while its schema is not nullable, gets the default;
 * the same for null items and null additionalProperties values. Defaults are
 * applied top-down, so a defaulted object is defaulted further inside. The
 * root is the whole custom object. Mutates.
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import { applyDefaults } from "./defaulting.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { spec: { type: "object", default: {},
 *   properties: { replicas: { type: "integer", default: 1 } } } } });
 * const o: Record<string, unknown> = {};
 * applyDefaults(o, s);
 * assert.deepEqual(o, { spec: { replicas: 1 } });
 * ```
 */
export function applyDefaults(obj: unknown, schema: CompiledSchema | undefined): void {
  if (!schema || typeof obj !== "object" || obj === null) return;
  // Nothing below has a default (compileSchema marks it; hand-made nodes are walked).
  if (schema.hasDefaults === false) return;
  if (Array.isArray(obj)) {
    const items = schema.items;
    for (let i = 0; i < obj.length; i++) {
      if (nonNullableNull(obj[i], items) && items!.default !== undefined) {
        obj[i] = copyDefault(items!.default);
      }
      applyDefaults(obj[i], items);
    }
    return;
  }
  const x = obj as Obj;
  if (schema.properties) {
    for (const [k, prop] of schema.properties) {
      if (prop.default === undefined) continue;
      if (!(k in x) || nonNullableNull(x[k], prop)) x[k] = copyDefault(prop.default);
    }
  }
  const ap = typeof schema.additionalProperties === "object"
    ? schema.additionalProperties
    : undefined;
  for (const k of Object.keys(x)) {
    const prop = schema.properties?.get(k);
    if (prop) applyDefaults(x[k], prop);
    else if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
      if (ap && nonNullableNull(x[k], ap) && ap.default !== undefined) {
        x[k] = copyDefault(ap.default);
      }
      applyDefaults(x[k], ap);
    }
  }
}
