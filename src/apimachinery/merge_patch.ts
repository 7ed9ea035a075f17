/**
 * RFC 7386 JSON merge patch (`application/merge-patch+json`), with the
 * behaviour of evanphx/json-patch v4 as kube-apiserver uses it, and the
 * computation of a merge patch from two documents.
 *
 * @module
 */

import { jsonEqual, PatchError } from "./json_patch.ts";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A copy of `v` with null members of objects removed at any depth (array items stay). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === null ? null : pruneNulls(x)));
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = pruneNulls(x);
    return out;
  }
  return v;
}

function mergeInto(doc: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = Object.prototype.hasOwnProperty.call(doc, k) ? doc[k] : undefined;
    if (cur === undefined || cur === null || !isObj(cur)) {
      doc[k] = pruneNulls(v);
    } else if (isObj(v)) {
      doc[k] = mergeInto(cur, v);
    } else {
      doc[k] = structuredClone(v);
    }
  }
  return doc;
}

/**
 * Applies a JSON merge patch: objects merge recursively, `null` deletes a
 * member, anything else (arrays included) replaces. An array patch replaces
 * the whole document. Inputs are not modified.
 *
 * @throws {PatchError} `Invalid JSON Patch` (code 400) when the patch is `null`
 *   or a scalar, as kube-apiserver answers.
 *
 * @example
 * ```ts
 * import { applyMergePatch } from "./merge_patch.ts";
 * import assert from "node:assert/strict";
 * const out = applyMergePatch(
 *   { metadata: { labels: { a: "1", b: "2" } }, spec: { ports: [80] } },
 *   { metadata: { labels: { a: null, c: "3" } }, spec: { ports: [443] } },
 * );
 * assert.deepEqual(out, { metadata: { labels: { b: "2", c: "3" } }, spec: { ports: [443] } });
 * ```
 */
export function applyMergePatch<T = unknown>(target: unknown, patch: unknown): T {
  if (Array.isArray(patch)) return pruneNulls(patch) as T;
  if (!isObj(patch)) throw new PatchError("Invalid JSON Patch", 400);
  if (!isObj(target)) return pruneNulls(patch) as T;
  return mergeInto(structuredClone(target), patch) as T;
}

function diff(a: Obj, b: Obj): Obj {
  const out: Obj = {};
  for (const [k, bv] of Object.entries(b)) {
    if (!Object.prototype.hasOwnProperty.call(a, k)) {
      out[k] = structuredClone(bv);
      continue;
    }
    const av = a[k];
    if (isObj(av) && isObj(bv)) {
      const d = diff(av, bv);
      if (Object.keys(d).length > 0) out[k] = d;
    } else if (!jsonEqual(av, bv)) {
      out[k] = structuredClone(bv);
    }
  }
  for (const k of Object.keys(a)) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) out[k] = null;
  }
  return out;
}

/**
 * Computes a JSON merge patch that turns `original` into `modified`
 * (`jsonpatch.CreateMergePatch`): changed and added members are set, removed
 * members become `null`, arrays are replaced whole. Both documents must be
 * objects.
 *
 * @throws {PatchError} `Invalid JSON Document` (code 400) if either is not an object.
 *
 * @example
 * ```ts
 * import { createMergePatch } from "./merge_patch.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   createMergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2, d: 4 }, e: [1] }),
 *   { a: null, b: { d: 4 }, e: [1] },
 * );
 * ```
 */
export function createMergePatch(original: unknown, modified: unknown): Record<string, unknown> {
  if (!isObj(original) || !isObj(modified)) throw new PatchError("Invalid JSON Document", 400);
  return diff(original, modified);
}
