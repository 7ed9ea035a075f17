import assert from "node:assert/strict";
import { FakeClock } from "../apimachinery/clock.ts";
import { ConfigMap, createRuntime } from "../../mod.ts";
import { type ChangeBatch, onChanges, watchObject } from "./debounce.ts";
import { SharedInformer } from "./informer.ts";
import { listerWatcherFor } from "./reflector.ts";
import { settle, until } from "./_fake_test.ts";

const summary = (b: ChangeBatch<ConfigMap>) =>
  `${b.initial ? "initial " : ""}${b.changes.map((c) => `${c.type}:${c.object.metadata.name}`)}`;

Deno.test("onChanges: the first batch after sync is initial; a burst becomes one call", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  await c.create(ConfigMap, { metadata: { name: "pre", namespace: "default" } });
  const clock = new FakeClock(0);
  const inf = new SharedInformer(listerWatcherFor(c, ConfigMap));
  const batches: string[] = [];
  const sub = onChanges(inf, (b) => {
    batches.push(summary(b));
  }, { debounceMs: 50, maxWaitMs: 1000, clock });
  const stop = new AbortController();
  const running = inf.start(stop.signal);
  await inf.waitForSync();
  await settle();
  assert.deepEqual(batches, [], "nothing before the debounce time");
  clock.advance(50);
  await settle();
  assert.deepEqual(batches, ["initial added:pre"]);

  let last = "";
  for (let i = 0; i < 5; i++) {
    const o = await c.create(ConfigMap, { metadata: { name: `b${i}`, namespace: "default" } });
    last = o.metadata.resourceVersion!;
  }
  await c.delete(ConfigMap, "pre", { namespace: "default" });
  await inf.waitForRevision(Number(last));
  await until(() => inf.store.size === 5);
  clock.advance(49);
  await settle();
  assert.equal(batches.length, 1);
  clock.advance(1);
  await settle();
  assert.deepEqual(batches.slice(1), ["added:b0,added:b1,added:b2,added:b3,added:b4,deleted:pre"]);
  sub.stop();
  stop.abort();
  await running;
});

Deno.test("onChanges: maxWaitMs bounds the delay of a continuous stream; stop ends delivery", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  const clock = new FakeClock(0);
  const inf = new SharedInformer(listerWatcherFor(c, ConfigMap));
  const stop = new AbortController();
  const running = inf.start(stop.signal);
  await inf.waitForSync();
  const batches: string[] = [];
  const errors: unknown[] = [];
  const sub = onChanges(inf, (b) => {
    batches.push(summary(b));
    if (batches.length === 2) throw new Error("callback bug");
  }, { debounceMs: 50, maxWaitMs: 200, clock, onError: (e) => errors.push(e) });
  clock.advance(50);
  await settle();
  assert.deepEqual(batches, ["initial "], "an empty initial batch is still delivered");
  for (let i = 0; i < 6; i++) {
    const o = await c.create(ConfigMap, { metadata: { name: `s${i}`, namespace: "default" } });
    await inf.waitForRevision(Number(o.metadata.resourceVersion));
    clock.advance(40);
    await settle();
  }
  // First change at t=50, flush at 250 at the latest (after s0..s4), the rest later.
  assert.deepEqual(batches.slice(1), ["added:s0,added:s1,added:s2,added:s3,added:s4"]);
  assert.equal((errors[0] as Error).message, "callback bug");
  clock.advance(50);
  await settle();
  assert.deepEqual(batches.slice(2), ["added:s5"]);
  sub.stop();
  const o = await c.create(ConfigMap, { metadata: { name: "late", namespace: "default" } });
  await inf.waitForRevision(Number(o.metadata.resourceVersion));
  clock.advance(1000);
  await settle();
  assert.equal(batches.length, 3);
  stop.abort();
  await running;
});

Deno.test("watchObject: current state first, then create/update/delete of that name only", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  const stop = new AbortController();
  const states: string[] = [];
  const done = (async () => {
    for await (
      const cm of watchObject(c, ConfigMap, "app", { namespace: "default", signal: stop.signal })
    ) {
      states.push(cm === undefined ? "absent" : `v=${cm.data?.v}`);
    }
  })();
  await until(() => states.length === 1);
  const app = await c.create(ConfigMap, {
    metadata: { name: "app", namespace: "default" },
    data: { v: "1" },
  });
  await c.create(ConfigMap, {
    metadata: { name: "other", namespace: "default" },
    data: { v: "x" },
  });
  await c.update(ConfigMap, { ...app, data: { v: "2" } });
  await c.delete(ConfigMap, "app", { namespace: "default" });
  await until(() => states.length === 4, "four states");
  await settle();
  assert.deepEqual(states, ["absent", "v=1", "v=2", "absent"]);
  stop.abort();
  await done;
});

Deno.test("watchObject: starts with an existing object and ends when the loop breaks", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  await c.create(ConfigMap, { metadata: { name: "app", namespace: "default" }, data: { v: "0" } });
  for await (const cm of watchObject(c, ConfigMap, "app")) {
    assert.equal(cm?.data?.v, "0");
    break;
  }
});
