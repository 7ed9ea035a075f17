/**
 * The indexed object store behind informers: client-go's `ThreadSafeStore`
 * plus `Indexers`. Objects are kept as given under their `namespace/name`
 * key, with secondary indexes from index name to value to object keys.
 *
 * @module
 */
import type { KubeObject } from "../apimachinery/meta.ts";

/**
 * Computes the values under which an object is indexed (none, one or
 * several), as client-go's `IndexFunc`.
 */
export type IndexFunc<T> = (obj: T) => string[];

/** Name of the built-in index by `metadata.namespace` (cluster-scoped objects are not in it). */
export const NAMESPACE_INDEX = "namespace";
/** Name of the built-in index by owner uid (`metadata.ownerReferences[*].uid`). */
export const OWNER_INDEX = "owner";

/**
 * The store key of an object: `namespace/name`, or `name` for a
 * cluster-scoped object, as client-go's `MetaNamespaceKeyFunc`.
 *
 * @example
 * ```ts
 * import { objectKeyOf } from "./indexer.ts";
 * import assert from "node:assert/strict";
 * assert.equal(objectKeyOf({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default", name: "app" } }), "default/app");
 * assert.equal(objectKeyOf({ apiVersion: "v1", kind: "Namespace", metadata: { name: "prod" } }), "prod");
 * ```
 */
export function objectKeyOf(obj: KubeObject): string {
  const meta = obj.metadata;
  const name = meta.name ?? "";
  return meta.namespace ? meta.namespace + "/" + name : name;
}

/** A store key split into its parts. */
export interface ObjectKeyParts {
  /** The namespace; undefined for a cluster-scoped key. */
  namespace: string | undefined;
  /** The name. */
  name: string;
}

/**
 * Splits a key made by {@linkcode objectKeyOf}, as client-go's
 * `SplitMetaNamespaceKey`; throws on a key with more than one `/`.
 *
 * @example
 * ```ts
 * import { splitObjectKey } from "./indexer.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(splitObjectKey("default/app"), { namespace: "default", name: "app" });
 * assert.deepEqual(splitObjectKey("prod"), { namespace: undefined, name: "prod" });
 * ```
 */
export function splitObjectKey(key: string): ObjectKeyParts {
  const parts = key.split("/");
  if (parts.length === 1) return { namespace: undefined, name: parts[0] };
  if (parts.length === 2) return { namespace: parts[0], name: parts[1] };
  throw new TypeError(`Cannot split object key ${JSON.stringify(key)}: unexpected "/" in it`);
}

function namespaceIndexFunc(obj: KubeObject): string[] {
  const ns = obj.metadata.namespace;
  return ns ? [ns] : [];
}

function ownerIndexFunc(obj: KubeObject): string[] {
  const refs = obj.metadata.ownerReferences;
  if (!refs || refs.length === 0) return [];
  const out: string[] = [];
  for (const r of refs) if (r.uid) out.push(r.uid);
  return out;
}

/** Parses `a.b`, `.a.b`, `a['b.c']`, `a["b"]` and `a[b]` into segments. */
function parseFieldPath(path: string): string[] {
  const segs: string[] = [];
  let i = path.startsWith(".") ? 1 : 0;
  let cur = "";
  const fail = (): never => {
    throw new TypeError(`Cannot index by field path ${JSON.stringify(path)}: bad syntax`);
  };
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      if (cur === "" && segs.length === 0) fail();
      if (cur !== "") segs.push(cur);
      cur = "";
      i++;
    } else if (c === "[") {
      if (cur !== "") segs.push(cur);
      cur = "";
      const q = path[i + 1];
      if (q === "'" || q === '"') {
        const end = path.indexOf(q + "]", i + 2);
        if (end < 0) fail();
        segs.push(path.slice(i + 2, end));
        i = end + 2;
      } else {
        const end = path.indexOf("]", i + 1);
        if (end < 0) fail();
        segs.push(path.slice(i + 1, end));
        i = end + 1;
      }
    } else {
      cur += c;
      i++;
    }
  }
  if (cur !== "") segs.push(cur);
  if (segs.length === 0) fail();
  return segs;
}

