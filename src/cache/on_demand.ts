/**
 * A fetch-on-demand cache for objects that are large or rarely read —
 * Secrets holding certificates, say — where an informer would keep every
 * object of the kind in memory. Reads go to the client once, then come from
 * a bounded LRU; a watch per kind drops entries when their objects change.
 *
 * @module
 */
import { type Clock, realClock, sleepOn } from "../apimachinery/clock.ts";
import { ApiError, type Status } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject, Stored } from "../apimachinery/meta.ts";
import type { GetOptions, ListOptions, Reader, Watcher } from "../client/client.ts";
import type { Kind } from "../scheme/kind.ts";

/** Options of {@linkcode OnDemandCache}. */
export interface OnDemandCacheOptions {
  /** Most objects kept (all kinds together); the least recently read goes first. Default 1024. */
  maxEntries?: number;
  /** How long an entry may be served after it was fetched, ms. Default 300,000 (5 min). */
  ttlMs?: number;
  /** Time source of the TTL and of the watch restart backoff. Default the real clock. */
  clock?: Clock;
  /** Ends every watch when it aborts, as {@linkcode OnDemandCache.close} does. */
  signal?: AbortSignal;
  /** First delay before a failed watch is restarted, ms (doubling up to 30 s). Default 100. */
  retryMs?: number;
  /** Receives watch failures (the cache recovers by itself). Default: `console.error`. */
  onError?: (err: unknown, kind: Kind) => void;
  /**
   * Return deep copies (default true), so callers may mutate what they
   * read; false returns the cached objects, which callers must not mutate.
   */
  copy?: boolean;
}

interface Entry {
  obj: KubeObject;
  expiresAt: number;
}

/** A read in flight; marked stale if its object changes before it lands. */
interface Flight {
  stale: boolean;
}

/** The invalidating watch of one kind. */
interface KindWatch {
  kind: Kind;
  /** Prefix of this kind's entry keys. */
  prefix: string;
  /** True while a watch covers every entry that could be added now. */
  live: boolean;
  /** Resolves once the first watch attempt established or failed. */
  ready: Promise<void>;
  loop: Promise<void>;
}

function kindKey(kind: Kind): string {
  return `${kind.apiVersion}, Kind=${kind.kind}|`;
}

function clone<T>(obj: T): T {
  return JSON.parse(JSON.stringify(obj));
}

/**
 * A {@linkcode Reader} that fetches objects when first read and keeps them
 * in a bounded LRU, kept correct by a watch per kind.
 *
 * Expected flow: create over a client, `get` as from any Reader, `close()`
 * (or abort `options.signal`, or `await using`) to end the watches.
 *
 * Guarantees: the first read of a kind lists it with `limit: 1` (for the
 * current resourceVersion) and starts a watch from there, before reading;
 * from then on every ADDED, MODIFIED or DELETED event drops that object's
 * entry, so a read after a change is seen by the watch returns the new
 * state. A read whose object changes while it is in flight returns what it
 * read but is not cached. Entries expire after `ttlMs` and the least
 * recently read is evicted beyond `maxEntries`. NotFound is never cached:
 * every read of an absent object reaches the client (a reconciler waiting
 * for a Secret to appear sees it at once).
 *
 * Errors: a watch that fails (ERROR event, 410 Expired, a dropped
 * connection) is reported to `onError`; every entry of its kind is dropped
 * and the watch restarted after a backoff (100 ms doubling to 30 s). Until
 * it is back, reads of that kind go to the client and are not cached. A
 * watch that simply ends is resumed from its last resourceVersion.
 *
 * Caveats: like an informer, it trails the API by the watch delay — a read
 * right after a write through another client may return the entry from
 * before the write until the watch event arrives. The watch covers all
 * namespaces of the kind. `list` is not cached: it goes to the client.
 *
 * @example
 * ```ts
 * import { createRuntime, Secret } from "../../mod.ts";
 * import { OnDemandCache } from "./on_demand.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await rt.client.create(Secret, { metadata: { name: "tls", namespace: "default" }, stringData: { "tls.crt": "..." } });
 * await using cache = new OnDemandCache(rt.client, { maxEntries: 100, ttlMs: 60_000 });
 * const secret = await cache.get(Secret, "tls", { namespace: "default" });
 * assert.equal(secret.metadata.name, "tls");
 * assert.equal(cache.size, 1);
 * ```
 */
export class OnDemandCache implements Reader {
  readonly #client: Reader & Watcher;
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #retryMs: number;
  readonly #copy: boolean;
  readonly #onError: (err: unknown, kind: Kind) => void;
  readonly #stop = new AbortController();
  readonly #entries = new Map<string, Entry>();
  readonly #watches = new Map<string, KindWatch>();
  readonly #flights = new Map<string, Flight[]>();
  readonly #unlink: () => void;

