// What operator authors hit in the controller runtime: shutdown when the runtime closes, and the
// finalizer helper under concurrent writers.
import assert from "node:assert/strict";
import {
  ConfigMap,
  connect,
  controllerFor,
  createRuntime,
  finalizer,
  isConflict,
  Manager,
  retryOnConflict,
} from "@k1s/k1s";
import { openMemoryStore } from "@k1s/k1s/storage/memory";
import { serve } from "@k1s/k1s/server";

/** Resolves with `p`, or rejects when it takes longer than `ms` (the defect was a hang). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms);
    }),
  ]);
}

Deno.test("closing the runtime stops the managers it made, and waits for their reconciles", async () => {
  const rt = await createRuntime();
  const seen: string[] = [];
  let finishedInFlight = false;
  const mgr = rt.manager();
  mgr.add(
    controllerFor(ConfigMap).complete(async (req) => {
      seen.push(req.name);
      if (req.name === "slow") {
        await new Promise((r) => setTimeout(r, 100));
        finishedInFlight = true;
      }
    }),
  );
  const bare = new Manager(rt);
  bare.add(controllerFor(ConfigMap).named("bare").complete(() => {}));
  const never = new AbortController();
  const a = mgr.start(never.signal);
  const b = bare.start(never.signal);
  await rt.client.create(ConfigMap, { metadata: { name: "slow", namespace: "default" } });
  while (!seen.includes("slow")) await new Promise((r) => setTimeout(r, 5));
  await within(rt.close(), 5000, "rt.close()");
  // The in-flight reconcile finished before the store closed.
  assert.ok(finishedInFlight);
  assert.deepEqual(await within(a, 1000, "rt.manager().start()"), { unfinished: [] });
  assert.deepEqual(await within(b, 1000, "new Manager(rt).start()"), { unfinished: [] });
});

Deno.test("a manager is AsyncDisposable: leaving its scope stops it", async () => {
  await using rt = await createRuntime();
  let run: Promise<unknown>;
  {
    await using mgr = rt.manager({ systemControllers: false });
    mgr.add(controllerFor(ConfigMap).complete(() => {}));
    run = mgr.start(new AbortController().signal);
    await mgr.informers.waitForSync();
  }
  assert.deepEqual(await within(run, 1000, "start() after disposal"), { unfinished: [] });
  // Stopped managers start again.
  const mgr = rt.manager({ systemControllers: false });
  const stop = new AbortController();
  const again = mgr.start(stop.signal);
  stop.abort();
  await within(again, 1000, "second start()");
});

Deno.test("a manager over a store that someone else closes stops instead of retrying forever", async () => {
  const store = openMemoryStore();
  const rt = await createRuntime({ store });
  const mgr = new Manager({ client: rt.client, registry: rt.registry, store: rt.store }, {
    onError: () => {},
  });
  mgr.add(controllerFor(ConfigMap).complete(() => {}));
  const run = mgr.start(new AbortController().signal);
  await mgr.informers.waitForSync();
  await store.close();
  await within(run, 2000, "start() on a closed store");
  await rt.close();
});

Deno.test("closing a connection stops the managers made over it", async () => {
  await using rt = await createRuntime();
  const server = await serve(rt, { port: 0 });
  try {
    const remote = await connect({ server: server.url });
    const mgr = remote.manager();
    mgr.add(controllerFor(ConfigMap).complete(() => {}));
    const run = mgr.start(new AbortController().signal);
    await mgr.informers.waitForSync();
    await within(remote.close(), 3000, "remote.close()");
    await within(run, 1000, "start() after remote.close()");
  } finally {
    await server.shutdown();
  }
});

Deno.test("finalizer: other writers do not make cleanup run again", async () => {
  await using rt = await createRuntime();
  const fin = "example.com/bucket";
  await rt.client.create(ConfigMap, {
    metadata: { name: "db", namespace: "default", finalizers: [fin, "other.example.com/x"] },
  });
  await rt.client.delete(ConfigMap, "db", { namespace: "default" });
  const terminating = await rt.client.get(ConfigMap, "db", { namespace: "default" });
  // Another controller labels the object after we read it.
  await rt.client.patch(ConfigMap, "db", { metadata: { labels: { seen: "yes" } } }, {
    namespace: "default",
  });
  let cleanups = 0;
  await finalizer(rt.client, ConfigMap, fin, terminating, {
    apply: () => assert.fail("apply runs only on live objects"),
    cleanup: () => void cleanups++,
  });
  assert.equal(cleanups, 1);
  const after = await rt.client.get(ConfigMap, "db", { namespace: "default" });
  assert.deepEqual(after.metadata.finalizers, ["other.example.com/x"]);
  assert.equal(after.metadata.labels?.seen, "yes");
});

Deno.test("finalizer: adding it tolerates unrelated writes and conflicts on a changed list", async () => {
  await using rt = await createRuntime();
  const fin = "example.com/bucket";
  const handlers = { apply: () => {}, cleanup: () => {} };
  const stale = await rt.client.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
  });
  await rt.client.patch(ConfigMap, "a", { data: { k: "v" } }, { namespace: "default" });
  await finalizer(rt.client, ConfigMap, fin, stale, handlers);
  assert.deepEqual(
    (await rt.client.get(ConfigMap, "a", { namespace: "default" })).metadata.finalizers,
    [fin],
  );

  const b = await rt.client.create(ConfigMap, { metadata: { name: "b", namespace: "default" } });
  await rt.client.patch(ConfigMap, "b", { metadata: { finalizers: ["other.example.com/x"] } }, {
    namespace: "default",
  });
  const err = await finalizer(rt.client, ConfigMap, fin, b, handlers).then(
    () => assert.fail("expected a conflict"),
    (e) => e,
  );
  assert.ok(isConflict(err), String(err));
  assert.equal(
    err.message,
    `Operation cannot be fulfilled on configmaps "b": Cannot add finalizer "${fin}": ` +
      "metadata.finalizers changed since the object was read; retry with the current object",
  );
  // retryOnConflict with a fresh read succeeds.
  await retryOnConflict(async () => {
    const cur = await rt.client.get(ConfigMap, "b", { namespace: "default" });
    await finalizer(rt.client, ConfigMap, fin, cur, handlers);
  });
  assert.deepEqual(
    (await rt.client.get(ConfigMap, "b", { namespace: "default" })).metadata.finalizers,
    ["other.example.com/x", fin],
  );
});

Deno.test("finalizer: removing it conflicts when its entry moved, and cleanup is retried", async () => {
  await using rt = await createRuntime();
  const fin = "example.com/bucket";
  await rt.client.create(ConfigMap, {
    metadata: { name: "c", namespace: "default", finalizers: ["first.example.com/x", fin] },
  });
  await rt.client.delete(ConfigMap, "c", { namespace: "default" });
  const read = await rt.client.get(ConfigMap, "c", { namespace: "default" });
  // The other finalizer is removed, so ours moves to index 0.
  await rt.client.patch(ConfigMap, "c", { metadata: { finalizers: [fin] } }, {
    namespace: "default",
  });
  let cleanups = 0;
  const handlers = { apply: () => {}, cleanup: () => void cleanups++ };
  await assert.rejects(finalizer(rt.client, ConfigMap, fin, read, handlers), isConflict);
  const fresh = await rt.client.get(ConfigMap, "c", { namespace: "default" });
  await finalizer(rt.client, ConfigMap, fin, fresh, handlers);
  assert.equal(cleanups, 2);
  await assert.rejects(rt.client.get(ConfigMap, "c", { namespace: "default" }));
});
