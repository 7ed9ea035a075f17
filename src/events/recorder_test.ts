import assert from "node:assert/strict";
import { FakeClock, rfc3339 } from "../apimachinery/clock.ts";
import { ApiError } from "../apimachinery/errors.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import { ConfigMap, Event, Namespace } from "../resources/core_v1.ts";
import { createRuntime, type Runtime } from "../runtime.ts";
import { type EventClient, EventRecorder, eventsFor } from "./recorder.ts";

const START = Date.UTC(2024, 0, 1, 12, 0, 0);
const MIN = 60_000;

async function setup(): Promise<{ rt: Runtime; clock: FakeClock; cm: KubeObject }> {
  const clock = new FakeClock(START);
  const rt = await createRuntime({ store: "memory:", clock });
  const cm = await rt.client.create(ConfigMap, {
    metadata: { name: "app", namespace: "default" },
    data: { mode: "fast" },
  });
  return { rt, clock, cm };
}

async function allEvents(rt: Runtime): Promise<Event[]> {
  return (await rt.client.list(Event)).items;
}

Deno.test("event writes a core/v1 Event with the involved object, source and timestamps", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const rec = new EventRecorder(rt.client, { component: "app-controller", host: "node-1", clock });
  const ev = await rec.event(cm, "Normal", "Synced", "config applied");
  assert.ok(ev);
  const [stored] = await allEvents(rt);
  assert.deepEqual(stored, ev);
  assert.equal(ev.metadata.namespace, "default");
  assert.match(ev.metadata.name!, /^app\.[0-9a-f]{16}$/);
  assert.deepEqual(ev.involvedObject, {
    kind: "ConfigMap",
    namespace: "default",
    name: "app",
    uid: cm.metadata.uid,
    apiVersion: "v1",
    resourceVersion: cm.metadata.resourceVersion,
  });
  assert.equal(ev.reason, "Synced");
  assert.equal(ev.message, "config applied");
  assert.equal(ev.type, "Normal");
  assert.deepEqual(ev.source, { component: "app-controller", host: "node-1" });
  assert.equal(ev.firstTimestamp, rfc3339(START));
  assert.equal(ev.lastTimestamp, rfc3339(START));
  assert.equal(ev.count, 1);
  assert.equal(ev.reportingComponent, "app-controller");
  assert.equal(ev.reportingInstance, "node-1");
});

Deno.test("identical events within the window aggregate into one Event", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const rec = new EventRecorder(rt.client, { component: "c", clock });
  let last: Event | undefined;
  for (let i = 0; i < 5; i++) {
    last = await rec.event(cm, "Warning", "Degraded", "mode is unset");
    clock.advance(MIN);
  }
  const events = await allEvents(rt);
  assert.equal(events.length, 1);
  assert.equal(events[0].count, 5);
  assert.equal(events[0].firstTimestamp, rfc3339(START));
  assert.equal(events[0].lastTimestamp, rfc3339(START + 4 * MIN));
  assert.deepEqual(last, events[0]);
});

Deno.test("concurrent identical events on one recorder do not create duplicates", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const rec = new EventRecorder(rt.client, { component: "c", clock });
  await Promise.all(
    Array.from({ length: 5 }, () => rec.event(cm, "Normal", "Synced", "ok")),
  );
  const events = await allEvents(rt);
  assert.equal(events.length, 1);
  assert.equal(events[0].count, 5);
});

Deno.test("an event after the window starts a new Event", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const rec = new EventRecorder(rt.client, { component: "c", clock, aggregationWindowMs: 5 * MIN });
  const first = await rec.event(cm, "Normal", "Synced", "ok");
  clock.advance(4 * MIN);
  await rec.event(cm, "Normal", "Synced", "ok"); // within 5 min of the last occurrence
  clock.advance(5 * MIN);
  const second = await rec.event(cm, "Normal", "Synced", "ok");
  assert.notEqual(second?.metadata.name, first?.metadata.name);
  assert.equal(second?.count, 1);
  assert.equal(second?.firstTimestamp, rfc3339(START + 9 * MIN));
  const events = await eventsFor(rt.client, cm);
  assert.deepEqual(events.map((e) => [e.metadata.name, e.count]), [
    [first?.metadata.name, 2],
    [second?.metadata.name, 1],
  ]);
  // A fresh recorder (empty cache) does not pick the expired Event either.
  clock.advance(MIN);
  const other = new EventRecorder(rt.client, {
    component: "c",
    clock,
    aggregationWindowMs: 5 * MIN,
  });
  const third = await other.event(cm, "Normal", "Synced", "ok");
  assert.equal(third?.metadata.name, second?.metadata.name);
  assert.equal(third?.count, 2);
});

