/**
 * What a watchable, globally ordered create costs on bare Deno KV, next to
 * the raw baseline of `deno task bench` (one checked set per object). The
 * KV store's create is one atomic operation that checks the head revision,
 * the key's absence and the namespace's revision, and sets the head, a log
 * entry and the current entry. This prints the bare costs of those steps, so
 * the store's ratio can be read against them, then the same creates through
 * k1s: the store alone (`KvStore.create` with the namespace requirement) and
 * the client (`client.create`, the registry's validation, defaulting and
 * encoding on top), with and without a watcher open on configmaps.
 *
 * `deno run -A --unstable-kv bench/kv_floor.ts`
 *
 * @module
 */

import { ConfigMap, createRuntime } from "../mod.ts";

const value = JSON.stringify({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "x".repeat(40), namespace: "default", uid: crypto.randomUUID() },
  data: { a: "x".repeat(60), b: "y".repeat(60) },
});

/** One way to create: `create(i)` writes object i; `close` cleans up. */
interface Variant {
  what: string;
  create(i: number): Promise<unknown>;
  close(): Promise<void>;
}

const key = (i: number): Deno.KvKey => ["cur", `/registry/configmaps/default/cm-${i}`];
const NS_KEY: Deno.KvKey = ["cur", "/registry/namespaces/default"];

/** A bare Deno KV file; `shape` writes one object. */
async function bare(
  what: string,
  shape: "raw" | "ordered" | "check" | "get",
): Promise<Variant> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-kv-floor-" });
  const kv = await Deno.openKv(`${dir}/kv`);
  let head = 0;
  let stamp = (await kv.set(["rev"], 0)).versionstamp;
  const nsStamp = (await kv.set(NS_KEY, { r: 0 })).versionstamp;
  return {
    what,
    async create(i) {
      if (shape === "raw") {
        const res = await kv.atomic().check({ key: key(i), versionstamp: null })
          .set(key(i), value).commit();
        if (!res.ok) throw new Error("commit refused");
        return;
      }
      if (shape === "get") await kv.get(NS_KEY);
      const op = kv.atomic().check({ key: ["rev"], versionstamp: stamp })
        .check({ key: key(i), versionstamp: null });
      if (shape === "check") op.check({ key: NS_KEY, versionstamp: nsStamp });
      const rev = head + 1;
      op.set(["rev"], rev).set(["log", rev], { k: key(i)[1], t: 0, c: rev, p: 0, v: value })
        .set(key(i), { r: rev, c: rev, v: value });
      const res = await op.commit();
      if (!res.ok) throw new Error("commit refused");
      head = rev;
      stamp = res.versionstamp;
    },
    async close() {
      kv.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const configMap = (i: number) => ({
  apiVersion: "v1" as const,
  kind: "ConfigMap" as const,
  metadata: { name: `cm-${i}` },
  data: { a: "x".repeat(60), b: "y".repeat(60) },
});

/** A k1s runtime on a KV file: the store alone, or the client, with or without a watcher. */
async function k1s(what: string, via: "store" | "client", watched = false): Promise<Variant> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-kv-floor-" });
  const rt = await createRuntime({ store: `kv:${dir}/k1s.kv`, compaction: false });
  const ns = await rt.store.get("/registry/namespaces/default");
  if (!ns) throw new Error("no default namespace");
  // The registry requires the namespace's revision in the create's commit; so does this.
  const requires = { key: ns.key, revision: ns.revision };
  const ac = new AbortController();
  const watching = watched
    ? (async () => {
      for await (const _ of rt.client.watch(ConfigMap, { signal: ac.signal })) { /* drain */ }
    })().catch(() => {})
    : undefined;
  return {
    what,
    create: via === "store"
      ? (i) => rt.store.create(key(i)[1] as string, value, { requires })
      : (i) => rt.client.create(ConfigMap, configMap(i), { namespace: "default" }),
    async close() {
      ac.abort();
      await watching;
      await rt.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const variants = [
  await bare("raw: check + set (the bench baseline)", "raw"),
  await bare("ordered: head and absence checked; head, log, current set", "ordered"),
  await bare("  + the namespace's revision checked in the same commit", "check"),
  await bare("  + the namespace read before the commit instead", "get"),
  await k1s("k1s: KvStore.create, the namespace required in the commit", "store"),
  await k1s("k1s: client.create (the registry on top of the store)", "client"),
  await k1s("  + a watcher on configmaps open, as `deno task bench` runs it", "client", true),
];
// Rounds alternate between the variants, so a busy machine slows them all alike.
const ROUNDS = 6;
const N = 1_000;
const top = variants.map(() => 0);
const next = variants.map(() => 0);
try {
  for (const v of variants) for (let i = 1; i <= 300; i++) await v.create(-i);
  for (let round = 0; round < ROUNDS; round++) {
    for (let j = 0; j < variants.length; j++) {
      const t = performance.now();
      for (let i = 0; i < N; i++) await variants[j].create(next[j]++);
      top[j] = Math.max(top[j], Math.round(N / (performance.now() - t) * 1000));
    }
  }
} finally {
  for (const v of variants) await v.close();
}
console.log(`best of ${ROUNDS} alternating rounds of ${N} creates:`);
for (let j = 0; j < variants.length; j++) {
  const { what } = variants[j];
  const us = (1e6 / top[j]).toFixed(0);
  console.log(
    `${what.padEnd(64)} ${String(top[j]).padStart(6)}/s  ${us.padStart(4)} µs  ratio ${
      (top[j] / top[0]).toFixed(2)
    }`,
  );
}
