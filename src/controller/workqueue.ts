/**
 * The controller work queue, after client-go's `util/workqueue` (queue, delaying queue and
 * rate-limiting queue in one class).
 *
 * @module
 */

import { type CancelTimer, type Clock, realClock } from "../apimachinery/clock.ts";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate_limiter.ts";

/** Options for {@linkcode WorkQueue}. */
export interface WorkQueueOptions<T> {
  /** Time source for delayed adds and the default rate limiter. Default {@linkcode realClock}. */
  clock?: Clock;
  /**
   * Decides the delay of {@linkcode WorkQueue.addRateLimited}. Default
   * {@linkcode defaultControllerRateLimiter} on the queue's clock.
   */
  rateLimiter?: RateLimiter<T>;
  /** A name for diagnostics and metrics. */
  name?: string;
  /** Told about adds, gets, dones and retries; see {@linkcode WorkQueueMetricsSink}. Default none. */
  metrics?: WorkQueueMetricsSink<T>;
}

/**
 * What a queue reports for client-go's workqueue metrics (depth, adds, queue and work
 * duration, unfinished work, retries). The queue calls it synchronously; a sink keeps its own
 * state (e.g. when each item was added), so one sink may outlive the queue it was given to and
 * be handed to the next one.
 *
 * @example
 * ```ts
 * import { WorkQueue, type WorkQueueMetricsSink } from "./workqueue.ts";
 * import assert from "node:assert/strict";
 * const calls: string[] = [];
 * const sink: WorkQueueMetricsSink<string> = {
 *   add: (item) => calls.push(`add ${item}`),
 *   get: (item) => calls.push(`get ${item}`),
 *   done: (item) => calls.push(`done ${item}`),
 *   retry: (item) => calls.push(`retry ${item}`),
 *   drop: (item) => calls.push(`drop ${item}`),
 * };
 * const queue = new WorkQueue({ metrics: sink });
 * queue.add("a");
 * queue.add("a");
 * queue.done((await queue.get())!);
 * assert.deepEqual(calls, ["add a", "get a", "done a"]);
 * ```
 */
export interface WorkQueueMetricsSink<T> {
  /** The item became pending: it was not queued and was not already waiting to be re-queued. */
  add(item: T): void;
  /** The item was handed to a worker. */
  get(item: T): void;
  /** A worker finished the item. */
  done(item: T): void;
  /**
   * The item was scheduled with a non-zero, finite delay (a rate-limited or delayed add), even
   * if an earlier pending add of it wins.
   */
  retry(item: T): void;
  /** The pending item was dropped by a shutdown without drain. */
  drop(item: T): void;
}

interface Delayed {
  at: number;
  cancel: CancelTimer;
}

/**
 * A work queue of keys for controllers, with client-go's guarantees.
 *
 * Expected flow: producers call {@linkcode WorkQueue.add} (or the delayed and rate-limited
 * variants); each worker loops `item = await get()`, processes it, then calls
 * {@linkcode WorkQueue.forget} on success or {@linkcode WorkQueue.addRateLimited} on failure,
 * and always {@linkcode WorkQueue.done}; the loop ends when `get()` returns `undefined`.
 *
 * Guarantees:
 * - An item queued several times before a worker takes it is handed out once.
 * - An item is never handed to two workers at once: adding an item that is in flight marks it
 *   dirty, and it is queued again only when `done(item)` is called.
 * - Items are handed out in the order they were first queued; concurrent `get()` calls are
 *   served in the order they were made.
 * - Of several pending delayed adds of one item, only the earliest is kept.
 *
 * Caveats: items are compared with `===` (SameValueZero), so use string keys such as
 * `"namespace/name"` rather than objects. Unlike client-go, after {@linkcode WorkQueue.shutDown}
 * (without drain) `get()` no longer hands out queued items: it returns `undefined` at once.
 *
 * @example
 * ```ts
 * import { WorkQueue } from "./workqueue.ts";
 * import assert from "node:assert/strict";
 * const queue = new WorkQueue();
 * queue.add("default/a");
 * queue.add("default/b");
 * queue.add("default/a");
 * assert.equal(queue.len(), 2);
 * const item = await queue.get();
 * assert.equal(item, "default/a");
 * queue.add("default/a"); // in flight: queued again only after done
 * assert.equal(queue.len(), 1);
 * queue.done("default/a");
 * assert.equal(queue.len(), 2);
 * queue.shutDown();
 * assert.equal(await queue.get(), undefined);
 * ```
 */
export class WorkQueue<T = string> {
  /** The name given in the options, for diagnostics. */
  readonly name: string | undefined;
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter<T>;

  // FIFO of queued items: #queue[#head..] is live.
  #queue: T[] = [];
  #head = 0;
  /** Items that need processing: queued, or added while in flight. */
  readonly #dirty = new Set<T>();
  /** Items handed out and not yet done. */
  readonly #processing = new Set<T>();
  readonly #delayed = new Map<T, Delayed>();
  readonly #waiters: ((item: T | undefined) => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];
  #shuttingDown = false;
  #drain = false;
  #metrics: WorkQueueMetricsSink<T> | undefined;

