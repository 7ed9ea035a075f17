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
  const props = schema.properties;
  if (props) {
    // Only properties with a default at or below them have work to do.
    for (const [k, prop] of props) {
      if (prop.hasDefaults === false) continue;
      if (prop.default !== undefined && (!(k in x) || nonNullableNull(x[k], prop))) {
        x[k] = copyDefault(prop.default);
      }
      if (k in x) applyDefaults(x[k], prop);
    }
  }
  const ap = schema.additionalProperties;
  if (typeof ap === "object" && ap.hasDefaults !== false) {
    for (const k of Object.keys(x)) {
      if (props?.has(k)) continue;
      if (ap.default !== undefined && nonNullableNull(x[k], ap)) x[k] = copyDefault(ap.default);
      applyDefaults(x[k], ap);
    }
  }
}
