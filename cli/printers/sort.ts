/**
 * `--sort-by`: orders objects by a JSONPath field as kubectl does (numbers numerically,
 * strings in natural order, objects without the field first).
 *
 * @module
 */

import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { goJson, parseJsonPath, relaxedJsonPath } from "../jsonpath.ts";
import { PrintError } from "./errors.ts";

/**
 * Returns the objects sorted by the field `sortBy` points at (`.metadata.name`,
 * `{.spec.quantity}`). The sort is stable. Throws {@linkcode PrintError} when the path is
 * malformed or no object has the field.
 *
 * @example
 * ```ts
 * import { sortObjects } from "./sort.ts";
 * import assert from "node:assert/strict";
 *
 * const objs = ["item10", "item9"].map((name) => ({
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   metadata: { name },
 * }));
 * assert.deepEqual(sortObjects(objs, ".metadata.name").map((o) => o.metadata.name), [
 *   "item9",
 *   "item10",
 * ]);
 * ```
 */
export function sortObjects<T extends KubeObject>(objects: readonly T[], sortBy: string): T[] {
  let expr: string;
  try {
    expr = relaxedJsonPath(sortBy);
  } catch (e) {
    throw new PrintError((e as Error).message);
  }
  let path;
  try {
    path = parseJsonPath(expr);
  } catch (e) {
    throw new PrintError((e as Error).message);
  }
  const keyed = objects.map((obj, index) => {
    const results = path.results(obj);
    const has = results.length > 0 && results[0].length > 0;
    return { obj, index, has, value: has ? results[0][0] : undefined };
  });
  if (objects.length > 0 && !keyed.some((k) => k.has)) {
    throw new PrintError(`couldn't find any field with path "${expr}" in the list of objects`);
  }
  keyed.sort((a, b) => {
    if (!a.has || !b.has) return a.has === b.has ? a.index - b.index : a.has ? 1 : -1;
    const c = compareValues(a.value, b.value);
    return c !== 0 ? c : a.index - b.index;
  });
  return keyed.map((k) => k.obj);
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") {
    return naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0;
  }
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = goJson(a);
  const y = goJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Natural order: digit runs compare as numbers, digits before other characters. */
export function naturalLess(s1: string, s2: string): boolean {
  const a = new TextEncoder().encode(s1);
  const b = new TextEncoder().encode(s2);
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    const d1 = isDigit(a[i]);
    const d2 = isDigit(b[j]);
    if (d1 !== d2) return d1;
    if (!d1) {
      if (a[i] !== b[j]) return a[i] < b[j];
      i++;
      j++;
      continue;
    }
    while (i < a.length && a[i] === 48) i++;
    while (j < b.length && b[j] === 48) j++;
    const n1 = i, n2 = j;
    while (i < a.length && isDigit(a[i])) i++;
    while (j < b.length && isDigit(b[j])) j++;
    if (i - n1 !== j - n2) return i - n1 < j - n2;
    for (let k = 0; k < i - n1; k++) {
      if (a[n1 + k] !== b[n2 + k]) return a[n1 + k] < b[n2 + k];
    }
    if (n1 !== n2) return n1 < n2;
  }
  return a.length < b.length;
}
