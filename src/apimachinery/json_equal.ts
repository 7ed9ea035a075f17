/**
 * Structural JSON equality (kept apart from JSON Patch so that code that only
 * compares values does not load the patch machinery).
 *
 * @module
 */

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Structural JSON equality, as json-patch's `test` uses it: objects compare
 * key sets regardless of order, arrays element-wise.
 *
 * @example
 * ```ts
 * import { jsonEqual } from "./json_equal.ts";
 * import assert from "node:assert/strict";
 * assert.ok(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }));
 * assert.ok(!jsonEqual([1, 2], [2, 1]));
 * ```
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