  /** A cache over `client`; nothing is read or watched until the first `get`. */
  constructor(client: Reader & Watcher, options: OnDemandCacheOptions = {}) {
    this.#client = client;
    this.#maxEntries = options.maxEntries ?? 1024;
    this.#ttlMs = options.ttlMs ?? 300_000;
    if (!(this.#maxEntries >= 1)) {
      throw new RangeError(`maxEntries must be at least 1, got ${options.maxEntries}`);
    }
    if (!(this.#ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${options.ttlMs}`);
    this.#clock = options.clock ?? realClock;
    this.#retryMs = options.retryMs ?? 100;
    this.#copy = options.copy ?? true;
    this.#onError = options.onError ?? ((err, kind) => {
      console.error(
        `k1s on-demand cache (${kind.plural}): ${
          err instanceof Error ? err.message : String(err)
        }; restarting the watch`,
      );
    });
    const outer = options.signal;
    if (outer) {
      const onAbort = () => this.#stop.abort(outer.reason);
      if (outer.aborted) onAbort();
      else outer.addEventListener("abort", onAbort, { once: true });
      this.#unlink = () => outer.removeEventListener("abort", onAbort);
    } else this.#unlink = () => {};
  }

  /** Number of cached objects. */
  get size(): number {
    return this.#entries.size;
  }

  /** True once {@linkcode OnDemandCache.close} was called or the signal aborted. */
  get closed(): boolean {
    return this.#stop.signal.aborted;
  }

  /**
   * Reads one object: from the cache when present and fresh, otherwise from
   * the client (then cached). NotFound and other errors come from the
   * client and are not cached. A `resourceVersion` in `options` bypasses
   * the cache.
   */
  async get<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    options: GetOptions = {},
  ): Promise<Stored<T>> {
    const k = kind as unknown as Kind;
    const ns = k.scope === "Namespaced" ? options.namespace || "default" : "";
    if (this.closed) {
      throw new Error(
        `Cannot get ${k.plural} "${ns ? ns + "/" : ""}${name}": the on-demand cache is closed`,
      );
    }
    if (options.resourceVersion) return await this.#client.get(kind, name, options);
    const watch = this.#watchFor(k);
    const key = watch.prefix + ns + "/" + name;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      if (hit.expiresAt > this.#clock.now()) {
        this.#entries.set(key, hit); // most recently used
        return this.#out(hit.obj) as Stored<T>;
      }
    }
    await watch.ready;
    const flight: Flight = { stale: !watch.live };
    const flights = this.#flights.get(key);
    if (flights) flights.push(flight);
    else this.#flights.set(key, [flight]);
    let obj: Stored<T>;
    try {
      obj = await this.#client.get(kind, name, options);
    } finally {
      const left = this.#flights.get(key)!.filter((f) => f !== flight);
      if (left.length > 0) this.#flights.set(key, left);
      else this.#flights.delete(key);
    }
    if (flight.stale || !watch.live || this.closed) return obj;
    this.#entries.set(key, { obj, expiresAt: this.#clock.now() + this.#ttlMs });
    if (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return this.#copy ? clone(obj) : obj;
  }

  /** Lists objects from the client (not cached). */
  list<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: ListOptions,
  ): Promise<KubeList<Stored<T>>> {
    return this.#client.list(kind, options);
  }

  /** Ends every watch and empties the cache; later reads throw. */
  async close(): Promise<void> {
    this.#stop.abort(new Error("the on-demand cache was closed"));
    this.#unlink();
    await Promise.all([...this.#watches.values()].map((w) => w.loop));
    this.#entries.clear();
  }

  /** Same as {@linkcode OnDemandCache.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #out(obj: KubeObject): KubeObject {
    return this.#copy ? clone(obj) : obj;
  }

  #watchFor(kind: Kind): KindWatch {
    const prefix = kindKey(kind);
    let w = this.#watches.get(prefix);
    if (w) return w;
    let resolveReady = () => {};
    const ready = new Promise<void>((r) => (resolveReady = r));
    w = { kind, prefix, live: false, ready, loop: Promise.resolve() };
    this.#watches.set(prefix, w);
    w.loop = this.#run(w, resolveReady);
    return w;
  }

  /** Drops one object's entry and spoils reads of it in flight. */
  #invalidate(key: string): void {
    this.#entries.delete(key);
    const flights = this.#flights.get(key);
    if (flights) { for (const f of flights) f.stale = true; }
  }

  /** Drops every entry of a kind and spoils its reads in flight. */
  #invalidateKind(w: KindWatch): void {
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(w.prefix)) this.#entries.delete(key);
    }
    for (const [key, flights] of this.#flights) {
      if (key.startsWith(w.prefix)) { for (const f of flights) f.stale = true; }
    }
  }

  async #run(w: KindWatch, resolveReady: () => void): Promise<void> {
    const signal = this.#stop.signal;
    const kind = w.kind;
    let rv = "";
    let delay = this.#retryMs;
    while (!signal.aborted) {
      let progressed = false;
      try {
        if (!rv) {
          const head = await this.#client.list(kind, { limit: 1 });
          rv = head.metadata.resourceVersion ?? "";
          if (!rv) throw new Error(`the list of ${kind.plural} carried no resourceVersion`);
        }
        const events = this.#client.watch(kind, {
          resourceVersion: rv,
          allowWatchBookmarks: true,
          signal,
        });
        // Events after `rv` reach us, so reads from now on are covered.
        w.live = true;
        resolveReady();
        for await (const ev of events) {
          if (signal.aborted) break;
          if (ev.type === "ERROR") {
            const st = ev.object as unknown as Status;
            throw st && typeof st === "object" && st.kind === "Status"
              ? new ApiError(st)
              : new Error(`watch returned an ERROR event: ${JSON.stringify(ev.object)}`);
          }
          const meta = ev.object?.metadata;
          if (meta?.resourceVersion) rv = meta.resourceVersion;
          progressed = true;
          if (ev.type === "BOOKMARK" || !meta?.name) continue;
          const ns = kind.scope === "Namespaced" ? meta.namespace ?? "" : "";
          this.#invalidate(w.prefix + ns + "/" + meta.name);
        }
      } catch (err) {
        if (signal.aborted) break;
        w.live = false;
        rv = "";
        this.#invalidateKind(w);
        try {
          this.#onError(err, kind);
        } catch (e) {
          console.error("k1s on-demand cache: onError threw", e);
        }
      }
      resolveReady();
      if (signal.aborted) break;
      if (progressed) delay = this.#retryMs;
      await sleepOn(this.#clock, delay, signal);
      delay = Math.min(30_000, delay * 2);
    }
    w.live = false;
    resolveReady();
  }
}
