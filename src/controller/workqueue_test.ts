import assert from "node:assert/strict";
import { FakeClock } from "../apimachinery/clock.ts";
import { ItemExponentialFailureRateLimiter } from "./rate_limiter.ts";
import { WorkQueue } from "./workqueue.ts";

/** Lets pending promise callbacks and zero-delay timers run. */
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Records whether a promise has settled yet. */
function track<T>(p: Promise<T>): { settled: boolean; value?: T } {
  const state: { settled: boolean; value?: T } = { settled: false };
  p.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function newQueue(): { queue: WorkQueue; clock: FakeClock } {
  const clock = new FakeClock(1_000_000);
  return { queue: new WorkQueue({ clock, name: "test" }), clock };
}

Deno.test("add: an item queued several times is handed out once", async () => {
  const { queue } = newQueue();
  queue.add("default/a");
  queue.add("default/a");
  queue.add("default/b");
  queue.add("default/a");
  assert.equal(queue.len(), 2);
  assert.equal(await queue.get(), "default/a");
  assert.equal(await queue.get(), "default/b");
  assert.equal(queue.len(), 0);
  assert.equal(queue.inFlight(), 2);
  assert.equal(queue.name, "test");
});

Deno.test("get: items come out in the order first queued", async () => {
  const { queue } = newQueue();
  const keys = ["c", "a", "e", "b", "d"];
  for (const k of keys) queue.add(k);
  queue.add("a");
  const got: (string | undefined)[] = [];
  for (let i = 0; i < keys.length; i++) got.push(await queue.get());
  assert.deepEqual(got, keys);
});

Deno.test("get: concurrent waiters are served first come, first served", async () => {
  const { queue } = newQueue();
  const w1 = queue.get();
  const w2 = queue.get();
  const w3 = queue.get();
  queue.add("x");
  queue.add("y");
  queue.add("z");
  assert.deepEqual(await Promise.all([w1, w2, w3]), ["x", "y", "z"]);
  assert.equal(queue.inFlight(), 3);
});

Deno.test("add while processing: marked dirty, queued again only on done", async () => {
  const { queue } = newQueue();
  queue.add("a");
  assert.equal(await queue.get(), "a");
  queue.add("a");
  queue.add("a");
  assert.equal(queue.len(), 0, "an in-flight item is not queued");
  const second = track(queue.get());
  await flush();
  assert.equal(second.settled, false, "a second worker must not get the in-flight item");
  queue.done("a");
  await flush();
  assert.deepEqual(second, { settled: true, value: "a" });
  assert.equal(queue.inFlight(), 1);
  queue.done("a");
  assert.ok(queue.isIdle(), "processed once more, not twice");
});

Deno.test("done: without a new add the item is not queued again; unknown items are ignored", async () => {
  const { queue } = newQueue();
  queue.add("a");
  const item = await queue.get();
  queue.done(item!);
  queue.done(item!);
  queue.done("never-added");
  assert.equal(queue.len(), 0);
  assert.equal(queue.inFlight(), 0);
});

Deno.test("workers: an item is never processed by two workers at once", async () => {
  const { queue } = newQueue();
  const random = rng(42);
  const keys = Array.from({ length: 8 }, (_, i) => `default/k${i}`);
  const active = new Set<string>();
  const lastAdded = new Map<string, number>();
  const lastStarted = new Map<string, number>();
  let tick = 0;
  let processed = 0;
  const pause = async () => {
    const n = Math.floor(random() * 20);
    for (let i = 0; i < n; i++) await Promise.resolve();
    if (random() < 0.1) await flush();
  };
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      assert.ok(!active.has(key), `${key} handed to two workers at once`);
      active.add(key);
      lastStarted.set(key, ++tick);
      await pause();
      active.delete(key);
      processed++;
      // Some items fail and are added back while still in flight.
      if (random() < 0.2) queue.add(key);
      queue.done(key);
    }
  };
  const producer = async () => {
    for (let i = 0; i < 400; i++) {
      const key = keys[Math.floor(random() * keys.length)];
      queue.add(key);
      lastAdded.set(key, ++tick);
      await pause();
    }
  };
  const workers = [worker(), worker(), worker(), worker()];
  await Promise.all([producer(), producer()]);
  await queue.onIdle();
  assert.ok(queue.isIdle());
  // Level-triggered: every key was processed after it was last added.
  for (const [key, added] of lastAdded) {
    assert.ok((lastStarted.get(key) ?? 0) > added, `${key} not processed after its last add`);
  }
  assert.ok(processed < 800, "duplicate adds were merged");
  queue.shutDown();
  await Promise.all(workers);
});

