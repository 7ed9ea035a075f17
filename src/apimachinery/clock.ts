/**
 * Time behind an interface, so tests can fake it.
 *
 * @module
 */

/** A source of the current time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const realClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to.
 *
 * @example
 * ```ts
 * import { FakeClock, rfc3339 } from "./clock.ts";
 * import assert from "node:assert/strict";
 * const clock = new FakeClock(Date.UTC(2024, 0, 1));
 * clock.advance(1500);
 * assert.equal(rfc3339(clock.now()), "2024-01-01T00:00:01Z");
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  /** Starts at `start` ms since the epoch. */
  constructor(start = 0) {
    this.#now = start;
  }
  /** The fake time. */
  now(): number {
    return this.#now;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.#now += ms;
  }
  /** Sets the time. */
  set(ms: number): void {
    this.#now = ms;
  }
}

let lastSecond = -1;
let lastText = "";

/**
 * Formats a time as Kubernetes' `metav1.Time`: RFC 3339 with second precision in UTC.
 *
 * @example
 * ```ts
 * import { rfc3339 } from "./clock.ts";
 * import assert from "node:assert/strict";
 * assert.equal(rfc3339(Date.UTC(2024, 4, 6, 7, 8, 9, 999)), "2024-05-06T07:08:09Z");
 * ```
 */
export function rfc3339(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSecond) {
    lastSecond = sec;
    lastText = new Date(sec * 1000).toISOString().slice(0, 19) + "Z";
  }
  return lastText;
}
