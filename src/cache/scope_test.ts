import assert from "node:assert/strict";
import { ApiError, isNotFound } from "../apimachinery/errors.ts";
import { FakeClock } from "../apimachinery/clock.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import { ConfigMap, createRuntime, Namespace } from "../../mod.ts";
import { CacheReader, InformerFactory, SharedInformer } from "./informer.ts";
import {
  inCacheScope,
  LAST_APPLIED_ANNOTATION,
  stripForCache,
  stripManagedFields,
} from "./scope.ts";
import { FakeListerWatcher, listOf, until } from "./_fake_test.ts";

const MANAGED = [
  {
    manager: "kubectl-client-side-apply",
    operation: "Update",
    apiVersion: "v1",
    time: "2024-01-01T00:00:00Z",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:data": { "f:k": {} } },
  },
];

function applied(name: string, namespace = "default") {
  return {
    metadata: {
      name,
      namespace,
      annotations: { [LAST_APPLIED_ANNOTATION]: '{"data":{"k":"v"}}', team: "a" },
      managedFields: MANAGED,
    },
    data: { k: "v" },
  };
}

function started(factory: InformerFactory) {
  const stop = new AbortController();
  const running = factory.start(stop.signal);
  return {
    cache: new CacheReader(factory),
    async [Symbol.asyncDispose]() {
      stop.abort();
      await running;
    },
  };
}

Deno.test("scope: a namespace-scoped cache holds only its namespaces and refuses reads of others", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  for (const ns of ["a", "b", "c"]) {
    await rt.client.create(Namespace, { metadata: { name: ns } });
    await rt.client.create(ConfigMap, { metadata: { name: "x", namespace: ns } });
  }
  const factory = new InformerFactory(rt.client, {
    scope: (kind) => kind.kind === "ConfigMap" ? { namespaces: ["a", "b"] } : undefined,
  });
  await using s = started(factory);
  const all = await s.cache.list(ConfigMap);
  assert.deepEqual(all.items.map((o) => o.metadata.namespace), ["a", "b"]);
  assert.equal((await s.cache.get(ConfigMap, "x", { namespace: "b" })).metadata.namespace, "b");
  await assert.rejects(
    s.cache.get(ConfigMap, "x", { namespace: "c" }),
    /unable to get: c\/x because of unknown namespace for the cache/,
  );
  await assert.rejects(
    s.cache.list(ConfigMap, { namespace: "c" }),
    /unable to list: c because of unknown namespace for the cache/,
  );
  // Writes elsewhere never enter the cache; read-your-writes still completes.
  const other = await rt.client.create(ConfigMap, { metadata: { name: "y", namespace: "c" } });
  const mine = await rt.client.create(ConfigMap, { metadata: { name: "y", namespace: "a" } });
  const inf = factory.informerFor(ConfigMap);
  await inf.waitForRevision(Number(other.metadata.resourceVersion));
  await inf.waitForRevision(Number(mine.metadata.resourceVersion));
  assert.deepEqual(inf.store.keys().sort(), ["a/x", "a/y", "b/x"]);
  // Kinds without a scope (and cluster-scoped kinds) are whole.
  assert.equal((await s.cache.list(Namespace)).items.length >= 3, true);
});

Deno.test("scope: a single-namespace scope lists and watches that namespace only", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(Namespace, { metadata: { name: "a" } });
  await rt.client.create(ConfigMap, { metadata: { name: "x", namespace: "a" } });
  await rt.client.create(ConfigMap, { metadata: { name: "x", namespace: "default" } });
  const factory = new InformerFactory(rt.client, { scope: () => ({ namespaces: ["a"] }) });
  await using s = started(factory);
  assert.deepEqual((await s.cache.list(ConfigMap)).items.map((o) => o.metadata.namespace), ["a"]);
  await assert.rejects(s.cache.get(ConfigMap, "x"), /unknown namespace for the cache/);
  const y = await rt.client.create(ConfigMap, { metadata: { name: "y", namespace: "a" } });
  await factory.informerFor(ConfigMap).waitForRevision(Number(y.metadata.resourceVersion));
  assert.equal((await s.cache.get(ConfigMap, "y", { namespace: "a" })).metadata.name, "y");
});

Deno.test("scope: a label-selector scope caches matching objects only and follows label changes", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, { metadata: { name: "in", labels: { app: "web" } } });
  await rt.client.create(ConfigMap, { metadata: { name: "out", labels: { app: "db" } } });
  const factory = new InformerFactory(rt.client, {
    scope: () => ({ labelSelector: "app=web" }),
  });
  await using s = started(factory);
  assert.deepEqual((await s.cache.list(ConfigMap)).items.map((o) => o.metadata.name), ["in"]);
  await assert.rejects(s.cache.get(ConfigMap, "out"), isNotFound);
  const inf = factory.informerFor(ConfigMap);
  await rt.client.patch(ConfigMap, "out", { metadata: { labels: { app: "web" } } });
  await until(() => inf.store.getByName("default", "out") !== undefined, "out to enter");
  await rt.client.patch(ConfigMap, "in", { metadata: { labels: { app: "db" } } });
  await until(() => inf.store.getByName("default", "in") === undefined, "in to leave");
  assert.deepEqual((await s.cache.list(ConfigMap)).items.map((o) => o.metadata.name), ["out"]);
});