  /** Creates an empty queue. */
  constructor(options: WorkQueueOptions<T> = {}) {
    this.name = options.name;
    this.#clock = options.clock ?? realClock;
    this.#rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<T>(this.#clock);
    this.#metrics = options.metrics;
  }

  /**
   * Installs (or with `undefined` removes) the metrics sink. Items already queued or in flight
   * are not reported to a newly installed sink until their next add, get or done.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * let adds = 0;
   * const queue = new WorkQueue();
   * queue.setMetrics({ add: () => adds++, get() {}, done() {}, retry() {}, drop() {} });
   * queue.add("x");
   * assert.equal(adds, 1);
   * ```
   */
  setMetrics(sink: WorkQueueMetricsSink<T> | undefined): void {
    this.#metrics = sink;
  }

  /**
   * Queues an item unless it is already queued. An item in flight is marked dirty and queued
   * again when it is done. Ignored after shutdown.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * queue.add("x");
   * queue.add("x");
   * assert.equal(queue.len(), 1);
   * ```
   */
  add(item: T): void {
    if (this.#shuttingDown) return;
    if (this.#dirty.has(item)) return;
    this.#metrics?.add(item);
    this.#dirty.add(item);
    if (this.#processing.has(item)) return;
    this.#enqueue(item);
  }

  /**
   * Adds the item after `ms` milliseconds of the queue's clock (at once if `ms <= 0`, never if
   * `ms` is `Infinity`). If the item already has a pending delayed add, the earlier of the two
   * times wins. Ignored after shutdown.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import { FakeClock } from "../apimachinery/clock.ts";
   * import assert from "node:assert/strict";
   * const clock = new FakeClock();
   * const queue = new WorkQueue({ clock });
   * queue.addAfter("x", 100);
   * assert.equal(queue.nextDelayedAt(), 100);
   * clock.advance(100);
   * assert.equal(queue.len(), 1);
   * ```
   */
  addAfter(item: T, ms: number): void {
    if (this.#shuttingDown || ms === Infinity) return;
    if (!(ms > 0)) {
      this.add(item);
      return;
    }
    this.#metrics?.retry(item);
    const at = this.#clock.now() + ms;
    const pending = this.#delayed.get(item);
    if (pending) {
      if (pending.at <= at) return;
      pending.cancel();
    }
    const entry: Delayed = {
      at,
      cancel: this.#clock.setTimer(() => {
        if (this.#delayed.get(item) !== entry) return;
        this.#delayed.delete(item);
        this.add(item);
      }, ms),
    };
    this.#delayed.set(item, entry);
  }

  /**
   * Adds the item after the delay its rate limiter decides (recording a failure).
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import { FakeClock } from "../apimachinery/clock.ts";
   * import assert from "node:assert/strict";
   * const clock = new FakeClock();
   * const queue = new WorkQueue({ clock });
   * queue.addRateLimited("x");
   * assert.equal(queue.numRequeues("x"), 1);
   * assert.equal(queue.nextDelayedAt(), 5);
   * ```
   */
  addRateLimited(item: T): void {
    if (this.#shuttingDown) return;
    this.addAfter(item, this.#rateLimiter.when(item));
  }

  /**
   * Tells the rate limiter the item succeeded, resetting its backoff. Does not remove it from
   * the queue.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * queue.addRateLimited("x");
   * queue.forget("x");
   * assert.equal(queue.numRequeues("x"), 0);
   * queue.shutDown();
   * ```
   */
  forget(item: T): void {
    this.#rateLimiter.forget(item);
  }

  /**
   * How many times the item has been rate-limited since it was last forgotten.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * assert.equal(queue.numRequeues("x"), 0);
   * ```
   */
  numRequeues(item: T): number {
    return this.#rateLimiter.numRequeues(item);
  }

  /**
   * Takes the next item, waiting for one if the queue is empty; the caller must call
   * {@linkcode WorkQueue.done} with it. Resolves `undefined` once the queue is shut down (after a
   * drain, once nothing is left queued).
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * const next = queue.get();
   * queue.add("x");
   * assert.equal(await next, "x");
   * assert.equal(queue.inFlight(), 1);
   * queue.done("x");
   * ```
   */
  get(): Promise<T | undefined> {
    if (this.len() > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Marks the item processed. If it was added while in flight, it is queued again.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * queue.add("x");
   * const item = (await queue.get())!;
   * queue.done(item);
   * assert.ok(queue.isIdle());
   * ```
   */
  done(item: T): void {
    if (!this.#processing.delete(item)) return;
    this.#metrics?.done(item);
    if (this.#dirty.has(item)) {
      this.#enqueue(item);
    } else {
      this.#checkIdle();
    }
  }

  /**
   * Number of items queued and not in flight (delayed items not included).
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * assert.equal(new WorkQueue().len(), 0);
   * ```
   */
  len(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Number of items handed out by `get()` and not yet done.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * assert.equal(new WorkQueue().inFlight(), 0);
   * ```
   */
  inFlight(): number {
    return this.#processing.size;
  }

  /**
   * Whether nothing is queued and nothing is in flight. Delayed adds do not count.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * queue.addAfter("x", 1000);
   * assert.ok(queue.isIdle());
   * queue.shutDown();
   * ```
   */
  isIdle(): boolean {
    return this.len() === 0 && this.#processing.size === 0;
  }

  /**
   * Clock time at which the earliest pending delayed add fires, or `undefined` if there is none.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import { FakeClock } from "../apimachinery/clock.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue({ clock: new FakeClock(1000) });
   * queue.addAfter("x", 50);
   * queue.addAfter("y", 20);
   * assert.equal(queue.nextDelayedAt(), 1020);
   * ```
   */
  nextDelayedAt(): number | undefined {
    let next: number | undefined;
    for (const { at } of this.#delayed.values()) {
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /**
   * Number of items with a pending delayed add.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import { FakeClock } from "../apimachinery/clock.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue({ clock: new FakeClock() });
   * queue.addAfter("x", 50);
   * queue.addAfter("x", 20);
   * assert.equal(queue.delayedCount(), 1);
   * ```
   */
  delayedCount(): number {
    return this.#delayed.size;
  }

  /** The items with a pending delayed add. */
  delayedItems(): T[] {
    return [...this.#delayed.keys()];
  }

  /**
   * Whether {@linkcode WorkQueue.shutDown} or {@linkcode WorkQueue.shutDownWithDrain} was called.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * queue.shutDown();
   * assert.ok(queue.shuttingDown());
   * ```
   */
  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /**
   * Stops the queue now: later adds are ignored, delayed adds are cancelled, queued items are
   * dropped, and every waiting and later `get()` resolves `undefined`. Items in flight may still
   * be marked done. Also ends a pending {@linkcode WorkQueue.shutDownWithDrain}.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * const waiting = queue.get();
   * queue.shutDown();
   * assert.equal(await waiting, undefined);
   * queue.add("x");
   * assert.equal(queue.len(), 0);
   * ```
   */
  shutDown(): void {
    this.#shuttingDown = true;
    this.#drain = false;
    this.#cancelDelayed();
    this.#queue = [];
    this.#head = 0;
    if (this.#metrics) { for (const item of this.#dirty) this.#metrics.drop(item); }
    this.#dirty.clear();
    this.#wakeWaiters();
    const drainWaiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of drainWaiters) resolve();
    this.#checkIdle();
  }

  /**
   * Stops intake (later adds are ignored, delayed adds are cancelled) but lets the work already
   * in the queue finish: `get()` keeps handing out queued items (including items re-queued by
   * `done`) and resolves `undefined` once none are left. Resolves when nothing is queued and
   * nothing is in flight, so workers must keep calling `get()` until it returns `undefined`.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * queue.add("x");
   * const item = (await queue.get())!;
   * let drained = false;
   * const draining = queue.shutDownWithDrain().then(() => drained = true);
   * await Promise.resolve();
   * assert.equal(drained, false);
   * queue.done(item);
   * await draining;
   * assert.equal(drained, true);
   * ```
   */
  shutDownWithDrain(): Promise<void> {
    if (this.#shuttingDown && !this.#drain) return Promise.resolve();
    this.#shuttingDown = true;
    this.#drain = true;
    this.#cancelDelayed();
    // Waiters exist only when nothing is queued, so they can stop now.
    this.#wakeWaiters();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Resolves the next time nothing is queued and nothing is in flight (at once if that is so
   * now). Delayed adds do not count.
   *
   * @example
   * ```ts
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const queue = new WorkQueue();
   * queue.add("x");
   * const idle = queue.onIdle();
   * const item = (await queue.get())!;
   * queue.done(item);
   * await idle;
   * assert.ok(queue.isIdle());
   * ```
   */
  onIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #enqueue(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      // Hand it straight to the longest-waiting get(): it is in flight from now on.
      this.#dirty.delete(item);
      this.#processing.add(item);
      this.#metrics?.get(item);
      waiter(item);
      return;
    }
    this.#queue.push(item);
  }

  #take(): T {
    const item = this.#queue[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    } else if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
    this.#dirty.delete(item);
    this.#processing.add(item);
    this.#metrics?.get(item);
    return item;
  }

  #cancelDelayed(): void {
    for (const { cancel } of this.#delayed.values()) cancel();
    this.#delayed.clear();
  }

  #wakeWaiters(): void {
    const waiters = this.#waiters.splice(0);
    for (const resolve of waiters) resolve(undefined);
  }

  #checkIdle(): void {
    if (!this.isIdle()) return;
    const idle = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of idle) resolve();
    const drain = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of drain) resolve();
  }
}
