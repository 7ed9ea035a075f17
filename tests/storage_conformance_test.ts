import assert from "node:assert/strict";
import { runStoreConformance } from "../src/storage/conformance.ts";
import { openMemoryStore } from "../src/storage/memory.ts";
import { openSqliteStore } from "../src/storage/sqlite.ts";
import { openKvStore } from "../src/storage/kv.ts";
import {
  openStore,
  type Store,
  StoreError,
  type StoreEvent,
  withTenant,
} from "../src/storage/mod.ts";
import { assertInterleavedWritesSeenOnce } from "./_interleave.ts";

/** Opens a store on a fresh temp file and removes the file(s) when the store closes. */
async function onTempFile(
  suffix: string,
  open: (path: string) => Store | Promise<Store>,
): Promise<Store> {
  const path = await Deno.makeTempFile({ prefix: "k1s-storage-", suffix });
  await Deno.remove(path); // let the backend create it
  const store = await open(path);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
      await Deno.remove(p).catch(() => {});
    }
  };
  return store;
}

runStoreConformance("memory", () => Promise.resolve(openMemoryStore()));
runStoreConformance("sqlite", () => onTempFile(".db", (p) => openSqliteStore(p)));
runStoreConformance("sqlite :memory:", () => Promise.resolve(openSqliteStore(":memory:")));
runStoreConformance("kv", () => onTempFile(".kv", (p) => openKvStore(p)));

runStoreConformance("tenant(memory)", () => Promise.resolve(withTenant(openMemoryStore(), "t1")));
runStoreConformance(
  "tenant(sqlite)",
  () => onTempFile(".db", (p) => withTenant(openSqliteStore(p), "team-a")),
);
runStoreConformance(
  "tenant(kv)",
  () => onTempFile(".kv", async (p) => withTenant(await openKvStore(p), "x")),
);

for (
  const [name, url] of [["memory", "memory:"], ["sqlite", "sqlite::memory:"], ["kv", "kv::memory:"]]
) {
  Deno.test(`tenant isolation (${name})`, async () => {
    const shared = await openStore(url);
    const a = withTenant(shared, "a");
    const a2 = withTenant(shared, "a2");
    const b = withTenant(shared, "b");
    try {
      const wa = a.watch("", 0)[Symbol.asyncIterator]();
      const ra = await a.create("/k", "A");
      await a2.create("/k", "A2");
      await b.create("/k", "B");
      await b.create("/only-b", "B");
      assert.equal((await a.get("/k"))?.value, "A");
      assert.equal((await a2.get("/k"))?.value, "A2");
      assert.equal((await b.get("/k"))?.value, "B");
      assert.equal(await a.get("/only-b"), undefined);
      assert.deepEqual((await a.list("")).items.map((i) => i.key), ["/k"]);
      assert.deepEqual((await b.list("/")).items.map((i) => i.key), ["/k", "/only-b"]);
      assert.equal(await a.count(""), 1);
      assert.equal(await b.count(""), 2);
      assert.deepEqual((await shared.list("")).items.map((i) => i.key), [
        "/a/k",
        "/a2/k",
        "/b/k",
        "/b/only-b",
      ]);
      const ev = await wa.next();
      assert.equal(ev.value?.key, "/k");
      assert.equal(ev.value?.revision, ra);
      await a.update("/k", "A!", ra);
      const ev2 = await wa.next();
      assert.equal(ev2.value?.key, "/k");
      assert.equal(ev2.value?.prevValue, "A");
      await wa.return?.();
      // Conflicts report the tenant's key, not the underlying one.
      await assert.rejects(a.update("/k", "x", ra), (e) => {
        assert.ok(e instanceof StoreError && e.code === "conflict");
        if (e.current) assert.equal(e.current.key, "/k");
        return true;
      });
      await assert.rejects(
        a.create("/k", "x"),
        (e) => e instanceof StoreError && e.code === "exists",
      );
      // After a key of another tenant.
      assert.deepEqual((await b.list("", { after: "/k" })).items.map((i) => i.key), ["/only-b"]);
      assert.throws(() => withTenant(shared, "Bad_Tenant"), TypeError);
      assert.throws(() => withTenant(shared, ""), TypeError);
      assert.throws(() => withTenant(shared, "-x"), TypeError);
      assert.throws(() => withTenant(shared, "a".repeat(64)), TypeError);
      await assert.rejects(a.get("no-slash"), TypeError);
    } finally {
      await shared.close();
    }
  });
}