Deno.test("scope: a field-selector scope is passed to list and watch", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, { metadata: { name: "wanted" } });
  await rt.client.create(ConfigMap, { metadata: { name: "other" } });
  const factory = new InformerFactory(rt.client, {
    scope: () => ({ fieldSelector: "metadata.name=wanted" }),
  });
  await using s = started(factory);
  assert.deepEqual((await s.cache.list(ConfigMap)).items.map((o) => o.metadata.name), ["wanted"]);
});

Deno.test("transform: stripForCache strips cached objects (list, events) but not the store", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, applied("listed"));
  const factory = new InformerFactory(rt.client, { defaultTransform: stripForCache() });
  await using s = started(factory);
  const listed = await s.cache.get(ConfigMap, "listed");
  assert.equal(listed.metadata.managedFields, undefined);
  assert.deepEqual(listed.metadata.annotations, { team: "a" });
  const added = await rt.client.create(ConfigMap, applied("added"));
  const inf = factory.informerFor(ConfigMap);
  await inf.waitForRevision(Number(added.metadata.resourceVersion));
  const cached = inf.store.getByName("default", "added")!;
  assert.equal(cached.metadata.managedFields, undefined);
  assert.deepEqual(cached.metadata.annotations, { team: "a" });
  assert.deepEqual(cached.data, { k: "v" });
  const updated = await rt.client.patch(ConfigMap, "added", { data: { k: "w" } });
  await inf.waitForRevision(Number(updated.metadata.resourceVersion));
  assert.equal(inf.store.getByName("default", "added")!.metadata.managedFields, undefined);
  // The API still has everything.
  const stored = await rt.client.get(ConfigMap, "added");
  assert.ok(stored.metadata.managedFields?.length);
  assert.ok(stored.metadata.annotations?.[LAST_APPLIED_ANNOTATION]);
});

Deno.test("transform: a kind's scope transform overrides the default, and applies on relists", async () => {
  const lw = new FakeListerWatcher();
  const o = (name: string, rv: number) =>
    ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name,
        namespace: "default",
        resourceVersion: String(rv),
        managedFields: MANAGED,
      },
    }) as KubeObject;
  lw.lists.push(listOf(5, [o("a", 1)]), listOf(9, [o("a", 1), o("b", 8)]));
  const inf = new SharedInformer(lw, {
    clock: new FakeClock(0),
    transform: stripManagedFields,
    onError: () => {},
  });
  const seen: KubeObject[] = [];
  inf.addEventHandler({ onAdd: (x) => seen.push(x) });
  const stop = new AbortController();
  const running = inf.start(stop.signal);
  await inf.waitForSync();
  await until(() => lw.watches.length === 1);
  lw.last.fail(ApiError.expired("too old resource version"));
  await inf.waitForRevision(9);
  assert.deepEqual(seen.map((x) => x.metadata.name), ["a", "b"]);
  for (const x of [...seen, ...inf.store.list()]) assert.equal(x.metadata.managedFields, undefined);
  stop.abort();
  await running;

  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, applied("k"));
  const factory = new InformerFactory(rt.client, {
    defaultTransform: stripForCache(),
    scope: (kind) => kind.kind === "ConfigMap" ? { transform: stripManagedFields } : undefined,
  });
  await using s = started(factory);
  const k = await s.cache.get(ConfigMap, "k");
  assert.equal(k.metadata.managedFields, undefined);
  assert.ok(k.metadata.annotations?.[LAST_APPLIED_ANNOTATION], "only managedFields stripped");
});

Deno.test("stripForCache: options keep what is asked; objects without those fields pass unchanged", () => {
  const make = () =>
    ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "a",
        managedFields: MANAGED,
        annotations: { [LAST_APPLIED_ANNOTATION]: "{}" },
      },
      data: { k: "v" },
    }) as KubeObject;
  const keepManaged = stripForCache({ managedFields: false })(make());
  assert.deepEqual(keepManaged.metadata.managedFields, MANAGED);
  assert.equal(keepManaged.metadata.annotations, undefined);
  const keepApplied = stripForCache({ lastApplied: false, fields: ["data"] })(make());
  assert.equal(keepApplied.metadata.managedFields, undefined);
  assert.deepEqual(keepApplied.metadata.annotations, { [LAST_APPLIED_ANNOTATION]: "{}" });
  assert.equal(keepApplied.data, undefined);
  const bare = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } };
  assert.deepEqual(stripForCache()(structuredClone(bare)), bare);
  assert.deepEqual(stripManagedFields(structuredClone(bare)), bare);
});

Deno.test("inCacheScope: namespaces (ignored for cluster-scoped kinds), label and field selectors", () => {
  const cm = (name: string, namespace: string, labels: Record<string, string> = {}) =>
    ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels } }) as KubeObject;
  const scope = { namespaces: ["a", "b"], fieldSelector: "metadata.name!=skip" };
  assert.equal(inCacheScope(ConfigMap, scope, cm("x", "b")), true);
  assert.equal(inCacheScope(ConfigMap, scope, cm("skip", "b")), false);
  assert.equal(inCacheScope(ConfigMap, scope, cm("x", "c")), false);
  assert.equal(inCacheScope(ConfigMap, { labelSelector: "tier in (gold)" }, cm("x", "c")), false);
  assert.equal(
    inCacheScope(ConfigMap, { labelSelector: "tier in (gold)" }, cm("x", "c", { tier: "gold" })),
    true,
  );
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "c" } } as KubeObject;
  assert.equal(inCacheScope(Namespace, { namespaces: ["a"] }, ns), true);
});
