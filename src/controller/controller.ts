/**
 * A controller: watches (kind + event mapping + predicates) feed a
 * rate-limited work queue, and workers run the reconciler on the queued
 * requests. An item is never reconciled by two workers at once; errors are
 * retried with per-item backoff; {@linkcode TerminalError}s are not.
 *
 * Each reconcile gets a logger in `context.log` with controller-runtime's fields, and failed
 * reconciles are logged as `Reconciler error`. Metrics are reported to an optional
 * {@linkcode ControllerMetricsSink} (none by default, so an uninstrumented controller pays
 * nothing); `Metrics` in `metrics.ts` provides one with controller-runtime's metric names.
 *
 * @module
 */
import { type Clock, realClock } from "../apimachinery/clock.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { type ObjectEvent, passes, type Predicate } from "./predicates.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate_limiter.ts";
import {
  type ReconcileContext,
  type Reconciler,
  type Request,
  requestFromKey,
  requestKey,
  TerminalError,
} from "./reconcile.ts";
import { WorkQueue, type WorkQueueMetricsSink } from "./workqueue.ts";

/** Where a controller's requests come from: events on one kind. */
export interface WatchSpec<T extends KubeObject = KubeObject> {
  /** The kind watched. */
  kind: Kind<T, unknown>;
  /** Maps an event to the requests it causes. */
  map(event: ObjectEvent<T>): Request[];
  /** All must pass for the event to be mapped. */
  predicates: readonly Predicate<T>[];
  /**
   * In triggered mode, feed every object of the kind on each run instead of
   * only what changed (for time-driven controllers such as event expiry).
   */
  listEveryRun?: boolean;
}

/** Options of a {@linkcode Controller}. */
export interface ControllerOptions {
  /** Workers reconciling at once (never two on one object). Default 1. */
  maxConcurrentReconciles?: number;
  /** Backoff of failed requests. Default: 5 ms to 1000 s per item, and 10/s overall (burst 100). */
  rateLimiter?: RateLimiter<string>;
  /** Time source. */
  clock?: Clock;
  /**
   * Told about every failed reconcile instead of the default, which logs `Reconciler error`
   * through the logger (with `terminal: true` for a {@linkcode TerminalError}).
   */
  onError?: (err: unknown, request: Request, controller: string) => void;
  /** Base logger of the reconciles. Default: JSON lines on standard error at level info. */
  logger?: Logger;
  /** Where metrics go. Default none. */
  metrics?: ControllerMetricsSink;
}

/**
 * How a reconcile ended, as controller-runtime's `result` label, with terminal errors apart
 * (they count as `error` in `controller_runtime_reconcile_total`).
 */
export type ReconcileOutcome = "success" | "requeue" | "requeue_after" | "error" | "terminal_error";

/**
 * What a controller reports for controller-runtime's controller metrics. The controller calls
 * it synchronously; `queue` is handed to each work queue the controller makes, so it must keep
 * working across the controller's runs.
 *
 * @example
 * ```ts
 * import { Controller, type ControllerMetricsSink, type ReconcileOutcome } from "./controller.ts";
 * import { nopLogger } from "./logger.ts";
 * import assert from "node:assert/strict";
 * const outcomes: ReconcileOutcome[] = [];
 * const sink: ControllerMetricsSink = {
 *   queue: { add() {}, get() {}, done() {}, retry() {}, drop() {} },
 *   start() {},
 *   active() {},
 *   reconciled: (outcome) => outcomes.push(outcome),
 * };
 * const c = new Controller("demo", () => ({ requeueAfterMs: 10 }), [], { metrics: sink });
 * c.enqueue({ name: "a" });
 * const stop = new AbortController();
 * const running = c.run({ client: {} as never, reader: {} as never, recorder: {} as never }, stop.signal);
 * await c.queue.onIdle();
 * c.queue.shutDown();
 * await running;
 * assert.deepEqual(outcomes, ["requeue_after"]);
 * ```
 */
export interface ControllerMetricsSink {
  /** The sink of the controller's work queues. */
  readonly queue: WorkQueueMetricsSink<string>;
  /** A run starts with this many workers. */
  start(workers: number): void;
  /** A worker took (`1`) or finished (`-1`) a request. */
  active(delta: 1 | -1): void;
  /** A reconcile ended after `seconds` of the controller's clock. */
  reconciled(outcome: ReconcileOutcome, seconds: number): void;
}

