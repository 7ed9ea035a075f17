/**
 * The Manager: runs controllers long-running or triggered, with a shared
 * client, informer cache and event recorder; documented on
 * {@linkcode Manager}.
 *
 * @module
 */
import { type Clock, realClock } from "../apimachinery/clock.ts";
import { isResourceExpired } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject } from "../apimachinery/meta.ts";
import { CacheReader, InformerFactory } from "../cache/informer.ts";
import type { Client, IndexedReader, OwnerIndexReader } from "../client/client.ts";
import { type CacheScope, inCacheScope } from "../cache/scope.ts";
import { objectKeyOf, OWNER_INDEX } from "../cache/indexer.ts";
import { EventRecorder } from "../events/recorder.ts";
import type { ChangeEvent, Registry } from "../registry/registry.ts";
import type { Kind } from "../scheme/kind.ts";
import { isStoreClosed, type Store } from "../storage/types.ts";
import type { Controller, WatchSpec } from "./controller.ts";
import { type ProgressStore, storeProgress } from "./progress.ts";
import type { ObjectEvent } from "./predicates.ts";
import type { Metrics } from "./metrics.ts";
import {
  defaultLeaderIdentity,
  type LeaderCallbacks,
  type LeaderElectionOptions,
  LeaderElector,
} from "./leader_election.ts";

/**
 * What the manager needs of a runtime: a client, and for triggered mode the
 * registry and store of an embedded runtime (a remote one has neither).
 */
export interface ManagerBackend {
  /** The client controllers write with. */
  client: Client;
  /** The registry (for change-log reads in triggered mode). */
  registry?: Registry;
  /** The store (for current revision and progress records in triggered mode). */
  store?: Store;
  /**
   * Aborted when the runtime closes: a running manager then stops as if its
   * own signal had aborted. A runtime gives it (`rt.closing`).
   */
  closing?: AbortSignal;
  /** Makes the runtime's `close` wait for a running manager (`rt.hold`). */
  hold?<T>(work: Promise<T>): Promise<T>;
}

/** Options of {@linkcode Manager}. */
export interface ManagerOptions {
  /** Name under which triggered runs record progress. Default `k1s`. */
  name?: string;
  /** Time source for controllers and informers. */
  clock?: Clock;
  /** How long shutdown waits for in-flight reconciles, in ms. Default 30,000. */
  shutdownTimeoutMs?: number;
  /** Where triggered runs record progress. Default: in the store. */
  progress?: ProgressStore;
  /** Told about informer errors. */
  onError?: (err: unknown) => void;
  /** Component name events are recorded under. Default: the manager name. */
  component?: string;
  /**
   * Where the controllers' metrics go (controller-runtime's names). Default:
   * a new {@linkcode Metrics} made when the manager starts. Pass one to
   * register metrics of your own in its registry.
   */
  metrics?: Metrics;
  /**
   * What the informer cache holds, per kind (controller-runtime's
   * `cache.Options.ByObject`): namespaces, selectors, a transform.
   */
  cacheScope?: (kind: Kind) => CacheScope | undefined;
  /** A transform for kinds whose scope has none, e.g. `stripForCache()`. */
  cacheTransform?: (obj: KubeObject) => KubeObject;
}

/**
 * The lease a manager elects on when its leader election names none:
 * `default/k1s-controllers`. It is the lease of "the controllers of this
 * store": while a live manager holds it, a runtime's triggered runs (the
 * CLI's, after every write) are skipped, since that manager does the work.
 */
export const CONTROLLERS_LEASE: { readonly namespace: string; readonly name: string } = {
  namespace: "default",
  name: "k1s-controllers",
};

/** Leader election of {@linkcode Manager.start}: client-go's, on a Lease. */
export type ManagerLeaderElection =
  & Partial<LeaderElectionOptions>
  & LeaderCallbacks;

/** Options of {@linkcode Manager.start}. */
export interface StartOptions {
  /**
   * Reconcile only while this process holds a Lease (default
   * {@linkcode CONTROLLERS_LEASE}), as controller-runtime's leader election:
   * informers run all along, controllers start on acquiring the lease and
   * stop at once when it cannot be renewed (before it can expire); the
   * manager then campaigns again. On shutdown the lease is released, so a
   * standby takes over without waiting for it to expire.
   */
  leaderElection?: ManagerLeaderElection;
  /**
   * Serve `/metrics` (Prometheus text), `/healthz` and `/readyz` on this
   * address while running, as controller-runtime's metrics and health
   * probe servers. Ready means every informer has synced and, when
   * electing, a leader is known. Port 0 picks a free port
   * ({@linkcode Manager.metricsAddress} tells which).
   */
  metricsServer?: { port: number; hostname?: string };
}