function scalarText(v: unknown): string | undefined {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return Number.isFinite(v) ? String(v) : undefined;
    case "boolean":
    case "bigint":
      return String(v);
    default:
      return undefined;
  }
}

const fieldIndexCache = new Map<string, IndexFunc<KubeObject>>();

/**
 * An index function over a field path such as `spec.category`,
 * `metadata.labels.app` or `metadata.labels['app.kubernetes.io/name']`.
 * Scalars are stringified; an array of scalars gives one value per element;
 * a missing field (or an object) gives no entry. The same path always
 * returns the same function, so two callers asking for the same field index
 * do not conflict.
 *
 * @example
 * ```ts
 * import { fieldIndex, Indexer } from "./indexer.ts";
 * import assert from "node:assert/strict";
 * const store = new Indexer({ indexers: { app: fieldIndex("metadata.labels['app']") } });
 * store.add({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default", name: "a", labels: { app: "web" } } });
 * assert.deepEqual(store.byIndex("app", "web").map((o) => o.metadata.name), ["a"]);
 * ```
 */
export function fieldIndex<T extends KubeObject = KubeObject>(path: string): IndexFunc<T> {
  const cached = fieldIndexCache.get(path);
  if (cached) return cached as IndexFunc<T>;
  const segs = parseFieldPath(path);
  const fn: IndexFunc<KubeObject> = (obj) => {
    let cur: unknown = obj;
    for (const s of segs) {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return [];
      if (!Object.prototype.hasOwnProperty.call(cur, s)) return [];
      cur = (cur as Record<string, unknown>)[s];
    }
    if (Array.isArray(cur)) {
      const out: string[] = [];
      for (const v of cur) {
        const t = scalarText(v);
        if (t !== undefined) out.push(t);
      }
      return out;
    }
    const t = scalarText(cur);
    return t === undefined ? [] : [t];
  };
  fieldIndexCache.set(path, fn);
  return fn as IndexFunc<T>;
}

/** Options of {@linkcode Indexer}. */
export interface IndexerOptions<T> {
  /** Extra indexes by name; `namespace` and `owner` are always present. */
  indexers?: Record<string, IndexFunc<T>>;
}

/**
 * A keyed, indexed object store, as client-go's thread-safe store with
 * indexers. Objects are stored as given (no copies): callers must treat
 * stored objects as read-only, since indexes are maintained from the stored
 * object when it is replaced or deleted.
 *
 * Memory: one Map entry per object plus, per index value, a Set of keys
 * (the key string is shared between the Map and the Sets).
 *
 * @example
 * ```ts
 * import { Indexer, NAMESPACE_INDEX } from "./indexer.ts";
 * import assert from "node:assert/strict";
 * const store = new Indexer();
 * store.add({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "a", name: "x" } });
 * store.add({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "b", name: "y" } });
 * assert.equal(store.size, 2);
 * assert.equal(store.getByName("a", "x")?.metadata.name, "x");
 * assert.deepEqual(store.byIndex(NAMESPACE_INDEX, "b").map((o) => o.metadata.name), ["y"]);
 * assert.deepEqual(store.indexValues(NAMESPACE_INDEX).sort(), ["a", "b"]);
 * ```
 */
