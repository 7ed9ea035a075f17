import assert from "node:assert/strict";
import { FakeClock } from "../apimachinery/clock.ts";
import { ApiError, isResourceExpired } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import { ConfigMap, createRuntime } from "../../mod.ts";
import { type ListerWatcher, listerWatcherFor, Reflector } from "./reflector.ts";
import { FakeListerWatcher, listOf, obj, RecordingSink, settle, until } from "./_fake_test.ts";

function setup(lists: (KubeList | Error)[], opts: { initialMs?: number } = {}) {
  const lw = new FakeListerWatcher();
  lw.lists.push(...lists);
  const sink = new RecordingSink();
  const clock = new FakeClock(1_000_000);
  const errors: unknown[] = [];
  const reflector = new Reflector(lw, sink, {
    clock,
    backoff: { initialMs: opts.initialMs ?? 100 },
    onError: (e) => errors.push(e),
  });
  const stop = new AbortController();
  const running = reflector.start(stop.signal);
  return { lw, sink, clock, errors, reflector, stop, running };
}

Deno.test("Reflector: lists, then watches from the list's resourceVersion with bookmarks", async () => {
  const { lw, sink, reflector, stop, running } = setup([listOf(5, [obj("a", 3), obj("b", 5)])]);
  assert.equal(reflector.hasSynced(), false);
  await until(() => lw.watches.length === 1, "watch");
  assert.equal(reflector.hasSynced(), true);
  assert.deepEqual(
    { rv: lw.last.options.resourceVersion, bm: lw.last.options.allowWatchBookmarks },
    { rv: "5", bm: true },
  );
  lw.last.send("ADDED", obj("c", 6));
  lw.last.send("MODIFIED", obj("a", 7));
  lw.last.send("DELETED", obj("b", 8));
  lw.last.send("BOOKMARK", obj("", 9));
  await until(() => sink.log.length === 5, "events");
  assert.deepEqual(sink.log, [
    "replace@5:a,b",
    "add:c@6",
    "update:a@7",
    "delete:b@8",
    "bookmark@9",
  ]);
  assert.equal(reflector.lastSyncResourceVersion, "9");
  stop.abort();
  await running;
  assert.ok(lw.last.options.signal.aborted, "the watch is cancelled on stop");
});

Deno.test("Reflector: a failed watch is reported and resumed from the last resourceVersion after backoff", async () => {
  const { lw, sink, clock, errors, stop, running } = setup([listOf(5, [obj("a", 5)])]);
  await until(() => lw.watches.length === 1);
  lw.last.send("ADDED", obj("b", 6));
  lw.last.send("MODIFIED", obj("b", 7));
  lw.last.fail(new Error("connection reset"));
  await until(() => errors.length === 1, "error report");
  assert.equal((errors[0] as Error).message, "connection reset");
  await settle();
  assert.equal(lw.watches.length, 1, "waits out the backoff");
  clock.advance(99);
  await settle();
  assert.equal(lw.watches.length, 1);
  clock.advance(1);
  await until(() => lw.watches.length === 2, "second watch");
  assert.equal(lw.last.options.resourceVersion, "7");
  lw.last.send("DELETED", obj("a", 8));
  await until(() => sink.log.length === 4);
  assert.deepEqual(sink.log, ["replace@5:a", "add:b@6", "update:b@7", "delete:a@8"]);
  assert.equal(lw.listCalls, 1, "no relist for an ordinary failure");
  stop.abort();
  await running;
});

Deno.test("Reflector: a watch that ends normally is resumed from the last resourceVersion", async () => {
  const { lw, clock, errors, stop, running } = setup([listOf(5, [])]);
  await until(() => lw.watches.length === 1);
  lw.last.send("ADDED", obj("b", 6));
  lw.last.end();
  await settle();
  clock.advance(100);
  await until(() => lw.watches.length === 2);
  assert.equal(lw.last.options.resourceVersion, "6");
  assert.deepEqual(errors, [], "a normal end is not an error");
  stop.abort();
  await running;
});