Deno.test("addAfter: fires at the right fake time", async () => {
  const { queue, clock } = newQueue();
  queue.addAfter("a", 100);
  queue.addAfter("b", 30);
  assert.equal(queue.delayedCount(), 2);
  assert.equal(queue.nextDelayedAt(), 1_000_030);
  assert.equal(queue.len(), 0);
  clock.advance(29);
  assert.equal(queue.len(), 0);
  clock.advance(1);
  assert.equal(queue.len(), 1);
  assert.equal(queue.nextDelayedAt(), 1_000_100);
  clock.advance(69);
  assert.equal(queue.len(), 1);
  clock.advance(1);
  assert.equal(queue.len(), 2);
  assert.equal(queue.delayedCount(), 0);
  assert.equal(queue.nextDelayedAt(), undefined);
  assert.equal(await queue.get(), "b");
  assert.equal(await queue.get(), "a");
});

Deno.test("addAfter: the earliest pending time wins", () => {
  const { queue, clock } = newQueue();
  queue.addAfter("a", 100);
  queue.addAfter("a", 50);
  queue.addAfter("a", 80);
  assert.equal(queue.delayedCount(), 1);
  assert.equal(clock.pendingTimers(), 1, "replaced timers are cancelled");
  assert.equal(queue.nextDelayedAt(), 1_000_050);
  clock.advance(50);
  assert.equal(queue.len(), 1);
  clock.advance(1000);
  assert.equal(queue.len(), 1, "the later adds did not fire again");
  assert.equal(clock.pendingTimers(), 0);
});

Deno.test("addAfter: zero or negative delay adds at once; delayed and direct adds dedupe", async () => {
  const { queue, clock } = newQueue();
  queue.addAfter("a", 0);
  queue.addAfter("b", -5);
  queue.addAfter("c", Infinity);
  assert.equal(queue.len(), 2);
  assert.equal(queue.delayedCount(), 0);
  queue.addAfter("a", 10);
  clock.advance(10);
  assert.equal(queue.len(), 2, "already queued");
  // A delayed add of an in-flight item makes it dirty.
  const item = await queue.get();
  queue.addAfter(item!, 10);
  clock.advance(10);
  assert.equal(queue.len(), 1);
  queue.done(item!);
  assert.equal(queue.len(), 2);
});

Deno.test("addRateLimited: backoff from the rate limiter; forget resets it", async () => {
  const clock = new FakeClock(0);
  const queue = new WorkQueue({ clock });
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    queue.addRateLimited("a");
    const at = queue.nextDelayedAt()!;
    delays.push(at - clock.now());
    clock.set(at);
    assert.equal(await queue.get(), "a");
    queue.done("a");
  }
  assert.deepEqual(delays, [5, 10, 20, 40, 80]);
  assert.equal(queue.numRequeues("a"), 5);
  queue.forget("a");
  assert.equal(queue.numRequeues("a"), 0);
  queue.addRateLimited("a");
  assert.equal(queue.nextDelayedAt()! - clock.now(), 5);
  queue.shutDown();
});

Deno.test("addRateLimited: uses the given rate limiter", () => {
  const clock = new FakeClock(0);
  const rateLimiter = new ItemExponentialFailureRateLimiter({ baseDelayMs: 1000 });
  const queue = new WorkQueue({ clock, rateLimiter });
  queue.addRateLimited("a");
  assert.equal(queue.nextDelayedAt(), 1000);
  assert.equal(rateLimiter.numRequeues("a"), 1);
  queue.shutDown();
});