/** What did not finish when a manager stopped. */
export interface ShutdownReport {
  /** `controller: key` of reconciles still running at the shutdown timeout. */
  unfinished: string[];
}

/** Options of {@linkcode Manager.runTriggered}. */
export interface TriggeredOptions {
  /** Give up after this long, in ms. Default 30,000. */
  timeoutMs?: number;
  /** Ignore recorded progress and reconcile every object. */
  full?: boolean;
  /**
   * Revisions of recorded history fed to the controllers per step; progress
   * is saved after each step settles, so a run cut short by `timeoutMs`
   * resumes there next time. Default 1,000.
   */
  chunkRevisions?: number;
}

/** What a triggered run did. */
export interface TriggeredReport {
  /** True when it ended because all work was done (not at the time limit). */
  idle: boolean;
  /** Reconciles run. */
  reconciles: number;
  /** The revision progress started from (undefined for a full run). */
  fromRevision: number | undefined;
  /**
   * The revision progress was recorded at: the store's revision when idle;
   * otherwise the last step that settled (`fromRevision` when none did).
   */
  toRevision: number;
  /** Revisions of history not yet reconciled (0 when idle). */
  backlog: number;
  /**
   * Set when the run was skipped because a live manager holds the
   * controllers' lease: that manager's identity.
   */
  skippedFor?: string;
  /** True when every object was listed (first run, `full`, or compacted history). */
  fullResync: boolean;
  /** `controller: key` of work not finished at the time limit (failing or in flight). */
  unfinished: string[];
  /** `controller: key` of requests asking to be reconciled later (requeueAfter); not kept. */
  deferred: string[];
}

function kindKey(kind: Kind<KubeObject, unknown>): string {
  return `${kind.apiVersion}|${kind.kind}`;
}

function toObjectEvent(ev: ChangeEvent): ObjectEvent {
  if (ev.type === "DELETED") return { type: "delete", object: ev.object };
  if (ev.type === "MODIFIED" && ev.oldObject) {
    return { type: "update", object: ev.object, oldObject: ev.oldObject };
  }
  return { type: "create", object: ev.object };
}

/**
 * The Manager runs controllers with a shared client, informer cache and
 * event recorder, in either of two shapes:
 *
 * - long-running: {@linkcode Manager.start} runs informers and workers until
 *   its signal aborts, then stops intake, waits for in-flight reconciles up
 *   to a timeout and reports what did not finish;
 * - triggered (short-lived CLI processes): {@linkcode Manager.runTriggered}
 *   reconciles what changed since the store revision the controllers last
 *   finished (read from the change log, or everything when that revision
 *   was compacted or never recorded), runs until nothing is queued and
 *   nothing is due, and records the new revision.
 *
 * Reads through the manager's cache see the manager client's own writes
 * (read-your-writes): the store revision of each write is known, and a
 * cached read waits until the informer has applied it.
 *
 * Get one with the built-in controllers (garbage collector, namespace
 * lifecycle, event expiry) from `rt.manager()`; `new Manager(rt)` is a bare
 * manager that runs only the controllers added to it. Either stops when the
 * runtime closes, and `await using` stops it on scope exit.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { Manager } from "./manager.ts";
 * import { controllerFor } from "./builder.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * const seen: string[] = [];
 * const mgr = new Manager(rt);
 * mgr.add(controllerFor(ConfigMap).complete((req) => void seen.push(req.name)));
 * await rt.client.create(ConfigMap, { metadata: { name: "a" } });
 * const report = await mgr.runTriggered();
 * assert.ok(report.idle);
 * assert.deepEqual(seen, ["a"]);
 * ```
 */
