/**
 * `createRuntime()`: what `createRuntimeCore()` wires (store, scheme,
 * registry, client, the `default` namespace) plus controllers — the built-in
 * ones, a manager, and triggered runs.
 *
 * @module
 */
import { type Clock, realClock } from "./apimachinery/clock.ts";
import { RegistryClient } from "./client/client.ts";
import type { Controller } from "./controller/controller.ts";
import {
  CONTROLLERS_LEASE,
  Manager,
  type ManagerOptions,
  type TriggeredOptions,
  type TriggeredReport,
} from "./controller/manager.ts";
import { eventTTLController } from "./system/event_ttl.ts";
import { garbageCollector } from "./system/garbage_collector.ts";
import { namespaceController } from "./system/namespace.ts";
import { crdController } from "./system/crd.ts";
import { CustomResourceDefinition } from "./apiextensions/crd.ts";
import type { Registry } from "./registry/registry.ts";
import { ignoreNotFound } from "./apimachinery/errors.ts";
import { Lease } from "./resources/coordination_v1.ts";
import type { Scheme } from "./scheme/scheme.ts";
import type { Store } from "./storage/types.ts";
import { openRuntimeParts, RuntimeCore, type RuntimeCoreOptions } from "./runtime_core.ts";

/** Options of {@linkcode createRuntime}. */
export interface RuntimeOptions extends RuntimeCoreOptions {
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

/**
 * A running k1s: store, scheme, registry and client (see
 * {@linkcode RuntimeCore}) plus controllers: the built-in ones, a manager to
 * run them, and triggered runs ({@linkcode Runtime.settle}). Dispose it with
 * `await using`.
 */
export class Runtime extends RuntimeCore {
  readonly #plain: RegistryClient;
  readonly #clock: Clock;
  readonly #eventTTLMs: number | undefined;
  readonly #controllers: Controller[] = [];
  #settling: Promise<unknown> = Promise.resolve();

  /** Use {@linkcode createRuntime}. */
  constructor(
    store: Store,
    scheme: Scheme,
    registry: Registry,
    ownStore: boolean,
    options: Pick<RuntimeOptions, "clock" | "eventTTLMs" | "settleAfterWrites"> = {},
  ) {
    const plain = new RegistryClient(registry);
    // The after-write hook needs the runtime, which exists only after super().
    const self: { rt?: Runtime } = {};
    const settle = options.settleAfterWrites;
    // A CRD written through the client is established and served when the call returns.
    const client = new RegistryClient(registry, {
      afterWrite: (kind) => {
        const crd = kind === CustomResourceDefinition;
        if (!settle && !crd) return undefined;
        return async () => {
          if (settle) await self.rt!.#settleAfterWrite();
          else await self.rt!.#establish();
          if (crd) await self.rt!.crds.sync();
        };
      },
    });
    super(store, scheme, registry, ownStore, client);
    self.rt = this;
    this.#plain = plain;
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
   * The manager of this runtime: the built-in controllers (garbage
   * collector, namespace lifecycle, event expiry; unless
   * `systemControllers: false`) plus those you add. Add yours, then
   * `start(signal, { leaderElection: {} })` it in a long-running process.
   * It stops when the runtime closes. (`new Manager(rt)` is a bare manager
   * without the built-in controllers.)
   */
  manager(options: RuntimeManagerOptions = {}): Manager {
    const { systemControllers = true, ...rest } = options;
    const mgr = new Manager({
      client: this.#plain,
      registry: this.registry,
      store: this.store,
      closing: this.closing,
      hold: (work) => this.hold(work),
    }, {
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
   * their last run is reconciled until nothing is left to do (or
   * `timeoutMs`; progress is saved as it goes). Skipped, with the holder in
   * `skippedFor`, while a live manager holds the controllers' lease
   * ({@linkcode CONTROLLERS_LEASE}): that manager does the work.
   */
  settle(options: TriggeredOptions = {}): Promise<TriggeredReport> {
    const run = this.#settling.then(async () => {
      const holder = await this.controllersLeaseHolder();
      if (holder !== undefined) {
        const rev = await this.store.currentRevision();
        return {
          idle: true,
          reconciles: 0,
          fromRevision: undefined,
          toRevision: rev,
          fullResync: false,
          unfinished: [],
          deferred: [],
          backlog: 0,
          skippedFor: holder,
        };
      }
      const controllers = [
        ...this.systemControllers(),
        crdController(this.scheme, { clock: this.#clock }),
        ...this.#controllers,
      ];
      const name = "k1s:" + controllers.map((c) => c.name).sort().join(",");
      const mgr = this.manager({ name, systemControllers: false, component: "k1s" });
      for (const c of controllers) mgr.add(c);
      return mgr.runTriggered(options);
    });
    this.#settling = run.catch(() => {});
    return run;
  }

  /**
   * Serves what CRDs define while `signal` lasts, as the API server's
   * apiextensions part does: CRDs written by any process are named,
   * established (and, when deleted, cleaned up) by a CRD controller, and the
   * scheme follows them. `serve()` runs it; a long-running program that
   * expects other processes to write CRDs runs it too.
   */
  override async followCRDs(signal: AbortSignal): Promise<void> {
    const mgr = this.manager({
      name: "k1s:customresourcedefinitions",
      systemControllers: false,
      component: "k1s",
    });
    mgr.add(crdController(this.scheme, { clock: this.#clock }));
    await Promise.all([super.followCRDs(signal), mgr.start(signal)]);
  }

  /**
   * The identity holding the controllers' lease ({@linkcode CONTROLLERS_LEASE})
   * now, or undefined when nobody does: no lease, an empty holder (released),
   * or a renewal older than its duration by this process's clock.
   */
  async controllersLeaseHolder(): Promise<string | undefined> {
    const lease = await this.registry.get(Lease, CONTROLLERS_LEASE.name, {
      namespace: CONTROLLERS_LEASE.namespace,
    }).catch(ignoreNotFound);
    const spec = lease?.spec;
    if (!spec?.holderIdentity) return undefined;
    const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? "");
    const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    if (!Number.isFinite(renewed) || renewed + durationMs <= this.#clock.now()) return undefined;
    return spec.holderIdentity;
  }

  /** Runs the CRD controller until idle (naming, establishing, cleanup). */
  async #establish(): Promise<void> {
    const run = this.#settling.then(() => {
      const mgr = this.manager({
        name: "k1s:customresourcedefinitions",
        systemControllers: false,
        component: "k1s",
      });
      mgr.add(crdController(this.scheme, { clock: this.#clock }));
      return mgr.runTriggered();
    });
    this.#settling = run.catch(() => {});
    const report = await run;
    if (!report.idle) {
      console.warn(`k1s: controllers did not settle: ${report.unfinished.join(", ")}`);
    }
  }

  async #settleAfterWrite(): Promise<void> {
    // The write itself succeeded; work that did not finish is picked up by the next settle.
    const report = await this.settle();
    if (!report.idle) {
      console.warn(`k1s: controllers did not settle: ${report.unfinished.join(", ")}`);
    }
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
  return await openRuntimeParts(
    options,
    (store, scheme, registry, own) => new Runtime(store, scheme, registry, own, options),
  );
}