Deno.test("shutDown: wakes waiters, ignores adds, cancels delayed adds", async () => {
  const { queue, clock } = newQueue();
  queue.addAfter("later", 100);
  const waiters = [queue.get(), queue.get()];
  queue.shutDown();
  assert.ok(queue.shuttingDown());
  assert.deepEqual(await Promise.all(waiters), [undefined, undefined]);
  assert.equal(clock.pendingTimers(), 0);
  assert.equal(queue.delayedCount(), 0);
  assert.equal(queue.nextDelayedAt(), undefined);
  queue.add("a");
  queue.addAfter("b", 10);
  queue.addRateLimited("c");
  clock.advance(1000);
  assert.equal(queue.len(), 0);
  assert.equal(queue.numRequeues("c"), 0);
  assert.equal(await queue.get(), undefined);
});

Deno.test("shutDown: drops queued items; in-flight items can still be done", async () => {
  const { queue } = newQueue();
  queue.add("a");
  queue.add("b");
  assert.equal(await queue.get(), "a");
  queue.add("a");
  const idle = track(queue.onIdle());
  queue.shutDown();
  assert.equal(queue.len(), 0);
  assert.equal(await queue.get(), undefined);
  assert.equal(queue.inFlight(), 1);
  await flush();
  assert.equal(idle.settled, false);
  queue.done("a");
  assert.equal(queue.len(), 0, "dirty items are not queued again after shutdown");
  await flush();
  assert.equal(idle.settled, true);
});

Deno.test("shutDownWithDrain: waits for in-flight and queued work, then get() ends", async () => {
  const { queue, clock } = newQueue();
  queue.add("a");
  queue.add("b");
  queue.addAfter("c", 10);
  assert.equal(await queue.get(), "a");
  queue.add("a"); // dirty while in flight
  const drained = track(queue.shutDownWithDrain());
  assert.equal(clock.pendingTimers(), 0, "delayed adds are cancelled");
  queue.add("d");
  assert.equal(queue.len(), 1, "intake stopped");
  assert.equal(await queue.get(), "b");
  queue.done("b");
  await flush();
  assert.equal(drained.settled, false, "a is still in flight");
  queue.done("a");
  assert.equal(queue.len(), 1, "a was dirty before shutdown: queued again");
  await flush();
  assert.equal(drained.settled, false);
  assert.equal(await queue.get(), "a");
  queue.done("a");
  await flush();
  assert.equal(drained.settled, true);
  assert.equal(await queue.get(), undefined);
});

Deno.test("shutDownWithDrain: wakes idle waiters; resolves at once when idle", async () => {
  const { queue } = newQueue();
  const waiter = queue.get();
  await queue.shutDownWithDrain();
  assert.equal(await waiter, undefined);
  await queue.shutDownWithDrain();
});

Deno.test("shutDownWithDrain: a later shutDown ends the drain", async () => {
  const { queue } = newQueue();
  queue.add("a");
  await queue.get();
  const drained = track(queue.shutDownWithDrain());
  await flush();
  assert.equal(drained.settled, false);
  queue.shutDown();
  await flush();
  assert.equal(drained.settled, true);
});

Deno.test("isIdle and onIdle: nothing queued and nothing in flight; delayed adds do not count", async () => {
  const { queue, clock } = newQueue();
  assert.ok(queue.isIdle());
  await queue.onIdle();
  queue.addAfter("later", 50);
  assert.ok(queue.isIdle());
  await queue.onIdle();
  queue.add("a");
  assert.ok(!queue.isIdle());
  const idle = track(queue.onIdle());
  const item = await queue.get();
  assert.ok(!queue.isIdle(), "in flight");
  await flush();
  assert.equal(idle.settled, false);
  queue.add("a");
  queue.done(item!);
  await flush();
  assert.equal(idle.settled, false, "queued again");
  await queue.get();
  queue.done("a");
  await flush();
  assert.equal(idle.settled, true);
  clock.advance(50);
  assert.ok(!queue.isIdle());
  const again = queue.onIdle();
  queue.done((await queue.get())!);
  await again;
  assert.ok(queue.isIdle());
});
