/**
 * Checks on values that must be JSON data before anything recursive touches
 * them: request bodies and patches handed to the registry in-process can be
 * cyclic, hold functions or `NaN`, or nest deeper than any decoder accepts.
 * kube-apiserver's decoder stops at a nesting depth of 10,000 ("exceeded max
 * depth"); the checks here are iterative, so hostile input cannot overflow the
 * stack while being checked.
 *
 * @example
 * ```ts
 * import { jsonValueProblem } from "./json_value.ts";
 *
 * const cyclic: Record<string, unknown> = { spec: {} };
 * (cyclic.spec as Record<string, unknown>).self = cyclic;
 * console.assert(jsonValueProblem({ a: [1, "x", null] }) === undefined);
 * console.assert(jsonValueProblem(cyclic) === "spec.self: cyclic value");
 * ```
 *
 * @module
 */

/**
 * Deepest nesting of objects and arrays accepted in a body or patch. kube's
 * decoder allows 10,000; the registry's validation, defaulting and patching
 * recurse over the data, and 1,000 levels keep them well inside the stack.
 */
export const MAX_JSON_DEPTH = 1000;

/** Limits of {@linkcode jsonValueProblem}. */
export interface JsonValueLimits {
  /** Deepest nesting of objects and arrays. Default {@linkcode MAX_JSON_DEPTH}. */
  maxDepth?: number;
}

function child(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/**
 * Why `value` is not JSON data, or `undefined` when it is: a cycle, a
 * function, symbol or bigint, a number JSON cannot write (`NaN`,
 * `Infinity`), an object that is not a plain object or array (a `Date`, a
 * `Map`, a class instance), or nesting deeper than `maxDepth`. The answer
 * starts with the path of the offending value (`spec.items[2]: ...`).
 * `undefined` members of objects are allowed (JSON drops them).
 */
export function jsonValueProblem(value: unknown, limits: JsonValueLimits = {}): string | undefined {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  // Nearly every value is fine: a pass that builds no paths says so; the one that names the
  // problem runs only when there is one (a cycle shows here as nesting past the limit).
  return isPlainJson(value, maxDepth) ? undefined : describeProblem(value, maxDepth);
}

/** True when `value` is JSON data nested at most `maxDepth` deep. */
function isPlainJson(value: unknown, maxDepth: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    const t = typeof v;
    if (t === "string" || t === "boolean" || v === null) continue;
    if (t === "number") {
      if (!Number.isFinite(v)) return false;
      continue;
    }
    if (t === "undefined") continue; // a member (array elements are checked below)
    if (t !== "object" || depth > maxDepth) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        if (e === undefined) return false;
        if (typeof e !== "string") {
          values.push(e);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    for (let i = 0; i < keys.length; i++) {
      const e = o[keys[i]];
      if (typeof e !== "string") {
        values.push(e);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/** What is wrong with a value `isPlainJson` refused, with its path. */
function describeProblem(value: unknown, maxDepth: number): string | undefined {
  const at = (path: string, why: string) => path === "" ? why : `${path}: ${why}`;
  // Depth-first, with exit markers so that only ancestors count as a cycle
  // (the same object twice side by side is fine: JSON writes it twice).
  const stack: unknown[] = [value, "", 1];
  const open = new Set<object>();
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const path = stack.pop() as string;
    const v = stack.pop();
    if (depth < 0) {
      open.delete(v as object);
      continue;
    }
    switch (typeof v) {
      case "string":
      case "boolean":
        continue;
      case "number":
        if (!Number.isFinite(v)) return at(path, `json: unsupported value: ${v}`);
        continue;
      case "undefined":
        if (path.endsWith("]")) return at(path, "undefined is not a JSON value");
        continue;
      case "object":
        break;
      default:
        return at(path, `a ${typeof v} is not a JSON value`);
    }
    if (v === null) continue;
    const proto = Object.getPrototypeOf(v);
    const isArray = Array.isArray(v);
    if (!isArray && proto !== Object.prototype && proto !== null) {
      const name = (v as { constructor?: { name?: string } }).constructor?.name ?? "object";
      return at(path, `a ${name} is not a JSON value (use plain objects, arrays and scalars)`);
    }
    if (open.has(v)) return at(path, "cyclic value");
    if (depth > maxDepth) return `json: exceeded max depth of ${maxDepth}`;
    open.add(v);
    stack.push(v, path, -1);
    if (isArray) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i], child(path, i), depth + 1);
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push((v as Record<string, unknown>)[keys[i]], child(path, keys[i]), depth + 1);
      }
    }
  }
  return undefined;
}

