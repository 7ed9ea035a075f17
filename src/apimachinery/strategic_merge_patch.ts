/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) as in
 * Kubernetes `k8s.io/apimachinery/pkg/util/strategicpatch`: applying a patch
 * and computing two-way and three-way patches (the latter is what
 * `kubectl apply` sends). Patch metadata (list merge strategy and merge key,
 * which Kubernetes reads from Go struct tags) is passed as a {@linkcode PatchMeta}.
 *
 * @module
 */

import { jsonEqual, PatchError } from "./json_patch.ts";

/** A field's patch strategy, as in the `patchStrategy` struct tag. */
export type PatchStrategy = "merge" | "replace" | "retainKeys" | "merge,retainKeys";

/** Patch metadata of one field. */
export interface FieldPatchMeta {
  /**
   * `merge`: lists are merged (by `patchMergeKey` for lists of objects, as a
   * set for primitives); `replace`: objects are replaced whole; `retainKeys`:
   * patches of this object clear members they do not mention. Without a
   * strategy, lists are replaced and objects merged.
   */
  patchStrategy?: PatchStrategy;
  /** The member identifying list items, e.g. `name` for containers. */
  patchMergeKey?: string;
  /** Metadata of the members of this object, or of the items of this list of objects. */
  fields?: PatchMeta;
}

/** Patch metadata of the members of an object, by member name. */
export interface PatchMeta {
  /** Patch metadata of the member named `field`. */
  [field: string]: FieldPatchMeta;
}

type Obj = Record<string, unknown>;

const DIRECTIVE = "$patch";
const DELETE = "delete";
const REPLACE = "replace";
const MERGE = "merge";
const RETAIN_KEYS = "$retainKeys";
const DELETE_PRIMITIVE_PREFIX = "$deleteFromPrimitiveList";
const SET_ORDER_PREFIX = "$setElementOrder";

