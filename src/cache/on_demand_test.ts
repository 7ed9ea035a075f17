import assert from "node:assert/strict";
import { FakeClock } from "../apimachinery/clock.ts";
import { isNotFound } from "../apimachinery/errors.ts";
import type { KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import type { GetOptions, ListOptions, Reader, Watcher, WatchOptions } from "../client/client.ts";
import type { Kind } from "../scheme/kind.ts";
import { ConfigMap, createRuntime, Namespace, Secret } from "../../mod.ts";
import { OnDemandCache } from "./on_demand.ts";
import { settle, until } from "./_fake_test.ts";

/** The runtime's client, counting gets and watches, and able to break its watches. */
function counting(inner: Reader & Watcher) {
  const gets: string[] = [];
  let hold: Promise<void> | undefined;
  let watches = 0;
  let breakers: ((err: Error) => void)[] = [];
  const client: Reader & Watcher = {
    get<T extends KubeObject, In>(kind: Kind<T, In>, name: string, o?: GetOptions) {
      gets.push(`${kind.plural}/${o?.namespace ?? ""}/${name}`);
      const held = hold;
      return inner.get(kind, name, o).then(async (obj) => {
        await held;
        return obj;
      });
    },
    list<T extends KubeObject, In>(kind: Kind<T, In>, o?: ListOptions) {
      return inner.list(kind, o);
    },
    watch<T extends KubeObject, In>(kind: Kind<T, In>, o?: WatchOptions) {
      watches++;
      const source = inner.watch(kind, o);
      return {
        async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent<T>> {
          let fail: (err: Error) => void = () => {};
          const broken = new Promise<never>((_, reject) => (fail = reject));
          broken.catch(() => {});
          breakers.push(fail);
          const it = source[Symbol.asyncIterator]();
          try {
            for (;;) {
              const r = await Promise.race([it.next(), broken]);
              if (r.done) return;
              yield r.value;
            }
          } finally {
            // Not awaited: a generator's return waits for its pending next.
            it.return?.().catch(() => {});
          }
        },
      };
    },
  };
  return {
    client,
    gets,
    get watches() {
      return watches;
    },
    /** Holds the answers of reads made from now on until `release` is called. */
    holdReads(): () => void {
      let release = () => {};
      hold = new Promise<void>((r) => (release = r));
      return () => {
        hold = undefined;
        release();
      };
    },
    breakWatches(err: Error) {
      const bs = breakers;
      breakers = [];
      for (const b of bs) b(err);
    },
  };
}

Deno.test("OnDemandCache: reads the client once, then serves from the cache (copies)", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(Secret, {
    metadata: { name: "tls", namespace: "default" },
    stringData: { "tls.crt": "cert" },
  });
  const c = counting(rt.client);
  await using cache = new OnDemandCache(c.client);
  const a = await cache.get(Secret, "tls", { namespace: "default" });
  const b = await cache.get(Secret, "tls", { namespace: "default" });
  const d = await cache.get(Secret, "tls"); // default namespace
  assert.deepEqual(c.gets, ["secrets/default/tls"]);
  assert.equal(c.watches, 1);
  assert.deepEqual(a, b);
  assert.deepEqual(b, d);
  a.metadata.labels = { mutated: "yes" };
  assert.equal((await cache.get(Secret, "tls")).metadata.labels, undefined);
  assert.equal(cache.size, 1);
});

Deno.test("OnDemandCache: an update or delete seen by the watch drops the entry", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
    data: { v: "1" },
  });
  const c = counting(rt.client);
  await using cache = new OnDemandCache(c.client);
  assert.deepEqual((await cache.get(ConfigMap, "a", { namespace: "default" })).data, { v: "1" });
  await rt.client.patch(ConfigMap, "a", { data: { v: "2" } }, { namespace: "default" });
  await until(() => cache.size === 0, "invalidation after update");
  assert.deepEqual((await cache.get(ConfigMap, "a", { namespace: "default" })).data, { v: "2" });
  assert.equal(c.gets.length, 2);
  await rt.client.delete(ConfigMap, "a", { namespace: "default" });
  await until(() => cache.size === 0, "invalidation after delete");
  await assert.rejects(cache.get(ConfigMap, "a", { namespace: "default" }), isNotFound);
  // NotFound is not cached: a create is seen at the next read.
  await rt.client.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
    data: { v: "3" },
  });
  assert.deepEqual((await cache.get(ConfigMap, "a", { namespace: "default" })).data, { v: "3" });
  assert.equal(c.watches, 1);
});