/**
 * The duplicated object members of JSON `text`, as kube's strict decoder
 * names them (`metadata.name`, `spec.items[0].x`), at most `max` of them,
 * each once. `text` must be valid JSON (check it with `JSON.parse` first).
 *
 * @example
 * ```ts
 * import { duplicateFields } from "./json_value.ts";
 *
 * const text = '{"metadata":{"name":"a","name":"b"},"data":{"k":"1"},"data":{}}';
 * console.assert(duplicateFields(text).join() === "metadata.name,data");
 * ```
 */
export function duplicateFields(text: string, max = 100): string[] {
  const found: string[] = [];
  const seenFound = new Set<string>();
  // One frame per open container: its path, its keys so far (objects) or next index (arrays).
  const paths: string[] = [];
  const keys: (Set<string> | number)[] = [];
  let pendingKey: string | undefined;
  let i = 0;
  const n = text.length;
  const readString = (): string => {
    const start = i; // at the opening quote
    i++;
    let simple = true;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        simple = false;
        i += 2;
      } else i++;
    }
    i++;
    const raw = text.slice(start, i);
    return simple ? raw.slice(1, -1) : JSON.parse(raw);
  };
  const valuePath = (): string => {
    const depth = keys.length;
    if (depth === 0) return "";
    const parent = paths[depth - 1];
    const k = keys[depth - 1];
    if (typeof k === "number") {
      keys[depth - 1] = k + 1;
      return child(parent, k);
    }
    return child(parent, pendingKey!);
  };
  let expectKey = false;
  while (i < n && found.length < max) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) { // { [
      const path = valuePath();
      paths.push(path);
      keys.push(c === 0x7b ? new Set() : 0);
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      paths.pop();
      keys.pop();
      expectKey = false;
      i++;
    } else if (c === 0x2c) { // ,
      expectKey = typeof keys[keys.length - 1] !== "number";
      i++;
    } else if (c === 0x22) { // "
      if (expectKey) {
        const key = readString();
        const seen = keys[keys.length - 1] as Set<string>;
        if (seen.has(key)) {
          const p = child(paths[paths.length - 1], key);
          if (!seenFound.has(p)) {
            seenFound.add(p);
            found.push(p);
          }
        } else seen.add(key);
        pendingKey = key;
        expectKey = false;
      } else {
        if (keys.length > 0 && typeof keys[keys.length - 1] === "number") valuePath();
        readString();
      }
    } else if (c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
    } else {
      // a scalar: number, true, false, null
      if (keys.length > 0 && typeof keys[keys.length - 1] === "number") valuePath();
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x2c || d === 0x7d || d === 0x5d || d <= 0x20) break;
        i++;
      }
    }
  }
  return found;
}

/**
 * Go's `strconv.Quote` of a string as kube quotes values and field paths in
 * its messages (ASCII escapes, as JSON writes them).
 *
 * @example
 * ```ts
 * import { goQuote } from "./json_value.ts";
 * import assert from "node:assert/strict";
 * assert.equal(goQuote('a"b'), '"a\\"b"');
 * ```
 */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * The value at a field path, `spec.replicas` (or `.spec.replicas`, as CRDs
 * write it), through objects only, as kube's `unstructured.NestedFieldNoCopy`
 * reads it; undefined when absent.
 *
 * @example
 * ```ts
 * import { valueAtPath } from "./json_value.ts";
 * import assert from "node:assert/strict";
 * assert.equal(valueAtPath({ spec: { replicas: 3 } }, ".spec.replicas"), 3);
 * assert.equal(valueAtPath({ spec: [] }, "spec.0"), undefined);
 * ```
 */
export function valueAtPath(obj: unknown, path: string): unknown {
  let v = obj;
  for (const part of path.replace(/^\./, "").split(".")) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** True for a JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
