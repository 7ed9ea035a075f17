/**
 * Retry helpers, as client-go's `retry.RetryOnConflict`.
 *
 * @module
 */
import { isConflict } from "../apimachinery/errors.ts";

/** Backoff of {@linkcode retryOnConflict}. */
export interface RetryOptions {
  /** Attempts in all. Default 50. */
  steps?: number;
  /** First delay in ms. Default 1. */
  delayMs?: number;
  /** Growth factor per attempt. Default 1.5. */
  factor?: number;
  /** Largest delay in ms. Default 100. */
  maxDelayMs?: number;
  /** Random extra delay, as a fraction of the delay. Default 1. */
  jitter?: number;
}

/**
 * Runs `fn` (a read-modify-write) again while it fails with a Conflict,
 * with jittered exponential backoff; other errors and the last conflict
 * are thrown.
 *
 * @example
 * ```ts
 * import { retryOnConflict } from "./retry.ts";
 * import { ApiError } from "../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 *
 * let tries = 0;
 * const out = await retryOnConflict(() => {
 *   if (++tries < 3) throw ApiError.conflict({ resource: "configmaps", name: "c" }, "stale");
 *   return Promise.resolve("done");
 * });
 * assert.equal(out, "done");
 * assert.equal(tries, 3);
 * ```
 */
export async function retryOnConflict<T>(
  fn: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const steps = options.steps ?? 50;
  let delay = options.delayMs ?? 1;
  const factor = options.factor ?? 1.5;
  const max = options.maxDelayMs ?? 100;
  const jitter = options.jitter ?? 1;
  for (let attempt = 1;; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConflict(err) || attempt >= steps) throw err;
      const wait = delay * (1 + Math.random() * jitter);
      await new Promise((r) => setTimeout(r, wait));
      delay = Math.min(delay * factor, max);
    }
  }
}