export class Manager {
  /** The client controllers use; reads through {@linkcode Manager.cache} see its writes. */
  readonly client: Client;
  /** Informers shared by every controller and by {@linkcode Manager.cache}. */
  readonly informers: InformerFactory;
  /** Cached reads that wait for the manager client's own writes. */
  readonly cache: OwnerIndexReader;
  /** Records core/v1 Events about objects, aggregating repeats. */
  readonly recorder: EventRecorder;
  readonly #backend: ManagerBackend;
  readonly #controllers: Controller[] = [];
  readonly #written = new Map<string, number>();
  readonly #name: string;
  readonly #clock: Clock;
  readonly #shutdownMs: number;
  readonly #progress: ProgressStore | undefined;
  #running = false;
  /** Stops the current run: disposal, or a closed store seen by an informer. */
  #stopper = new AbortController();
  #run: Promise<unknown> | undefined;
  #elector: LeaderElector | undefined;
  #leading = false;
  #metrics: Metrics | undefined;
  readonly #indexes = new Map<string, Map<string, (obj: KubeObject) => string[]>>();
  #electing = false;
  #metricsAddress: { hostname: string; port: number } | undefined;

  /**
   * A bare manager over a runtime (or anything with its client, registry
   * and store): it runs only the controllers added to it. `rt.manager()`
   * gives one that also runs the built-in controllers.
   */
  constructor(backend: ManagerBackend, options: ManagerOptions = {}) {
    this.#backend = backend;
    this.#name = options.name ?? "k1s";
    this.#clock = options.clock ?? realClock;
    this.#shutdownMs = options.shutdownTimeoutMs ?? 30_000;
    this.#progress = options.progress ?? (backend.store && storeProgress(backend.store));
    this.#metrics = options.metrics;
    this.client = this.#trackingClient(backend.client);
    const onError = options.onError;
    this.informers = new InformerFactory(backend.client, {
      clock: this.#clock,
      scope: options.cacheScope,
      defaultTransform: options.cacheTransform,
      onError: (err, kind) => {
        // A closed store ends the run: nothing will ever be read again.
        if (isStoreClosed(err)) this.#stopper.abort(err);
        if (onError) onError(err);
        else if (!isStoreClosed(err)) {
          console.error(
            `k1s informer (${kind.group ? `${kind.plural}.${kind.group}` : kind.plural}): ${
              err instanceof Error ? err.message : String(err)
            }`,
          );
        }
      },
    });
    this.cache = this.#cacheReader();
    this.recorder = new EventRecorder(this.client, {
      component: options.component ?? this.#name,
      clock: this.#clock,
    });
  }

