/**
 * The in-memory store: per process, fast, with the full storage contract
 * (revisions, compare-and-swap, ordered watches with previous values,
 * paging, compaction). Use it for tests and ephemeral runtimes.
 *
 * @example
 * ```ts
 * import { openMemoryStore } from "./memory.ts";
 *
 * await using store = openMemoryStore();
 * const rev = await store.create("/greetings/hello", "world");
 * console.assert((await store.get("/greetings/hello"))?.revision === rev);
 * ```
 *
 * @module
 */

import {
  type KeyValue,
  type ListOptions,
  type ListResult,
  requirementError,
  type Store,
  type StoreCreateOptions,
  StoreError,
  type StoreEvent,
  type StoreWatch,
  type WatchOptions,
} from "./types.ts";
import {
  checkKey,
  checkValue,
  closedError,
  compactedError,
  futureError,
  revisionArg,
  rewind,
  rewoundLimit,
  rewoundPage,
  WatchQueue,
  type WatchQueueHooks,
} from "./_common.ts";

/** Options for {@linkcode openMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Automatic compaction: once the change log holds twice this many
   * revisions, it is compacted down to the newest `compactKeep` revisions.
   * 0 disables automatic compaction. Default 10,000.
   */
  compactKeep?: number;
}

const CHUNK = 512;

/** Binary search: first index in the sorted array `a` whose element is >= `k`. */
function lowerBound(a: string[], k: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * An ordered set of keys as a list of sorted chunks (at most 2 * CHUNK keys
 * each): O(log n) search and O(CHUNK) insert/remove, no O(n) splices.
 */
class SortedKeys {
  chunks: string[][] = [];
  /** The last (largest) key of each chunk. */
  maxes: string[] = [];

  insert(key: string): void {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([key]);
      this.maxes.push(key);
      return;
    }
    let ci = lowerBound(this.maxes, key);
    if (ci === chunks.length) {
      ci--;
      const c = chunks[ci];
      c.push(key);
      this.maxes[ci] = key;
      if (c.length > 2 * CHUNK) this.#split(ci);
      return;
    }
    const c = chunks[ci];
    const i = lowerBound(c, key);
    if (c[i] === key) return;
    c.splice(i, 0, key);
    if (c.length > 2 * CHUNK) this.#split(ci);
  }

  #split(ci: number): void {
    const c = this.chunks[ci];
    const right = c.splice(CHUNK);
    this.chunks.splice(ci + 1, 0, right);
    this.maxes[ci] = c[c.length - 1];
    this.maxes.splice(ci + 1, 0, right[right.length - 1]);
  }

  remove(key: string): void {
    const ci = lowerBound(this.maxes, key);
    if (ci === this.chunks.length) return;
    const c = this.chunks[ci];
    const i = lowerBound(c, key);
    if (c[i] !== key) return;
    c.splice(i, 1);
    if (c.length === 0) {
      this.chunks.splice(ci, 1);
      this.maxes.splice(ci, 1);
    } else if (i === c.length) {
      this.maxes[ci] = c[c.length - 1];
    }
  }

  /** Calls `fn` for keys from `start` (exclusive when `exclusive`) while it returns true. */
  scan(start: string, exclusive: boolean, fn: (key: string) => boolean): void {
    const chunks = this.chunks;
    let ci = lowerBound(this.maxes, start);
    if (ci === chunks.length) return;
    let i = lowerBound(chunks[ci], start);
    if (exclusive && chunks[ci][i] === start) i++;
    for (; ci < chunks.length; ci++, i = 0) {
      const c = chunks[ci];
      for (; i < c.length; i++) if (!fn(c[i])) return;
    }
  }
}

/**
 * A store held in process memory. Writes fan out synchronously to watchers;
 * each watcher's waiting `next()` is resolved at once.
 *
 * Returned {@linkcode KeyValue} objects and watch events
 * ({@linkcode StoreEvent}) are frozen and shared with the store's state and
 * history (no copies on the hot path).
 */
export class MemoryStore implements Store {
  #rev = 0;
  #compacted = 0;
  #map = new Map<string, KeyValue>();
  #index = new SortedKeys();
  /** Events with revisions compacted+1 .. rev, in order: #log[i].revision = #compacted + 1 + i. */
  #log: StoreEvent[] = [];
  #watchers = new Set<WatchQueue>();
  #closed = false;
  #keep: number;
  #hooks: WatchQueueHooks = { detach: (q) => this.#watchers.delete(q) };

