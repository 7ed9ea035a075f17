/**
 * Structural pruning of custom objects, as apiextensions-apiserver's
 * `structuralpruning.PruneWithOptions` (schema/pruning/algorithm.go), followed
 * by `PruneNonNullableNullsWithoutDefaults` (schema/defaulting/prunenulls.go)
 * and the ObjectMeta coercion of embedded resources (schema/objectmeta).
 *
 * @module
 */

import type { CompiledSchema } from "./compile.ts";
import { OBJECT_META_FIELDS } from "../../apimachinery/meta.ts";

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);
const OBJECT_META = new Set(OBJECT_META_FIELDS);

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function key(parent: string, k: string): string {
  return parent ? `${parent}.${k}` : k;
}

/**
 * Where a value is: its parent chain, made into a path (`spec.items[0].x`) only
 * when something there is pruned.
 */
type At = { parent: At; key: string | number } | undefined;

function pathOf(at: At): string {
  let out = "";
  for (let a = at; a; a = a.parent) {
    out = typeof a.key === "number"
      ? `[${a.key}]${out}`
      : a.parent
      ? `.${a.key}${out}`
      : `${a.key}${out}`;
  }
  return out;
}

/** additionalProperties as pruning sees it: absent/false, true (no schema), or a schema. */
function additionalSchema(s: CompiledSchema): CompiledSchema | true | undefined {
  const ap = s.additionalProperties;
  if (ap === undefined || ap === false) return undefined;
  return ap;
}

function pruneRec(
  x: unknown,
  s: CompiledSchema | undefined,
  at: At,
  out: string[] | undefined,
  embeddedRoot: boolean,
): void {
  if (s && s.preserveUnknownFields) {
    skipPrune(x, s, at, out, embeddedRoot);
    return;
  }
  if (Array.isArray(x)) {
    const items = s?.items;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v === "object" && v !== null) {
        pruneRec(v, items, { parent: at, key: i }, out, false);
      }
    }
    return;
  }
  if (!isObj(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) {
      out?.push(pathOf({ parent: at, key: k }));
      delete x[k];
    }
    return;
  }
  const embedded = s.embeddedResource || embeddedRoot;
  const ap = additionalSchema(s);
  for (const k in x) {
    if (embedded && META_FIELDS.has(k)) continue;
    const prop = s.properties?.get(k);
    const v = x[k];
    if (prop) {
      if (typeof v === "object" && v !== null) {
        pruneRec(v, prop, { parent: at, key: k }, out, false);
      }
    } else if (ap !== undefined) {
      if (typeof v === "object" && v !== null) {
        pruneRec(v, ap === true ? undefined : ap, { parent: at, key: k }, out, false);
      }
    } else {
      if (!META_FIELDS.has(k) || at !== undefined) out?.push(pathOf({ parent: at, key: k }));
      delete x[k];
    }
  }
}

function skipPrune(
  x: unknown,
  s: CompiledSchema,
  at: At,
  out: string[] | undefined,
  embeddedRoot: boolean,
): void {
  if (Array.isArray(x)) {
    if (!s.items) return;
    for (let i = 0; i < x.length; i++) skipPrune(x[i], s.items, { parent: at, key: i }, out, false);
    return;
  }
  if (!isObj(x)) return;
  const embedded = s.embeddedResource || embeddedRoot;
  const ap = additionalSchema(s);
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const prop = s.properties?.get(k);
    if (prop) pruneRec(x[k], prop, { parent: at, key: k }, out, false);
    else if (ap !== undefined) {
      pruneRec(x[k], ap === true ? undefined : ap, { parent: at, key: k }, out, false);
    }
  }
}

/**
 * Prunes a default value the way `PruneDefaults` does, approximated by pruning
 * it against the schema node it belongs to (an embedded-resource node keeps
 * apiVersion/kind/metadata). Returns the pruned deep copy.
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import { pruneDefaultValue } from "./pruning.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { a: { type: "string" } } });
 * assert.deepEqual(pruneDefaultValue({ a: "x", b: 1 }, s), { a: "x" });
 * ```
 */
export function pruneDefaultValue(value: unknown, s: CompiledSchema): unknown {
  const copy = structuredClone(value);
  pruneRec(copy, s, undefined, undefined, false);
  coerceRec(copy, s, "", undefined);
  return copy;
}