/** Counters of a controller. */
export interface ControllerStats {
  /** Reconciles run. */
  reconciles: number;
  /** Reconciles that threw. */
  errors: number;
}

/** A controller; usually made with the builder and run by a Manager. */
export class Controller {
  /** Name, used in errors and progress records. */
  readonly name: string;
  /** The watches feeding the queue. */
  readonly watches: readonly WatchSpec[];
  #queue: WorkQueue<string>;
  /** Counters. */
  readonly stats: ControllerStats = { reconciles: 0, errors: 0 };
  readonly #reconciler: Reconciler;
  readonly #workers: number;
  readonly #onError: ((err: unknown, request: Request, controller: string) => void) | undefined;
  #log: Logger;
  #metrics: ControllerMetricsSink | undefined;
  readonly #failing = new Set<string>();
  readonly #inFlight = new Set<string>();
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter<string> | undefined;

  /** A controller named `name` running `reconciler` on requests from `watches`. */
  constructor(
    name: string,
    reconciler: Reconciler,
    watches: readonly WatchSpec[],
    options: ControllerOptions = {},
  ) {
    this.name = name;
    this.watches = watches;
    this.#reconciler = reconciler;
    this.#workers = Math.max(1, options.maxConcurrentReconciles ?? 1);
    this.#clock = options.clock ?? realClock;
    this.#rateLimiter = options.rateLimiter;
    this.#metrics = options.metrics;
    this.#queue = this.#newQueue();
    this.#onError = options.onError;
    this.#log = this.#baseLogger(options.logger ?? defaultLogger);
  }

