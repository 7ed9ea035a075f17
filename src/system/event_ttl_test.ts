import assert from "node:assert/strict";
import { createRuntime, Event, FakeClock } from "../../mod.ts";
import { Manager } from "../controller/manager.ts";
import { eventTTLController } from "./event_ttl.ts";

Deno.test("events expire an hour after they were last written, not after their timestamps", async () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 10));
  await using rt = await createRuntime({ clock });
  const names = async () => (await rt.client.list(Event)).items.map((e) => e.metadata.name).sort();
  const run = async () => {
    const mgr = new Manager(rt);
    mgr.add(eventTTLController({ clock }));
    await mgr.runTriggered();
  };
  // Imported with a week-old lastTimestamp: it lives an hour from now, as kube-apiserver keeps it.
  await rt.client.create(Event, {
    metadata: { name: "imported" },
    involvedObject: { kind: "ConfigMap", name: "x", namespace: "default" },
    lastTimestamp: "2026-01-03T00:00:00Z",
  });
  await run();
  assert.deepEqual(await names(), ["imported"]);
  clock.advance(30 * 60 * 1000);
  // Written again (a recorder bumps lastTimestamp): its hour starts again.
  const later = await rt.client.create(Event, {
    metadata: { name: "recurring" },
    involvedObject: { kind: "ConfigMap", name: "y", namespace: "default" },
    lastTimestamp: new Date(clock.now()).toISOString(),
  });
  clock.advance(20 * 60 * 1000);
  await run();
  assert.deepEqual(await names(), ["imported", "recurring"]);
  clock.advance(20 * 60 * 1000);
  await rt.client.update(Event, { ...later, lastTimestamp: new Date(clock.now()).toISOString() });
  // 70 min after its creation the imported one goes; the other was written just now.
  await run();
  assert.deepEqual(await names(), ["recurring"]);
  // More than an hour after its creation, but less after its last write, it stays.
  clock.advance(50 * 60 * 1000);
  await run();
  assert.deepEqual(await names(), ["recurring"]);
  clock.advance(11 * 60 * 1000);
  await run();
  assert.deepEqual(await names(), []);
});
