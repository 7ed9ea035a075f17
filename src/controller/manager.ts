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
 * @module
 */
import { type Clock, realClock } from "../apimachinery/clock.ts";
import { isResourceExpired } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject } from "../apimachinery/meta.ts";
import { CacheReader, InformerFactory } from "../cache/informer.ts";
import type { Client, OwnerIndexReader } from "../client/client.ts";
import { OWNER_INDEX } from "../cache/indexer.ts";
import { EventRecorder } from "../events/recorder.ts";
import type { ChangeEvent, Registry } from "../registry/registry.ts";
import type { Kind } from "../scheme/kind.ts";
import { isStoreClosed, type Store } from "../storage/types.ts";
import type { Controller, WatchSpec } from "./controller.ts";
import type { ObjectEvent } from "./predicates.ts";

/** Where triggered runs keep the revision they finished. */
export interface ProgressStore {
  /** The revision recorded for `name`, if any. */
  load(name: string): Promise<number | undefined>;
  /** Records `revision` for `name`. */
  save(name: string, revision: number): Promise<void>;
}

/**
 * Progress kept in the store itself, under `/k1s/progress/<name>` (outside
 * the registry's keys, so no kind sees it; tenants each have their own).
 */
export function storeProgress(store: Store): ProgressStore {
  const key = (name: string) => `/k1s/progress/${name}`;
  return {
    async load(name) {
      const kv = await store.get(key(name));
      return kv ? (JSON.parse(kv.value) as { revision: number }).revision : undefined;
    },
    async save(name, revision) {
      const value = JSON.stringify({ revision });
      for (let i = 0; i < 16; i++) {
        const kv = await store.get(key(name));
        try {
          if (!kv) await store.create(key(name), value);
          else {
            // Progress only moves forward, whoever wrote last.
            if ((JSON.parse(kv.value) as { revision: number }).revision >= revision) return;
            await store.update(key(name), value, kv.revision);
          }
          return;
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code !== "conflict" && code !== "exists" && code !== "not-found") throw err;
        }
      }
    },
  };
}

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
}

/** What a triggered run did. */
export interface TriggeredReport {
  /** True when it ended because all work was done (not at the time limit). */
  idle: boolean;
  /** Reconciles run. */
  reconciles: number;
  /** The revision progress started from (undefined for a full run). */
  fromRevision: number | undefined;
  /** The revision recorded at the end (when idle). */
  toRevision: number;
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
 * Runs controllers.
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

  /** A manager over a runtime (or anything with its client, registry and store). */
  constructor(backend: ManagerBackend, options: ManagerOptions = {}) {
    this.#backend = backend;
    this.#name = options.name ?? "k1s";
    this.#clock = options.clock ?? realClock;
    this.#shutdownMs = options.shutdownTimeoutMs ?? 30_000;
    this.#progress = options.progress ?? (backend.store && storeProgress(backend.store));
    this.client = this.#trackingClient(backend.client);
    const onError = options.onError;
    this.informers = new InformerFactory(backend.client, {
      clock: this.#clock,
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

  /** The controllers added so far. */
  controllers(): readonly Controller[] {
    return this.#controllers;
  }

  #note(kind: Kind<KubeObject, unknown>, obj: KubeObject | KubeList): void {
    const rv = Number(obj.metadata.resourceVersion);
    if (!Number.isFinite(rv)) return;
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
   * Runs informers and controllers until `signal` aborts. Then intake
   * stops, in-flight reconciles get up to the shutdown timeout, and the
   * report lists those that did not finish.
   */
  start(signal: AbortSignal): Promise<ShutdownReport> {
    if (this.#running) return Promise.reject(new Error("the manager is already running"));
    this.#running = true;
    if (this.#stopper.signal.aborted) this.#stopper = new AbortController();
    const stop = AbortSignal.any(
      [signal, this.#stopper.signal, this.#backend.closing].filter((s) => s !== undefined),
    );
    const run = this.#start(stop);
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

  async #start(signal: AbortSignal): Promise<ShutdownReport> {
    const inner = new AbortController();
    for (const c of this.#controllers) c.reset();
    const registrations: { remove(): void }[] = [];
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
      const informersDone = this.informers.start(inner.signal);
      const ctx = { client: this.client, reader: this.cache };
      const runs = this.#controllers.map((c) => c.run(ctx, inner.signal));
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener("abort", () => resolve(), { once: true });
      });
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
      inner.abort();
      await informersDone;
      if (!timedOut) await Promise.all(runs);
      return { unfinished };
    } finally {
      for (const r of registrations) r.remove();
      inner.abort();
      this.#running = false;
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
      const ctx = { client: this.#backend.client, reader: this.#backend.client };
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
      await feed(from, head, true);
      let idle = false;
      for (;;) {
        const settled = await this.#settle(deadline);
        if (!settled) break;
        const next = await store.currentRevision();
        if (next === head) {
          idle = true;
          break;
        }
        await feed(head, next, false);
        head = next;
      }
      const unfinished = this.#controllers.flatMap((c) =>
        [...c.failing(), ...c.inFlight()].map((k) => `${c.name}: ${k}`)
      );
      const deferred = this.#controllers.flatMap((c) =>
        c.queue.delayedItems().filter((k) => !c.failing().includes(k)).map((k) => `${c.name}: ${k}`)
      );
      for (const c of this.#controllers) c.queue.shutDown();
      inner.abort();
      if (idle) {
        await Promise.all(runs);
        await progress.save(this.#name, head);
      }
      return {
        idle,
        reconciles: this.#controllers.reduce((n, c) => n + c.stats.reconciles, 0) - before,
        fromRevision: from,
        toRevision: head,
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