Deno.test("Reflector: 410 Expired relists (replace) and watches from the new list", async () => {
  const { lw, sink, errors, stop, running } = setup([
    listOf(5, [obj("a", 5)]),
    listOf(20, [obj("a", 12), obj("c", 19)]),
  ]);
  await until(() => lw.watches.length === 1);
  lw.last.send("ADDED", obj("b", 6));
  lw.last.fail(ApiError.expired("too old resource version: 6 (10)"));
  // The first 410 after a watch that delivered events relists at once (no clock advance).
  await until(() => lw.watches.length === 2, "watch after relist");
  assert.equal(lw.listCalls, 2);
  assert.equal(lw.last.options.resourceVersion, "20");
  assert.deepEqual(sink.log, ["replace@5:a", "add:b@6", "replace@20:a,c"]);
  assert.equal(errors.length, 1);
  assert.ok(isResourceExpired(errors[0]));
  stop.abort();
  await running;
});

Deno.test("Reflector: list errors are reported and retried with exponential backoff; it never dies", async () => {
  const { lw, clock, errors, reflector, stop, running } = setup([
    new Error("down 1"),
    new Error("down 2"),
    new Error("down 3"),
    listOf(3, []),
  ]);
  await until(() => errors.length === 1);
  const waits: number[] = [];
  for (let n = 2; n <= 4; n++) {
    let waited = 0;
    while (lw.listCalls < n) {
      clock.advance(10);
      waited += 10;
      await settle();
      assert.ok(waited <= 10_000, "retry happens");
    }
    waits.push(waited);
  }
  assert.deepEqual(waits, [100, 200, 400]);
  assert.deepEqual(errors.map((e) => (e as Error).message), ["down 1", "down 2", "down 3"]);
  await until(() => reflector.hasSynced());
  stop.abort();
  await running;
});

Deno.test("Reflector: backoff is capped at maxMs and reset after a healthy watch", async () => {
  const lw = new FakeListerWatcher();
  const clock = new FakeClock(0);
  const errors: unknown[] = [];
  const r = new Reflector(lw, new RecordingSink(), {
    clock,
    backoff: { initialMs: 100, maxMs: 250, factor: 2, resetAfterMs: 5_000 },
    onError: (e) => errors.push(e),
  });
  const stop = new AbortController();
  lw.lists.push(listOf(1, []));
  const running = r.start(stop.signal);
  const waitFor = async (watches: number): Promise<number> => {
    let waited = 0;
    while (lw.watches.length < watches) {
      clock.advance(10);
      waited += 10;
      await settle();
    }
    return waited;
  };
  await until(() => lw.watches.length === 1);
  const delays: number[] = [];
  for (let i = 2; i <= 4; i++) {
    lw.last.fail(new Error(`boom ${i}`));
    await settle();
    delays.push(await waitFor(i));
  }
  assert.deepEqual(delays, [100, 200, 250]);
  // A watch that stays up past resetAfterMs resets the backoff.
  clock.advance(6_000);
  lw.last.fail(new Error("after a long healthy watch"));
  await settle();
  assert.equal(await waitFor(5), 100);
  assert.equal(errors.length, 4);
  stop.abort();
  await running;
});

Deno.test("Reflector: ERROR events and throwing sinks are reported; a sink failure triggers a relist", async () => {
  const lw = new FakeListerWatcher();
  const clock = new FakeClock(0);
  const errors: unknown[] = [];
  const sink = new RecordingSink();
  let failNext = true;
  const origAdd = sink.add.bind(sink);
  sink.add = (o, rv) => {
    if (failNext) {
      failNext = false;
      throw new Error("sink broke");
    }
    origAdd(o, rv);
  };
  const r = new Reflector(lw, sink, { clock, onError: (e) => errors.push(e) });
  const stop = new AbortController();
  lw.lists.push(listOf(1, []), listOf(2, [obj("x", 2)]));
  const running = r.start(stop.signal);
  await until(() => lw.watches.length === 1);
  lw.last.send("ADDED", obj("x", 2));
  await until(() => errors.length === 1);
  assert.equal((errors[0] as Error).message, "sink broke");
  clock.advance(100);
  await until(() => lw.watches.length === 2);
  assert.equal(lw.listCalls, 2, "relisted after the sink failed");
  const status = ApiError.internal("etcd is sad").status;
  lw.last.send("ERROR", status as unknown as KubeObject);
  await until(() => errors.length === 2);
  assert.ok(errors[1] instanceof ApiError);
  assert.equal((errors[1] as ApiError).reason, "InternalError");
  clock.advance(200);
  await until(() => lw.watches.length === 3);
  assert.equal(lw.last.options.resourceVersion, "2");
  stop.abort();
  await running;
});

