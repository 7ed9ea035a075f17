/**
 * `createRuntimeCore()` wires a store, a scheme with the built-in kinds and
 * the caller's kinds, the registry and the in-process client, and makes sure
 * the `default` namespace exists — without loading informers, controllers or
 * the built-in controllers, so a short-lived process (a CLI command that only
 * reads, say) starts fast. `createRuntime()` builds on it.
 *
 * @module
 */
import type { Clock } from "./apimachinery/clock.ts";
import { ApiError } from "./apimachinery/errors.ts";
import { RegistryClient } from "./client/client.ts";
import { Registry } from "./registry/registry.ts";
import { coreV1Kinds, Namespace, PROTECTED_NAMESPACES } from "./resources/core_v1.ts";
import { apiextensionsV1Kinds } from "./apiextensions/crd.ts";
import { admissionregistrationV1Kinds } from "./resources/admissionregistration_v1.ts";
import { coordinationV1Kinds } from "./resources/coordination_v1.ts";
import { CRDRegistrar } from "./apiextensions/registrar.ts";
import type { Kind } from "./scheme/kind.ts";
import { Scheme } from "./scheme/scheme.ts";
import type { Store } from "./storage/types.ts";
import { openStore } from "./storage/url.ts";
import { withTenant } from "./storage/tenant.ts";

/** How a store opened by the runtime bounds its history. */
export interface CompactionOptions {
  /**
   * How many recent revisions stay watchable; older history is compacted
   * automatically as writes arrive. Default 10,000.
   */
  retainRevisions?: number;
}

/** Options of {@linkcode createRuntimeCore} (and of `createRuntime`, which adds its own). */
export interface RuntimeCoreOptions {
  /**
   * The store, or its URL: `memory:`, `sqlite:PATH`, `kv:PATH`. Default
   * `memory:`. A Store passed in is not closed by the runtime unless
   * `ownStore` is true.
   */
  store?: Store | string;
  /** Tenant: a key prefix isolating this runtime's objects from other tenants of the store. */
  tenant?: string;
  /** User kinds to serve besides the built-in ones. */
  kinds?: readonly Kind[];
  /** Time source. */
  clock?: Clock;
  /** Largest object accepted, in bytes. Default 1.5 MiB. */
  maxObjectBytes?: number;
  /** SQLite durability: synchronous=FULL. */
  durable?: boolean;
  /**
   * History bounding of a store opened from a URL; `false` turns it off. A
   * Store passed in keeps its own setting.
   */
  compaction?: CompactionOptions | false;
  /** Bookmark interval of watches, in ms. */
  bookmarkIntervalMs?: number;
  /**
   * How long a list or watch at a resourceVersion the store has not reached
   * waits for it before failing with "Too large resource version", in ms.
   * Default 3,000.
   */
  freshnessTimeoutMs?: number;
  /**
   * Open the store URL for reading only (see `OpenStoreOptions.readOnly`):
   * nothing is created, not even the `default` namespace; writes fail.
   */
  readOnly?: boolean;
  /** Close a Store passed in when the runtime is disposed. */
  ownStore?: boolean;
}

/**
 * Store, scheme, registry and client, without controllers. Dispose it with
 * `await using`. A `Runtime` (from `createRuntime`) is a RuntimeCore that
 * also runs controllers.
 */
export class RuntimeCore implements AsyncDisposable {
  /** The store. */
  readonly store: Store;
  /** The kinds served; add more while running with {@linkcode RuntimeCore.registerKind}. */
  readonly scheme: Scheme;
  /** The API semantics. */
  readonly registry: Registry;
  /** The in-process typed client. */
  readonly client: RegistryClient;
  /**
   * Serves the kinds of the store's CustomResourceDefinitions: read when the
   * runtime opens and after CRD writes through {@linkcode RuntimeCore.client};
   * `crds.start(signal)` follows CRDs other processes write.
   */
  readonly crds: CRDRegistrar;
  readonly #ownStore: boolean;
  readonly #closing = new AbortController();
  readonly #tasks = new Set<Promise<unknown>>();
  #closed: Promise<void> | undefined;

  /** Use {@linkcode createRuntimeCore} (or `createRuntime`). */
  constructor(
    store: Store,
    scheme: Scheme,
    registry: Registry,
    ownStore: boolean,
    client?: RegistryClient,
  ) {
    this.store = store;
    this.scheme = scheme;
    this.registry = registry;
    this.crds = new CRDRegistrar(registry, scheme, {
      onError: (crd, err) =>
        console.warn(
          `k1s: cannot serve the kinds of CustomResourceDefinition ${crd.metadata.name}: ${
            err instanceof Error ? err.message : String(err)
          }`,
        ),
    });
    this.client = client ?? new RegistryClient(registry, {
      afterWrite: (kind) => kind === apiextensionsV1Kinds[0] ? () => this.crds.sync() : undefined,
    });
    this.#ownStore = ownStore;
  }

