import assert from "node:assert/strict";
import { FakeClock } from "../apimachinery/clock.ts";
import { ApiError, isBadRequest, isNotFound } from "../apimachinery/errors.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import { ConfigMap, createRuntime, Namespace } from "../../mod.ts";
import { fieldIndex, NAMESPACE_INDEX } from "./indexer.ts";
import { CacheReader, InformerFactory, SharedInformer } from "./informer.ts";
import { listerWatcherFor } from "./reflector.ts";
import { FakeListerWatcher, listOf, obj, until } from "./_fake_test.ts";

type Log = string[];

function recorder(log: Log, prefix = "") {
  return {
    onAdd: (o: KubeObject, initial: boolean) =>
      log.push(`${prefix}add:${o.metadata.name}${initial ? ":initial" : ""}`),
    onUpdate: (a: KubeObject, b: KubeObject) =>
      log.push(
        `${prefix}update:${b.metadata.name}:${JSON.stringify(a.data ?? {})}->${
          JSON.stringify(b.data ?? {})
        }`,
      ),
    onDelete: (o: KubeObject) => log.push(`${prefix}delete:${o.metadata.name}`),
  };
}

Deno.test("SharedInformer: add/update/delete handlers with old and new objects, read-your-writes", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  await c.create(ConfigMap, { metadata: { name: "pre", namespace: "default" } });
  const inf = new SharedInformer(listerWatcherFor(c, ConfigMap));
  const log: Log = [];
  const reg = inf.addEventHandler(recorder(log));
  assert.equal(reg.hasSynced(), false);
  const stop = new AbortController();
  const running = inf.start(stop.signal);
  await inf.waitForSync();
  assert.ok(reg.hasSynced());
  assert.deepEqual(log, ["add:pre:initial"]);
  const a = await c.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
    data: { v: "1" },
  });
  const a2 = await c.update(ConfigMap, { ...a, data: { v: "2" } });
  await inf.waitForRevision(Number(a2.metadata.resourceVersion));
  assert.deepEqual(inf.store.getByName("default", "a")?.data, { v: "2" });
  const del = await c.delete(ConfigMap, "pre", { namespace: "default" });
  await until(() => log.length === 4, "delete event");
  assert.ok(inf.lastSyncRevision() >= Number(del.metadata.resourceVersion));
  assert.ok(inf.lastSyncRevision() >= Number(a2.metadata.resourceVersion));
  assert.deepEqual(log, [
    "add:pre:initial",
    "add:a",
    'update:a:{"v":"1"}->{"v":"2"}',
    "delete:pre",
  ]);
  assert.equal(inf.store.getByName("default", "pre"), undefined);
  stop.abort();
  await running;
});

Deno.test("SharedInformer: a handler added after sync gets synthetic adds; removed handlers get nothing", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  await c.create(ConfigMap, { metadata: { name: "x", namespace: "default" } });
  await c.create(ConfigMap, { metadata: { name: "y", namespace: "default" } });
  const inf = new SharedInformer(listerWatcherFor(c, ConfigMap));
  const stop = new AbortController();
  const running = inf.start(stop.signal);
  await inf.waitForSync();
  const log: Log = [];
  const reg = inf.addEventHandler(recorder(log, "late:"));
  assert.ok(reg.hasSynced());
  assert.deepEqual(log.sort(), ["late:add:x:initial", "late:add:y:initial"]);
  reg.remove();
  const z = await c.create(ConfigMap, { metadata: { name: "z", namespace: "default" } });
  await inf.waitForRevision(Number(z.metadata.resourceVersion));
  assert.equal(log.length, 2);
  stop.abort();
  await running;
});

