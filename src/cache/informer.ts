/**
 * Shared informers: one reflector per kind feeding an indexed store and any
 * number of event handlers; a factory that shares them; and a cache-backed
 * {@linkcode Reader}. client-go's `SharedIndexInformer` and
 * `SharedInformerFactory`, controller-runtime's informer cache.
 *
 * @module
 */
import type { Clock } from "../apimachinery/clock.ts";
import { ApiError } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject, Stored } from "../apimachinery/meta.ts";
import type { GetOptions, IndexedListOptions, Reader, Watcher } from "../client/client.ts";
import { compileSelectors } from "../registry/selection.ts";
import type { Kind } from "../scheme/kind.ts";
import { Indexer, type IndexFunc, NAMESPACE_INDEX, objectKeyOf } from "./indexer.ts";
import {
  type BackoffOptions,
  type ListerWatcher,
  Reflector,
  type ReflectorSink,
} from "./reflector.ts";
import { type CacheScope, scopedListerWatcher } from "./scope.ts";

/**
 * Callbacks of an informer. They run synchronously, in event order, after
 * the store has been updated; a thrown error or rejected promise is
 * reported to the informer's `onError` and does not stop anything (a
 * returned promise is not awaited, but its rejection is reported too).
 */
export interface EventHandler<T extends KubeObject> {
  /** An object appeared; `isInInitialList` is true for the objects of the first list. */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** An object changed. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** An object went away; `obj` is its last known state. */
  onDelete?(obj: T): void;
}

/** What {@linkcode SharedInformer.addEventHandler} returns. */
export interface HandlerRegistration {
  /** Stops delivering events to the handler. */
  remove(): void;
  /** True once the handler has been given every object of the initial list. */
  hasSynced(): boolean;
}

/** Options of {@linkcode SharedInformer}. */
export interface SharedInformerOptions<T extends KubeObject> {
  /** Extra indexes of the store. */
  indexers?: Record<string, IndexFunc<T>>;
  /** Time source (backoff). */
  clock?: Clock;
  /** Backoff of the reflector. */
  backoff?: BackoffOptions;
  /** Receives reflector errors and handler failures. Default: `console.error`. */
  onError?: (err: unknown) => void;
  /** Used in default error reports, e.g. the kind's plural. */
  name?: string;
  /**
   * Runs on every object before it enters the store (the first list,
   * relists and every event), as client-go's `SetTransform`: strip what
   * handlers and readers never need (see {@linkcode stripForCache}) to cut
   * memory. It must keep `metadata.name`, `namespace` and
   * `resourceVersion`, and may change the object it is given.
   */
  transform?: (obj: T) => T;
}