Deno.test("Reflector: aborting during backoff resolves start promptly", async () => {
  const { errors, stop, running } = setup([new Error("down")]);
  await until(() => errors.length === 1);
  stop.abort();
  await running;
});

Deno.test("Reflector over the memory runtime: list+watch, then resume with no gaps or duplicates", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  await c.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
  const real = listerWatcherFor(c, ConfigMap);
  // Break the first watch after its first event, to force a resume.
  let watchNo = 0;
  const lw: ListerWatcher<ConfigMap> = {
    list: (o) => real.list(o),
    watch(o) {
      const n = ++watchNo;
      const inner = real.watch(o);
      return (async function* (): AsyncGenerator<WatchEvent<ConfigMap>> {
        let count = 0;
        for await (const ev of inner) {
          yield ev;
          if (n === 1 && ++count === 1) throw new Error("network blip");
        }
      })();
    },
  };
  const sink = new RecordingSink();
  const errors: unknown[] = [];
  const r = new Reflector(lw as unknown as ListerWatcher<KubeObject>, sink, {
    backoff: { initialMs: 1 },
    onError: (e) => errors.push(e),
  });
  const stop = new AbortController();
  const running = r.start(stop.signal);
  await until(() => r.hasSynced());
  const b = await c.create(ConfigMap, { metadata: { name: "b", namespace: "default" } });
  await until(() => watchNo === 2, "resumed watch");
  await c.update(ConfigMap, { ...b, data: { k: "v" } });
  await c.delete(ConfigMap, "a", { namespace: "default" });
  await until(() => sink.log.length === 4, "events");
  assert.equal(sink.log[0].startsWith("replace@"), true);
  assert.deepEqual(sink.log.slice(1).map((s) => s.split("@")[0]), [
    "add:b",
    "update:b",
    "delete:a",
  ]);
  assert.equal(errors.length, 1);
  stop.abort();
  await running;
});

Deno.test("Reflector over the memory runtime: relists after the resume point was compacted", async () => {
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  const c = rt.client;
  await c.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
  const real = listerWatcherFor(c, ConfigMap);
  let watchNo = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const lw: ListerWatcher<ConfigMap> = {
    list: (o) => real.list(o),
    watch(o) {
      const n = ++watchNo;
      if (n === 1) {
        // deno-lint-ignore require-yield
        return (async function* (): AsyncGenerator<WatchEvent<ConfigMap>> {
          await gate;
          throw new Error("disconnected");
        })();
      }
      return real.watch(o);
    },
  };
  const sink = new RecordingSink();
  const errors: unknown[] = [];
  const r = new Reflector(lw as unknown as ListerWatcher<KubeObject>, sink, {
    backoff: { initialMs: 1 },
    onError: (e) => errors.push(e),
  });
  const stop = new AbortController();
  const running = r.start(stop.signal);
  await until(() => watchNo === 1);
  // While disconnected: changes, then compaction past the resume point.
  await c.create(ConfigMap, { metadata: { name: "b", namespace: "default" } });
  await c.delete(ConfigMap, "a", { namespace: "default" });
  await rt.compact(0);
  release();
  await until(() => sink.log.length === 2, "relist");
  assert.match(sink.log[1], /^replace@\d+:b$/);
  assert.equal(errors.length, 2);
  assert.equal((errors[0] as Error).message, "disconnected");
  assert.ok(isResourceExpired(errors[1]));
  const c2 = await c.create(ConfigMap, { metadata: { name: "c", namespace: "default" } });
  await until(() => sink.log.length === 3);
  assert.equal(sink.log[2], `add:c@${c2.metadata.resourceVersion}`);
  stop.abort();
  await running;
});
