/**
 * Rate limiters for work queues, after client-go's `util/workqueue/default_rate_limiters.go`:
 * per-item exponential backoff, an overall token bucket, and the maximum of several limiters.
 *
 * @module
 */

import { type Clock, realClock } from "../apimachinery/clock.ts";

/**
 * Decides how long an item waits before it is retried.
 *
 * @example
 * ```ts
 * import type { RateLimiter } from "./rate_limiter.ts";
 * import assert from "node:assert/strict";
 * const fixed: RateLimiter<string> = {
 *   when: () => 50,
 *   forget: () => {},
 *   numRequeues: () => 0,
 * };
 * assert.equal(fixed.when("default/app"), 50);
 * ```
 */
export interface RateLimiter<T> {
  /** Records a failure of `item` and returns how many milliseconds it should wait. */
  when(item: T): number;
  /** Stops tracking `item` (it succeeded); its next failure starts from scratch. */
  forget(item: T): void;
  /** How many failures of `item` are being tracked. */
  numRequeues(item: T): number;
}

/** Options for {@linkcode ItemExponentialFailureRateLimiter}. */
export interface ItemExponentialFailureRateLimiterOptions {
  /** Delay after the first failure, in ms. Default 5. */
  baseDelayMs?: number;
  /** Largest delay, in ms. Default 1 000 000 (1000 s). */
  maxDelayMs?: number;
}

/**
 * Per-item exponential backoff: the n-th consecutive failure of an item (counting from 0) waits
 * `baseDelayMs * 2^n`, capped at `maxDelayMs`. {@linkcode ItemExponentialFailureRateLimiter.forget}
 * resets the item.
 *
 * @example
 * ```ts
 * import { ItemExponentialFailureRateLimiter } from "./rate_limiter.ts";
 * import assert from "node:assert/strict";
 * const limiter = new ItemExponentialFailureRateLimiter({ baseDelayMs: 5, maxDelayMs: 30 });
 * assert.deepEqual([1, 2, 3, 4, 5].map(() => limiter.when("a")), [5, 10, 20, 30, 30]);
 * limiter.forget("a");
 * assert.equal(limiter.when("a"), 5);
 * ```
 */
export class ItemExponentialFailureRateLimiter<T = string> implements RateLimiter<T> {
  readonly #failures = new Map<T, number>();
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;