interface RevisionWaiter {
  rev: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function rvNumber(rv: string): number {
  if (!rv) return NaN;
  const n = Number(rv);
  return Number.isSafeInteger(n) ? n : NaN;
}

function waitSignal<T>(
  signal: AbortSignal | undefined,
  register: (resolve: () => void, reject: (e: unknown) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let unregister = () => {};
    const onAbort = () => {
      unregister();
      reject(signal!.reason);
    };
    unregister = register(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(undefined as T);
    }, (e) => {
      signal?.removeEventListener("abort", onAbort);
      reject(e);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * One list+watch of a set of objects, kept in an indexed store and fanned
 * out to event handlers.
 *
 * Expected flow: create, add handlers, `start(signal)`, `await
 * waitForSync()`, then read `store` and react in handlers.
 *
 * Guarantees: handlers see every change in resourceVersion order, after the
 * store reflects it. After a relist (410 Expired) they get adds, updates
 * (only for objects whose resourceVersion changed — client-go also sends
 * unchanged ones; k1s has no resync period) and deletes computed against the
 * previous cache. A handler added after sync first receives an add (with
 * `isInInitialList: true`) for every cached object, as in client-go.
 *
 * Caveats: `store` holds the objects as received; it is read-only for
 * callers (mutating a cached object corrupts indexes and what other
 * readers see). Handlers run synchronously on the event path: long work
 * belongs in a work queue.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { listerWatcherFor } from "./reflector.ts";
 * import { SharedInformer } from "./informer.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * const informer = new SharedInformer(listerWatcherFor(rt.client, ConfigMap));
 * const seen: string[] = [];
 * informer.addEventHandler({ onAdd: (cm) => seen.push(cm.metadata.name!) });
 * const stop = new AbortController();
 * const running = informer.start(stop.signal);
 * await informer.waitForSync();
 * const cm = await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
 * await informer.waitForRevision(Number(cm.metadata.resourceVersion));
 * assert.deepEqual(seen, ["a"]);
 * assert.equal(informer.store.getByName("default", "a")?.metadata.name, "a");
 * stop.abort();
 * await running;
 * ```
 */
export class SharedInformer<T extends KubeObject> {
  /** The cache. Read-only for callers: do not mutate it or the objects in it. */
  readonly store: Indexer<T>;
  readonly #lw: ListerWatcher<T>;
  readonly #options: SharedInformerOptions<T>;
  readonly #onError: (err: unknown) => void;
  readonly #transform: ((obj: T) => T) | undefined;
  #handlers: { handler: EventHandler<T> }[] = [];
  #synced = false;
  #started = false;
  #stopped = false;
  #revision = 0;
  #syncWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #revWaiters: RevisionWaiter[] = [];
  #reflector: Reflector<T> | undefined;

  /** An informer over `lw`; nothing happens until {@linkcode SharedInformer.start}. */
  constructor(lw: ListerWatcher<T>, options: SharedInformerOptions<T> = {}) {
    this.#lw = lw;
    this.#options = options;
    this.#transform = options.transform;
    this.store = new Indexer<T>({ indexers: options.indexers });
    const name = options.name ?? "objects";
    this.#onError = options.onError ?? ((err) => {
      console.error(
        `k1s informer (${name}): ${err instanceof Error ? err.message : String(err)}`,
      );
    });
  }

  /** True once {@linkcode SharedInformer.start} has been called. */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Adds indexes; before start they are simply declared, after start they
   * are built from the current store. A name already used by a different
   * function throws.
   */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.store.addIndexers(indexers);
  }

  /**
   * Registers a handler. If objects are already cached, it first receives an
   * add for each (synchronously, with `isInInitialList: true`).
   */
  addEventHandler(handler: EventHandler<T>): HandlerRegistration {
    const reg = { handler };
    // Copy on write: a dispatch in progress keeps iterating the old array.
    this.#handlers = [...this.#handlers, reg];
    if (handler.onAdd && this.store.size > 0) {
      for (const obj of this.store.list()) {
        this.#call(() => handler.onAdd!(obj, true));
      }
    }
    return {
      remove: () => {
        this.#handlers = this.#handlers.filter((r) => r !== reg);
      },
      hasSynced: () => this.#synced,
    };
  }

  /** True once the first list is in the store and was given to the handlers. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /**
   * Resolves once synced; rejects when `signal` aborts or the informer stops
   * before syncing.
   */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    if (this.#stopped) return Promise.reject(this.#stoppedError("sync"));
    return waitSignal<void>(signal, (resolve, reject) => {
      const w = { resolve, reject };
      this.#syncWaiters.push(w);
      return () => {
        this.#syncWaiters = this.#syncWaiters.filter((x) => x !== w);
      };
    });
  }

  /**
   * The highest store revision applied: the resourceVersion of the last
   * list, event or bookmark (0 before sync, or for non-numeric versions).
   */
  lastSyncRevision(): number {
    return this.#revision;
  }

  /**
   * Resolves once the cache has applied everything up to store revision
   * `rev` — e.g. the resourceVersion a write returned, for read-your-writes.
   * For an informer with selectors or a namespace, other objects' writes
   * only advance it through bookmarks. Rejects when `signal` aborts or the
   * informer stops.
   */
  waitForRevision(rev: number, signal?: AbortSignal): Promise<void> {
    if (this.#synced && this.#revision >= rev) return Promise.resolve();
    if (this.#stopped) return Promise.reject(this.#stoppedError(`revision ${rev}`));
    return waitSignal<void>(signal, (resolve, reject) => {
      const w: RevisionWaiter = { rev, resolve, reject };
      this.#revWaiters.push(w);
      return () => {
        this.#revWaiters = this.#revWaiters.filter((x) => x !== w);
      };
    });
  }

  /** Runs the reflector until `signal` aborts. An informer runs once. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#started) throw new Error("Cannot start informer: it was already started");
    this.#started = true;
    this.#reflector = new Reflector<T>(this.#lw, this.#sink(), {
      clock: this.#options.clock,
      backoff: this.#options.backoff,
      onError: this.#onError,
      name: this.#options.name,
    });
    try {
      await this.#reflector.start(signal);
    } finally {
      this.#stopped = true;
      const err = this.#stoppedError("it");
      for (const w of this.#syncWaiters.splice(0)) w.reject(err);
      for (const w of this.#revWaiters.splice(0)) w.reject(err);
    }
  }

  #stoppedError(what: string): Error {
    return new Error(`Cannot wait for ${what}: the informer stopped`);
  }

  #call(fn: () => unknown): void {
    try {
      const r = fn();
      if (r && typeof (r as Promise<void>).then === "function") {
        (r as Promise<void>).then(undefined, (err) => this.#report(err));
      }
    } catch (err) {
      this.#report(err);
    }
  }

  #report(err: unknown): void {
    try {
      this.#onError(err);
    } catch (e) {
      console.error("k1s informer: onError threw", e);
    }
  }

  #advance(rv: string): void {
    const n = rvNumber(rv);
    if (n > this.#revision) this.#revision = n;
    if (!this.#synced || this.#revWaiters.length === 0) return;
    const due = this.#revWaiters.filter((w) => w.rev <= this.#revision);
    if (due.length === 0) return;
    this.#revWaiters = this.#revWaiters.filter((w) => w.rev > this.#revision);
    for (const w of due) w.resolve();
  }

  #notifyAdd(obj: T, initial: boolean): void {
    for (const { handler } of this.#handlers) {
      if (handler.onAdd) this.#call(() => handler.onAdd!(obj, initial));
    }
  }

  #notifyUpdate(old: T, obj: T): void {
    for (const { handler } of this.#handlers) {
      if (handler.onUpdate) this.#call(() => handler.onUpdate!(old, obj));
    }
  }

  #notifyDelete(obj: T): void {
    for (const { handler } of this.#handlers) {
      if (handler.onDelete) this.#call(() => handler.onDelete!(obj));
    }
  }

  #upsert(obj: T, rv: string): void {
    if (this.#transform) obj = this.#transform(obj);
    const old = this.store.get(objectKeyOf(obj));
    this.store.add(obj);
    if (old === undefined) this.#notifyAdd(obj, false);
    else this.#notifyUpdate(old, obj);
    this.#advance(rv);
  }

  #sink(): ReflectorSink<T> {
    return {
      replace: (items, rv) => {
        const transform = this.#transform;
        if (transform) items = items.map(transform);
        const initial = !this.#synced;
        const store = this.store;
        const olds: (T | undefined)[] = new Array(items.length);
        let gone: T[] = [];
        if (store.size > 0) {
          const present = new Set<string>();
          for (let i = 0; i < items.length; i++) {
            const key = objectKeyOf(items[i]);
            present.add(key);
            olds[i] = store.get(key);
          }
          gone = store.list().filter((o) => !present.has(objectKeyOf(o)));
        }
        store.replace(items);
        // Handlers see a consistent store: everything is replaced first.
        const handlers = this.#handlers;
        if (handlers.length > 0) {
          for (let i = 0; i < items.length; i++) {
            const old = olds[i];
            const obj = items[i];
            if (old === undefined) this.#notifyAdd(obj, initial);
            else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
              this.#notifyUpdate(old, obj);
            }
          }
          for (const obj of gone) this.#notifyDelete(obj);
        }
        this.#synced = true;
        this.#advance(rv);
        for (const w of this.#syncWaiters.splice(0)) w.resolve();
      },
      add: (obj, rv) => this.#upsert(obj, rv),
      update: (obj, rv) => this.#upsert(obj, rv),
      delete: (obj, rv) => {
        if (this.#transform) obj = this.#transform(obj);
        this.store.delete(obj);
        this.#notifyDelete(obj);
        this.#advance(rv);
      },
      bookmark: (rv) => this.#advance(rv),
    };
  }
}

/** Options of {@linkcode InformerFactory}. */
export interface InformerFactoryOptions {
  /** Time source (backoff). */
  clock?: Clock;
  /** Backoff of every reflector. */
  backoff?: BackoffOptions;
  /**
   * Receives every reflector error and handler failure, with the kind.
   * Default: `console.error` naming the kind.
   */
  onError?: (err: unknown, kind: Kind) => void;
  /** Indexes to declare on every informer, per kind. */
  indexers?: (kind: Kind) => Record<string, IndexFunc<KubeObject>> | undefined;
  /**
   * What the cache of a kind holds: namespaces, selectors, transform
   * (controller-runtime's `ByObject`). Undefined: every object of the kind.
   */
  scope?: (kind: Kind) => CacheScope | undefined;
  /**
   * A transform for every kind whose scope names none (controller-runtime's
   * `DefaultTransform`), e.g. `stripForCache()`.
   */
  defaultTransform?: (obj: KubeObject) => KubeObject;
}

/** Options of {@linkcode InformerFactory.informerFor}. */
export interface InformerForOptions<T extends KubeObject> {
  /**
   * Indexes this caller needs. Before start they are merged into the
   * informer's; after start a new index name is built from the current
   * store. The same name with a different function throws (use
   * {@linkcode fieldIndex}, which returns one function per path).
   */
  indexers?: Record<string, IndexFunc<T>>;
}

function kindKey(kind: Kind): string {
  return `${kind.apiVersion}, Kind=${kind.kind}`;
}

/**
 * Shares one informer per kind between every caller, as client-go's
 * `SharedInformerFactory`. Informers cover all namespaces.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { InformerFactory } from "./informer.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * const factory = new InformerFactory(rt.client);
 * const a = factory.informerFor(ConfigMap);
 * assert.equal(factory.informerFor(ConfigMap), a);
 * const stop = new AbortController();
 * const running = factory.start(stop.signal);
 * await factory.waitForSync();
 * assert.ok(a.hasSynced());
 * stop.abort();
 * await running;
 * ```
 */
export class InformerFactory {
  readonly #client: Reader & Watcher;
  readonly #options: InformerFactoryOptions;
  readonly #informers = new Map<string, SharedInformer<KubeObject>>();
  readonly #running: Promise<void>[] = [];
  #signal: AbortSignal | undefined;

  /** A factory over `client` (a Client, or anything that can list and watch). */
  constructor(client: Reader & Watcher, options: InformerFactoryOptions = {}) {
    this.#client = client;
    this.#options = options;
  }

  /** True once {@linkcode InformerFactory.start} has been called (and its signal not aborted). */
  get started(): boolean {
    return this.#signal !== undefined && !this.#signal.aborted;
  }

  /**
   * The informer of `kind`, created on first use; started at once if the
   * factory is running.
   */
  informerFor<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options: InformerForOptions<T> = {},
  ): SharedInformer<T> {
    const key = kindKey(kind);
    let inf = this.#informers.get(key) as SharedInformer<T> | undefined;
    if (!inf) {
      const onError = this.#options.onError;
      const base = this.#options.indexers?.(kind as unknown as Kind) as
        | Record<string, IndexFunc<T>>
        | undefined;
      const scope = this.scopeOf(kind);
      const transform = (scope?.transform ?? this.#options.defaultTransform) as
        | ((obj: T) => T)
        | undefined;
      inf = new SharedInformer<T>(scopedListerWatcher(this.#client, kind, scope), {
        clock: this.#options.clock,
        backoff: this.#options.backoff,
        indexers: base,
        transform,
        name: kind.group ? `${kind.plural}.${kind.group}` : kind.plural,
        onError: onError ? (err) => onError(err, kind as unknown as Kind) : undefined,
      });
      this.#informers.set(key, inf as unknown as SharedInformer<KubeObject>);
      if (this.started) this.#run(inf);
    }
    if (options.indexers) inf.addIndexers(options.indexers);
    return inf;
  }

  /**
   * The cached object of `kind` under `key` (`namespace/name`), without
   * creating an informer for a kind that has none.
   */
  cachedObject<T extends KubeObject, In>(kind: Kind<T, In>, key: string): T | undefined {
    return this.#informers.get(kindKey(kind as unknown as Kind))?.store.get(key) as T | undefined;
  }

  /** What the cache of `kind` holds (the `scope` option), if limited. */
  scopeOf<T extends KubeObject, In>(kind: Kind<T, In>): CacheScope<T> | undefined {
    return this.#options.scope?.(kind as unknown as Kind) as CacheScope<T> | undefined;
  }

  /**
   * Indexes objects of `kind` by the values `extract` returns, under
   * `name`, as controller-runtime's `FieldIndexer.IndexField`: before the
   * informer starts it is declared; after, built from the cache. Query it
   * with `CacheReader.list(kind, { index: { name, value } })`, or with a
   * field selector `name=value`.
   *
   * @example
   * ```ts
   * import { createRuntime, ConfigMap } from "../../mod.ts";
   * import { CacheReader, InformerFactory } from "./informer.ts";
   * import assert from "node:assert/strict";
   *
   * await using rt = await createRuntime();
   * await rt.client.create(ConfigMap, { metadata: { name: "a" }, data: { owner: "ann" } });
   * await rt.client.create(ConfigMap, { metadata: { name: "b" }, data: { owner: "bob" } });
   * const factory = new InformerFactory(rt.client);
   * factory.indexField(ConfigMap, "data.owner", (cm) => cm.data?.owner ? [cm.data.owner] : []);
   * const stop = new AbortController();
   * const running = factory.start(stop.signal);
   * const cache = new CacheReader(factory);
   * const list = await cache.list(ConfigMap, { index: { name: "data.owner", value: "bob" } });
   * assert.deepEqual(list.items.map((o) => o.metadata.name), ["b"]);
   * stop.abort();
   * await running;
   * ```
   */
  indexField<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    extract: (obj: T) => string[],
  ): void {
    // Kept as `field:<name>`, as controller-runtime does, so no name clashes with the
    // built-in `namespace` and `owner` indexes.
    this.informerFor(kind, { indexers: { [fieldIndexName(name)]: extract } });
  }

  /**
   * The informer of `kind`, started and synced. Throws if the factory is not
   * running, since nothing would ever fill the cache.
   */
  async syncedInformerFor<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options: InformerForOptions<T> = {},
  ): Promise<SharedInformer<T>> {
    if (!this.started) {
      throw new Error(
        `Cannot read ${kind.plural} from the cache: the informer factory is not started ` +
          `(call factory.start(signal) first)`,
      );
    }
    const inf = this.informerFor(kind, options);
    if (!inf.hasSynced()) await inf.waitForSync(this.#signal);
    return inf;
  }

  /**
   * Starts every informer made so far and any made later; resolves once
   * `signal` aborts and they have all stopped.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#signal) throw new Error("Cannot start informer factory: it was already started");
    this.#signal = signal;
    for (const inf of this.#informers.values()) this.#run(inf);
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    // Informers created while stopping are in #running too.
    for (let i = 0; i < this.#running.length; i++) await this.#running[i];
  }

  /**
   * Resolves once every informer made so far has synced; rejects when
   * `signal` aborts or an informer stops first.
   */
  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.#informers.values()].map((inf) => inf.waitForSync(signal)));
  }

  #run<T extends KubeObject>(inf: SharedInformer<T>): void {
    if (inf.started) return;
    this.#running.push(
      inf.start(this.#signal!).catch((err) => {
        console.error("k1s informer factory: informer failed", err);
      }),
    );
  }
}