  /**
   * Follows the store's CRDs while `signal` lasts: the scheme serves the
   * kinds of every established CRD, whichever process wrote it. (A
   * `Runtime` also names and establishes new CRDs.)
   */
  async followCRDs(signal: AbortSignal): Promise<void> {
    await this.hold(this.crds.start(AbortSignal.any([signal, this.closing])));
  }

  /**
   * Aborted when {@linkcode RuntimeCore.close} begins. Managers, informers
   * and leader elections over this runtime stop on it, and `close` waits
   * for them (see {@linkcode RuntimeCore.hold}) before it closes the store.
   */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /**
   * Makes {@linkcode RuntimeCore.close} wait for `work` (something running
   * until {@linkcode RuntimeCore.closing} aborts, such as a manager's
   * `start`) before it closes the store; returns `work`.
   */
  hold<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(() => {}, () => {});
    this.#tasks.add(settled);
    settled.then(() => this.#tasks.delete(settled));
    return work;
  }

  /** Serves a new kind (or replaces one) while running. */
  registerKind(kind: Kind): void {
    this.scheme.register(kind);
  }

  /** Stops serving a kind. Its stored objects stay in the store. */
  unregisterKind(kind: Kind): boolean {
    return this.scheme.unregister(kind);
  }

  /**
   * Forgets history older than the newest `retainRevisions` revisions;
   * watches from before that point then fail with 410 Expired.
   */
  async compact(retainRevisions = 10_000): Promise<number> {
    const current = await this.store.currentRevision();
    const compacted = await this.store.compactedRevision();
    const target = current - retainRevisions;
    if (target > compacted) await this.store.compact(target);
    return Math.max(target, compacted);
  }

  /**
   * Stops what runs over this runtime (managers, informers, elections: they
   * see {@linkcode RuntimeCore.closing} abort and shut down as on their own
   * signal), waits for them, then closes the store if the runtime owns it.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing.abort(new Error("the runtime is closing"));
      while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
      if (this.#ownStore) await this.store.close();
    })();
    return this.#closed;
  }

  /** Same as {@linkcode RuntimeCore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens (or wraps) the store, builds scheme and registry, lets `make` build
 * the runtime object, and makes sure the protected namespaces exist.
 * Shared by {@linkcode createRuntimeCore} and `createRuntime`.
 */
export async function openRuntimeParts<R extends RuntimeCore>(
  options: RuntimeCoreOptions,
  make: (store: Store, scheme: Scheme, registry: Registry, own: boolean) => R,
): Promise<R> {
  let store: Store;
  let own = options.ownStore ?? false;
  if (typeof options.store === "string" || options.store === undefined) {
    const c = options.compaction;
    store = await openStore(options.store ?? "memory:", {
      durable: options.durable,
      compactKeep: c === false ? 0 : c?.retainRevisions,
      readOnly: options.readOnly,
    });
    own = true;
  } else store = options.store;
  if (options.tenant) store = withTenant(store, options.tenant);
  const scheme = new Scheme([
    ...coreV1Kinds,
    ...apiextensionsV1Kinds,
    ...admissionregistrationV1Kinds,
    ...coordinationV1Kinds,
    ...(options.kinds ?? []),
  ]);
  const registry = new Registry(store, scheme, {
    clock: options.clock,
    maxObjectBytes: options.maxObjectBytes,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    freshnessTimeoutMs: options.freshnessTimeoutMs,
  });
  const rt = make(store, scheme, registry, own);
  try {
    await rt.crds.sync();
  } catch (err) {
    await rt.close();
    throw err;
  }
  if (options.readOnly) return rt;
  try {
    for (const name of PROTECTED_NAMESPACES) {
      try {
        await registry.get(Namespace, name);
      } catch (err) {
        if (!(err instanceof ApiError && err.reason === "NotFound")) throw err;
        try {
          await registry.create(Namespace, { metadata: { name } });
        } catch (e) {
          if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
        }
      }
    }
  } catch (err) {
    await rt.close();
    throw err;
  }
  return rt;
}

/**
 * Opens (or wraps) a store and serves the built-in and given kinds on it,
 * without controllers.
 *
 * @example
 * ```ts
 * import { ConfigMap, createRuntimeCore } from "./core.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntimeCore({ store: "memory:" });
 * await rt.client.create(ConfigMap, { metadata: { name: "app", namespace: "default" } });
 * const list = await rt.client.list(ConfigMap, { namespace: "default" });
 * assert.deepEqual(list.items.map((c) => c.metadata.name), ["app"]);
 * ```
 */
export function createRuntimeCore(options: RuntimeCoreOptions = {}): Promise<RuntimeCore> {
  return openRuntimeParts(
    options,
    (store, scheme, registry, own) => new RuntimeCore(store, scheme, registry, own),
  );
}