Deno.test("SharedInformer: handler exceptions and rejections go to onError and never stop the informer", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  const errors: unknown[] = [];
  const inf = new SharedInformer(listerWatcherFor(c, ConfigMap), {
    onError: (e) => errors.push(e),
  });
  const log: Log = [];
  inf.addEventHandler({
    onAdd: () => {
      throw new Error("handler bug");
    },
  });
  inf.addEventHandler({ onAdd: () => Promise.reject(new Error("async handler bug")) });
  inf.addEventHandler(recorder(log));
  const stop = new AbortController();
  const running = inf.start(stop.signal);
  await inf.waitForSync();
  const a = await c.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
  const b = await c.create(ConfigMap, { metadata: { name: "b", namespace: "default" } });
  await inf.waitForRevision(Number(b.metadata.resourceVersion));
  await until(() => errors.length === 4);
  assert.deepEqual(log, ["add:a", "add:b"]);
  assert.deepEqual(
    errors.map((e) => (e as Error).message).sort(),
    ["async handler bug", "async handler bug", "handler bug", "handler bug"],
  );
  assert.ok(a);
  stop.abort();
  await running;
});

Deno.test("SharedInformer: a relist emits adds, updates (changed only) and deletes against the old cache", async () => {
  const lw = new FakeListerWatcher();
  lw.lists.push(
    listOf(5, [obj("keep", 1), obj("change", 2, { v: "1" }), obj("gone", 3)]),
    listOf(20, [obj("keep", 1), obj("change", 12, { v: "2" }), obj("new", 15)]),
  );
  const errors: unknown[] = [];
  const inf = new SharedInformer(lw, { clock: new FakeClock(0), onError: (e) => errors.push(e) });
  const log: Log = [];
  inf.addEventHandler(recorder(log));
  const stop = new AbortController();
  const running = inf.start(stop.signal);
  await inf.waitForSync();
  assert.equal(inf.lastSyncRevision(), 5);
  await until(() => lw.watches.length === 1);
  lw.last.send("BOOKMARK", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { resourceVersion: "7" },
  });
  await inf.waitForRevision(7);
  lw.last.fail(ApiError.expired("too old resource version"));
  await inf.waitForRevision(20);
  assert.deepEqual(log.slice(3), [
    'update:change:{"v":"1"}->{"v":"2"}',
    "add:new",
    "delete:gone",
  ]);
  assert.deepEqual(inf.store.keys().sort(), ["default/change", "default/keep", "default/new"]);
  assert.equal(errors.length, 1);
  stop.abort();
  await running;
});

Deno.test("SharedInformer: waits reject on abort and when the informer stops", async () => {
  const lw = new FakeListerWatcher();
  lw.lists.push(listOf(5, []));
  const inf = new SharedInformer(lw, { clock: new FakeClock(0) });
  const early = new AbortController();
  const p = inf.waitForSync(early.signal);
  early.abort(new Error("gave up"));
  await assert.rejects(p, /gave up/);
  const stop = new AbortController();
  const running = inf.start(stop.signal);
  await inf.waitForSync();
  await assert.rejects(() => inf.start(stop.signal), /already started/);
  const w = inf.waitForRevision(100);
  stop.abort();
  await running;
  await assert.rejects(w, /informer stopped/);
  await assert.rejects(inf.waitForRevision(100), /informer stopped/);
  await inf.waitForRevision(5);
});

Deno.test("InformerFactory: one informer per kind; indexers merged before start, built after start", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  await c.create(ConfigMap, {
    metadata: { name: "a", namespace: "default", labels: { app: "web" } },
  });
  const factory = new InformerFactory(c, {
    indexers: (
      kind,
    ) => (kind.kind === "ConfigMap" ? { app: fieldIndex("metadata.labels.app") } : undefined),
  });
  const i1 = factory.informerFor(ConfigMap);
  const i2 = factory.informerFor(ConfigMap, {
    indexers: { tier: fieldIndex("metadata.labels.tier") },
  });
  assert.equal(i1, i2);
  assert.deepEqual(i1.store.indexNames(), ["namespace", "owner", "app", "tier"]);
  const stop = new AbortController();
  const running = factory.start(stop.signal);
  await factory.waitForSync();
  assert.deepEqual(i1.store.byIndex("app", "web").map((o) => o.metadata.name), ["a"]);
  // After start: a new index name is built from the current store.
  factory.informerFor(ConfigMap, { indexers: { name: fieldIndex("metadata.name") } });
  assert.deepEqual(i1.store.byIndex("name", "a").map((o) => o.metadata.name), ["a"]);
  assert.throws(
    () => factory.informerFor(ConfigMap, { indexers: { app: (o) => [o.metadata.name!] } }),
    /Cannot add index "app"/,
  );
  // Informers made after start are started at once.
  const ns = factory.informerFor(Namespace);
  await ns.waitForSync();
  assert.ok(ns.store.getByName(undefined, "default"));
  stop.abort();
  await running;
});