/** The store index behind a name given to `indexField`. */
function fieldIndexName(name: string): string {
  return `field:${name}`;
}

/** Options of {@linkcode CacheReader.list}: the API's, plus an index to read. */
export type CacheListOptions = IndexedListOptions;

/** Options of {@linkcode CacheReader}. */
export interface CacheReaderOptions {
  /**
   * Return deep copies (default true), as controller-runtime does; false
   * returns the cached objects themselves, which callers must not mutate.
   */
  copy?: boolean;
}

/**
 * A {@linkcode Reader} over shared informers: reads never reach the API.
 * Informers are created on first read of a kind (the factory must be
 * started), and reads wait until that informer has synced.
 *
 * Results are deep copies by default, so callers may mutate them (as
 * controller-runtime's cache). Copies use `JSON.parse(JSON.stringify(o))`:
 * cached objects are plain JSON (they come from the API as JSON), and for
 * such objects V8's JSON round trip measured faster than `structuredClone`
 * (which also walks for non-JSON types and transfer lists). Pass
 * `{ copy: false }` to get the cached objects themselves.
 *
 * Differences from the registry: `continue` is refused (BadRequest) and
 * `limit` truncates without a continue token, as controller-runtime's cache.
 * The list resourceVersion is the informer's {@linkcode SharedInformer.lastSyncRevision}.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap, isNotFound } from "../../mod.ts";
 * import { CacheReader, InformerFactory } from "./informer.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default", labels: { app: "web" } } });
 * const factory = new InformerFactory(rt.client);
 * const stop = new AbortController();
 * const running = factory.start(stop.signal);
 * const cache = new CacheReader(factory);
 * const list = await cache.list(ConfigMap, { namespace: "default", labelSelector: "app=web" });
 * assert.deepEqual(list.items.map((o) => o.metadata.name), ["a"]);
 * await assert.rejects(cache.get(ConfigMap, "b", { namespace: "default" }), isNotFound);
 * stop.abort();
 * await running;
 * ```
 */
