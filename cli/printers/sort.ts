/**
 * `--sort-by`: orders objects by a JSONPath field as kubectl 1.32's sorter does: integers and
 * floats numerically, two strings that are both quantities (`500m`, `1Gi`) by amount, other
 * strings byte by byte, objects without the field (or with null) first. Other values (maps,
 * lists, booleans, mixed types) cannot be sorted: kubectl exits with klog's `F…` line.
 *
 * @module
 */

import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { compareGoStrings, parseJsonPath, relaxedJsonPath } from "../jsonpath.ts";
import { Quantity } from "../../src/cel/quantity.ts";
import { KlogExitError } from "../errors.ts";
import { PrintError } from "./errors.ts";

/**
 * Returns the objects sorted by the field `sortBy` points at (`.metadata.name`,
 * `{.spec.quantity}`). The sort is stable. Throws {@linkcode PrintError} when the path is
 * malformed or no object has the field, and a {@linkcode KlogExitError} (kubectl's
 * `F… sorter.go:…]` line) when two values cannot be compared; `table` words that line as
 * kubectl's table sorter does.
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
 * // Byte by byte, as kubectl 1.32.
 * assert.deepEqual(sortObjects(objs, ".metadata.name").map((o) => o.metadata.name), [
 *   "item10",
 *   "item9",
 * ]);
 * ```
 */
export function sortObjects<T extends KubeObject>(
  objects: readonly T[],
  sortBy: string,
  table = false,
): T[] {
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
  const unsortable = (why: string) =>
    new KlogExitError(
      table ? "sorter.go:375" : "sorter.go:329",
      `Field ${expr} in ${
        table ? "[][][]reflect.Value" : "*unstructured.Unstructured"
      } is an unsortable type: interface, err: ${why}`,
    );
  // kubectl's Less: an object without the field sorts first.
  const less = (a: typeof keyed[0], b: typeof keyed[0]) => {
    if (!a.has) return true;
    if (!b.has) return false;
    return isLess(a.value, b.value, unsortable);
  };
  // Go's sort.Sort on these small lists is an insertion sort: stable, and it calls Less as
  // this does (so an unsortable pair fails as kubectl's fails).
  const out = [...keyed];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j], out[j - 1]); j--) {
      [out[j], out[j - 1]] = [out[j - 1], out[j]];
    }
  }
  return out.map((k) => k.obj);
}

/** Go's name of a decoded JSON value's type, as `%T` prints it. */
function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return "[]interface {}";
  if (typeof v === "object") return "map[string]interface {}";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  return Number.isInteger(v) ? "int64" : "float64";
}

/** kubectl's isLess on two values of an unstructured object (Go `interface{}`s). */
function isLess(a: unknown, b: unknown, unsortable: (why: string) => Error): boolean {
  if (a === null || a === undefined) return !(b === null || b === undefined);
  if (b === null || b === undefined) return false;
  const ta = goTypeName(a);
  if (ta === "int64" || ta === "float64") {
    if (goTypeName(b) === ta) return (a as number) < (b as number);
  } else if (ta === "string") {
    if (typeof b === "string") {
      const qa = quantity(a as string);
      const qb = qa && quantity(b);
      if (qa && qb) return qa.compareTo(qb) < 0;
      return compareGoStrings(a as string, b) < 0;
    }
  } else {
    throw unsortable(`unsortable type: ${ta}`);
  }
  throw unsortable("unsortable interface: interface");
}

function quantity(s: string): Quantity | undefined {
  try {
    return Quantity.parse(s);
  } catch {
    return undefined;
  }
}