  /** Adds a controller; it runs with the next start or triggered run. */
  add(controller: Controller): void {
    if (this.#running) throw new Error("controllers must be added before the manager runs");
    this.#controllers.push(controller);
  }

  /** The controllers' metrics: those given in the options, or made by the first start. */
  get metrics(): Metrics | undefined {
    return this.#metrics;
  }

  /** Where the metrics server listens while running (see `StartOptions.metricsServer`). */
  metricsAddress(): { hostname: string; port: number } | undefined {
    return this.#metricsAddress;
  }

  /** True while this manager's controllers run (always, without leader election). */
  isLeader(): boolean {
    return this.#running && (!this.#electing || this.#leading);
  }

  /** The identity of the leader last seen by this manager's election, if it elects. */
  leader(): string | undefined {
    return this.#elector?.leader();
  }

  /**
   * Indexes objects of `kind` under `name` by the values `extract` returns
   * (controller-runtime's `IndexField`); register before starting.
   * Reconcilers then query it with
   * `ctx.reader.list(kind, { index: { name, value } })` — from the informer
   * cache when running, and by filtering a list in triggered runs.
   */
  indexField<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    extract: (obj: T) => string[],
  ): void {
    if (this.#running) throw new Error("indexes must be registered before the manager runs");
    this.informers.indexField(kind, name, extract);
    const byName = this.#indexes.get(kindKey(kind as never)) ?? new Map();
    byName.set(name, extract as (obj: KubeObject) => string[]);
    this.#indexes.set(kindKey(kind as never), byName);
  }

  /** The controllers added so far. */
  controllers(): readonly Controller[] {
    return this.#controllers;
  }

  #note(kind: Kind<KubeObject, unknown>, obj: KubeObject | KubeList): void {
    const rv = Number(obj.metadata.resourceVersion);
    if (!Number.isFinite(rv)) return;
    // A write the cache never sees (outside its namespaces or selectors, before and after) is
    // nothing to wait for: only a bookmark would move the informer past it.
    if (!("items" in obj)) {
      const scope = this.informers.scopeOf(kind);
      if (
        scope && !inCacheScope(kind, scope, obj) &&
        this.informers.cachedObject(kind, objectKeyOf(obj)) === undefined
      ) return;
    }
    const k = kindKey(kind);
    if (rv > (this.#written.get(k) ?? 0)) this.#written.set(k, rv);
  }

  #trackingClient(inner: Client): Client {
    const note = <T extends KubeObject | KubeList>(
      kind: Kind<KubeObject, unknown>,
      p: Promise<T>,
    ) =>
      p.then((obj) => {
        this.#note(kind, obj);
        return obj;
      });
    return {
      get: (kind, name, o) => inner.get(kind, name, o),
      list: (kind, o) => inner.list(kind, o),
      watch: (kind, o) => inner.watch(kind, o),
      create: (kind, obj, o) => note(kind as never, inner.create(kind, obj, o)),
      update: (kind, obj, o) => note(kind as never, inner.update(kind, obj, o)),
      patch: (kind, name, p, o) => note(kind as never, inner.patch(kind, name, p, o)),
      delete: (kind, name, o) => note(kind as never, inner.delete(kind, name, o)),
      deleteCollection: async (kind, o) => {
        const list = await inner.deleteCollection(kind, o);
        for (const item of list.items) this.#note(kind as never, item);
        return list;
      },
      status: {
        update: (kind, obj, o) => note(kind as never, inner.status.update(kind, obj, o)),
        patch: (kind, name, p, o) => note(kind as never, inner.status.patch(kind, name, p, o)),
      },
      scale: inner.scale,
    };
  }

  #cacheReader(): OwnerIndexReader {
    const reader = new CacheReader(this.informers);
    const wait = async (kind: Kind<KubeObject, unknown>) => {
      const informer = this.informers.informerFor(kind);
      const rev = this.#written.get(kindKey(kind));
      await informer.waitForSync();
      if (rev !== undefined) await informer.waitForRevision(rev);
    };
    return {
      get: async (kind, name, o) => {
        await wait(kind as never);
        return reader.get(kind, name, o);
      },
      list: async (kind, o) => {
        await wait(kind as never);
        return reader.list(kind, o);
      },
      listOwnedBy: async (kind, uid, o) => {
        await wait(kind as never);
        const items = this.informers.informerFor(kind).store.byIndex(OWNER_INDEX, uid);
        const ns = o?.namespace;
        return items
          .filter((i) => !ns || i.metadata.namespace === ns)
          .map((i) => JSON.parse(JSON.stringify(i)));
      },
    };
  }