export class Indexer<T extends KubeObject = KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #funcs = new Map<string, IndexFunc<T>>();
  readonly #indices = new Map<string, Map<string, Set<string>>>();

  /** An empty store with the built-in indexes and `options.indexers`. */
  constructor(options: IndexerOptions<T> = {}) {
    this.#funcs.set(NAMESPACE_INDEX, namespaceIndexFunc);
    this.#funcs.set(OWNER_INDEX, ownerIndexFunc);
    this.#indices.set(NAMESPACE_INDEX, new Map());
    this.#indices.set(OWNER_INDEX, new Map());
    if (options.indexers) this.addIndexers(options.indexers);
  }

  /** Number of objects. */
  get size(): number {
    return this.#items.size;
  }

  /** Names of the indexes, built-in ones included. */
  indexNames(): string[] {
    return [...this.#funcs.keys()];
  }

  /** True if an index of that name exists. */
  hasIndex(name: string): boolean {
    return this.#funcs.has(name);
  }

  /**
   * Adds indexes and builds them from the objects already stored. Giving an
   * existing name again with the same function is a no-op; with a different
   * function it throws (as client-go's `AddIndexers` conflict).
   */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      const had = this.#funcs.get(name);
      if (had && had !== fn) {
        throw new Error(`Cannot add index "${name}": an index of that name already exists`);
      }
    }
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.#funcs.has(name)) continue;
      this.#funcs.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.#indices.set(name, index);
      for (const [key, obj] of this.#items) {
        for (const v of fn(obj)) addToIndex(index, v, key);
      }
    }
  }

  /** Inserts or replaces an object (same as {@linkcode Indexer.update}). */
  add(obj: T): void {
    const key = objectKeyOf(obj);
    const old = this.#items.get(key);
    this.#items.set(key, obj);
    this.#reindex(key, old, obj);
  }

  /** Inserts or replaces an object (same as {@linkcode Indexer.add}). */
  update(obj: T): void {
    this.add(obj);
  }

  /** Removes an object, given itself or its key; returns what was stored, if anything. */
  delete(objOrKey: T | string): T | undefined {
    const key = typeof objOrKey === "string" ? objOrKey : objectKeyOf(objOrKey);
    const old = this.#items.get(key);
    if (old === undefined) return undefined;
    this.#items.delete(key);
    this.#reindex(key, old, undefined);
    return old;
  }

  /** Replaces the whole content with `items`, rebuilding every index. */
  replace(items: readonly T[]): void {
    this.#items.clear();
    for (const index of this.#indices.values()) index.clear();
    for (const obj of items) this.add(obj);
  }

  /** The object stored under `key`. */
  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  /** The object with that namespace (undefined or "" for cluster-scoped) and name. */
  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.#items.get(namespace ? namespace + "/" + name : name);
  }

  /** All objects, in insertion order. */
  list(): T[] {
    return [...this.#items.values()];
  }

  /** All keys, in insertion order. */
  keys(): string[] {
    return [...this.#items.keys()];
  }

  /** Keys of the objects indexed under `value` in the index `indexName`. */
  indexKeys(indexName: string, value: string): string[] {
    const set = this.#index(indexName).get(value);
    return set ? [...set] : [];
  }

  /** Objects indexed under `value` in the index `indexName`; throws if the index does not exist. */
  byIndex(indexName: string, value: string): T[] {
    const set = this.#index(indexName).get(value);
    if (!set) return [];
    const out: T[] = [];
    for (const key of set) {
      const obj = this.#items.get(key);
      if (obj !== undefined) out.push(obj);
    }
    return out;
  }

  /** The values present in the index `indexName`. */
  indexValues(indexName: string): string[] {
    return [...this.#index(indexName).keys()];
  }

  #index(name: string): Map<string, Set<string>> {
    const index = this.#indices.get(name);
    if (!index) throw new Error(`Cannot read index "${name}": no index of that name exists`);
    return index;
  }

  #reindex(key: string, old: T | undefined, obj: T | undefined): void {
    for (const [name, fn] of this.#funcs) {
      const index = this.#indices.get(name)!;
      const before = old === undefined ? EMPTY : fn(old);
      const after = obj === undefined ? EMPTY : fn(obj);
      if (before.length === 1 && after.length === 1 && before[0] === after[0]) continue;
      for (const v of before) {
        if (!after.includes(v)) removeFromIndex(index, v, key);
      }
      for (const v of after) addToIndex(index, v, key);
    }
  }
}

const EMPTY: string[] = [];

function addToIndex(index: Map<string, Set<string>>, value: string, key: string): void {
  let set = index.get(value);
  if (!set) index.set(value, set = new Set());
  set.add(key);
}

function removeFromIndex(index: Map<string, Set<string>>, value: string, key: string): void {
  const set = index.get(value);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) index.delete(value);
}