Deno.test("OnDemandCache: a read whose object changes while in flight is returned but not cached", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
    data: { v: "1" },
  });
  await rt.client.create(ConfigMap, { metadata: { name: "b", namespace: "default" } });
  const c = counting(rt.client);
  await using cache = new OnDemandCache(c.client);
  await cache.get(ConfigMap, "b"); // the watch is up
  const release = c.holdReads();
  const inFlight = cache.get(ConfigMap, "a");
  await until(() => c.gets.length === 2, "the read to reach the client");
  await rt.client.patch(ConfigMap, "a", { data: { v: "2" } }, { namespace: "default" });
  await settle();
  release();
  assert.deepEqual((await inFlight).data, { v: "1" });
  assert.equal(cache.size, 1); // only b
  assert.deepEqual((await cache.get(ConfigMap, "a")).data, { v: "2" });
  assert.equal(c.gets.length, 3);
});

Deno.test("OnDemandCache: maxEntries evicts the least recently read", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  for (const n of ["a", "b", "c"]) {
    await rt.client.create(ConfigMap, { metadata: { name: n, namespace: "default" } });
  }
  const c = counting(rt.client);
  await using cache = new OnDemandCache(c.client, { maxEntries: 2 });
  await cache.get(ConfigMap, "a");
  await cache.get(ConfigMap, "b");
  await cache.get(ConfigMap, "a"); // a is now the most recent
  await cache.get(ConfigMap, "c"); // evicts b
  assert.equal(cache.size, 2);
  assert.deepEqual(c.gets, ["configmaps//a", "configmaps//b", "configmaps//c"]);
  await cache.get(ConfigMap, "a");
  await cache.get(ConfigMap, "c");
  assert.equal(c.gets.length, 3);
  await cache.get(ConfigMap, "b");
  assert.equal(c.gets.length, 4);
});

Deno.test("OnDemandCache: entries expire after ttlMs (fake clock)", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
  const clock = new FakeClock(1_000_000);
  const c = counting(rt.client);
  await using cache = new OnDemandCache(c.client, { ttlMs: 10_000, clock });
  await cache.get(ConfigMap, "a");
  clock.advance(9_999);
  await cache.get(ConfigMap, "a");
  assert.equal(c.gets.length, 1);
  clock.advance(1);
  await cache.get(ConfigMap, "a");
  assert.equal(c.gets.length, 2);
  await cache.get(ConfigMap, "a");
  assert.equal(c.gets.length, 2);
});

Deno.test("OnDemandCache: a watch failure drops the kind, reports, restarts; reads meanwhile are uncached", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
  await rt.client.create(Secret, { metadata: { name: "s", namespace: "default" } });
  const c = counting(rt.client);
  const errors: string[] = [];
  await using cache = new OnDemandCache(c.client, {
    retryMs: 20,
    onError: (err, kind) => errors.push(`${kind.plural}: ${(err as Error).message}`),
  });
  await cache.get(ConfigMap, "a");
  await cache.get(Secret, "s");
  assert.equal(cache.size, 2);
  c.breakWatches(new Error("connection reset"));
  await until(() => errors.length === 2, "both watches to report");
  assert.deepEqual(errors.sort(), ["configmaps: connection reset", "secrets: connection reset"]);
  assert.equal(cache.size, 0);
  await until(() => c.watches === 4, "the watches to restart");
  // A change made while the watch was down is seen: nothing stale survived.
  await rt.client.patch(ConfigMap, "a", { data: { v: "2" } }, { namespace: "default" });
  assert.deepEqual((await cache.get(ConfigMap, "a")).data, { v: "2" });
  await cache.get(ConfigMap, "a");
  await until(() => cache.size >= 1, "caching to resume");
});

Deno.test("OnDemandCache: cluster-scoped kinds, close ends the watches and later reads throw", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  const c = counting(rt.client);
  const stop = new AbortController();
  const cache = new OnDemandCache(c.client, { signal: stop.signal });
  await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
  await cache.get(ConfigMap, "a");
  const ns = await cache.get(Namespace, "default", { namespace: "ignored" });
  assert.equal(ns.metadata.name, "default");
  await cache.get(Namespace, "default");
  assert.deepEqual(c.gets, ["configmaps//a", "namespaces/ignored/default"]);
  stop.abort();
  await cache.close();
  assert.ok(cache.closed);
  assert.equal(cache.size, 0);
  await assert.rejects(cache.get(ConfigMap, "a"), /on-demand cache is closed/);
  assert.throws(() => new OnDemandCache(rt.client, { maxEntries: 0 }), RangeError);
});