Deno.test("openStore parses URLs", async () => {
  await assert.rejects(openStore("redis://localhost:6379"), (e) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /memory:.*sqlite:.*kv:.*etcd:/);
    return true;
  });
  await assert.rejects(openStore("nonsense"), TypeError);
  await assert.rejects(openStore("sqlite:"), TypeError);
  await assert.rejects(openStore("sqlite::memory:?bogus=1"), TypeError);
  await assert.rejects(openStore("memory:?tenant=Bad"), TypeError);
  const dir = await Deno.makeTempDir({ prefix: "k1s-url-" });
  try {
    for (
      const url of [
        "memory:",
        "memory:?tenant=t",
        "sqlite::memory:",
        `sqlite:${dir}/a.db`,
        `sqlite:${dir}/b.db?durable=true&pollIntervalMs=2`,
        `sqlite://${dir}/c.db`,
        "kv::memory:",
        `kv:${dir}/d.kv`,
      ]
    ) {
      const store = await openStore(url);
      try {
        const rev = await store.create("/x", url);
        assert.equal((await store.get("/x"))?.revision, rev, url);
      } finally {
        await store.close();
      }
    }
    const t = await openStore(`sqlite:${dir}/a.db`, { tenant: "ten" });
    await t.create("/y", "1");
    await t.close();
    const raw = await openStore(`sqlite:${dir}/a.db`);
    assert.deepEqual((await raw.list("")).items.map((i) => i.key), ["/ten/y", "/x"]);
    await raw.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the storage entry point loads backends only on demand", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL("../src/storage/mod.ts", import.meta.url).pathname],
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  type Mod = {
    specifier: string;
    dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
  };
  const info: { roots: string[]; modules: Mod[] } = JSON.parse(
    new TextDecoder().decode(out.stdout),
  );
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  // Modules reachable from mod.ts through static imports only.
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length > 0) {
    const spec = stack.pop()!;
    if (seen.has(spec)) continue;
    seen.add(spec);
    for (const dep of bySpecifier.get(spec)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code) stack.push(dep.code.specifier);
    }
  }
  const statics = [...seen];
  assert.ok(!statics.some((s) => s.startsWith("node:sqlite")), statics.join("\n"));
  assert.ok(
    !statics.some((s) => /\/(memory|sqlite|kv)\.ts$/.test(s)),
    statics.join("\n"),
  );
});

for (
  const [name, open] of [
    ["memory", () => Promise.resolve(openMemoryStore({ compactKeep: 10 }))],
    ["sqlite", () => onTempFile(".db", (p) => openSqliteStore(p, { compactKeep: 10 }))],
    ["kv", () => onTempFile(".kv", (p) => openKvStore(p, { compactKeep: 10 }))],
  ] as [string, () => Promise<Store>][]
) {
  Deno.test(`${name}: automatic compaction keeps history bounded`, async () => {
    const s = await open();
    try {
      const old = await s.create("/auto/old", "old");
      const gone = await s.create("/auto/gone", "bye");
      let rev = 0;
      for (let i = 0; i < 300; i++) {
        const key = `/auto/k${i % 13}`;
        const cur = await s.get(key);
        rev = cur ? await s.update(key, `v${i}`, cur.revision) : await s.create(key, `v${i}`);
      }
      // KV compacts in the background: give it a moment.
      for (let i = 0; i < 100 && (await s.compactedRevision()) < rev - 30; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const compacted = await s.compactedRevision();
      assert.ok(
        compacted >= rev - 30 && compacted <= rev - 10,
        `compacted at ${compacted} of ${rev}`,
      );
      await assert.rejects(
        async () => {
          for await (const _ of s.watch("/auto/", compacted - 1)) break;
        },
        (e) => e instanceof StoreError && e.code === "compacted",
      );
      // Values written before the compaction point survive, with their revisions.
      assert.deepEqual(await s.get("/auto/old"), {
        key: "/auto/old",
        value: "old",
        revision: old,
        createRevision: old,
      });
      assert.equal(await s.count("/auto/"), 15);
      // Later changes to old keys still carry their previous values.
      const from = await s.currentRevision();
      const w = s.watch("/auto/", compacted)[Symbol.asyncIterator]();
      const u = await s.update("/auto/old", "new", old);
      const d = await s.delete("/auto/gone", gone);
      const seen: StoreEvent[] = [];
      for (;;) {
        const r = await w.next();
        seen.push(r.value as StoreEvent);
        if ((r.value as StoreEvent).revision === d.revision) break;
      }
      await w.return?.();
      assert.deepEqual(seen.map((e) => e.revision), range(compacted + 1, d.revision));
      const tail = seen.filter((e) => e.revision > from);
      assert.deepEqual(tail.map((e) => [e.revision, e.type, e.prevValue, e.prevRevision]), [
        [u, "put", "old", old],
        [d.revision, "delete", "bye", gone],
      ]);
    } finally {
      await s.close();
    }
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

Deno.test("a read-only SQLite store reads, refuses writes and is never created", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-ro-store-" });
  try {
    const path = `${dir}/store.db`;
    await assert.rejects(
      () => openStore(`sqlite:${path}`, { readOnly: true }),
      (e: unknown) =>
        e instanceof StoreError && e.code === "unavailable" &&
        e.message === `there is no store at ${path}`,
    );
    assert.equal([...Deno.readDirSync(dir)].length, 0, "nothing created");
    {
      await using rw = await openStore(`sqlite:${path}`);
      await rw.create("/a", "1");
    }
    await using ro = await openStore(`sqlite:${path}`, { readOnly: true });
    assert.equal((await ro.get("/a"))?.value, "1");
    await assert.rejects(
      () => ro.create("/b", "2"),
      (e: unknown) =>
        e instanceof StoreError && e.code === "unavailable" &&
        e.message.startsWith(
          `cannot use the store at ${path}: the file or its directory is read-only`,
        ),
    );
    await assert.rejects(() => ro.update("/a", "3", 0), StoreError);
    assert.equal((await ro.get("/a"))?.value, "1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (
  const [name, open] of [
    ["sqlite", (p: string) => Promise.resolve(openSqliteStore(p))],
    ["kv", (p: string) => openKvStore(p)],
  ] as const
) {
  Deno.test(`${name}: a watch sees its own and another handle's interleaved writes once each, in order`, async () => {
    // The watcher's handle offers its own writes directly and reads the log
    // for the other handle's; concurrent writes on both must leave no gap and
    // no duplicate.
    const dir = await Deno.makeTempDir({ prefix: "k1s-interleave-" });
    try {
      await using a = await open(`${dir}/store`);
      await using b = await open(`${dir}/store`);
      await assertInterleavedWritesSeenOnce(a, b);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