Deno.test("CacheReader: get and list with namespaces and selectors, NotFound, copies", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  await c.create(Namespace, { metadata: { name: "other" } });
  for (
    const [ns, name, app] of [["default", "b", "web"], ["default", "a", "db"], [
      "other",
      "c",
      "web",
    ]]
  ) {
    await c.create(ConfigMap, { metadata: { name, namespace: ns, labels: { app } } });
  }
  const factory = new InformerFactory(c);
  const cache = new CacheReader(factory);
  await assert.rejects(cache.get(ConfigMap, "a"), /informer factory is not started/);
  const stop = new AbortController();
  const running = factory.start(stop.signal);

  const a = await cache.get(ConfigMap, "a", { namespace: "default" });
  assert.equal(a.metadata.labels?.app, "db");
  assert.equal((await cache.get(ConfigMap, "a")).metadata.name, "a", "default namespace");
  a.metadata.labels!.app = "mutated";
  assert.equal((await cache.get(ConfigMap, "a")).metadata.labels?.app, "db", "results are copies");

  const err = await cache.get(ConfigMap, "x", { namespace: "default" }).catch((e) => e);
  assert.ok(isNotFound(err));
  assert.equal(err.message, 'configmaps "x" not found');
  const fromApi = await c.get(ConfigMap, "x", { namespace: "default" }).catch((e) => e);
  assert.equal(err.message, fromApi.message);

  const names = async (o: Parameters<typeof cache.list>[1]) =>
    (await cache.list(ConfigMap, o)).items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
  assert.deepEqual(await names({}), ["default/a", "default/b", "other/c"]);
  assert.deepEqual(await names({ namespace: "default" }), ["default/a", "default/b"]);
  assert.deepEqual(await names({ labelSelector: "app=web" }), ["default/b", "other/c"]);
  assert.deepEqual(await names({ labelSelector: { app: "web" }, namespace: "other" }), ["other/c"]);
  assert.deepEqual(await names({ fieldSelector: "metadata.name!=b" }), ["default/a", "other/c"]);
  assert.deepEqual(await names({ fieldSelector: { "metadata.namespace": "other" } }), ["other/c"]);
  assert.deepEqual(await names({ limit: 1 }), ["default/a"]);
  // Same answers as the API.
  for (const o of [{}, { namespace: "default" }, { labelSelector: "app in (web)" }]) {
    const api = (await c.list(ConfigMap, o)).items.map((i) => i.metadata.name);
    assert.deepEqual((await cache.list(ConfigMap, o)).items.map((i) => i.metadata.name), api);
  }
  await assert.rejects(cache.list(ConfigMap, { fieldSelector: "spec.x=1" }), isBadRequest);
  await assert.rejects(cache.list(ConfigMap, { continue: "abc" }), isBadRequest);

  const list = await cache.list(ConfigMap);
  assert.equal(list.kind, "ConfigMapList");
  assert.equal(list.apiVersion, "v1");
  const inf = factory.informerFor(ConfigMap);
  assert.equal(list.metadata.resourceVersion, String(inf.lastSyncRevision()));
  assert.ok(inf.store.byIndex(NAMESPACE_INDEX, "other").length === 1);

  // Cluster-scoped kinds: namespace is ignored.
  assert.equal(
    (await cache.get(Namespace, "other", { namespace: "default" })).metadata.name,
    "other",
  );

  // Read-your-writes through the informer.
  const d = await c.create(ConfigMap, { metadata: { name: "d", namespace: "default" } });
  await inf.waitForRevision(Number(d.metadata.resourceVersion));
  assert.equal((await cache.get(ConfigMap, "d")).metadata.uid, d.metadata.uid);

  const raw = new CacheReader(factory, { copy: false });
  assert.equal(await raw.get(ConfigMap, "d"), inf.store.getByName("default", "d"));
  stop.abort();
  await running;
});

