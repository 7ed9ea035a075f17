/**
 * RFC 6902 JSON Patch with the behaviour and messages of
 * `gopkg.in/evanphx/json-patch.v4`, the library kube-apiserver applies
 * `application/json-patch+json` requests with.
 *
 * @module
 */
import { jsonEqual } from "./json_equal.ts";
import { goJsonType } from "./json_syntax.ts";

export { jsonEqual };

/** One JSON Patch operation. */
export interface JsonPatchOperation {
  /** The operation. */
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  /** JSON Pointer of the target. */
  path: string;
  /** Source pointer for `move` and `copy`. */
  from?: string;
  /** Value for `add`, `replace` and `test`. */
  value?: unknown;
}

/** The most operations kube-apiserver accepts in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * A JSON patch that is malformed or does not apply. `code` is the HTTP status
 * kube-apiserver answers with: 400 for a patch that does not decode (not an
 * array of objects), 413 for more than {@linkcode MAX_JSON_PATCH_OPERATIONS}
 * operations, 422 for a patch that fails to apply. (For 422 kube-apiserver's
 * Status message is the generic `the server rejected our request due to an
 * error in our request`; `message` holds the json-patch detail.)
 *
 * @example
 * ```ts
 * import { applyJsonPatch, PatchError } from "./json_patch.ts";
 * import assert from "node:assert/strict";
 * assert.throws(
 *   () => applyJsonPatch({}, [{ op: "remove", path: "/x" }]),
 *   (e) => e instanceof PatchError && e.code === 422,
 * );
 * ```
 */
export class PatchError extends Error {
  /** HTTP status kube-apiserver uses for this failure. */
  readonly code: 400 | 413 | 422;
  /** Creates the error. */
  constructor(message: string, code: 400 | 413 | 422 = 422) {
    super(message);
    this.name = "PatchError";
    this.code = code;
  }
}

const MISSING = "missing value";
const INVALID_INDEX = "invalid index referenced";

type Json = unknown;
type Obj = Record<string, Json>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep-copies a JSON value. */
function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Go's strconv.Atoi for 64-bit int, with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return n;
}

function decodeKey(k: string): string {
  return k.replace(/~1|~0/g, (m) => (m === "~1" ? "/" : "~"));
}

type Container = Obj | Json[];

function cGet(c: Container, key: string): Json {
  if (!Array.isArray(c)) return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.length) {
      throw new Error(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    }
    idx += c.length;
  }
  if (idx >= c.length) throw new Error(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  return c[idx];
}

function cSet(c: Container, key: string, val: Json): void {
  if (!Array.isArray(c)) {
    c[key] = val;
    return;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.length) {
      throw new Error(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    }
    idx += c.length;
  }
  c[idx] = val;
}