  /** Creates an empty store; prefer {@linkcode openMemoryStore}. */
  constructor(options: MemoryStoreOptions = {}) {
    const keep = options.compactKeep ?? 10_000;
    this.#keep = keep > 0 ? Math.floor(keep) : 0;
  }

  #check(): void {
    if (this.#closed) throw closedError();
  }

  /** The current entry of `key`, which must exist and (if given) be at `expectedRevision`. */
  #current(key: string, expectedRevision: number | undefined): KeyValue {
    const cur = this.#map.get(key);
    if (cur === undefined) throw new StoreError("not-found", `key ${key} not found`);
    if (expectedRevision !== undefined && cur.revision !== expectedRevision) {
      throw new StoreError(
        "conflict",
        `key ${key} is at revision ${cur.revision}, not ${expectedRevision}`,
        cur.revision,
        cur,
      );
    }
    return cur;
  }

  #append(ev: StoreEvent): void {
    Object.freeze(ev);
    this.#log.push(ev);
    for (const q of this.#watchers) q.offer(ev);
    if (this.#keep > 0 && this.#log.length >= 2 * this.#keep) {
      this.#compactTo(this.#rev - this.#keep);
    }
  }

  #compactTo(revision: number): void {
    if (revision <= this.#compacted) return;
    if (revision > this.#rev) revision = this.#rev;
    this.#log.splice(0, revision - this.#compacted);
    this.#compacted = revision;
  }

  /** {@inheritDoc Store.currentRevision} */
  currentRevision(): Promise<number> {
    return this.#closed ? Promise.reject(closedError()) : Promise.resolve(this.#rev);
  }

  /** {@inheritDoc Store.compactedRevision} */
  compactedRevision(): Promise<number> {
    return this.#closed ? Promise.reject(closedError()) : Promise.resolve(this.#compacted);
  }

  /** {@inheritDoc Store.get} */
  get(key: string): Promise<KeyValue | undefined> {
    if (this.#closed) return Promise.reject(closedError());
    const kv = this.#map.get(key);
    return Promise.resolve(kv);
  }

  /** {@inheritDoc Store.list} */
  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    if (this.#closed) return Promise.reject(closedError());
    const limit = options.limit && options.limit > 0 ? Math.floor(options.limit) : 0;
    const after = options.after !== undefined && options.after >= prefix
      ? options.after
      : undefined;
    const head = this.#rev;
    const at = options.revision === undefined ? head : revisionArg(options.revision);
    if (at > head) return Promise.reject(futureError(at, head));
    if (at < head) {
      if (at < this.#compacted) return Promise.reject(compactedError(at, this.#compacted));
      try {
        const changed = rewind(
          this.#log.slice(at - this.#compacted, head - this.#compacted),
          prefix,
          after,
        );
        const cur = this.#scan(prefix, after, rewoundLimit(limit, changed));
        const count = options.count ? this.#count(prefix, after) : undefined;
        return Promise.resolve(rewoundPage(cur.items, changed, limit, at, count));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const res: ListResult = { ...this.#scan(prefix, after, limit), revision: head };
    if (options.count) res.count = this.#count(prefix, after);
    return Promise.resolve(res);
  }

  /** Current entries under `prefix` after `after`, at most `limit` (0: all). */
  #scan(
    prefix: string,
    after: string | undefined,
    limit: number,
  ): { items: KeyValue[]; more: boolean } {
    const max = limit > 0 ? limit : Infinity;
    const items: KeyValue[] = [];
    let more = false;
    const map = this.#map;
    this.#index.scan(after ?? prefix, after !== undefined, (key) => {
      if (!key.startsWith(prefix)) return false;
      if (items.length >= max) {
        more = true;
        return false;
      }
      items.push(map.get(key)!);
      return true;
    });
    return { items, more };
  }

  /** Number of current keys under `prefix` after `after`. */
  #count(prefix: string, after?: string): number {
    if (prefix === "" && after === undefined) return this.#map.size;
    let n = 0;
    this.#index.scan(after ?? prefix, after !== undefined, (key) => {
      if (!key.startsWith(prefix)) return false;
      n++;
      return true;
    });
    return n;
  }

  /** {@inheritDoc Store.count} */
  count(prefix: string): Promise<number> {
    if (this.#closed) return Promise.reject(closedError());
    return Promise.resolve(this.#count(prefix));
  }

  /** {@inheritDoc Store.create} */
  create(key: string, value: string, options?: StoreCreateOptions): Promise<number> {
    try {
      this.#check();
      checkKey(key);
      checkValue(value);
      const req = options?.requires;
      if (req !== undefined && this.#map.get(req.key)?.revision !== req.revision) {
        throw requirementError(req.key, req.revision);
      }
      const cur = this.#map.get(key);
      if (cur !== undefined) {
        throw new StoreError("exists", `key ${key} already exists`, cur.revision, cur);
      }
      const rev = ++this.#rev;
      this.#map.set(key, Object.freeze({ key, value, revision: rev, createRevision: rev }));
      this.#index.insert(key);
      this.#append({
        type: "put",
        key,
        revision: rev,
        value,
        createRevision: rev,
        prevRevision: 0,
      });
      return Promise.resolve(rev);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** {@inheritDoc Store.update} */
  update(key: string, value: string, expectedRevision: number): Promise<number> {
    try {
      this.#check();
      checkValue(value);
      const cur = this.#current(key, expectedRevision);
      const rev = ++this.#rev;
      const createRevision = cur.createRevision;
      this.#map.set(key, Object.freeze({ key, value, revision: rev, createRevision }));
      this.#append({
        type: "put",
        key,
        revision: rev,
        value,
        createRevision,
        prevValue: cur.value,
        prevRevision: cur.revision,
      });
      return Promise.resolve(rev);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** {@inheritDoc Store.delete} */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    try {
      this.#check();
      const cur = this.#current(key, expectedRevision);
      const rev = ++this.#rev;
      this.#map.delete(key);
      this.#index.remove(key);
      this.#append({
        type: "delete",
        key,
        revision: rev,
        createRevision: cur.createRevision,
        prevValue: cur.value,
        prevRevision: cur.revision,
      });
      return Promise.resolve({ revision: rev, prev: cur });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** {@inheritDoc Store.watch} */
  watch(
    prefix: string,
    fromRevision: number,
    options: WatchOptions = {},
  ): StoreWatch {
    const from = revisionArg(fromRevision);
    const q = new WatchQueue(prefix, from, this.#hooks, options.signal);
    if (q.closed) return q;
    if (this.#closed) {
      q.end(closedError());
      return q;
    }
    if (from < this.#compacted) {
      q.end(compactedError(from, this.#compacted));
      return q;
    }
    const log = this.#log;
    for (let i = from - this.#compacted; i < log.length; i++) q.offer(log[i]);
    this.#watchers.add(q);
    return q;
  }

  /** {@inheritDoc Store.changes} */
  changes(prefix: string, fromRevision: number, toRevision?: number): Promise<StoreEvent[]> {
    if (this.#closed) return Promise.reject(closedError());
    const from = revisionArg(fromRevision);
    if (from < this.#compacted) return Promise.reject(compactedError(from, this.#compacted));
    const to = toRevision === undefined ? this.#rev : Math.min(revisionArg(toRevision), this.#rev);
    const log = this.#log;
    const out: StoreEvent[] = [];
    for (let i = from - this.#compacted; i < to - this.#compacted; i++) {
      const ev = log[i];
      if (ev.key.startsWith(prefix)) out.push(ev);
    }
    return Promise.resolve(out);
  }

  /** {@inheritDoc Store.compact} */
  compact(revision: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#compactTo(Math.floor(revision));
    return Promise.resolve();
  }

  /** {@inheritDoc Store.close} */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const q of [...this.#watchers]) q.end();
      this.#watchers.clear();
      this.#map.clear();
      this.#index = new SortedKeys();
      this.#log = [];
    }
    return Promise.resolve();
  }

  /** Closes the store. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens a new, empty in-memory store.
 *
 * @example
 * ```ts
 * import { openMemoryStore } from "./memory.ts";
 *
 * const store = openMemoryStore();
 * await store.create("/a", "1");
 * console.assert((await store.count("/")) === 1);
 * await store.close();
 * ```
 */
export function openMemoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options);
}
