// How kube-openapi sees JSON values: their kind (int and float apart, as Go's decoder gives
// them), deep equality, and enum matching. Shared by the validator and its quick check. Internal.

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** The kind of a JSON value as Go's decoder gives it. */
export type Kind = "string" | "int" | "float" | "bool" | "slice" | "map";

/** The kind of `v` (a number is `int` when integral). */
export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "boolean":
      return "bool";
    default:
      return Array.isArray(v) ? "slice" : "map";
  }
}

/** Whether `x` is a JSON object (not an array, not null). */
export function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Go `reflect.DeepEqual` on unstructured values. `floatMode` models enum
 * values, whose numbers are float64 while the object's integral numbers are
 * int64: then nested numbers are equal only when both are non-integral.
 */
export function deepEqual(a: unknown, b: unknown, floatMode = false): boolean {
  if (a === b) {
    return !(floatMode && typeof a === "number" && Number.isInteger(a));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i], floatMode)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a), bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (const k of ak) {
    if (!(k in (b as Obj)) || !deepEqual((a as Obj)[k], (b as Obj)[k], floatMode)) return false;
  }
  return true;
}

/** Whether `data` equals the enum value `e` as kube-openapi compares them (a Go int as a rune). */
export function enumMatches(data: unknown, e: unknown): boolean {
  if (e === null || e === undefined || data === null || data === undefined) return false;
  if (typeof e === "number") return typeof data === "number" && data === e;
  if (typeof e === "string") {
    if (typeof data === "string") return data === e;
    // Go converts an int64 to a string as a rune.
    if (typeof data === "number" && Number.isInteger(data)) {
      const r = data >= 0 && data <= 0x10ffff && !(data >= 0xd800 && data <= 0xdfff)
        ? String.fromCodePoint(data)
        : "\uFFFD";
      return r === e;
    }
    return false;
  }
  if (typeof e === "boolean") return data === e;
  if (Array.isArray(e)) return Array.isArray(data) && deepEqual(data, e, true);
  return isObj(data) && deepEqual(data, e, true);
}