  /** Creates a limiter with the given base and maximum delay. */
  constructor(options: ItemExponentialFailureRateLimiterOptions = {}) {
    this.#baseDelayMs = options.baseDelayMs ?? 5;
    this.#maxDelayMs = options.maxDelayMs ?? 1_000_000;
    if (!(this.#baseDelayMs >= 0) || !(this.#maxDelayMs >= 0)) {
      throw new RangeError(
        `Cannot create an exponential rate limiter: delays must be non-negative ` +
          `(base ${this.#baseDelayMs} ms, max ${this.#maxDelayMs} ms)`,
      );
    }
  }

  /** Records a failure and returns `baseDelayMs * 2^(earlier failures)`, capped. */
  when(item: T): number {
    const exp = this.#failures.get(item) ?? 0;
    this.#failures.set(item, exp + 1);
    const backoff = this.#baseDelayMs * 2 ** exp;
    if (!Number.isFinite(backoff) || backoff > this.#maxDelayMs) return this.#maxDelayMs;
    return backoff;
  }

  /** Forgets the item's failures. */
  forget(item: T): void {
    this.#failures.delete(item);
  }

  /** Number of failures recorded for the item since it was last forgotten. */
  numRequeues(item: T): number {
    return this.#failures.get(item) ?? 0;
  }
}

/** Options for {@linkcode BucketRateLimiter}. */
export interface BucketRateLimiterOptions {
  /** Tokens added per second. Default 10. `Infinity` never delays. */
  qps?: number;
  /** Bucket size: how many items may go at once. Default 100. */
  burst?: number;
  /** Time source. Default {@linkcode realClock}. */
  clock?: Clock;
}

/**
 * An overall token bucket shared by all items (golang.org/x/time/rate semantics): the bucket
 * starts full with `burst` tokens and refills at `qps` tokens per second. Each
 * {@linkcode BucketRateLimiter.when} reserves one token and returns how long to wait until that
 * token is available, so reservations queue up behind each other. It keeps no per-item state:
 * `forget` does nothing and `numRequeues` is always 0.
 *
 * @example
 * ```ts
 * import { BucketRateLimiter } from "./rate_limiter.ts";
 * import { FakeClock } from "../apimachinery/clock.ts";
 * import assert from "node:assert/strict";
 * const clock = new FakeClock();
 * const limiter = new BucketRateLimiter({ qps: 10, burst: 2, clock });
 * assert.deepEqual([limiter.when("a"), limiter.when("b"), limiter.when("c")], [0, 0, 100]);
 * clock.advance(100);
 * assert.equal(limiter.when("d"), 100);
 * ```
 */
export class BucketRateLimiter<T = string> implements RateLimiter<T> {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  /** Creates a full bucket. */
  constructor(options: BucketRateLimiterOptions = {}) {
    this.#qps = options.qps ?? 10;
    this.#burst = options.burst ?? 100;
    this.#clock = options.clock ?? realClock;
    if (!(this.#qps > 0)) {
      throw new RangeError(
        `Cannot create a bucket rate limiter: qps must be positive (got ${this.#qps})`,
      );
    }
    if (!(this.#burst >= 1)) {
      throw new RangeError(
        `Cannot create a bucket rate limiter: burst must be at least 1 (got ${this.#burst})`,
      );
    }
    this.#tokens = this.#burst;
    this.#last = this.#clock.now();
  }

  /** Reserves a token and returns the wait in ms until it is available (0 if one is there). */
  when(_item: T): number {
    if (this.#qps === Infinity) return 0;
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#last);
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#qps) / 1000);
    this.#last = Math.max(this.#last, now);
    this.#tokens -= 1;
    return this.#tokens < 0 ? (-this.#tokens / this.#qps) * 1000 : 0;
  }

  /** Does nothing: the bucket has no per-item state. */
  forget(_item: T): void {}

  /** Always 0: the bucket has no per-item state. */
  numRequeues(_item: T): number {
    return 0;
  }
}

/**
 * Combines limiters: `when` asks every limiter (so each records the failure) and returns the
 * longest delay; `numRequeues` is the largest count; `forget` forgets in all of them.
 *
 * @example
 * ```ts
 * import { ItemExponentialFailureRateLimiter, MaxOfRateLimiter } from "./rate_limiter.ts";
 * import assert from "node:assert/strict";
 * const limiter = new MaxOfRateLimiter<string>(
 *   new ItemExponentialFailureRateLimiter({ baseDelayMs: 5 }),
 *   new ItemExponentialFailureRateLimiter({ baseDelayMs: 7 }),
 * );
 * assert.equal(limiter.when("a"), 7);
 * assert.equal(limiter.when("a"), 14);
 * assert.equal(limiter.numRequeues("a"), 2);
 * ```
 */
export class MaxOfRateLimiter<T = string> implements RateLimiter<T> {
  readonly #limiters: readonly RateLimiter<T>[];

  /** Combines the given limiters. */
  constructor(...limiters: RateLimiter<T>[]) {
    this.#limiters = limiters;
  }

  /** The longest delay any limiter asks for (0 with no limiters). */
  when(item: T): number {
    let delay = 0;
    for (const limiter of this.#limiters) delay = Math.max(delay, limiter.when(item));
    return delay;
  }

  /** Forgets the item in every limiter. */
  forget(item: T): void {
    for (const limiter of this.#limiters) limiter.forget(item);
  }

  /** The largest failure count any limiter reports. */
  numRequeues(item: T): number {
    let n = 0;
    for (const limiter of this.#limiters) n = Math.max(n, limiter.numRequeues(item));
    return n;
  }
}

/**
 * The rate limiter controller-runtime gives every controller: the maximum of per-item
 * exponential backoff (5 ms doubling up to 1000 s) and an overall token bucket (10 per second,
 * burst 100).
 *
 * @example
 * ```ts
 * import { defaultControllerRateLimiter } from "./rate_limiter.ts";
 * import { FakeClock } from "../apimachinery/clock.ts";
 * import assert from "node:assert/strict";
 * const limiter = defaultControllerRateLimiter(new FakeClock());
 * assert.deepEqual([limiter.when("a"), limiter.when("a"), limiter.when("a")], [5, 10, 20]);
 * limiter.forget("a");
 * assert.equal(limiter.numRequeues("a"), 0);
 * ```
 */
export function defaultControllerRateLimiter<T = string>(clock: Clock = realClock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(
    new ItemExponentialFailureRateLimiter<T>({ baseDelayMs: 5, maxDelayMs: 1_000_000 }),
    new BucketRateLimiter<T>({ qps: 10, burst: 100, clock }),
  );
}