Deno.test("InformerFactory.indexField: index queries return matching objects and follow updates and deletes", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = rt.client;
  await c.create(Namespace, { metadata: { name: "other" } });
  await c.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
    data: { owner: "ann" },
  });
  await c.create(ConfigMap, {
    metadata: { name: "b", namespace: "default" },
    data: { owner: "bob" },
  });
  await c.create(ConfigMap, {
    metadata: { name: "c", namespace: "other" },
    data: { owner: "bob" },
  });
  const factory = new InformerFactory(c);
  factory.indexField(ConfigMap, "data.owner", (cm) => (cm.data?.owner ? [cm.data.owner] : []));
  const stop = new AbortController();
  const running = factory.start(stop.signal);
  const cache = new CacheReader(factory);
  const names = async (value: string, namespace?: string) =>
    (await cache.list(ConfigMap, { index: { name: "data.owner", value }, namespace })).items
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
  assert.deepEqual(await names("bob"), ["default/b", "other/c"]);
  assert.deepEqual(await names("bob", "other"), ["other/c"]);
  assert.deepEqual(await names("nobody"), []);
  // Combined with a label selector and a limit, like any list.
  assert.deepEqual(
    (await cache.list(ConfigMap, { index: { name: "data.owner", value: "bob" }, limit: 1 })).items
      .length,
    1,
  );
  const inf = factory.informerFor(ConfigMap);
  const a2 = await c.patch(ConfigMap, "a", { data: { owner: "bob" } }, { namespace: "default" });
  await inf.waitForRevision(Number(a2.metadata.resourceVersion));
  assert.deepEqual(await names("bob"), ["default/a", "default/b", "other/c"]);
  assert.deepEqual(await names("ann"), []);
  const del = await c.delete(ConfigMap, "c", { namespace: "other" });
  await until(() => inf.lastSyncRevision() >= Number(del.metadata.resourceVersion));
  assert.deepEqual(await names("bob"), ["default/a", "default/b"]);
  // A field selector `name=value` on an index name reads it too (MatchingFields).
  const viaSelector = await cache.list(ConfigMap, { fieldSelector: "data.owner=bob" });
  assert.deepEqual(viaSelector.items.map((o) => o.metadata.name), ["a", "b"]);
  stop.abort();
  await running;
});

Deno.test("InformerFactory.indexField: after start it is built from the cache; unknown names fail clearly", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, { metadata: { name: "a" }, data: { tier: "gold" } });
  const factory = new InformerFactory(rt.client);
  const stop = new AbortController();
  const running = factory.start(stop.signal);
  const cache = new CacheReader(factory);
  await assert.rejects(
    cache.list(ConfigMap, { index: { name: "tier", value: "gold" } }),
    /index with name tier does not exist/,
  );
  factory.indexField(ConfigMap, "tier", (cm) => (cm.data?.tier ? [cm.data.tier] : []));
  const list = await cache.list(ConfigMap, { index: { name: "tier", value: "gold" } });
  assert.deepEqual(list.items.map((o) => o.metadata.name), ["a"]);
  // The same name with another function is a conflict, as client-go's AddIndexers.
  assert.throws(() => factory.indexField(ConfigMap, "tier", () => []), /already exists/);
  stop.abort();
  await running;
});
