/**
 * The storage conformance suite: registers `Deno.test` cases that check a
 * {@linkcode Store} implementation against the storage contract. Every k1s
 * backend runs it with identical expectations; third-party backends can run
 * it too.
 *
 * @example
 * ```ts ignore
 * // my_store_test.ts
 * import { runStoreConformance } from "@k1s/k1s/storage/conformance";
 * import { openMyStore } from "./my_store.ts";
 *
 * runStoreConformance("my-store", () => openMyStore());
 * ```
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Store, StoreError, type StoreEvent } from "./types.ts";

/**
 * Reads `n` events from `events` (failing after `timeoutMs`), then stops the
 * watch.
 */
async function take(
  events: AsyncIterable<StoreEvent>,
  n: number,
  timeoutMs = 5000,
): Promise<StoreEvent[]> {
  const it = events[Symbol.asyncIterator]();
  const out: StoreEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms with ${out.length}/${n} events`)),
      timeoutMs,
    );
  });
  try {
    while (out.length < n) {
      const r = await Promise.race([it.next(), timeout]);
      if (r.done) throw new Error(`watch ended after ${out.length}/${n} events`);
      out.push(r.value);
    }
  } finally {
    clearTimeout(timer);
    await it.return?.();
  }
  return out;
}

/** Asserts that nothing arrives on `events` within `ms`, then stops the watch. */
async function assertQuiet(events: AsyncIterable<StoreEvent>, ms = 50): Promise<void> {
  const it = events[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quiet = new Promise<"quiet">((resolve) => timer = setTimeout(() => resolve("quiet"), ms));
  const next = it.next();
  const r = await Promise.race([next, quiet]);
  clearTimeout(timer);
  await it.return?.();
  if (r !== "quiet") {
    assert.fail(`unexpected event ${JSON.stringify(r.value)}`);
  }
  await next; // settled by return()
}

function isStoreError(code: StoreError["code"]): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof StoreError, `expected a StoreError, got ${e}`);
    assert.equal(e.code, code);
    return true;
  };
}

/** Strips an event to the fields the contract defines (for deep comparisons). */
function pick(ev: StoreEvent): Partial<StoreEvent> {
  const out: Partial<StoreEvent> = {
    type: ev.type,
    key: ev.key,
    revision: ev.revision,
    createRevision: ev.createRevision,
    prevRevision: ev.prevRevision,
  };
  if (ev.value !== undefined) out.value = ev.value;
  if (ev.prevValue !== undefined) out.prevValue = ev.prevValue;
  return out;
}

/** Options for {@linkcode runStoreConformance}. */
export interface ConformanceOptions {
  /**
   * The engine's revision counter is shared with other stores and users (as
   * one etcd's is): a fresh store starts at the engine's current revision,
   * not 0, and revisions are strictly increasing but may skip numbers. The
   * tests then expect "from the start" to mean from the revision the store
   * was opened at. Default false: revisions start at 1 and go up by one.
   */
  sharedRevisions?: boolean;
}

/**
 * Registers the conformance tests for a store implementation. `open` must
 * return a new, empty store each time; each test closes the store it opened.
 *
 * @param name a label prefixed to every test name
 * @param open opens a fresh, empty store
 * @param options what the engine is allowed to do differently
 *
 * @example
 * ```ts ignore
 * import { runStoreConformance } from "./conformance.ts";
 * import { openMemoryStore } from "./memory.ts";
 *
 * runStoreConformance("memory", () => Promise.resolve(openMemoryStore()));
 * ```
 */
export function runStoreConformance(
  name: string,
  open: () => Promise<Store>,
  options: ConformanceOptions = {},
): void {
  const shared = options.sharedRevisions === true;
  /** `origin`: the revision "from the start" means (0 unless the counter is shared). */
  const test = (title: string, fn: (store: Store, origin: number) => Promise<void>) => {
    Deno.test(`${name}: ${title}`, async () => {
      const store = await open();
      try {
        await fn(store, shared ? await store.currentRevision() : 0);
      } finally {
        await store.close();
      }
    });
  };

  test(
    shared ? "revisions increase with every write" : "revisions increment by one per write",
    async (s, origin) => {
      if (!shared) {
        assert.equal(await s.currentRevision(), 0);
        assert.equal(await s.compactedRevision(), 0);
      }
      const step = (a: number, b: number) =>
        shared ? assert.ok(b > a, `${b} > ${a}`) : assert.equal(b, a + 1);
      const r1 = await s.create("/a", "1");
      step(origin, r1);
      const r2 = await s.create("/b", "2");
      step(r1, r2);
      const r3 = await s.update("/a", "3", r1);
      step(r2, r3);
      const d = await s.delete("/b");
      step(r3, d.revision);
      assert.equal(await s.currentRevision(), d.revision);
      assert.deepEqual(await s.get("/a"), {
        key: "/a",
        value: "3",
        revision: r3,
        createRevision: r1,
      });
    },
  );

  test("create fails with exists and leaves the store untouched", async (s) => {
    const r1 = await s.create("/a", "1");
    await assert.rejects(s.create("/a", "2"), isStoreError("exists"));
    assert.equal(await s.currentRevision(), r1);
    assert.deepEqual(await s.get("/a"), {
      key: "/a",
      value: "1",
      revision: r1,
      createRevision: r1,
    });
  });

  test("create with requires happens only while the required key is at that revision", async (s) => {
    const ns = await s.create("/ns/a", "active");
    await s.get("/ns/a"); // a store may remember what it read
    const r1 = await s.create("/obj/1", "x", { requires: { key: "/ns/a", revision: ns } });
    assert.equal((await s.get("/obj/1"))?.revision, r1);
    const ns2 = await s.update("/ns/a", "terminating", ns);
    await assert.rejects(
      s.create("/obj/2", "y", { requires: { key: "/ns/a", revision: ns } }),
      isStoreError("requirement"),
    );
    await assert.rejects(
      s.create("/obj/2", "y", { requires: { key: "/ns/missing", revision: 1 } }),
      isStoreError("requirement"),
    );
    assert.equal(await s.get("/obj/2"), undefined);
    assert.equal(await s.currentRevision(), ns2);
    const r3 = await s.create("/obj/2", "y", { requires: { key: "/ns/a", revision: ns2 } });
    assert.ok(r3 > ns2);
    await s.delete("/ns/a");
    await assert.rejects(
      s.create("/obj/3", "z", { requires: { key: "/ns/a", revision: ns2 } }),
      isStoreError("requirement"),
    );
    // An existing key is still `exists` when the requirement holds.
    const ns3 = await s.create("/ns/a", "again");
    await assert.rejects(
      s.create("/obj/1", "dup", { requires: { key: "/ns/a", revision: ns3 } }),
      isStoreError("exists"),
    );
  });

  test("update is compare-and-swap on the revision", async (s) => {
    const r1 = await s.create("/a", "1");
    const r2 = await s.update("/a", "2", r1);
    await assert.rejects(s.update("/a", "stale", r1), (e) => {
      isStoreError("conflict")(e);
      assert.equal((e as StoreError).revision, r2);
      const cur = (e as StoreError).current;
      if (cur !== undefined) assert.equal(cur.value, "2");
      return true;
    });
    assert.equal(await s.currentRevision(), r2);
    assert.deepEqual(await s.get("/a"), {
      key: "/a",
      value: "2",
      revision: r2,
      createRevision: r1,
    });
    await assert.rejects(s.update("/missing", "x", 1), isStoreError("not-found"));
    // Two concurrent updates from the same revision: exactly one wins.
    const results = await Promise.allSettled([s.update("/a", "x", r2), s.update("/a", "y", r2)]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    isStoreError("conflict")(rejected.reason);
  });

  test("delete with and without an expected revision", async (s) => {
    const ra = await s.create("/a", "A");
    const rb = await s.create("/b", "B");
    await assert.rejects(s.delete("/a", ra + 100), isStoreError("conflict"));
    assert.equal((await s.get("/a"))?.value, "A");
    const d1 = await s.delete("/a", ra);
    assert.deepEqual(d1.prev, { key: "/a", value: "A", revision: ra, createRevision: ra });
    assert.equal(await s.get("/a"), undefined);
    const d2 = await s.delete("/b");
    assert.ok(d2.revision > d1.revision);
    if (!shared) assert.equal(d2.revision, d1.revision + 1);
    assert.deepEqual(d2.prev, { key: "/b", value: "B", revision: rb, createRevision: rb });
    await assert.rejects(s.delete("/b"), isStoreError("not-found"));
    await assert.rejects(s.delete("/never", 1), isStoreError("not-found"));
    // Re-creating a deleted key starts a new life.
    const r = await s.create("/a", "again");
    assert.deepEqual(await s.get("/a"), {
      key: "/a",
      value: "again",
      revision: r,
      createRevision: r,
    });
  });

  test("get, list and count", async (s) => {
    assert.equal(await s.get("/nothing"), undefined);
    await s.create("/reg/pods/ns1/b", "b");
    await s.create("/reg/pods/ns1/a", "a");
    await s.create("/reg/pods/ns2/c", "c");
    const rev = await s.create("/reg/services/ns1/s", "s");
    const all = await s.list("/reg/pods/");
    assert.deepEqual(all.items.map((i) => i.key), [
      "/reg/pods/ns1/a",
      "/reg/pods/ns1/b",
      "/reg/pods/ns2/c",
    ]);
    assert.deepEqual(all.items.map((i) => i.value), ["a", "b", "c"]);
    assert.equal(all.revision, rev);
    assert.equal(all.more, false);
    assert.equal((await s.list("")).items.length, 4);
    assert.equal((await s.list("/reg/pods/ns1/")).items.length, 2);
    assert.equal((await s.list("/zzz/")).items.length, 0);
    assert.equal(await s.count(""), 4);
    assert.equal(await s.count("/reg/"), 4);
    assert.equal(await s.count("/reg/pods/"), 3);
    assert.equal(await s.count("/reg/pods/ns2/"), 1);
    assert.equal(await s.count("/nope"), 0);
    for (const item of all.items) {
      assert.equal(item.createRevision, item.revision);
      assert.ok(item.revision <= all.revision);
    }
  });

  test("list pages with limit and after, without duplicates or skips", async (s) => {
    const keys: string[] = [];
    for (let i = 0; i < 37; i++) {
      const key = `/p/item-${String((i * 7919) % 1000).padStart(4, "0")}`;
      keys.push(key);
      await s.create(key, `v${i}`);
    }
    await s.create("/o/before", "x");
    await s.create("/q/after", "x");
    await s.create("/p", "exact prefix without slash is outside /p/");
    keys.sort();
    for (const limit of [1, 5, 7, 36, 37, 100]) {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await s.list("/p/", { limit, after });
        pages++;
        assert.ok(page.items.length <= limit);
        seen.push(...page.items.map((i) => i.key));
        if (!page.more) break;
        assert.equal(page.items.length, limit);
        after = page.items[page.items.length - 1].key;
      }
      assert.deepEqual(seen, keys, `limit ${limit}`);
      assert.equal(pages, Math.max(1, Math.ceil(keys.length / limit)), `pages for limit ${limit}`);
    }
    assert.deepEqual((await s.list("/p/", { limit: 0 })).items.map((i) => i.key), keys);
    const tail = await s.list("/p/", { after: keys[34] });
    assert.deepEqual(tail.items.map((i) => i.key), keys.slice(35));
    assert.equal(tail.more, false);
    const fromPrefix = await s.list("/p/", { after: "/p/", limit: 2 });
    assert.deepEqual(fromPrefix.items.map((i) => i.key), keys.slice(0, 2));
    assert.equal((await s.list("/p/", { after: keys[36] })).items.length, 0);
  });

  test("list reads any retained revision as a snapshot", async (s) => {
    const ra = await s.create("/snap/a", "a1");
    const rb = await s.create("/snap/b", "b1");
    const rc = await s.create("/snap/c", "c1");
    await s.create("/other/x", "x");
    const r0 = await s.currentRevision();
    const then = (await s.list("/snap/")).items;
    // After r0: b changes, c goes, d and aa appear, a is deleted and re-created.
    const rb2 = await s.update("/snap/b", "b2", rb);
    const { revision: rcGone } = await s.delete("/snap/c", rc);
    await s.create("/snap/d", "d1");
    await s.create("/snap/aa", "aa1");
    await s.delete("/snap/a", ra);
    await s.create("/snap/a", "a-new");
    await s.update("/snap/b", "b3", rb2);
    const now = await s.currentRevision();

    const at = await s.list("/snap/", { revision: r0 });
    assert.equal(at.revision, r0);
    assert.equal(at.more, false);
    assert.deepEqual(at.items, then);
    assert.deepEqual(at.items.map((i) => [i.key, i.value, i.revision, i.createRevision]), [
      ["/snap/a", "a1", ra, ra],
      ["/snap/b", "b1", rb, rb],
      ["/snap/c", "c1", rc, rc],
    ]);
    // Every page of a paged read at r0 is the same snapshot.
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await s.list("/snap/", { limit, after, revision: r0 });
        assert.equal(page.revision, r0);
        seen.push(...page.items.map((i) => `${i.key}=${i.value}`));
        if (!page.more) break;
        assert.equal(page.items.length, limit);
        after = page.items[page.items.length - 1].key;
      }
      assert.deepEqual(seen, ["/snap/a=a1", "/snap/b=b1", "/snap/c=c1"], `limit ${limit}`);
    }
    // Counts at a revision: the keys after `after`, returned ones included.
    assert.equal((await s.list("/snap/", { revision: r0, count: true, limit: 1 })).count, 3);
    assert.equal(
      (await s.list("/snap/", { revision: r0, count: true, after: "/snap/a" })).count,
      2,
    );
    assert.equal((await s.list("/snap/", { count: true, limit: 1 })).count, 4);
    assert.equal((await s.list("/snap/", { count: true, after: "/snap/aa" })).count, 2);
    // The current revision, given or not, is the current state.
    const cur = await s.list("/snap/", { revision: now });
    assert.equal(cur.revision, now);
    assert.deepEqual(cur.items.map((i) => `${i.key}=${i.value}`), [
      "/snap/a=a-new",
      "/snap/aa=aa1",
      "/snap/b=b3",
      "/snap/d=d1",
    ]);
    assert.deepEqual(cur.items, (await s.list("/snap/")).items);
    // Between r0 and now: the state after the first two changes.
    const mid = await s.list("/snap/", { revision: rcGone });
    assert.deepEqual(mid.items.map((i) => `${i.key}=${i.value}`), ["/snap/a=a1", "/snap/b=b2"]);
    // Above the current revision: future; below the compaction point: compacted.
    await assert.rejects(s.list("/snap/", { revision: now + 1 }), (e) => {
      isStoreError("future")(e);
      assert.equal((e as StoreError).revision, now);
      return true;
    });
    await s.compact(rb2);
    await assert.rejects(s.list("/snap/", { revision: r0 }), isStoreError("compacted"));
    // The compaction revision itself is still readable.
    assert.deepEqual(
      (await s.list("/snap/", { revision: rb2 })).items.map((i) => `${i.key}=${i.value}`),
      ["/snap/a=a1", "/snap/b=b2", "/snap/c=c1"],
    );
  });

  test("pages at a revision stay exact while many keys change", async (s) => {
    const revs = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const key = `/many/k${String(i).padStart(3, "0")}`;
      revs.set(key, await s.create(key, `v${i}`));
    }
    const r0 = await s.currentRevision();
    const expected = (await s.list("/many/")).items.map((i) => `${i.key}=${i.value}`);
    for (let i = 0; i < 40; i++) {
      const key = `/many/k${String(i).padStart(3, "0")}`;
      if (i % 3 === 0) await s.delete(key);
      else if (i % 3 === 1) await s.update(key, `w${i}`, revs.get(key)!);
      await s.create(`/many/k${String(i).padStart(3, "0")}x`, "new");
    }
    for (const limit of [1, 4, 7, 39, 40, 41]) {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await s.list("/many/", { limit, after, revision: r0, count: true });
        seen.push(...page.items.map((i) => `${i.key}=${i.value}`));
        assert.equal(page.count, 40 - (seen.length - page.items.length), `count, limit ${limit}`);
        if (!page.more) break;
        after = page.items[page.items.length - 1].key;
      }
      assert.deepEqual(seen, expected, `limit ${limit}`);
    }
  });

  test("prefixes isolate keys", async (s) => {
    await s.create("/a", "a");
    await s.create("/a/x", "ax");
    await s.create("/ab/x", "abx");
    await s.create("/a/y/z", "ayz");
    assert.deepEqual((await s.list("/a/")).items.map((i) => i.key), ["/a/x", "/a/y/z"]);
    assert.deepEqual((await s.list("/a")).items.map((i) => i.key), [
      "/a",
      "/a/x",
      "/a/y/z",
      "/ab/x",
    ]);
    assert.equal(await s.count("/a/"), 2);
    const from = await s.currentRevision();
    const w = s.watch("/a/", from);
    await s.update("/ab/x", "abx2", (await s.get("/ab/x"))!.revision);
    const r = await s.create("/a/new", "n");
    const [ev] = await take(w, 1);
    assert.equal(ev.key, "/a/new");
    assert.equal(ev.revision, r);
  });

  test("watch from 0 and from a mid revision delivers every change in order", async (s, origin) => {
    const r1 = await s.create("/w/a", "a1");
    const r2 = await s.update("/w/a", "a2", r1);
    const r3 = await s.create("/w/b", "b1");
    const rx = await s.create("/other/x", "x");
    const d = await s.delete("/w/a", r2);
    const r6 = await s.update("/w/b", "b2", r3);
    const expected = [
      { type: "put", key: "/w/a", revision: r1, value: "a1", createRevision: r1, prevRevision: 0 },
      {
        type: "put",
        key: "/w/a",
        revision: r2,
        value: "a2",
        createRevision: r1,
        prevValue: "a1",
        prevRevision: r1,
      },
      { type: "put", key: "/w/b", revision: r3, value: "b1", createRevision: r3, prevRevision: 0 },
      {
        type: "delete",
        key: "/w/a",
        revision: d.revision,
        createRevision: r1,
        prevValue: "a2",
        prevRevision: r2,
      },
      {
        type: "put",
        key: "/w/b",
        revision: r6,
        value: "b2",
        createRevision: r3,
        prevValue: "b1",
        prevRevision: r3,
      },
    ];
    assert.deepEqual((await take(s.watch("/w/", origin), 5)).map(pick), expected);
    assert.deepEqual((await take(s.watch("/w/", r2), 3)).map(pick), expected.slice(2));
    assert.deepEqual((await take(s.watch("", origin), 6)).map((e) => e.revision), [
      r1,
      r2,
      r3,
      rx,
      d.revision,
      r6,
    ]);
    // Nothing more after the last revision.
    await assertQuiet(s.watch("/w/", r6));
  });

  test("watch started before writes sees them in order", async (s) => {
    const from = await s.currentRevision();
    const w1 = s.watch("/live/", from);
    const w2 = s.watch("/live/", from);
    const got = take(w1, 60);
    const revs: number[] = [];
    let prev = 0;
    for (let i = 0; i < 20; i++) {
      const key = `/live/k${i % 7}`;
      const cur = await s.get(key);
      prev = cur ? await s.update(key, `v${i}`, cur.revision) : await s.create(key, `v${i}`);
      revs.push(prev);
      if (i % 5 === 4) await new Promise((r) => setTimeout(r, 1));
    }
    for (let i = 0; i < 7; i++) revs.push((await s.delete(`/live/k${i}`)).revision);
    await s.create("/elsewhere", "x");
    for (let i = 0; i < 33; i++) revs.push(await s.create(`/live/z${i}`, "z"));
    const events = await got;
    assert.deepEqual(events.map((e) => e.revision), revs);
    for (const ev of events) {
      if (ev.type === "delete") assert.ok(ev.prevValue !== undefined && ev.prevRevision > 0);
    }
    assert.deepEqual((await take(w2, 60)).map((e) => e.revision), revs);
  });

  test("watch from a future revision starts there", async (s) => {
    const now = await s.currentRevision();
    const future = s.watch("/f/", now + 3);
    const present = s.watch("/f/", now);
    const revs: number[] = [];
    for (let i = 0; i < 5; i++) revs.push(await s.create(`/f/${i}`, String(i)));
    assert.deepEqual((await take(future, 2)).map((e) => e.revision), revs.slice(3));
    assert.deepEqual((await take(present, 5)).map((e) => e.revision), revs);
  });

  test("aborting the signal ends the watch", async (s, origin) => {
    const ac = new AbortController();
    const it = s.watch("/x/", origin, { signal: ac.signal })[Symbol.asyncIterator]();
    await s.create("/x/1", "1");
    assert.equal((await it.next()).value?.key, "/x/1");
    const pending = it.next();
    ac.abort();
    assert.equal((await pending).done, true);
    assert.equal((await it.next()).done, true);
    // An already aborted signal yields nothing.
    const it2 = s.watch("/x/", origin, { signal: AbortSignal.abort() })[Symbol.asyncIterator]();
    assert.equal((await it2.next()).done, true);
    // for await + break also ends the watch.
    await s.create("/x/2", "2");
    let n = 0;
    for await (const _ of s.watch("/x/", origin)) if (++n === 2) break;
    assert.equal(n, 2);
  });

  test("compaction forgets history but not current values", async (s) => {
    const ra = await s.create("/c/a", "a1");
    const rb = await s.create("/c/b", "b1");
    const ra2 = await s.update("/c/a", "a2", ra);
    const rc = await s.create("/c/gone", "g");
    await s.delete("/c/gone", rc);
    const rb2 = await s.update("/c/b", "b2", rb);
    const point = await s.currentRevision();
    await s.compact(point);
    assert.equal(await s.compactedRevision(), point);
    await assert.rejects(take(s.watch("/c/", point - 1), 1, 2000), (e) => {
      isStoreError("compacted")(e);
      assert.equal((e as StoreError).revision, point);
      return true;
    });
    await assert.rejects(take(s.watch("/c/", 0), 1, 2000), isStoreError("compacted"));
    assert.deepEqual(await s.get("/c/a"), {
      key: "/c/a",
      value: "a2",
      revision: ra2,
      createRevision: ra,
    });
    assert.deepEqual((await s.list("/c/")).items.map((i) => [i.key, i.value]), [
      ["/c/a", "a2"],
      ["/c/b", "b2"],
    ]);
    // Changes after the compaction point still carry previous values from before it.
    const ra3 = await s.update("/c/a", "a3", ra2);
    const del = await s.delete("/c/b", rb2);
    const events = await take(s.watch("/c/", point), 2);
    assert.deepEqual(events.map(pick), [
      {
        type: "put",
        key: "/c/a",
        revision: ra3,
        value: "a3",
        createRevision: ra,
        prevValue: "a2",
        prevRevision: ra2,
      },
      {
        type: "delete",
        key: "/c/b",
        revision: del.revision,
        createRevision: rb,
        prevValue: "b2",
        prevRevision: rb2,
      },
    ]);
    // Compacting again, to an older revision, is a no-op.
    await s.compact(point - 2);
    assert.equal(await s.compactedRevision(), point);
    await s.compact(ra3);
    assert.equal(await s.compactedRevision(), ra3);
    assert.deepEqual(
      (await take(s.watch("/c/", ra3), 1)).map((e) => [e.type, e.key, e.prevValue]),
      [["delete", "/c/b", "b2"]],
    );
    assert.equal((await s.get("/c/a"))?.value, "a3");
  });

  test("a live watch behind the compaction point is not silently skipped", async (s, origin) => {
    const r1 = await s.create("/lag/a", "1");
    const w = s.watch("/lag/", origin);
    const r2 = await s.update("/lag/a", "2", r1);
    await s.compact(r2);
    // Either every event arrives (the watch had them) or the watch fails with compacted.
    try {
      const events = await take(w, 2, 2000);
      assert.deepEqual(events.map((e) => e.revision), [r1, r2]);
    } catch (e) {
      isStoreError("compacted")(e);
    }
  });

  test("changes returns the log range as watch delivers it", async (s, origin) => {
    assert.deepEqual(await s.changes("", origin), []);
    const ra = await s.create("/ch/a", "a1");
    const rb = await s.create("/ch/b", "b1");
    const rOther = await s.create("/other/x", "x");
    const ra2 = await s.update("/ch/a", "a2", ra);
    const del = await s.delete("/ch/b", rb);
    const rc = await s.create("/ch/c", "c1");
    const head = await s.currentRevision();
    assert.equal(head, rc);
    // Without toRevision: everything up to the current revision, as a watch sees it.
    const all = await s.changes("/ch/", origin);
    assert.deepEqual(all.map(pick), (await take(s.watch("/ch/", origin), 5)).map(pick));
    assert.deepEqual(all.map(pick), [
      { type: "put", key: "/ch/a", revision: ra, value: "a1", createRevision: ra, prevRevision: 0 },
      { type: "put", key: "/ch/b", revision: rb, value: "b1", createRevision: rb, prevRevision: 0 },
      {
        type: "put",
        key: "/ch/a",
        revision: ra2,
        value: "a2",
        createRevision: ra,
        prevValue: "a1",
        prevRevision: ra,
      },
      {
        type: "delete",
        key: "/ch/b",
        revision: del.revision,
        createRevision: rb,
        prevValue: "b1",
        prevRevision: rb,
      },
      { type: "put", key: "/ch/c", revision: rc, value: "c1", createRevision: rc, prevRevision: 0 },
    ]);
    // The whole store, and other prefixes.
    assert.deepEqual((await s.changes("", origin)).map((e) => e.revision), [
      ra,
      rb,
      rOther,
      ra2,
      del.revision,
      rc,
    ]);
    assert.deepEqual((await s.changes("/other/", origin)).map((e) => [e.key, e.revision]), [
      ["/other/x", rOther],
    ]);
    assert.deepEqual(await s.changes("/ch/zzz", origin), []);
    // With toRevision: (from, to], both ends honoured.
    assert.deepEqual(
      (await s.changes("/ch/", ra, del.revision)).map(pick),
      all.slice(1, 4).map(pick),
    );
    assert.deepEqual((await s.changes("/ch/", rb, ra2)).map((e) => e.revision), [ra2]);
    assert.deepEqual((await s.changes("", rb, rOther)).map((e) => e.revision), [rOther]);
    // From a revision: exactly what a watch from there delivers.
    assert.deepEqual(
      (await s.changes("/ch/", ra2)).map(pick),
      (await take(s.watch("/ch/", ra2), 2)).map(pick),
    );
    // Empty ranges.
    assert.deepEqual(await s.changes("/ch/", ra2, ra2), []);
    assert.deepEqual(await s.changes("/ch/", del.revision, ra), []);
    assert.deepEqual(await s.changes("/ch/", rb, rOther), []);
    assert.deepEqual(await s.changes("/ch/", head), []);
    // From after the current revision: empty, no error, no waiting.
    assert.deepEqual(await s.changes("/ch/", head + 100), []);
    assert.deepEqual(await s.changes("", head + 1, head + 5), []);
    // toRevision beyond the current revision is capped at it.
    assert.deepEqual((await s.changes("/ch/", ra2, head + 100)).map((e) => e.revision), [
      del.revision,
      rc,
    ]);
    // Later writes show up in later calls.
    const rc2 = await s.update("/ch/c", "c2", rc);
    assert.deepEqual((await s.changes("/ch/", head)).map(pick), [
      {
        type: "put",
        key: "/ch/c",
        revision: rc2,
        value: "c2",
        createRevision: rc,
        prevValue: "c1",
        prevRevision: rc,
      },
    ]);
    assert.deepEqual((await s.changes("/ch/", origin, head)).map(pick), all.map(pick));
  });

  test("changes below the compaction point fail with compacted", async (s) => {
    const ra = await s.create("/cc/a", "a1");
    const rb = await s.create("/cc/b", "b1");
    const ra2 = await s.update("/cc/a", "a2", ra);
    await s.compact(ra2);
    const ranges: [number, number?][] = [[0], [ra], [rb, ra2], [0, 0]];
    for (const [from, to] of ranges) {
      await assert.rejects(s.changes("/cc/", from, to), (e) => {
        isStoreError("compacted")(e);
        assert.equal((e as StoreError).revision, ra2);
        return true;
      }, `changes from ${from} to ${to}`);
    }
    assert.deepEqual(await s.changes("/cc/", ra2), []);
    // Changes after the compaction point keep previous values from before it.
    const d = await s.delete("/cc/b", rb);
    const ra3 = await s.update("/cc/a", "a3", ra2);
    assert.deepEqual((await s.changes("/cc/", ra2)).map(pick), [
      {
        type: "delete",
        key: "/cc/b",
        revision: d.revision,
        createRevision: rb,
        prevValue: "b1",
        prevRevision: rb,
      },
      {
        type: "put",
        key: "/cc/a",
        revision: ra3,
        value: "a3",
        createRevision: ra,
        prevValue: "a2",
        prevRevision: ra2,
      },
    ]);
    await s.compact(d.revision);
    await assert.rejects(s.changes("/cc/", ra2), isStoreError("compacted"));
    assert.deepEqual((await s.changes("/cc/", d.revision)).map((e) => e.revision), [ra3]);
  });

  test("changes finds the few keys changed among many", async (s) => {
    const n = 2000;
    const revs: number[] = [];
    for (let i = 0; i < n; i++) {
      revs.push(await s.create(`/many/${String(i).padStart(5, "0")}`, `v${i}`));
    }
    const since = await s.currentRevision();
    const expected: Partial<StoreEvent>[] = [];
    for (let j = 0; j < 10; j++) {
      const i = (j * 397 + 11) % n;
      const key = `/many/${String(i).padStart(5, "0")}`;
      if (j % 3 === 2) {
        const d = await s.delete(key, revs[i]);
        expected.push({
          type: "delete",
          key,
          revision: d.revision,
          createRevision: revs[i],
          prevValue: `v${i}`,
          prevRevision: revs[i],
        });
      } else {
        const r = await s.update(key, `w${i}`, revs[i]);
        expected.push({
          type: "put",
          key,
          revision: r,
          value: `w${i}`,
          createRevision: revs[i],
          prevValue: `v${i}`,
          prevRevision: revs[i],
        });
      }
    }
    await s.create("/elsewhere", "not under the prefix");
    const got = await s.changes("/many/", since);
    assert.equal(got.length, 10);
    assert.deepEqual(got.map(pick), expected);
    assert.deepEqual(
      (await s.changes("/many/", since, expected[4].revision)).map(pick),
      expected.slice(0, 5),
    );
  });

  test("large values round trip", async (s) => {
    const big1 = "x".repeat(200 * 1024);
    const big2 = JSON.stringify({ data: "é✓日本".repeat(40 * 1024) }); // ~ 400 KiB of UTF-8
    const w = s.watch("/big/", await s.currentRevision());
    const r1 = await s.create("/big/one", big1);
    assert.equal((await s.get("/big/one"))?.value, big1);
    const r2 = await s.update("/big/one", big2, r1);
    const got = await s.get("/big/one");
    assert.equal(got?.value.length, big2.length);
    assert.equal(got?.value, big2);
    assert.equal((await s.list("/big/")).items[0].value, big2);
    const d = await s.delete("/big/one", r2);
    assert.equal(d.prev.value, big2);
    const events = await take(w, 3);
    assert.equal(events[0].value, big1);
    assert.equal(events[1].value, big2);
    assert.equal(events[1].prevValue, big1);
    assert.equal(events[2].prevValue, big2);
    assert.deepEqual(events.map((e) => e.revision), [r1, r2, d.revision]);
  });

  test("unicode values and keys", async (s, origin) => {
    const values = [
      "héllo wörld",
      "日本語のテキスト",
      "emoji 🎉🚀 and combining é",
      "quotes \" ' \\ and newlines\n\r\t",
      "",
    ];
    for (let i = 0; i < values.length; i++) await s.create(`/u/${i}`, values[i]);
    await s.create("/u/ключ-ü", "cyrillic key");
    for (let i = 0; i < values.length; i++) {
      assert.equal((await s.get(`/u/${i}`))?.value, values[i]);
    }
    assert.equal((await s.get("/u/ключ-ü"))?.value, "cyrillic key");
    const events = await take(s.watch("/u/", origin), values.length + 1);
    assert.deepEqual(events.map((e) => e.value), [...values, "cyrillic key"]);
    assert.equal((await s.list("/u/")).items.length, values.length + 1);
  });

  test("close ends watches and rejects further calls", async (s) => {
    await s.create("/z/a", "1");
    const it = s.watch("/z/", await s.currentRevision())[Symbol.asyncIterator]();
    const pending = it.next();
    await s.close();
    assert.equal((await pending).done, true);
    await assert.rejects(s.get("/z/a"), isStoreError("closed"));
    await assert.rejects(s.create("/z/b", "x"), isStoreError("closed"));
    await s.close(); // idempotent
  });
}