function cAdd(c: Container, key: string, val: Json): void {
  if (!Array.isArray(c)) {
    c[key] = val;
    return;
  }
  if (key === "-") {
    c.push(val);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw new Error(`value was not a proper array index: '${key}': ${(e as Error).message}`);
  }
  const size = c.length + 1;
  if (idx >= size) throw new Error(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) {
    if (idx < -size) throw new Error(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += size;
  }
  c.splice(idx, 0, val);
}

function cRemove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!Object.prototype.hasOwnProperty.call(c, key)) {
      throw new Error(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    }
    delete c[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= c.length) throw new Error(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) {
    if (idx < -c.length) {
      throw new Error(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    }
    idx += c.length;
  }
  c.splice(idx, 1);
}

/** Finds the container of the last pointer segment, as evanphx `findObject`. */
function findObject(doc: Container, path: string): [Container, string] | undefined {
  const split = path.split("/");
  if (split.length < 2) return undefined;
  let cur: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: Json;
    try {
      next = cGet(cur, decodeKey(part));
    } catch {
      return undefined;
    }
    if (next === null || next === undefined || typeof next !== "object") return undefined;
    cur = next as Container;
  }
  return [cur, decodeKey(split[split.length - 1])];
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function stringField(op: Obj, name: "path" | "from"): { value?: string; err?: string } {
  const v = op[name];
  if (v === undefined || v === null) {
    return {
      err: name === "path"
        ? `operation missing path field: ${MISSING}`
        : `operation, missing from field: ${MISSING}`,
    };
  }
  if (typeof v !== "string") {
    return { err: `json: cannot unmarshal ${goJsonType(v)} into Go value of type string` };
  }
  return { value: v };
}

function opValue(op: Obj): Json {
  return op.value === undefined ? null : op.value;
}

function applyOp(doc: { root: Container }, op: Obj): void {
  const kind = typeof op.op === "string" ? op.op : "unknown";
  const fail = (m: string): never => {
    throw new PatchError(m, 422);
  };
  switch (kind) {
    case "add": {
      const p = stringField(op, "path");
      if (p.err) fail(`add operation failed to decode path: ${MISSING}`);
      const path = p.value!;
      const found = findObject(doc.root, path);
      if (!found) fail(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      try {
        cAdd(found![0], found![1], clone(opValue(op)));
      } catch (e) {
        fail(`error in add for path: '${path}': ${msg(e)}`);
      }
      return;
    }
    case "remove": {
      const p = stringField(op, "path");
      if (p.err) fail(`remove operation failed to decode path: ${MISSING}`);
      const path = p.value!;
      const found = findObject(doc.root, path);
      if (!found) {
        fail(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      }
      try {
        cRemove(found![0], found![1]);
      } catch (e) {
        fail(`error in remove for path: '${path}': ${msg(e)}`);
      }
      return;
    }
    case "replace": {
      const p = stringField(op, "path");
      if (p.err) fail(`replace operation failed to decode path: ${p.err}`);
      const path = p.value!;
      if (path === "") {
        const v = opValue(op);
        if (typeof v !== "object" || v === null) {
          fail("replace operation value must be object or array");
        }
        doc.root = clone(v) as Container;
        return;
      }
      const found = findObject(doc.root, path);
      if (!found) {
        fail(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
      }
      const [c, key] = found!;
      try {
        cGet(c, key);
      } catch {
        fail(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
      }
      try {
        cSet(c, key, clone(opValue(op)));
      } catch (e) {
        fail(`error in remove for path: '${path}': ${msg(e)}`);
      }
      return;
    }
    case "move": {
      const f = stringField(op, "from");
      if (f.err) fail(`move operation failed to decode from: ${f.err}`);
      const from = f.value!;
      const src = findObject(doc.root, from);
      if (!src) {
        fail(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      }
      const [sc, skey] = src!;
      let val: Json;
      try {
        val = cGet(sc, skey);
        cRemove(sc, skey);
      } catch (e) {
        fail(`error in move for path: '${skey}': ${msg(e)}`);
      }
      const p = stringField(op, "path");
      if (p.err) fail(`move operation failed to decode path: ${p.err}`);
      const path = p.value!;
      const dst = findObject(doc.root, path);
      if (!dst) {
        fail(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      }
      try {
        cAdd(dst![0], dst![1], val);
      } catch (e) {
        fail(`error in move for path: '${path}': ${msg(e)}`);
      }
      return;
    }
    case "test": {
      const p = stringField(op, "path");
      if (p.err) fail(`test operation failed to decode path: ${p.err}`);
      const path = p.value!;
      if (path === "") {
        if (!jsonEqual(doc.root, op.value)) fail(`testing value ${path} failed: test failed`);
        return;
      }
      const found = findObject(doc.root, path);
      if (!found) fail(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
      let val: Json;
      try {
        val = cGet(found![0], found![1]);
      } catch (e) {
        fail(`error in test for path: '${path}': ${msg(e)}`);
      }
      if (val === undefined || val === null) {
        if (op.value === undefined || op.value === null) return;
        fail(`testing value ${path} failed: test failed`);
      }
      if (op.value === undefined || !jsonEqual(val, op.value)) {
        fail(`testing value ${path} failed: test failed`);
      }
      return;
    }
    case "copy": {
      const f = stringField(op, "from");
      if (f.err) fail(`copy operation failed to decode from: ${f.err}`);
      const from = f.value!;
      const src = findObject(doc.root, from);
      if (!src) {
        fail(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      }
      let val: Json;
      try {
        val = cGet(src![0], src![1]);
      } catch (e) {
        fail(`error in copy for from: '${from}': ${msg(e)}`);
      }
      const p = stringField(op, "path");
      if (p.err) fail(`copy operation failed to decode path: ${MISSING}`);
      const path = p.value!;
      const dst = findObject(doc.root, path);
      if (!dst) {
        fail(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      }
      try {
        cAdd(dst![0], dst![1], clone(val === undefined ? null : val));
      } catch (e) {
        fail(`error while adding value during copy: ${msg(e)}`);
      }
      return;
    }
    default:
      fail(`Unexpected kind: ${kind}`);
  }
}

/**
 * Checks that a value decodes as a JSON patch document (an array of objects,
 * at most {@linkcode MAX_JSON_PATCH_OPERATIONS} long), as
 * `jsonpatch.DecodePatch` plus kube-apiserver's size check. Operation names
 * and fields are checked when applying, as in Kubernetes.
 *
 * @throws {PatchError} with code 400 (or 413 for too many operations).
 *
 * @example
 * ```ts
 * import { decodeJsonPatch } from "./json_patch.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeJsonPatch({ op: "add" }), {
 *   message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
 * });
 * ```
 */
export function decodeJsonPatch(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) {
    throw new PatchError(
      `json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`,
      400,
    );
  }
  for (const op of patch) {
    if (op !== null && !isObj(op)) {
      throw new PatchError(
        `json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`,
        400,
      );
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
      413,
    );
  }
  return patch as JsonPatchOperation[];
}

/**
 * Applies an RFC 6902 JSON patch and returns the new document; the input is
 * never modified (all operations run on a deep copy, so a failing patch
 * changes nothing).
 *
 * Behaviour follows evanphx/json-patch v4 as used by kube-apiserver: `-`
 * appends, negative array indices count from the end, `~1`/`~0` are
 * unescaped, `add` without `value` adds `null`, and `replace` of a missing
 * object member adds it.
 *
 * @throws {PatchError} e.g. `add operation does not apply: doc is missing path: "/spec/x/y": missing value`
 *   or `testing value /spec/replicas failed: test failed`.
 *
 * @example
 * ```ts
 * import { applyJsonPatch } from "./json_patch.ts";
 * import assert from "node:assert/strict";
 * const doc = { metadata: { labels: { app: "web" } }, spec: { items: ["a"] } };
 * const out = applyJsonPatch(doc, [
 *   { op: "test", path: "/metadata/labels/app", value: "web" },
 *   { op: "add", path: "/metadata/labels/app.kubernetes.io~1name", value: "shop" },
 *   { op: "add", path: "/spec/items/-", value: "b" },
 *   { op: "remove", path: "/metadata/labels/app" },
 * ]);
 * assert.deepEqual(out, { metadata: { labels: { "app.kubernetes.io/name": "shop" } }, spec: { items: ["a", "b"] } });
 * assert.deepEqual(doc.spec.items, ["a"]);
 * ```
 */
export function applyJsonPatch<T = unknown>(doc: unknown, patch: unknown): T {
  const ops = decodeJsonPatch(patch);
  if (typeof doc !== "object" || doc === null) {
    throw new PatchError(
      `json: cannot unmarshal ${goJsonType(doc)} into Go value of type jsonpatch.partialDoc`,
      400,
    );
  }
  const state = { root: clone(doc) as Container };
  for (const op of ops) {
    if (op === null) throw new PatchError("Unexpected kind: unknown", 422);
    applyOp(state, op as unknown as Obj);
  }
  return state.root as T;
}