export class CacheReader implements Reader {
  readonly #factory: InformerFactory;
  readonly #copy: boolean;

  /** A reader over `factory`'s informers. */
  constructor(factory: InformerFactory, options: CacheReaderOptions = {}) {
    this.#factory = factory;
    this.#copy = options.copy ?? true;
  }

  /**
   * Reads one object from the cache; NotFound (as the API says it) if
   * absent. A namespace the cache does not hold is an error, as in
   * controller-runtime.
   */
  async get<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    options: GetOptions = {},
  ): Promise<Stored<T>> {
    if (!name) throw ApiError.badRequest("resource name may not be empty");
    const ns = kind.scope === "Namespaced" ? options.namespace || "default" : undefined;
    this.#checkNamespace(kind, ns, () => `unable to get: ${ns}/${name}`);
    const inf = await this.#factory.syncedInformerFor(kind);
    const obj = inf.store.getByName(ns, name);
    if (obj === undefined) {
      throw ApiError.notFound({ group: kind.group, resource: kind.plural, name });
    }
    return (this.#copy ? clone(obj) : obj) as Stored<T>;
  }

  /**
   * Lists objects from the cache, in namespace/name order, filtered by
   * selectors. `index` reads an index (see
   * {@linkcode InformerFactory.indexField}); so does a field selector
   * `name=value` whose name is an index (controller-runtime's
   * `MatchingFields`).
   */
  async list<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options: CacheListOptions = {},
  ): Promise<KubeList<Stored<T>>> {
    if (options.continue) {
      throw ApiError.badRequest("the continue list option is not supported by the cache");
    }
    const limit = options.limit ?? 0;
    if (limit < 0 || !Number.isInteger(limit)) {
      throw ApiError.badRequest(`limit must be a non-negative integer, got ${options.limit}`);
    }
    const ns = kind.scope === "Namespaced" ? options.namespace || undefined : undefined;
    this.#checkNamespace(kind, ns, () => `unable to list: ${ns}`);
    const inf = await this.#factory.syncedInformerFor(kind);
    const store = inf.store;
    let index = options.index;
    let fieldSelector = options.fieldSelector;
    if (!index && typeof fieldSelector === "string" && /^[^,!=]+==?[^,!=]*$/.test(fieldSelector)) {
      const [field, value] = fieldSelector.split(/==?/);
      if (store.hasIndex(fieldIndexName(field.trim()))) {
        index = { name: field.trim(), value: value.trim() };
        fieldSelector = undefined;
      }
    }
    const pred = compileSelectors(kind, options.labelSelector, fieldSelector);
    let source: T[];
    if (index) {
      // A name registered with indexField, or a built-in index (`namespace`, `owner`).
      const name = store.hasIndex(fieldIndexName(index.name))
        ? fieldIndexName(index.name)
        : index.name;
      if (!store.hasIndex(name)) {
        throw new Error(`index with name ${index.name} does not exist`);
      }
      source = store.byIndex(name, index.value);
      if (ns) source = source.filter((o) => o.metadata.namespace === ns);
    } else {
      source = ns ? store.byIndex(NAMESPACE_INDEX, ns) : store.list();
    }
    const matched: { key: string; obj: T }[] = [];
    for (const obj of source) {
      if (!pred || pred(obj)) matched.push({ key: objectKeyOf(obj), obj });
    }
    matched.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const take = limit ? matched.slice(0, limit) : matched;
    return {
      apiVersion: kind.apiVersion,
      kind: kind.listKind,
      metadata: { resourceVersion: String(inf.lastSyncRevision()) },
      items: take.map((m) => (this.#copy ? clone(m.obj) : m.obj) as Stored<T>),
    };
  }

  #checkNamespace(kind: Kind<KubeObject, unknown>, ns: string | undefined, what: () => string) {
    const held = this.#factory.scopeOf(kind)?.namespaces;
    if (ns === undefined || !held?.length || held.includes(ns)) return;
    throw new Error(`${what()} because of unknown namespace for the cache`);
  }
}

function clone<T>(obj: T): T {
  return JSON.parse(JSON.stringify(obj));
}