/**
 * `PruneNonNullableNullsWithoutDefaults`: removes object fields whose value is
 * null when their schema is neither nullable nor has a default. Mutates.
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import { pruneNulls } from "./pruning.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { a: { type: "string" }, b: { type: "string", nullable: true } } });
 * const o = { a: null, b: null };
 * pruneNulls(o, s);
 * assert.deepEqual(o, { b: null });
 * ```
 */
export function pruneNulls(x: unknown, s: CompiledSchema | undefined): void {
  if (Array.isArray(x)) {
    const items = s?.items;
    for (const v of x) pruneNulls(v, items);
    return;
  }
  if (!isObj(x)) return;
  for (const k of Object.keys(x)) {
    let fs: CompiledSchema | undefined;
    if (s) {
      fs = s.properties?.get(k);
      if (!fs && typeof s.additionalProperties === "object") fs = s.additionalProperties;
    }
    const v = x[k];
    if (v === null && fs && !fs.nullable && fs.default === undefined) delete x[k];
    else pruneNulls(v, fs);
  }
}

// objectmeta.Coerce for embedded resources below the root (isResourceRoot=false):
// metadata is round-tripped through metav1.ObjectMeta, dropping unknown fields.
function coerceRec(x: unknown, s: CompiledSchema | undefined, path: string, out?: string[]) {
  if (!s || s.hasEmbedded === false) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) coerceRec(x[i], s.items, `${path}[${i}]`, out);
    return;
  }
  if (!isObj(x)) return;
  if (s.embeddedResource && isObj(x.metadata)) {
    const md = x.metadata;
    const unknown: string[] = [];
    for (const k of Object.keys(md)) {
      if (!OBJECT_META.has(k)) {
        unknown.push(`${key(path, "metadata")}.${k}`);
        delete md[k];
      }
    }
    if (md.creationTimestamp === null) delete md.creationTimestamp;
    out?.push(...unknown);
  }
  const ap = s.additionalProperties;
  for (const k of Object.keys(x)) {
    const prop = s.properties?.get(k);
    if (prop) coerceRec(x[k], prop, key(path, k), out);
    else if (typeof ap === "object") coerceRec(x[k], ap, `${path}[${k}]`, out);
  }
}

/**
 * Prunes a custom object in place as the apiserver's decoding does
 * (`unstructuredSchemaCoercer.apply` in customresource_handler.go):
 * 1. `PruneWithOptions(obj, schema, isResourceRoot=true)`: drops fields not in
 *    the schema; at the root apiVersion/kind/metadata are kept (root metadata is
 *    not pruned by the schema: kube round-trips it through ObjectMeta separately);
 *    `x-kubernetes-preserve-unknown-fields` keeps unknown fields (known ones are
 *    still pruned below); `x-kubernetes-embedded-resource` keeps
 *    apiVersion/kind/metadata of the embedded object;
 * 2. `PruneNonNullableNullsWithoutDefaults`;
 * 3. `objectmeta.Coerce` for embedded resources: unknown fields of their
 *    metadata are dropped.
 *
 * Returns the unknown-field paths: first step 1's sorted (`spec.foo`,
 * `spec.items[0].bar`), then step 3's sorted, as kube reports them for
 * `unknown field "..."` under fieldValidation Strict/Warn.
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import { prune } from "./pruning.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { spec: { type: "object", properties: { a: { type: "string" } } } } });
 * const o = { apiVersion: "x/v1", kind: "K", metadata: { name: "n" }, spec: { a: "1", b: 2 }, extra: true };
 * assert.deepEqual(prune(o, s), ["extra", "spec.b"]);
 * assert.deepEqual(o, { apiVersion: "x/v1", kind: "K", metadata: { name: "n" }, spec: { a: "1" } });
 * ```
 */
export function prune(obj: unknown, schema: CompiledSchema): string[] {
  const pruned: string[] = [];
  pruneRec(obj, schema, undefined, pruned, true);
  pruned.sort();
  pruneNulls(obj, schema);
  const coerced: string[] = [];
  if (isObj(obj)) {
    for (const k of Object.keys(obj)) {
      if (k === "metadata") continue;
      const prop = schema.properties?.get(k);
      if (prop) coerceRec(obj[k], prop, k, coerced);
      else if (typeof schema.additionalProperties === "object") {
        coerceRec(obj[k], schema.additionalProperties, `[${k}]`, coerced);
      }
    }
  }
  coerced.sort();
  return [...pruned, ...coerced];
}
