/**
 * A controller: watches (kind + event mapping + predicates) feed a
 * rate-limited work queue, and workers run the reconciler on the queued
 * requests. An item is never reconciled by two workers at once; errors are
 * retried with per-item backoff; {@linkcode TerminalError}s are not.
 *
 * @module
 */
import { type Clock, realClock } from "../apimachinery/clock.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { type ObjectEvent, passes, type Predicate } from "./predicates.ts";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate_limiter.ts";
import {
  type ReconcileContext,
  type Reconciler,
  type Request,
  requestFromKey,
  requestKey,
  TerminalError,
} from "./reconcile.ts";
import { WorkQueue } from "./workqueue.ts";

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
  /** Told about every failed reconcile. Default: console.error. */
  onError?: (err: unknown, request: Request, controller: string) => void;
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
  readonly #onError: (err: unknown, request: Request, controller: string) => void;
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
    this.#queue = this.#newQueue();
    this.#onError = options.onError ??
      ((err, req, c) =>
        console.error(
          `controller ${c}: reconcile ${requestKey(req)} failed: ${
            err instanceof Error ? err.message : String(err)
          }`,
        ));
  }

  #newQueue(): WorkQueue<string> {
    return new WorkQueue<string>({
      clock: this.#clock,
      name: this.name,
      rateLimiter: this.#rateLimiter ?? defaultControllerRateLimiter(this.#clock),
    });
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
   * reconcilers their client and reader; `signal` is passed on to them.
   */
  async run(context: Omit<ReconcileContext, "signal">, signal: AbortSignal): Promise<void> {
    const ctx: ReconcileContext = { ...context, signal };
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
    this.#inFlight.add(key);
    this.stats.reconciles++;
    try {
      const result = await this.#reconciler(req, ctx);
      this.#failing.delete(key);
      if (result?.requeueAfterMs !== undefined && result.requeueAfterMs >= 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, result.requeueAfterMs);
      } else if (result?.requeue) {
        this.queue.addRateLimited(key);
      } else {
        this.queue.forget(key);
      }
    } catch (err) {
      this.stats.errors++;
      this.#onError(err, req, this.name);
      if (err instanceof TerminalError) {
        this.#failing.delete(key);
        this.queue.forget(key);
      } else {
        this.#failing.add(key);
        this.queue.addRateLimited(key);
      }
    } finally {
      this.#inFlight.delete(key);
      this.queue.done(key);
    }
  }
}
