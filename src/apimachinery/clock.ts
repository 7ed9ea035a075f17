/**
 * Time behind an interface, so tests can fake it.
 *
 * @module
 */

/** Cancels a timer set with {@linkcode Clock.setTimer}. */
export type CancelTimer = () => void;

/** A source of the current time, and timers that follow it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): CancelTimer;
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    // setTimeout fires at once for delays beyond 2^31-1 ms, so long waits are chained.
    const MAX = 2 ** 31 - 1;
    const due = Date.now() + Math.max(0, ms);
    let id: ReturnType<typeof setTimeout>;
    const arm = () => {
      const left = due - Date.now();
      id = setTimeout(left > MAX ? arm : fn, Math.max(0, Math.min(left, MAX)));
    };
    arm();
    return () => clearTimeout(id);
  },
};

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to. Timers fire, in time order, when
 * {@linkcode FakeClock.advance} or {@linkcode FakeClock.set} passes their time.
 *
 * @example
 * ```ts
 * import { FakeClock, rfc3339 } from "./clock.ts";
 * import assert from "node:assert/strict";
 * const clock = new FakeClock(Date.UTC(2024, 0, 1));
 * let fired = 0;
 * clock.setTimer(() => fired++, 1000);
 * clock.advance(1500);
 * assert.equal(fired, 1);
 * assert.equal(rfc3339(clock.now()), "2024-01-01T00:00:01Z");
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #timers: FakeTimer[] = [];
  #seq = 0;

  /** Starts at `start` ms since the epoch. */
  constructor(start = 0) {
    this.#now = start;
  }

  /** The fake time. */
  now(): number {
    return this.#now;
  }

  /** Sets a timer on fake time. */
  setTimer(fn: () => void, ms: number): CancelTimer {
    const t: FakeTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(t);
    return () => {
      const i = this.#timers.indexOf(t);
      if (i >= 0) this.#timers.splice(i, 1);
    };
  }

  /** Number of timers not yet fired or cancelled. */
  pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  /** Sets the time (never backwards for timers), firing due timers in order. */
  set(ms: number): void {
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.#timers) {
        if (t.at <= ms && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) {
          next = t;
        }
      }
      if (!next) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
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

/**
 * Sleeps `ms` on `clock`, or less when `signal` aborts (resolving, never
 * rejecting): the wait between retries of reflectors, caches and elections.
 *
 * @example
 * ```ts
 * import { realClock, sleepOn } from "./clock.ts";
 * import assert from "node:assert/strict";
 *
 * const stop = new AbortController();
 * const started = Date.now();
 * const sleeping = sleepOn(realClock, 60_000, stop.signal);
 * stop.abort();
 * await sleeping;
 * assert.ok(Date.now() - started < 1000);
 * ```
 */
export function sleepOn(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      cancel();
      signal.removeEventListener("abort", done);
      resolve();
    };
    const cancel = clock.setTimer(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