const ERR_NO_LIST_OF_LISTS = "lists of lists are not supported";
const ERR_BAD_PRIMITIVE_LIST = "invalid patch format of primitive list";
const ERR_BAD_RETAIN_KEYS = "invalid patch format of retainKeys";
const ERR_BAD_SET_ORDER = "invalid patch format of setElementOrder list";

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function has(o: Obj, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Formats a value like Go's `%v` for the messages Kubernetes builds with it. */
function goFmt(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goFmt).join(" ")}]`;
  if (isObj(v)) {
    return `map[${Object.keys(v).sort().map((k) => `${k}:${goFmt(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** Go type names as `reflect.TypeOf` prints them for decoded JSON. */
function goType(v: unknown): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (Array.isArray(v)) return "[]interface {}";
  if (isObj(v)) return "map[string]interface {}";
  if (typeof v === "number") return "float64";
  if (typeof v === "boolean") return "bool";
  return "string";
}

function fail(message: string): never {
  throw new PatchError(message, 422);
}
function errBadArgType(expected: string, actual: unknown): never {
  fail(`expected a ${expected}, but received a ${goType(actual)}`);
}
function errNoMergeKey(m: Obj, key: string): never {
  fail(`map: ${goFmt(m)} does not contain declared merge key: ${key}`);
}
function errBadPatchType(t: unknown, m: Obj): never {
  fail(`unknown patch type: ${goFmt(t)} in map: ${goFmt(m)}`);
}

type Kind = "map" | "slice" | "string" | "number" | "bool" | "nil";
function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return "nil";
  if (Array.isArray(v)) return "slice";
  if (isObj(v)) return "map";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  return "string";
}

interface Strategy {
  retainKeys: boolean;
  strategy: string;
}

function strategyOf(meta: FieldPatchMeta | undefined): Strategy {
  const raw = meta?.patchStrategy;
  const parts = raw ? raw.split(",") : [];
  if (parts.length === 0) return { retainKeys: false, strategy: "" };
  if (parts.length === 1) {
    return parts[0] === "retainKeys"
      ? { retainKeys: true, strategy: "" }
      : { retainKeys: false, strategy: parts[0] };
  }
  if (parts.length === 2) {
    if (parts[0] === "retainKeys") return { retainKeys: true, strategy: parts[1] };
    if (parts[1] === "retainKeys") return { retainKeys: true, strategy: parts[0] };
  }
  return fail(`unexpected patch strategy: [${parts.join(" ")}]`);
}

function lookup(schema: PatchMeta | undefined, key: string): {
  sub: PatchMeta | undefined;
  meta: FieldPatchMeta | undefined;
} {
  const meta = schema && has(schema as Obj, key) ? schema[key] : undefined;
  return { sub: meta?.fields, meta };
}

// ---------------------------------------------------------------------------
// Shared list helpers

function sliceElementKind(...slices: unknown[][]): Kind {
  let prev: Kind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        prev = k;
        if (k === "slice") fail(ERR_NO_LIST_OF_LISTS);
      } else if (prev !== k) {
        fail(`list element types are not identical: ${goFmt(slices)}`);
      }
    }
  }
  if (prev === undefined) fail("no elements in any of the given slices");
  return prev!;
}

function scalarEq(a: unknown, b: unknown): boolean {
  return a === b;
}

function deduplicateScalars(s: unknown[]): unknown[] {
  s = [...s];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (scalarEq(s[i], s[j])) {
        s[j] = s[length];
        s = s.slice(0, length);
        length--;
        j--;
      }
    }
  }
  return s;
}

function compareGoStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortScalars(s: unknown[]): unknown[] {
  return [...s].sort((a, b) => compareGoStrings(goFmt(a), goFmt(b)));
}

function mergeKeyValue(item: unknown, mergeKey: string, kind: Kind): unknown {
  if (kind !== "map") return item;
  return isObj(item) ? item[mergeKey] : undefined;
}

function indexIn(l: unknown[], val: unknown, mergeKey: string, kind: Kind): number {
  const want = mergeKeyValue(val, mergeKey, kind);
  for (let i = 0; i < l.length; i++) {
    if (mergeKeyValue(l[i], mergeKey, kind) === want) return i;
  }
  return -1;
}

function findMapByKey(
  list: unknown[],
  key: string,
  value: unknown,
): { map: Obj; index: number } | undefined {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isObj(v)) fail(`value for key ${i} is not a map`);
    if (has(v, key) && v[key] === value) return { map: v, index: i };
  }
  return undefined;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObj(item)) errBadArgType("map[string]interface {}", item);
      if (!has(item, mergeKey)) errNoMergeKey(item, mergeKey);
    }
  }
}

function extractToDeleteItems(l: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const v of l) {
    if (!isObj(v)) errBadArgType("map[string]interface {}", v);
    if (has(v, DIRECTIVE) && v[DIRECTIVE] === DELETE) del.push(v);
    else keep.push(v);
  }
  return [keep, del];
}

/** Go's sort.SliceStable as insertion sort (exact for Go's algorithm on short lists). */
function insertionSort(a: unknown[], less: (x: unknown, y: unknown) => boolean): void {
  for (let i = 1; i < a.length; i++) {
    for (let j = i; j > 0 && less(a[j], a[j - 1]); j--) {
      const t = a[j];
      a[j] = a[j - 1];
      a[j - 1] = t;
    }
  }
}

function normalizeSliceOrder(
  toSort: unknown[],
  order: unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  let sorted = [...toSort];
  let toDelete: unknown[] = [];
  if (kind === "map") {
    validateMergeKeyInLists(mergeKey, sorted, order);
    [sorted, toDelete] = extractToDeleteItems(sorted);
  }
  insertionSort(sorted, (x, y) => {
    const ii = indexIn(order, x, mergeKey, kind);
    if (ii >= 0) {
      const ij = indexIn(order, y, mergeKey, kind);
      if (ij >= 0) return ii < ij;
    }
    return true;
  });
  return [...sorted, ...toDelete];
}

function mergeSortedSlice(
  left: unknown[],
  right: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  const size = left.length + right.length;
  for (let k = 0; k < size; k++) {
    if (i >= left.length && j < right.length) {
      out.push(right[j++]);
    } else if (j >= right.length && i < left.length) {
      out.push(left[i++]);
    } else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function partitionPrimitives(original: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of original) (by.some((b) => b === v) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

function partitionMaps(
  original: unknown[],
  by: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of original) {
    if (!isObj(v)) errBadArgType("map[string]interface {}", v);
    if (!has(v, mergeKey)) errNoMergeKey(v, mergeKey);
    (findMapByKey(by, mergeKey, v[mergeKey]) ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

// ---------------------------------------------------------------------------
// Applying a patch

interface MergeOptions {
  /** Server side: interpret parallel lists ($deleteFromPrimitiveList, $setElementOrder, $retainKeys). */
  mergeParallelList: boolean;
  /** Server side: drop nulls that match nothing. */
  ignoreUnmatchedNulls: boolean;
  /**
   * Keep what Kubernetes' untyped merge keeps (kubectl's `patch --local`): replaced lists and
   * objects and appended list items as the patch has them, directives included.
   */
  literal?: boolean;
}

/** True when directives are dropped from values taken from the patch (server side, typed). */
function stripping(opts: MergeOptions): boolean {
  return opts.mergeParallelList && !opts.literal;
}

function isDirectiveKey(k: string): boolean {
  return k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(`${SET_ORDER_PREFIX}/`) ||
    k.startsWith(`${DELETE_PRIMITIVE_PREFIX}/`);
}

/**
 * Removes directives from a value taken from the patch as is. Kubernetes only
 * drops maps carrying `$patch`; its typed decoding then drops the other
 * directive keys, which k1s (storing JSON) does here.
 */
function removeDirectives(v: unknown, stripKeys: boolean): { value: unknown; keep: boolean } {
  if (isObj(v)) {
    if (has(v, DIRECTIVE)) return { value: undefined, keep: false };
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (stripKeys && isDirectiveKey(k)) continue;
      const r = removeDirectives(x, stripKeys);
      if (r.keep) out[k] = r.value;
    }
    return { value: out, keep: true };
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const r = removeDirectives(x, stripKeys);
      if (r.keep) out.push(r.value);
    }
    return { value: out, keep: true };
  }
  return { value: v, keep: true };
}

function discardNulls(v: unknown): void {
  if (isObj(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]);
    }
  } else if (Array.isArray(v)) {
    for (const x of v) discardNulls(x);
  }
}

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf("/");
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_PRIMITIVE_PREFIX) fail(ERR_BAD_PRIMITIVE_LIST);
    if (prefix === SET_ORDER_PREFIX) fail(ERR_BAD_SET_ORDER);
    fail(`fail to find unknown prefix "${prefix}" in ${s}\n`);
  }
  return s.slice(i + 1);
}

function applyRetainKeys(original: Obj, patch: Obj, opts: MergeOptions): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!opts.mergeParallelList) {
    if (has(original, RETAIN_KEYS)) {
      if (!jsonEqual(original[RETAIN_KEYS], retain)) {
        fail(
          `${goFmt(original[RETAIN_KEYS])} and ${
            goFmt(retain)
          } are not deep equal: this may happen when calculating the 3-way diff patch`,
        );
      }
    } else {
      original[RETAIN_KEYS] = retain;
    }
    return;
  }
  if (!Array.isArray(retain)) fail(ERR_BAD_RETAIN_KEYS);
  const keys = retain as unknown[];
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE_PREFIX) || k.startsWith(SET_ORDER_PREFIX)) {
      continue;
    }
    if (!keys.includes(k)) fail(ERR_BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keys.includes(k)) delete original[k];
}

function validatePatchWithSetOrderList(
  patchList: unknown,
  setOrderList: unknown,
  mergeKey: string,
): void {
  if (!Array.isArray(setOrderList)) fail(ERR_BAD_SET_ORDER);
  if (!Array.isArray(patchList)) fail(ERR_BAD_SET_ORDER);
  const order = setOrderList as unknown[];
  const plist = patchList as unknown[];
  if (order.length === 0 || plist.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(plist)[0] : plist;
  let pi = 0;
  let si = 0;
  while (pi < nonDelete.length && si < order.length) {
    const item = nonDelete[pi];
    if (isObj(item) && has(item, DIRECTIVE)) {
      pi++;
      continue;
    }
    if (mergeKeyEqual(item, order[si], mergeKey)) pi++;
    si++;
  }
  if (pi < nonDelete.length && si >= order.length) {
    fail(
      `The order in patch list:\n${goFmt(plist)}\n doesn't match ${SET_ORDER_PREFIX} list:\n${
        goFmt(order)
      }\n`,
    );
  }
}

function mergeKeyEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObj(left)) errBadArgType("map[string]interface {}", left);
  if (!isObj(right)) errBadArgType("map[string]interface {}", right);
  const l = left as Obj;
  const r = right as Obj;
  if (!has(l, mergeKey)) errNoMergeKey(l, mergeKey);
  if (!has(r, mergeKey)) errNoMergeKey(r, mergeKey);
  return l[mergeKey] === r[mergeKey];
}

function mergePatchIntoOriginal(
  original: Obj,
  patch: Obj,
  schema: PatchMeta | undefined,
  opts: MergeOptions,
): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER_PREFIX)) continue;
    const setOrder = patch[key];
    if (!opts.mergeParallelList) {
      if (has(original, key)) {
        if (!jsonEqual(original[key], setOrder)) fail(ERR_BAD_SET_ORDER);
      } else {
        original[key] = setOrder;
      }
    }
    delete patch[key];
    if (!Array.isArray(setOrder)) errBadArgType("[]interface {}", setOrder);
    const order = setOrder as unknown[];
    const originalKey = extractKey(key, SET_ORDER_PREFIX);
    const foundOriginal = has(original, originalKey);
    const foundPatch = has(patch, originalKey);
    let originalList: unknown[] = [];
    let patchList: unknown[] = [];
    if (foundOriginal) {
      if (!Array.isArray(original[originalKey])) {
        errBadArgType("[]interface {}", original[originalKey]);
      }
      originalList = original[originalKey] as unknown[];
    }
    if (foundPatch) {
      if (!Array.isArray(patch[originalKey])) errBadArgType("[]interface {}", patch[originalKey]);
      patchList = patch[originalKey] as unknown[];
    }
    const { sub, meta } = lookup(schema, originalKey);
    const { strategy } = strategyOf(meta);
    const mergeKey = meta?.patchMergeKey ?? "";
    validatePatchWithSetOrderList(foundPatch ? patchList : [], order, mergeKey);
    let merged: unknown[];
    if (foundOriginal && !foundPatch) {
      merged = originalList;
    } else if (!foundOriginal && foundPatch) {
      merged = removeDirectives(patchList, stripping(opts)).value as unknown[];
    } else if (foundOriginal && foundPatch) {
      merged = mergeSliceHandler(
        originalList,
        patchList,
        sub,
        strategy,
        mergeKey,
        false,
        opts,
        originalKey,
      );
    } else {
      continue;
    }
    const [inPatch, serverOnly] = mergeKey
      ? partitionMaps(merged, order, mergeKey)
      : partitionPrimitives(merged, order);
    const kind = sliceElementKind(originalList, patchList);
    original[originalKey] = normalizeElementOrder(
      inPatch,
      serverOnly,
      order,
      originalList,
      mergeKey,
      kind,
    );
    delete patch[originalKey];
  }
}

function handleDirectiveInMergeMap(directive: unknown, patch: Obj): Obj {
  if (directive === REPLACE) {
    const out = { ...patch };
    delete out[DIRECTIVE];
    return out;
  }
  if (directive === DELETE) return {};
  return errBadPatchType(directive, patch);
}

function mergeMap(
  original: Obj | null,
  patch: Obj,
  schema: PatchMeta | undefined,
  opts: MergeOptions,
): Obj {
  if (has(patch, DIRECTIVE)) {
    const replaced = handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
    return stripping(opts) ? removeDirectives(replaced, true).value as Obj : replaced;
  }
  const orig: Obj = original ?? {};
  applyRetainKeys(orig, patch, opts);
  mergePatchIntoOriginal(orig, patch, schema, opts);

  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey];
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      if (!opts.mergeParallelList) {
        orig[rawKey] = patchV;
        continue;
      }
      k = extractKey(rawKey, DELETE_PRIMITIVE_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[k];
      if (opts.ignoreUnmatchedNulls) continue;
    }
    const takePatch = () => {
      if (isDeleteList) return;
      if (opts.ignoreUnmatchedNulls) discardNulls(patchV);
      const r = removeDirectives(patchV, stripping(opts));
      if (r.keep) orig[k] = r.value;
      else delete orig[k];
    };
    if (!has(orig, k)) {
      takePatch();
      continue;
    }
    const ok = kindOf(orig[k]);
    if (ok !== kindOf(patchV)) {
      takePatch();
      continue;
    }
    const { sub, meta } = lookup(schema, k);
    if (ok === "map") {
      const { strategy } = strategyOf(meta);
      orig[k] = strategy === REPLACE
        ? (stripping(opts) ? removeDirectives(patchV, true).value : patchV)
        : mergeMap(orig[k] as Obj, patchV as Obj, sub, opts);
    } else if (ok === "slice") {
      const { strategy } = strategyOf(meta);
      orig[k] = mergeSliceHandler(
        orig[k] as unknown[],
        patchV as unknown[],
        sub,
        strategy,
        meta?.patchMergeKey ?? "",
        isDeleteList,
        opts,
        k,
      );
    } else {
      const r = removeDirectives(patchV, stripping(opts));
      if (r.keep) orig[k] = r.value;
      else delete orig[k];
    }
  }
  return orig;
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  schema: PatchMeta | undefined,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  opts: MergeOptions,
  name: string,
): unknown[] {
  if (strategy === MERGE || isDeleteList) {
    return mergeSlice(original, patch, schema, mergeKey, opts, isDeleteList, name);
  }
  return stripping(opts) ? removeDirectives(patch, true).value as unknown[] : patch;
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  schema: PatchMeta | undefined,
  mergeKey: string,
  opts: MergeOptions,
  isDeleteList: boolean,
  name: string,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  let orig = original;
  let pat = patch;
  if (kind !== "map") {
    if (opts.mergeParallelList && isDeleteList) {
      return original.filter((v) => !patch.some((d) => d === v));
    }
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) fail(`cannot merge lists without merge key for ${name}`);
    [orig, pat] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(orig, pat, mergeKey, schema, opts);
  }
  const [inPatch, serverOnly] = mergeKey
    ? partitionMaps(merged, pat, mergeKey)
    : partitionPrimitives(merged, pat);
  return normalizeElementOrder(inPatch, serverOnly, pat, orig, mergeKey, kind);
}

function mergeSliceWithSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  let orig = original;
  for (const v of patch) {
    const m = v as Obj;
    if (!has(m, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const d = m[DIRECTIVE];
    if (d === DELETE) {
      if (!has(m, mergeKey)) errNoMergeKey(m, mergeKey);
      orig = orig.filter((x) => !(isObj(x) && has(x, mergeKey) && x[mergeKey] === m[mergeKey]));
    } else if (d === REPLACE) {
      replace = true;
    } else if (d === MERGE) {
      fail("merging lists cannot yet be specified in the patch");
    } else {
      errBadPatchType(d, m);
    }
  }
  return replace ? [plain, []] : [orig, plain];
}

function mergeSliceWithoutSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  schema: PatchMeta | undefined,
  opts: MergeOptions,
): unknown[] {
  const out = [...original];
  for (const v of patch) {
    const m = v as Obj;
    if (!has(m, mergeKey)) errNoMergeKey(m, mergeKey);
    const found = findMapByKey(out, mergeKey, m[mergeKey]);
    if (found) {
      out[found.index] = mergeMap(found.map, m, schema, opts);
    } else if (stripping(opts)) {
      if (opts.ignoreUnmatchedNulls) discardNulls(m);
      out.push(removeDirectives(m, true).value);
    } else {
      out.push(m);
    }
  }
  return out;
}

/**
 * Applies a strategic merge patch, as kube-apiserver does for
 * `application/strategic-merge-patch+json` (`StrategicMergeMapPatch`).
 *
 * - Objects merge recursively; `null` deletes a member.
 * - Lists whose field has strategy `merge` are merged: lists of objects by
 *   their `patchMergeKey`, lists of primitives as a set. Other lists are replaced.
 * - Directives: `$patch: replace` / `$patch: delete` on objects,
 *   `{ <mergeKey>: v, $patch: delete }` and `{ $patch: replace }` items in
 *   merged lists, `$deleteFromPrimitiveList/<field>`,
 *   `$setElementOrder/<field>` and `$retainKeys`.
 *
 * Inputs are not modified.
 *
 * @param original The current object.
 * @param patch The patch (an object).
 * @param meta Patch metadata of the object's top-level fields.
 * @param options `literal`: give the result as Kubernetes' untyped merge does (what
 *   `kubectl patch --local` prints): lists and objects the patch replaces, and list items it
 *   appends, are kept as the patch has them, directives and all. By default those are stripped
 *   of directives (`$patch` maps and `$retainKeys`/`$setElementOrder` keys) and of nulls in
 *   appended items, as decoding into a typed object does on the server.
 * @throws {PatchError} (code 422) with the Kubernetes message for a patch
 *   that cannot be applied, e.g. `map: map[image:x] does not contain declared merge key: name`;
 *   code 400 `invalid JSON document` when `patch` or `original` is not an object.
 *
 * @example
 * ```ts
 * import { applyStrategicMergePatch, type PatchMeta } from "./strategic_merge_patch.ts";
 * import assert from "node:assert/strict";
 * const meta: PatchMeta = {
 *   spec: { fields: { containers: { patchStrategy: "merge", patchMergeKey: "name" } } },
 * };
 * const pod = { spec: { containers: [{ name: "app", image: "app:1" }, { name: "log", image: "log:1" }] } };
 * const out = applyStrategicMergePatch(pod, { spec: { containers: [{ name: "app", image: "app:2" }] } }, meta);
 * assert.deepEqual(out, {
 *   spec: { containers: [{ name: "app", image: "app:2" }, { name: "log", image: "log:1" }] },
 * });
 * ```
 */
export function applyStrategicMergePatch<T = Record<string, unknown>>(
  original: unknown,
  patch: unknown,
  meta: PatchMeta = {},
  options: { literal?: boolean } = {},
): T {
  if (!isObj(patch)) throw new PatchError("invalid JSON document", 400);
  if (original !== null && original !== undefined && !isObj(original)) {
    throw new PatchError("invalid JSON document", 400);
  }
  const o = original ? structuredClone(original) : {};
  return mergeMap(o, structuredClone(patch), meta, {
    mergeParallelList: true,
    ignoreUnmatchedNulls: true,
    literal: options.literal === true,
  }) as T;
}

// ---------------------------------------------------------------------------
// Computing patches

interface DiffOptions {
  setElementOrder: boolean;
  ignoreChangesAndAdditions: boolean;
  ignoreDeletions: boolean;
  buildRetainKeysDirective: boolean;
}

function diffMaps(
  original: Obj,
  modified: Obj,
  schema: PatchMeta | undefined,
  opts: DiffOptions,
): Obj {
  const patch: Obj = {};
  const retainKeys: string[] = [];
  for (const [key, mv] of Object.entries(modified)) {
    if (opts.buildRetainKeysDirective && mv !== null) retainKeys.push(key);
    if (!has(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = mv;
      continue;
    }
    const ov = original[key];
    if (key === DIRECTIVE) {
      if (typeof ov !== "string" || typeof mv !== "string") {
        fail(`invalid value for special key: ${DIRECTIVE}`);
      }
      if (ov !== mv) patch[DIRECTIVE] = mv;
      continue;
    }
    if (kindOf(ov) !== kindOf(mv)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = mv;
      continue;
    }
    if (isObj(ov)) {
      const { sub, meta } = lookup(schema, key);
      const { retainKeys: rk, strategy } = strategyOf(meta);
      if (strategy === REPLACE) {
        if (!opts.ignoreChangesAndAdditions) patch[key] = mv;
      } else {
        const pv = diffMaps(ov, mv as Obj, sub, { ...opts, buildRetainKeysDirective: rk });
        if (Object.keys(pv).length > 0) patch[key] = pv;
      }
    } else if (Array.isArray(ov)) {
      const { sub, meta } = lookup(schema, key);
      const { retainKeys: rk, strategy } = strategyOf(meta);
      if (strategy === MERGE) {
        const [add, del, order] = diffLists(
          ov,
          mv as unknown[],
          sub,
          meta?.patchMergeKey ?? "",
          { ...opts, buildRetainKeysDirective: rk },
        );
        if (add.length > 0) patch[key] = add;
        if (del.length > 0) patch[`${DELETE_PRIMITIVE_PREFIX}/${key}`] = del;
        if (order.length > 0) patch[`${SET_ORDER_PREFIX}/${key}`] = order;
      } else if (!opts.ignoreChangesAndAdditions && !jsonEqual(ov, mv)) {
        patch[key] = mv;
      }
    } else if (!opts.ignoreChangesAndAdditions && !jsonEqual(ov, mv)) {
      patch[key] = mv;
    }
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!has(modified, key)) patch[key] = null;
  }
  if (
    retainKeys.length > 0 &&
    (Object.keys(patch).length > 0 ||
      Object.entries(original).some(([k, v]) => v !== null && !has(modified, k)))
  ) {
    patch[RETAIN_KEYS] = sortScalars(retainKeys);
  }
  return patch;
}

function diffLists(
  original: unknown[],
  modified: unknown[],
  schema: PatchMeta | undefined,
  mergeKey: string,
  opts: DiffOptions,
): [unknown[], unknown[], unknown[]] {
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return [[], [], []];
    return [modified, [], []];
  }
  const kind = sliceElementKind(original, modified);
  if (kind === "map") {
    const [patchList0, deleteList] = diffListsOfMaps(original, modified, schema, mergeKey, opts);
    let patchList = normalizeSliceOrder(patchList0, modified, mergeKey, kind);
    const orderSame = original.length === modified.length &&
      modified.every((m, i) => mergeKeyEqual(original[i], m, mergeKey));
    patchList = [...patchList, ...deleteList];
    let setOrder: unknown[] = [];
    if (
      opts.setElementOrder &&
      ((!opts.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) ||
        (!opts.ignoreDeletions && patchList.length > 0))
    ) {
      setOrder = modified.map((v) => ({ [mergeKey]: (v as Obj)[mergeKey] }));
    }
    return [patchList, [], setOrder];
  }
  const [add, del] = diffListsOfScalars(original, modified, opts);
  const patchList = normalizeSliceOrder(add, modified, mergeKey, kind);
  let setOrder: unknown[] = [];
  if (
    opts.setElementOrder &&
    ((!opts.ignoreDeletions && del.length > 0) ||
      (!opts.ignoreChangesAndAdditions && !jsonEqual(original, modified)))
  ) {
    setOrder = modified;
  }
  return [patchList, del, setOrder];
}

function diffListsOfScalars(
  original: unknown[],
  modified: unknown[],
  opts: DiffOptions,
): [unknown[], unknown[]] {
  const o = sortScalars(original);
  const m = sortScalars(modified);
  let oi = 0;
  let mi = 0;
  const add: unknown[] = [];
  const del: unknown[] = [];
  while (oi < o.length || mi < m.length) {
    const oin = oi < o.length;
    const min = mi < m.length;
    const os = oin ? goFmt(o[oi]) : "";
    const ms = min ? goFmt(m[mi]) : "";
    if (oin && min && os === ms) {
      oi++;
      mi++;
    } else if (!oin || (oin && min && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[mi]);
      mi++;
    } else {
      if (!opts.ignoreDeletions) del.push(o[oi]);
      oi++;
    }
  }
  return [add, deduplicateScalars(del)];
}

function sortByMergeKey(list: unknown[], mergeKey: string): Obj[] {
  return (list as Obj[]).map((x) => x).sort((a, b) =>
    compareGoStrings(goFmt(a[mergeKey]), goFmt(b[mergeKey]))
  );
}

function diffListsOfMaps(
  original: unknown[],
  modified: unknown[],
  schema: PatchMeta | undefined,
  mergeKey: string,
  opts: DiffOptions,
): [unknown[], unknown[]] {
  validateMergeKeyInLists(mergeKey, original, modified);
  const os = sortByMergeKey(original, mergeKey);
  const ms = sortByMergeKey(modified, mergeKey);
  const patch: unknown[] = [];
  const del: unknown[] = [];
  let oi = 0;
  let mi = 0;
  while (oi < os.length || mi < ms.length) {
    const oin = oi < os.length;
    const min = mi < ms.length;
    const ok = oin ? goFmt(os[oi][mergeKey]) : "";
    const mk = min ? goFmt(ms[mi][mergeKey]) : "";
    if (oin && min && ok === mk) {
      const pv = diffMaps(os[oi], ms[mi], schema, opts);
      if (Object.keys(pv).length > 0) {
        pv[mergeKey] = ms[mi][mergeKey];
        patch.push(pv);
      }
      oi++;
      mi++;
    } else if (!oin || (oin && min && ok > mk)) {
      if (!opts.ignoreChangesAndAdditions) patch.push(ms[mi]);
      mi++;
    } else {
      if (!opts.ignoreDeletions) del.push({ [mergeKey]: os[oi][mergeKey], [DIRECTIVE]: DELETE });
      oi++;
    }
  }
  return [patch, del];
}

function requireObject(v: unknown): Obj {
  if (v === null || v === undefined) return {};
  if (!isObj(v)) throw new PatchError("invalid JSON document", 400);
  return structuredClone(v);
}

/**
 * Computes a strategic merge patch that turns `original` into `modified`
 * (`CreateTwoWayMergePatch`): changed and added fields, `null` for removed
 * fields, `$patch: delete` items and `$deleteFromPrimitiveList` for items
 * removed from merged lists, and `$setElementOrder` lists to keep order.
 *
 * @throws {PatchError} if a document is not an object or a merged list item lacks its merge key.
 *
 * @example
 * ```ts
 * import { createTwoWayStrategicMergePatch, type PatchMeta } from "./strategic_merge_patch.ts";
 * import assert from "node:assert/strict";
 * const meta: PatchMeta = { metadata: { fields: { finalizers: { patchStrategy: "merge" } } } };
 * const patch = createTwoWayStrategicMergePatch(
 *   { metadata: { finalizers: ["a", "b"] } },
 *   { metadata: { finalizers: ["a"] } },
 *   meta,
 * );
 * assert.deepEqual(patch, {
 *   metadata: { "$deleteFromPrimitiveList/finalizers": ["b"], "$setElementOrder/finalizers": ["a"] },
 * });
 * ```
 */
export function createTwoWayStrategicMergePatch(
  original: unknown,
  modified: unknown,
  meta: PatchMeta = {},
): Record<string, unknown> {
  return diffMaps(requireObject(original), requireObject(modified), meta, {
    setElementOrder: true,
    ignoreChangesAndAdditions: false,
    ignoreDeletions: false,
    buildRetainKeysDirective: false,
  });
}

/**
 * Computes the three-way strategic merge patch `kubectl apply` sends
 * (`CreateThreeWayMergePatch` with overwrite): deletions come from
 * `original` (the last-applied configuration) versus `modified` (the new
 * configuration), additions and changes from `current` (the live object)
 * versus `modified`. Fields set by others in `current` and never in
 * `original` are left alone.
 *
 * @param original The last-applied configuration (may be empty).
 * @param modified The new configuration.
 * @param current The live object.
 * @param meta Patch metadata.
 *
 * @example
 * ```ts
 * import { createThreeWayStrategicMergePatch } from "./strategic_merge_patch.ts";
 * import assert from "node:assert/strict";
 * const patch = createThreeWayStrategicMergePatch(
 *   { spec: { a: 1, b: 2 } },            // last applied
 *   { spec: { a: 1, c: 3 } },            // new config: b removed, c added
 *   { spec: { a: 1, b: 2, x: "live" } }, // live object: x set by a controller
 *   {},
 * );
 * assert.deepEqual(patch, { spec: { b: null, c: 3 } });
 * ```
 */
export function createThreeWayStrategicMergePatch(
  original: unknown,
  modified: unknown,
  current: unknown,
  meta: PatchMeta = {},
): Record<string, unknown> {
  const o = requireObject(original);
  const m = requireObject(modified);
  const c = requireObject(current);
  const delta = diffMaps(c, m, meta, {
    setElementOrder: true,
    ignoreChangesAndAdditions: false,
    ignoreDeletions: true,
    buildRetainKeysDirective: false,
  });
  const deletions = diffMaps(o, m, meta, {
    setElementOrder: true,
    ignoreChangesAndAdditions: true,
    ignoreDeletions: false,
    buildRetainKeysDirective: false,
  });
  return mergeMap(deletions, delta, meta, {
    mergeParallelList: false,
    ignoreUnmatchedNulls: false,
  });
}