  /**
   * Runs informers and controllers until `signal` aborts (or the runtime
   * closes, or the manager is disposed). Then intake stops, in-flight
   * reconciles get up to the shutdown timeout, and the report lists those
   * that did not finish. With `leaderElection`, controllers run only while
   * this manager leads; see {@linkcode StartOptions}.
   */
  start(signal: AbortSignal, options: StartOptions = {}): Promise<ShutdownReport> {
    if (this.#running) return Promise.reject(new Error("the manager is already running"));
    this.#running = true;
    if (this.#stopper.signal.aborted) this.#stopper = new AbortController();
    const stop = AbortSignal.any(
      [signal, this.#stopper.signal, this.#backend.closing].filter((s) => s !== undefined),
    );
    const run = this.#start(stop, options);
    this.#run = run;
    return this.#backend.hold ? this.#backend.hold(run) : run;
  }

  /**
   * Stops a running {@linkcode Manager.start} (as if its signal aborted) and
   * waits for it, so `await using mgr = rt.manager()` shuts down on scope
   * exit.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#stopper.abort(new Error("the manager was disposed"));
    await this.#run?.catch(() => {});
  }

  async #start(signal: AbortSignal, options: StartOptions): Promise<ShutdownReport> {
    const inner = new AbortController();
    let serving: Promise<void> | undefined;
    let informersDone: Promise<void> | undefined;
    const election = options.leaderElection;
    this.#electing = election !== undefined;
    try {
      // One identity for every campaign of this run; invalid settings fail before anything starts.
      const identity = election?.identity ?? defaultLeaderIdentity();
      const electorOptions = election && {
        clock: this.#clock,
        ...election,
        identity,
        name: election.name ?? CONTROLLERS_LEASE.name,
        namespace: election.namespace ?? CONTROLLERS_LEASE.namespace,
      };
      if (electorOptions) new LeaderElector(this.#backend.client, electorOptions);
      await this.#instrument();
      informersDone = this.informers.start(inner.signal);
      // Every watched kind's informer runs from the start, leader or not, so a new leader's
      // cache is warm (as controller-runtime starts caches before it campaigns).
      const kinds = new Map<string, Kind<KubeObject, unknown>>();
      for (const c of this.#controllers) {
        for (const spec of c.watches) {
          this.informers.informerFor(spec.kind);
          kinds.set(kindKey(spec.kind), spec.kind);
        }
      }
      if (options.metricsServer) {
        serving =
          (await this.#serveMetrics(options.metricsServer, [...kinds.values()], inner.signal))
            .finished;
      }
      if (!election) return await this.#lead(signal, signal);
      let report: ShutdownReport = { unfinished: [] };
      while (!signal.aborted) {
        let leading: Promise<ShutdownReport> | undefined;
        const elector = new LeaderElector(this.#backend.client, {
          ...electorOptions!,
          onStartedLeading: (lost) => {
            this.#leading = true;
            leading = this.#lead(AbortSignal.any([signal, lost]), signal);
            election.onStartedLeading?.(lost);
          },
          onStoppedLeading: () => {
            this.#leading = false;
            election.onStoppedLeading?.();
          },
          onNewLeader: (id) => election.onNewLeader?.(id),
        });
        this.#elector = elector;
        // On shutdown the lease is released only once the controllers drained, as
        // controller-runtime does: until then this process still reconciles and must lead.
        const electing = new AbortController();
        const onAbort = () => {
          const drained = leading ?? Promise.resolve();
          drained.then(() => electing.abort(), () => electing.abort());
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
        try {
          await elector.run(electing.signal);
        } finally {
          signal.removeEventListener("abort", onAbort);
        }
        if (leading) report = await leading;
        // Leadership lost while still running: campaign again, as a standby.
      }
      return report;
    } finally {
      this.#elector = undefined;
      this.#electing = false;
      this.#leading = false;
      inner.abort();
      await informersDone;
      await serving;
      this.#metricsAddress = undefined;
      this.#running = false;
    }
  }

  /** Gives every controller (and its queue) a metrics sink. */
  async #instrument(): Promise<void> {
    if (!this.#metrics) {
      // Loaded only by long-running managers: a CLI's triggered runs never read metrics.
      const { Metrics } = await import("./metrics.ts");
      this.#metrics = new Metrics({ clock: this.#clock });
    }
    for (const c of this.#controllers) this.#metrics.instrument(c);
  }

  /** Starts the metrics and health server; resolves to its end. */
  async #serveMetrics(
    address: { port: number; hostname?: string },
    kinds: Kind<KubeObject, unknown>[],
    signal: AbortSignal,
  ): Promise<{ finished: Promise<void> }> {
    const metrics = this.#metrics!;
    const seen = new Map<string, number>();
    metrics.registry.addCollector(async () => {
      const head = this.#backend.store ? await this.#backend.store.currentRevision() : undefined;
      for (const kind of kinds) {
        const name = kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
        const rev = this.informers.informerFor(kind).lastSyncRevision();
        if (seen.get(name) !== rev) {
          seen.set(name, rev);
          metrics.observeInformer(name, rev, { head });
        } else if (head !== undefined) {
          metrics.informerLag.set({ kind: name }, Math.max(0, head - rev));
        }
      }
    });
    const { serveMetrics } = await import("./metrics_server.ts");
    const server = serveMetrics({
      port: address.port,
      hostname: address.hostname,
      metrics,
      signal,
      healthz: { ping: () => true },
      readyz: {
        informers: () => kinds.every((k) => this.informers.informerFor(k).hasSynced()),
        ...(this.#electing ? { leader: () => this.leader() !== undefined } : {}),
      },
    });
    this.#metricsAddress = { hostname: server.hostname, port: server.port };
    return { finished: server.finished };
  }

  /**
   * Runs the controllers until `stop` aborts. When `signal` (the manager's
   * own) aborted, in-flight reconciles get the shutdown timeout to finish;
   * when only leadership was lost, their signal aborts at once and nothing
   * new starts, since another process now reconciles.
   */
  async #lead(stop: AbortSignal, signal: AbortSignal): Promise<ShutdownReport> {
    for (const c of this.#controllers) c.reset();
    const registrations: { remove(): void }[] = [];
    const reconciling = new AbortController();
    try {
      for (const c of this.#controllers) {
        for (const spec of c.watches) {
          const reg = this.informers.informerFor(spec.kind).addEventHandler({
            onAdd: (object) => c.handle(spec, { type: "create", object }),
            onUpdate: (oldObject, object) => c.handle(spec, { type: "update", object, oldObject }),
            onDelete: (object) => c.handle(spec, { type: "delete", object }),
          });
          registrations.push(reg);
        }
      }
      const ctx = {
        client: this.client,
        reader: this.cache,
        recorder: this.recorder,
        clock: this.#clock,
      };
      const runs = this.#controllers.map((c) => c.run(ctx, reconciling.signal));
      await new Promise<void>((resolve) => {
        if (stop.aborted) resolve();
        else stop.addEventListener("abort", () => resolve(), { once: true });
      });
      for (const r of registrations) r.remove();
      if (!signal.aborted) {
        reconciling.abort(new Error("leadership lost"));
        for (const c of this.#controllers) c.queue.shutDown();
        await Promise.all(runs);
        return { unfinished: [] };
      }
      const drained = Promise.all(this.#controllers.map((c) => c.queue.shutDownWithDrain()));
      let timer: (() => void) | undefined;
      const timedOut = await Promise.race([
        drained.then(() => false),
        new Promise<boolean>((
          r,
        ) => (timer = this.#clock.setTimer(() => r(true), this.#shutdownMs))),
      ]);
      timer?.();
      const unfinished = timedOut
        ? this.#controllers.flatMap((c) => c.inFlight().map((k) => `${c.name}: ${k}`))
        : [];
      for (const c of this.#controllers) c.queue.shutDown();
      reconciling.abort();
      if (!timedOut) await Promise.all(runs);
      await this.recorder.flush();
      return { unfinished };
    } finally {
      for (const r of registrations) r.remove();
      reconciling.abort();
    }
  }

  /**
   * Triggered mode: reconciles what changed since the last finished
   * triggered run, until nothing is queued or failing (or the time limit).
   * Reads go straight to the client, so no cache has to be filled.
   */
  runTriggered(options: TriggeredOptions = {}): Promise<TriggeredReport> {
    const run = this.#runTriggered(options);
    return this.#backend.hold ? this.#backend.hold(run) : run;
  }

  async #runTriggered(options: TriggeredOptions): Promise<TriggeredReport> {
    const { registry, store } = this.#backend;
    const progress = this.#progress;
    if (!registry || !store || !progress) {
      throw new Error(
        "triggered mode reads the store's change log: it needs an embedded runtime " +
          "(use start() with a remote client)",
      );
    }
    if (this.#running) throw new Error("the manager is already running");
    this.#running = true;
    for (const c of this.#controllers) c.reset();
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const inner = new AbortController();
    const before = this.#controllers.reduce((n, c) => n + c.stats.reconciles, 0);
    try {
      const from = options.full ? undefined : await progress.load(this.#name);
      let fullResync = from === undefined;
      let head = await store.currentRevision();
      const ctx = {
        client: this.#backend.client,
        reader: this.#indexedClient(this.#backend.client),
        recorder: this.recorder,
        clock: this.#clock,
      };
      const runs = this.#controllers.map((c) => c.run(ctx, inner.signal));
      const feedAll = async (spec: WatchSpec, c: Controller) => {
        let token: string | undefined;
        do {
          const page = await this.#backend.client.list(spec.kind, { limit: 1000, continue: token });
          for (const object of page.items) c.handle(spec, { type: "create", object });
          token = page.metadata.continue;
        } while (token);
      };
      // The first feed of a run lists kinds that ask for it (or all, without progress);
      // later feeds only read the change log.
      const feed = async (since: number | undefined, to: number, first: boolean) => {
        for (const c of this.#controllers) {
          for (const spec of c.watches) {
            if (since === undefined || (spec.listEveryRun && first)) {
              await feedAll(spec, c);
              continue;
            }
            try {
              const changes = await registry.changes(spec.kind, {
                fromResourceVersion: String(since),
                toResourceVersion: String(to),
              });
              for (const ev of changes) c.handle(spec, toObjectEvent(ev));
            } catch (err) {
              if (!isResourceExpired(err)) throw err;
              fullResync = true;
              await feedAll(spec, c);
            }
          }
        }
      };
      // A backlog is fed in steps of `chunk` revisions, and progress is saved after each settled
      // step: a run cut short by its time limit leaves the next one less to do.
      const chunk = Math.max(1, options.chunkRevisions ?? 1000);
      let upto = from === undefined ? head : Math.min(head, from + chunk);
      await feed(from, upto, true);
      let saved = from;
      let idle = false;
      for (;;) {
        const settled = await this.#settle(deadline);
        if (!settled) break;
        if (upto < head) {
          await progress.save(this.#name, upto);
          saved = upto;
          const step = Math.min(head, upto + chunk);
          await feed(upto, step, false);
          upto = step;
          continue;
        }
        const next = await store.currentRevision();
        if (next === upto) {
          idle = true;
          break;
        }
        await feed(upto, next, false);
        upto = head = next;
      }
      const unfinished = this.#controllers.flatMap((c) =>
        [...c.failing(), ...c.inFlight()].map((k) => `${c.name}: ${k}`)
      );
      const deferred = this.#controllers.flatMap((c) =>
        c.queue.delayedItems().filter((k) => !c.failing().includes(k)).map((k) => `${c.name}: ${k}`)
      );
      for (const c of this.#controllers) c.queue.shutDown();
      inner.abort();
      if (idle) await Promise.all(runs);
      else {
        // Cut short: reconciles still running get the shutdown timeout to finish (their
        // signal has aborted), so the run does not end, and the store close, under them.
        let cancel: (() => void) | undefined;
        await Promise.race([
          Promise.all(runs),
          new Promise<void>((r) => (cancel = this.#clock.setTimer(r, this.#shutdownMs))),
        ]);
        cancel?.();
      }
      await this.recorder.flush();
      if (idle) {
        await progress.save(this.#name, upto);
        saved = upto;
      }
      return {
        idle,
        reconciles: this.#controllers.reduce((n, c) => n + c.stats.reconciles, 0) - before,
        fromRevision: from,
        toRevision: saved ?? from ?? 0,
        backlog: idle ? 0 : head - (saved ?? 0),
        fullResync,
        unfinished,
        deferred,
      };
    } finally {
      inner.abort();
      for (const c of this.#controllers) c.queue.shutDown();
      this.#running = false;
    }
  }

  /**
   * The client as a reader whose lists answer the registered indexes (by
   * listing and filtering), for triggered runs, which have no cache.
   */
  #indexedClient(client: Client): IndexedReader {
    return {
      get: (kind, name, o) => client.get(kind, name, o),
      list: async (kind, o = {}) => {
        const { index: asked, ...rest } = o;
        let index = asked;
        const indexes = this.#indexes.get(kindKey(kind as never));
        const sel = rest.fieldSelector;
        if (!index && indexes && typeof sel === "string" && /^[^,!=]+==?[^,!=]*$/.test(sel)) {
          const [field, value] = sel.split(/==?/).map((x) => x.trim());
          if (indexes.has(field)) {
            index = { name: field, value };
            delete rest.fieldSelector;
          }
        }
        if (!index) return client.list(kind, rest);
        const extract = indexes?.get(index.name);
        if (!extract) throw new Error(`index with name ${index.name} does not exist`);
        const { limit, ...all } = rest;
        const list = await client.list(kind, all);
        list.items = list.items.filter((o) => extract(o).includes(index.value));
        if (limit) list.items = list.items.slice(0, limit);
        return list;
      },
    };
  }

  /** Waits until every controller has settled; false at the deadline. */
  async #settle(deadline: number): Promise<boolean> {
    for (;;) {
      if (this.#controllers.every((c) => c.settled())) return true;
      const now = Date.now();
      if (now >= deadline || this.#backend.closing?.aborted) return false;
      const busy = this.#controllers.filter((c) => !c.queue.isIdle());
      let wait = Math.min(deadline - now, 50);
      if (busy.length === 0) {
        // Only failed requests waiting for their retry remain: sleep until the first is due.
        const due = Math.min(
          ...this.#controllers.map((c) => c.queue.nextDelayedAt() ?? Infinity),
        );
        wait = Math.max(0, Math.min(wait, due - this.#clock.now()));
      }
      await Promise.race([
        ...busy.map((c) => c.queue.onIdle()),
        new Promise((r) => setTimeout(r, wait)),
      ]);
    }
  }
}