Deno.test("different reason, message, type or object give separate Events", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const other = await rt.client.create(ConfigMap, {
    metadata: { name: "db", namespace: "default" },
  });
  const rec = new EventRecorder(rt.client, { component: "c", clock });
  await rec.event(cm, "Normal", "Synced", "ok");
  await rec.event(cm, "Normal", "Synced", "ok again");
  await rec.event(cm, "Normal", "Updated", "ok");
  await rec.event(cm, "Warning", "Synced", "ok");
  await rec.event(other, "Normal", "Synced", "ok");
  await rec.event(cm, "Normal", "Synced", "ok");
  const events = await allEvents(rt);
  assert.equal(events.length, 5);
  assert.deepEqual(
    events.map((e) => [e.involvedObject.name, e.type, e.reason, e.message, e.count]).sort(),
    [
      ["app", "Normal", "Synced", "ok again", 1], // sort() compares "ok again,1" < "ok,2"
      ["app", "Normal", "Synced", "ok", 2],
      ["app", "Normal", "Updated", "ok", 1],
      ["app", "Warning", "Synced", "ok", 1],
      ["db", "Normal", "Synced", "ok", 1],
    ],
  );
  assert.equal((await eventsFor(rt.client, other)).length, 1);
});

Deno.test("a second recorder instance aggregates into the same Event", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const a = new EventRecorder(rt.client, { component: "c", clock });
  const b = new EventRecorder(rt.client, { component: "c", clock });
  const first = await a.event(cm, "Normal", "Synced", "ok");
  clock.advance(MIN);
  const second = await b.event(cm, "Normal", "Synced", "ok");
  assert.equal(second?.metadata.name, first?.metadata.name);
  assert.equal(second?.count, 2);
  // a's cached resourceVersion is now stale: the conflict is resolved by re-reading.
  clock.advance(MIN);
  const third = await a.event(cm, "Normal", "Synced", "ok");
  assert.equal(third?.count, 3);
  assert.equal(third?.lastTimestamp, rfc3339(START + 2 * MIN));
  assert.equal((await allEvents(rt)).length, 1);
  // A different component does not aggregate with them.
  const c = new EventRecorder(rt.client, { component: "other", clock });
  assert.equal((await c.event(cm, "Normal", "Synced", "ok"))?.count, 1);
});

Deno.test("events about a cluster-scoped object go to the default namespace", async () => {
  const { rt, clock } = await setup();
  await using _ = rt;
  const ns = await rt.client.create(Namespace, { metadata: { name: "team-a" } });
  const rec = new EventRecorder(rt.client, { component: "c", clock });
  const ev = await rec.event(ns, "Normal", "Created", "namespace ready");
  assert.equal(ev?.metadata.namespace, "default");
  assert.equal(ev?.involvedObject.namespace, undefined);
  assert.equal(ev?.involvedObject.kind, "Namespace");
  assert.equal((await rec.event(ns, "Normal", "Created", "namespace ready"))?.count, 2);
  const found = await eventsFor(rt.client, ns);
  assert.equal(found.length, 1);
  assert.equal(found[0].count, 2);
});

Deno.test("bad reason, type or object are rejected with a TypeError and nothing is stored", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const rec = new EventRecorder(rt.client, { component: "c", clock });
  for (const reason of ["", "synced", "Not Camel", "Bad-Reason", 42 as unknown as string]) {
    assert.throws(() => rec.event(cm, "Normal", reason, "x"), TypeError, String(reason));
  }
  assert.throws(
    () => rec.event(cm, "Error" as "Normal", "Synced", "x"),
    (err: unknown) =>
      err instanceof TypeError && err.message ===
        'Cannot record an event about ConfigMap "app": type "Error" is not "Normal" or "Warning"',
  );
  assert.throws(
    () => rec.event(cm, "Normal", "Synced", undefined as unknown as string),
    TypeError,
  );
  assert.throws(
    () => rec.event({ apiVersion: "v1", kind: "ConfigMap", metadata: {} }, "Normal", "Synced", ""),
    TypeError,
  );
  assert.throws(() => new EventRecorder(rt.client, { component: "" }), TypeError);
  assert.deepEqual(await allEvents(rt), []);
});

