/**
 * `createRuntime()` wires a store, a scheme with the built-in kinds and the
 * caller's kinds, the registry and the in-process client, and makes sure the
 * `default` namespace exists.
 *
 * @module
 */
import { type Clock, realClock } from "./apimachinery/clock.ts";
import { ApiError } from "./apimachinery/errors.ts";
import { RegistryClient } from "./client/client.ts";
import type { Controller } from "./controller/controller.ts";
import {
  Manager,
  type ManagerOptions,
  type TriggeredOptions,
  type TriggeredReport,
} from "./controller/manager.ts";
import { eventTTLController } from "./system/event_ttl.ts";
import { garbageCollector } from "./system/garbage_collector.ts";
import { namespaceController } from "./system/namespace.ts";
import { Registry } from "./registry/registry.ts";
import { coreV1Kinds, Namespace, PROTECTED_NAMESPACES } from "./resources/core_v1.ts";
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

/** Options of {@linkcode createRuntime}. */
export interface RuntimeOptions {
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
  /** Close a Store passed in when the runtime is disposed. */
  ownStore?: boolean;
  /** How long events live after their last occurrence, in ms. Default one hour. */
  eventTTLMs?: number;
  /**
   * After every write through `client`, run the system controllers (and
   * those added with {@linkcode Runtime.addController}) until idle, so a
   * cascade (garbage collection, namespace deletion) is finished when the
   * call returns — what a short-lived CLI process wants. Default false.
   */
  settleAfterWrites?: boolean;
}

/** Options of {@linkcode Runtime.manager}. */
export interface RuntimeManagerOptions extends ManagerOptions {
  /** Include the garbage collector, namespace lifecycle and event expiry. Default true. */
  systemControllers?: boolean;
}

/** A running k1s: store, scheme, registry and client. Dispose it with `await using`. */
export class Runtime implements AsyncDisposable {
  /** The store. */
  readonly store: Store;
  /** The kinds served; add more while running with {@linkcode Runtime.registerKind}. */
  readonly scheme: Scheme;
  /** The API semantics. */
  readonly registry: Registry;
  /** The in-process typed client. */
  readonly client: RegistryClient;
  readonly #plain: RegistryClient;
  readonly #ownStore: boolean;
  readonly #clock: Clock;
  readonly #eventTTLMs: number | undefined;
  readonly #controllers: Controller[] = [];
  #settling: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** Use {@linkcode createRuntime}. */
  constructor(
    store: Store,
    scheme: Scheme,
    registry: Registry,
    ownStore: boolean,
    options: Pick<RuntimeOptions, "clock" | "eventTTLMs" | "settleAfterWrites"> = {},
  ) {
    this.store = store;
    this.scheme = scheme;
    this.registry = registry;
    this.#plain = new RegistryClient(registry);
    this.client = options.settleAfterWrites
      ? new RegistryClient(registry, { afterWrite: () => this.#settleAfterWrite() })
      : this.#plain;
    this.#ownStore = ownStore;
    this.#clock = options.clock ?? realClock;
    this.#eventTTLMs = options.eventTTLMs;
  }

  /**
   * New instances of the built-in controllers (garbage collector, namespace
   * lifecycle, event expiry) for the kinds served now.
   */
  systemControllers(): Controller[] {
    return [
      garbageCollector(this.scheme),
      namespaceController(this.scheme, this.registry, { clock: this.#clock }),
      eventTTLController({ clock: this.#clock, ttlMs: this.#eventTTLMs }),
    ];
  }

  /** Adds a controller that {@linkcode Runtime.settle} runs along with the system controllers. */
  addController(controller: Controller): void {
    this.#controllers.push(controller);
  }

  /**
   * A manager over this runtime with the system controllers (unless
   * `systemControllers: false`); add your controllers and `start` it.
   */
  manager(options: RuntimeManagerOptions = {}): Manager {
    const { systemControllers = true, ...rest } = options;
    const mgr = new Manager({ client: this.#plain, registry: this.registry, store: this.store }, {
      clock: this.#clock,
      ...rest,
    });
    if (systemControllers) {
      for (const c of this.systemControllers()) mgr.add(c);
    }
    return mgr;
  }

  /**
   * Runs the system controllers and those added with
   * {@linkcode Runtime.addController} in triggered mode: what changed since
   * their last run is reconciled until nothing is left to do.
   */
  settle(options: TriggeredOptions = {}): Promise<TriggeredReport> {
    const run = this.#settling.then(() => {
      const controllers = [...this.systemControllers(), ...this.#controllers];
      const name = "k1s:" + controllers.map((c) => c.name).sort().join(",");
      const mgr = this.manager({ name, systemControllers: false });
      for (const c of controllers) mgr.add(c);
      return mgr.runTriggered(options);
    });
    this.#settling = run.catch(() => {});
    return run;
  }

  async #settleAfterWrite(): Promise<void> {
    // The write itself succeeded; work that did not finish is picked up by the next settle.
    const report = await this.settle();
    if (!report.idle) {
      console.warn(`k1s: controllers did not settle: ${report.unfinished.join(", ")}`);
    }
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

  /** Closes the store if the runtime owns it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownStore) await this.store.close();
  }

  /** Same as {@linkcode Runtime.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens (or wraps) a store and serves the built-in and given kinds on it.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap, isNotFound } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await rt.client.create(ConfigMap, { metadata: { name: "app", namespace: "default" } });
 * await rt.client.delete(ConfigMap, "app", { namespace: "default" });
 * await assert.rejects(rt.client.get(ConfigMap, "app", { namespace: "default" }), isNotFound);
 * ```
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  let store: Store;
  let own = options.ownStore ?? false;
  if (typeof options.store === "string" || options.store === undefined) {
    const c = options.compaction;
    store = await openStore(options.store ?? "memory:", {
      durable: options.durable,
      compactKeep: c === false ? 0 : c?.retainRevisions,
    });
    own = true;
  } else store = options.store;
  if (options.tenant) store = withTenant(store, options.tenant);
  const scheme = new Scheme([...coreV1Kinds, ...(options.kinds ?? [])]);
  const registry = new Registry(store, scheme, {
    clock: options.clock,
    maxObjectBytes: options.maxObjectBytes,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });
  const rt = new Runtime(store, scheme, registry, own, options);
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
