// A check every store that several handles (processes) share must pass: a watch on one handle
// sees its own writes and another handle's, interleaved, once each and in revision order.
import assert from "node:assert/strict";
import type { Store, StoreEvent } from "../src/storage/types.ts";

/**
 * Three concurrent writer lanes on `a` (the watcher's handle) and one on `b`, each creating 30
 * keys and updating every third; the watch on `a` must see every write once, at consecutive
 * revisions ending at the head, each with the value the store held at its revision.
 */
export async function assertInterleavedWritesSeenOnce(a: Store, b: Store): Promise<void> {
  const ac = new AbortController();
  const seen: StoreEvent[] = [];
  const perLane = 30;
  // Each lane creates perLane keys and updates every third one: four lanes.
  const total = 4 * (perLane + Math.ceil(perLane / 3));
  const done = (async () => {
    for await (const ev of a.watch("/k/", 0, { signal: ac.signal })) {
      seen.push(ev);
      if (seen.length === total) return;
    }
  })();
  const writer = (s: Store, who: string) => async (lane: number) => {
    for (let i = 0; i < perLane; i++) {
      const key = `/k/${who}-${lane}-${i}`;
      const rev = await s.create(key, `${who}${i}`);
      if (i % 3 === 0) await s.update(key, `${who}${i}+`, rev);
    }
  };
  await Promise.all([...[0, 1, 2].map(writer(a, "a")), writer(b, "b")(0)]);
  const timer = setTimeout(() => ac.abort(), 10_000);
  await done.finally(() => clearTimeout(timer));
  const head = await a.currentRevision();
  assert.equal(seen.length, total, "every write seen once");
  assert.deepEqual(
    seen.map((e) => e.revision),
    [...Array(total)].map((_, i) => head - total + i + 1),
  );
  for (const ev of seen) {
    const then = await a.list(ev.key, { revision: ev.revision });
    assert.equal(then.items[0]?.value, ev.value, `value of ${ev.key} at ${ev.revision}`);
  }
}
