import assert from "node:assert/strict";
import { FakeClock } from "../apimachinery/clock.ts";
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from "./rate_limiter.ts";

Deno.test("exponential: 5, 10, 20, ... doubling, capped at 1000 s", () => {
  const limiter = new ItemExponentialFailureRateLimiter();
  const got = Array.from({ length: 25 }, () => limiter.when("a"));
  const want = Array.from({ length: 25 }, (_, i) => Math.min(5 * 2 ** i, 1_000_000));
  assert.deepEqual(got, want);
  assert.deepEqual(got.slice(0, 4), [5, 10, 20, 40]);
  assert.equal(got[17], 655_360);
  assert.equal(got[18], 1_000_000);
  assert.equal(limiter.numRequeues("a"), 25);
});

Deno.test("exponential: stays at the cap after very many failures (no overflow)", () => {
  const limiter = new ItemExponentialFailureRateLimiter();
  let last = 0;
  for (let i = 0; i < 5000; i++) last = limiter.when("a");
  assert.equal(last, 1_000_000);
});

Deno.test("exponential: items are independent and forget resets one", () => {
  const limiter = new ItemExponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 100 });
  limiter.when("a");
  limiter.when("a");
  limiter.when("a");
  assert.equal(limiter.when("b"), 1);
  assert.equal(limiter.numRequeues("a"), 3);
  limiter.forget("a");
  assert.equal(limiter.numRequeues("a"), 0);
  assert.equal(limiter.when("a"), 1);
  assert.equal(limiter.when("b"), 2);
});

Deno.test("exponential: rejects negative delays", () => {
  assert.throws(() => new ItemExponentialFailureRateLimiter({ baseDelayMs: -1 }), RangeError);
  assert.throws(() => new ItemExponentialFailureRateLimiter({ maxDelayMs: NaN }), RangeError);
});

Deno.test("bucket: a burst of 100 goes at once, then 10 per second", () => {
  const clock = new FakeClock(1_700_000_000_000);
  const limiter = new BucketRateLimiter({ clock });
  for (let i = 0; i < 100; i++) assert.equal(limiter.when(`k${i}`), 0, `token ${i}`);
  // Reservations queue up behind each other at 100 ms apart.
  assert.equal(limiter.when("x"), 100);
  assert.equal(limiter.when("y"), 200);
  assert.equal(limiter.when("z"), 300);
  // 3 tokens are owed; after one second, 10 - 3 = 7 are free again.
  clock.advance(1000);
  for (let i = 0; i < 7; i++) assert.equal(limiter.when(`m${i}`), 0);
  assert.equal(limiter.when("n"), 100);
});

Deno.test("bucket: refill is capped at the burst", () => {
  const clock = new FakeClock();
  const limiter = new BucketRateLimiter({ qps: 10, burst: 100, clock });
  clock.advance(3_600_000);
  for (let i = 0; i < 100; i++) assert.equal(limiter.when("k"), 0);
  assert.equal(limiter.when("k"), 100);
});

Deno.test("bucket: steady 10/s has no wait when spaced 100 ms apart", () => {
  const clock = new FakeClock();
  const limiter = new BucketRateLimiter({ qps: 10, burst: 1, clock });
  assert.equal(limiter.when("a"), 0);
  assert.equal(limiter.when("a"), 100);
  clock.advance(200);
  assert.equal(limiter.when("a"), 0);
  clock.advance(50);
  assert.equal(limiter.when("a"), 50);
});

Deno.test("bucket: no per-item state, infinite qps never waits, bad options rejected", () => {
  const clock = new FakeClock();
  const limiter = new BucketRateLimiter({ qps: 1, burst: 1, clock });
  limiter.when("a");
  limiter.when("a");
  assert.equal(limiter.numRequeues("a"), 0);
  limiter.forget("a");
  assert.equal(limiter.when("a"), 2000);
  const unlimited = new BucketRateLimiter({ qps: Infinity, burst: 1, clock });
  for (let i = 0; i < 1000; i++) assert.equal(unlimited.when("a"), 0);
  assert.throws(() => new BucketRateLimiter({ qps: 0, clock }), RangeError);
  assert.throws(() => new BucketRateLimiter({ burst: 0, clock }), RangeError);
});

Deno.test("max-of: longest delay wins, every limiter records, forget reaches all", () => {
  const calls: string[] = [];
  const spy = (name: string, delay: number, requeues: number): RateLimiter<string> => ({
    when: (item) => (calls.push(`${name}.when(${item})`), delay),
    forget: (item) => void calls.push(`${name}.forget(${item})`),
    numRequeues: () => requeues,
  });
  const limiter = new MaxOfRateLimiter(spy("a", 30, 1), spy("b", 70, 4), spy("c", 10, 2));
  assert.equal(limiter.when("x"), 70);
  assert.equal(limiter.numRequeues("x"), 4);
  limiter.forget("x");
  assert.deepEqual(calls, [
    "a.when(x)",
    "b.when(x)",
    "c.when(x)",
    "a.forget(x)",
    "b.forget(x)",
    "c.forget(x)",
  ]);
  assert.equal(new MaxOfRateLimiter<string>().when("x"), 0);
});

Deno.test("max-of: exponential and bucket combine", () => {
  const clock = new FakeClock();
  const limiter = new MaxOfRateLimiter<string>(
    new ItemExponentialFailureRateLimiter({ baseDelayMs: 5, maxDelayMs: 1000 }),
    new BucketRateLimiter({ qps: 10, burst: 2, clock }),
  );
  assert.equal(limiter.when("a"), 5); // bucket has a token; backoff decides
  assert.equal(limiter.when("b"), 5);
  assert.equal(limiter.when("c"), 100); // bucket empty: it decides
  assert.equal(limiter.numRequeues("a"), 1);
});

Deno.test("defaultControllerRateLimiter: per-item 5 ms doubling, overall 10/s burst 100", () => {
  const clock = new FakeClock();
  const limiter = defaultControllerRateLimiter(clock);
  assert.deepEqual([1, 2, 3, 4].map(() => limiter.when("default/a")), [5, 10, 20, 40]);
  assert.equal(limiter.numRequeues("default/a"), 4);
  limiter.forget("default/a");
  assert.equal(limiter.numRequeues("default/a"), 0);
  // 4 tokens used; 96 more distinct items go with only the 5 ms backoff.
  for (let i = 0; i < 96; i++) assert.equal(limiter.when(`default/k${i}`), 5);
  // The bucket is now empty: the next fresh item waits 100 ms.
  assert.equal(limiter.when("default/late"), 100);
  // The backoff cap still applies far into the sequence.
  const capped = defaultControllerRateLimiter(clock);
  let last = 0;
  for (let i = 0; i < 40; i++) {
    clock.advance(1000);
    last = capped.when("default/b");
  }
  assert.equal(last, 1_000_000);
});