  #baseLogger(logger: Logger): Logger {
    const kind = this.watches[0]?.kind;
    return logger.with({
      controller: this.name,
      controllerGroup: kind?.group ?? "",
      controllerKind: kind?.kind ?? "",
    });
  }

  #newQueue(): WorkQueue<string> {
    return new WorkQueue<string>({
      clock: this.#clock,
      name: this.name,
      rateLimiter: this.#rateLimiter ?? defaultControllerRateLimiter(this.#clock),
      metrics: this.#metrics?.queue,
    });
  }

  /**
   * Installs (or with `undefined` removes) the metrics sink, on the current queue too.
   *
   * @example
   * ```ts
   * import { Controller } from "./controller.ts";
   * import { Metrics } from "./metrics.ts";
   * import assert from "node:assert/strict";
   * const metrics = new Metrics();
   * const c = new Controller("demo", () => {}, []);
   * c.setMetrics(metrics.controllerSink(c.name));
   * c.enqueue({ name: "a" });
   * assert.match(await metrics.text(), /workqueue_adds_total\{name="demo",controller="demo"\} 1/);
   * ```
   */
  setMetrics(sink: ControllerMetricsSink | undefined): void {
    this.#metrics = sink;
    this.#queue.setMetrics(sink?.queue);
  }

  /**
   * Replaces the base logger of the reconciles (the controller adds its own fields to it).
   *
   * @example
   * ```ts
   * import { Controller } from "./controller.ts";
   * import { nopLogger } from "./logger.ts";
   * new Controller("quiet", () => {}, []).setLogger(nopLogger);
   * ```
   */
  setLogger(logger: Logger): void {
    this.#log = this.#baseLogger(logger);
  }

  /** The queue of request keys (a fresh one after each run's shutdown). */
  get queue(): WorkQueue<string> {
    return this.#queue;
  }

  /** Readies the controller for another run once its previous queue was shut down. */
  reset(): void {
    if (!this.#queue.shuttingDown()) return;
    this.#queue = this.#newQueue();
    this.#failing.clear();
  }

  /** Feeds one event of `spec`'s kind through its predicates and mapping into the queue. */
  handle<T extends KubeObject>(spec: WatchSpec<T>, event: ObjectEvent<T>): void {
    if (!passes(spec.predicates, event)) return;
    for (const req of spec.map(event)) this.enqueue(req);
  }

  /** Queues a request. */
  enqueue(request: Request): void {
    this.queue.add(requestKey(request));
  }

  /** Requests whose last reconcile failed and that wait for a retry. */
  failing(): string[] {
    return [...this.#failing];
  }

  /** Requests being reconciled now. */
  inFlight(): string[] {
    return [...this.#inFlight];
  }

  /** True when nothing is queued, nothing runs, and no failed request waits for a retry. */
  settled(): boolean {
    return this.queue.isIdle() && this.#failing.size === 0;
  }

  /**
   * Runs the workers until the queue shuts down. `context` gives the
   * reconcilers their client, reader and recorder; `signal` is passed on to
   * them; the controller adds each request's logger.
   */
  async run(
    context: Omit<ReconcileContext, "signal" | "log">,
    signal: AbortSignal,
  ): Promise<void> {
    const ctx: ReconcileContext = { ...context, signal, log: this.#log };
    this.#metrics?.start(this.#workers);
    const worker = async () => {
      for (;;) {
        const key = await this.queue.get();
        if (key === undefined) return;
        await this.#process(key, ctx);
      }
    };
    await Promise.all(Array.from({ length: this.#workers }, worker));
  }

  async #process(key: string, ctx: ReconcileContext): Promise<void> {
    const req = requestFromKey(key);
    const metrics = this.#metrics;
    // The request's logger (and its reconcileID) is made only when something logs: most
    // reconciles never do, and making one costs more than a no-op reconcile.
    const context = new RequestContext(ctx, this.#log, this.watches[0]?.kind.kind, req);
    this.#inFlight.add(key);
    this.stats.reconciles++;
    metrics?.active(1);
    const start = this.#clock.now();
    let outcome: ReconcileOutcome;
    try {
      if (this.#log.enabled?.("debug") !== false) context.log.debug("Reconciling");
      const result = await this.#reconciler(req, context);
      this.#failing.delete(key);
      if (result?.requeueAfterMs !== undefined && result.requeueAfterMs >= 0) {
        outcome = "requeue_after";
        this.queue.forget(key);
        this.queue.addAfter(key, result.requeueAfterMs);
      } else if (result?.requeue) {
        outcome = "requeue";
        this.queue.addRateLimited(key);
      } else {
        outcome = "success";
        this.queue.forget(key);
      }
    } catch (err) {
      this.stats.errors++;
      const terminal = err instanceof TerminalError;
      outcome = terminal ? "terminal_error" : "error";
      if (this.#onError) this.#onError(err, req, this.name);
      else context.log.error(err, "Reconciler error", terminal ? { terminal: true } : undefined);
      if (terminal) {
        this.#failing.delete(key);
        this.queue.forget(key);
      } else {
        this.#failing.add(key);
        this.queue.addRateLimited(key);
      }
    } finally {
      this.#inFlight.delete(key);
      this.queue.done(key);
      metrics?.active(-1);
    }
    metrics?.reconciled(outcome, (this.#clock.now() - start) / 1000);
  }
}

/**
 * The context of one reconcile: the run's context plus a logger made on
 * first use. A class (not an object literal with a getter) because one is
 * made per reconcile and V8 builds class instances far faster.
 */
class RequestContext implements ReconcileContext {
  readonly signal: AbortSignal;
  readonly client: ReconcileContext["client"];
  readonly reader: ReconcileContext["reader"];
  readonly recorder: ReconcileContext["recorder"];
  readonly clock: ReconcileContext["clock"];
  readonly #base: Logger;
  readonly #kind: string | undefined;
  readonly #req: Request;
  #log: Logger | undefined;

  constructor(ctx: ReconcileContext, base: Logger, kind: string | undefined, req: Request) {
    this.signal = ctx.signal;
    this.client = ctx.client;
    this.reader = ctx.reader;
    this.recorder = ctx.recorder;
    this.clock = ctx.clock;
    this.#base = base;
    this.#kind = kind;
    this.#req = req;
  }

  /** The request's logger, with controller-runtime's fields (made on first use). */
  get log(): Logger {
    const req = this.#req;
    return this.#log ??= this.#base.with({
      [this.#kind ?? "object"]: req.namespace
        ? { name: req.name, namespace: req.namespace }
        : { name: req.name },
      namespace: req.namespace ?? "",
      name: req.name,
      reconcileID: crypto.randomUUID(),
    });
  }
}