Deno.test("a deleted aggregated Event is recreated", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const rec = new EventRecorder(rt.client, { component: "c", clock });
  const first = await rec.event(cm, "Normal", "Synced", "ok");
  await rec.event(cm, "Normal", "Synced", "ok");
  await rt.client.delete(Event, first!.metadata.name!, { namespace: "default" });
  clock.advance(MIN);
  const again = await rec.event(cm, "Normal", "Synced", "ok");
  assert.ok(again);
  assert.equal(again.count, 1);
  assert.equal(again.firstTimestamp, rfc3339(START + MIN));
  assert.deepEqual(await allEvents(rt), [again]);
  assert.equal((await rec.event(cm, "Normal", "Synced", "ok"))?.count, 2);
});

Deno.test("client errors go to onError and the promise resolves to undefined", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  let failing = true;
  const boom = ApiError.internal("store unavailable");
  const client: EventClient = {
    get: (kind, name, options) => rt.client.get(kind, name, options),
    list: (kind, options) => failing ? Promise.reject(boom) : rt.client.list(kind, options),
    create: (kind, obj, options) => rt.client.create(kind, obj, options),
    patch: (kind, name, patch, options) =>
      failing ? Promise.reject(boom) : rt.client.patch(kind, name, patch, options),
  };
  const errors: [unknown, Event][] = [];
  const rec = new EventRecorder(client, {
    component: "c",
    clock,
    onError: (err, ev) => errors.push([err, ev]),
  });
  assert.equal(await rec.event(cm, "Warning", "Degraded", "mode is unset"), undefined);
  assert.equal(errors.length, 1);
  assert.equal(errors[0][0], boom);
  assert.equal(errors[0][1].reason, "Degraded");
  assert.equal(errors[0][1].involvedObject.name, "app");
  assert.deepEqual(await allEvents(rt), []);

  // A handler that throws does not break the caller either.
  const rude = new EventRecorder(client, {
    component: "c",
    clock,
    onError: () => {
      throw new Error("handler failed");
    },
  });
  assert.equal(await rude.event(cm, "Normal", "Synced", "ok"), undefined);

  // Once the client recovers, recording works again.
  failing = false;
  assert.equal((await rec.event(cm, "Warning", "Degraded", "mode is unset"))?.count, 1);
  failing = true;
  assert.equal(await rec.event(cm, "Warning", "Degraded", "mode is unset"), undefined);
  assert.equal(errors.length, 2);
  failing = false;
  assert.equal((await rec.event(cm, "Warning", "Degraded", "mode is unset"))?.count, 2);
});

Deno.test("the in-memory cache is bounded (LRU) and lookups fall back to the store", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const rec = new EventRecorder(rt.client, { component: "c", clock, cacheSize: 2 });
  for (const reason of ["A", "B", "C", "A", "B", "C"]) {
    await rec.event(cm, "Normal", reason, "ok");
  }
  const events = await allEvents(rt);
  assert.deepEqual(events.map((e) => [e.reason, e.count]).sort(), [["A", 2], ["B", 2], ["C", 2]]);
});

Deno.test("eventsFor matches by name and kind when the object has no uid, sorted by lastTimestamp", async () => {
  const { rt, clock, cm } = await setup();
  await using _ = rt;
  const rec = new EventRecorder(rt.client, { component: "c", clock });
  const bare: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: cm.metadata };
  await rec.event(cm, "Normal", "Later", "x");
  clock.advance(MIN);
  await rec.event(cm, "Normal", "Earlier", "x");
  clock.advance(MIN);
  await rec.event(cm, "Normal", "Later", "x"); // bumps Later's lastTimestamp past Earlier's
  const byUid = await eventsFor(rt.client, bare);
  assert.deepEqual(byUid.map((e) => e.reason), ["Earlier", "Later"]);
  const noUid: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "app", namespace: "default" },
  };
  assert.deepEqual((await eventsFor(rt.client, noUid)).map((e) => e.reason), ["Earlier", "Later"]);
  const secret: KubeObject = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "app", namespace: "default" },
  };
  assert.deepEqual(await eventsFor(rt.client, secret), []);
});
