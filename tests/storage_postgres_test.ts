// The PostgreSQL store: the conformance suite plus revision-order, reconnection and limit tests,
// against a throwaway server (tests/_postgres.ts). The multi-process and crash tests every
// shared store passes are in storage_multiprocess_test.ts.
import assert from "node:assert/strict";
import pg from "pg";
import { openStore } from "../src/storage/url.ts";
import { runStoreConformance } from "../src/storage/conformance.ts";
import { openPostgresStore } from "../src/storage/postgres.ts";
import { StoreError, type StoreEvent } from "../src/storage/types.ts";
import { freshSchema, pgTest, postgres, postgresMissing } from "./_postgres.ts";
import { lines } from "./_lines.ts";
import { assertInterleavedWritesSeenOnce } from "./_interleave.ts";
import { finish, spawnWorker } from "./_storage_worker.ts";

if (postgresMissing === undefined) {
  runStoreConformance("postgres", async () => {
    const server = await postgres();
    return await openPostgresStore(server.url({ schema: freshSchema() }));
  });
} else {
  // Skipped with one line, or failed under CI=true (pgTest decides).
  pgTest("postgres: conformance", () => Promise.resolve());
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

pgTest(
  "postgres: with 4 concurrent writer processes, watchers never skip a revision",
  async (server) => {
    const url = server.url({ schema: freshSchema() });
    await using store = await openPostgresStore(url);
    const from = await store.currentRevision();
    const perWriter = 150;
    const total = 4 * perWriter;
    // A watcher in another process, and one in this process.
    const watcher = spawnWorker(["watch", url, "/cw/", String(from), String(total)]);
    const reader = lines(watcher.stdout);
    assert.equal((await reader.next()).value, "ready");
    const ac = new AbortController();
    const local: StoreEvent[] = [];
    const localDone = (async () => {
      for await (const ev of store.watch("/cw/", from, { signal: ac.signal })) {
        local.push(ev);
        if (local.length === total) return;
      }
    })();
    const writers = [0, 1, 2, 3].map((w) =>
      spawnWorker(["write", url, `/cw/w${w}-`, String(perWriter), "0"])
    );
    const acked = (await Promise.all(writers.map(finish))).flatMap((o) =>
      o.trim().split("\n").map((l) => Number(l.split(" ")[0]))
    );
    const seen: number[] = [];
    for await (const line of reader) seen.push(Number(line.split(" ")[0]));
    assert.equal((await watcher.status).code, 0);
    const timer = setTimeout(() => ac.abort(), 10_000);
    await localDone.finally(() => clearTimeout(timer));
    const log = (await store.changes("/cw/", from)).map((e) => e.revision);
    assert.equal(log.length, total);
    assert.deepEqual(log, range(from + 1, from + total), "consecutive revisions");
    assert.deepEqual(
      [...acked].sort((a, b) => a - b),
      log,
      "every acknowledged write is in the log",
    );
    assert.deepEqual(seen, log, "the watcher process saw every revision in order");
    assert.deepEqual(local.map((e) => e.revision), log, "the local watcher too");
  },
);

pgTest("postgres: a watcher survives its LISTEN connection being killed", async (server) => {
  const url = server.url({ schema: freshSchema() });
  // A long poll interval: the reconnection, not the safety-net poll, must catch up.
  await using watched = await openPostgresStore(url, { pollIntervalMs: 60_000 });
  await using other = await openPostgresStore(url);
  const admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
  try {
    const ac = new AbortController();
    const got: StoreEvent[] = [];
    const it = watched.watch("/r/", 0, { signal: ac.signal })[Symbol.asyncIterator]();
    const next = async () => {
      const r = await it.next();
      assert.ok(!r.done);
      got.push(r.value);
      return r.value;
    };
    const revs: number[] = [];
    revs.push(await other.create("/r/a", "1"));
    await next(); // the listener is up once the watch is live
    for (let i = 0; i < 50 && (await listeners(admin)).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const pids = await listeners(admin);
    assert.equal(pids.length, 1, "one LISTEN connection");
    await admin.query("SELECT pg_terminate_backend($1)", [pids[0]]);
    // Writes by another store object while the listener is down or reconnecting.
    for (let i = 0; i < 20; i++) revs.push(await other.create(`/r/k${i}`, String(i)));
    while (got.length < revs.length) await next();
    assert.deepEqual(got.map((e) => e.revision), revs);
    // And it is listening again: a later write arrives promptly.
    for (let i = 0; i < 50 && (await listeners(admin)).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await listeners(admin)).length, 1, "listening again");
    const t0 = performance.now();
    revs.push(await other.create("/r/late", "x"));
    await next();
    assert.ok(performance.now() - t0 < 2000);
    assert.deepEqual(got.map((e) => e.revision), revs);
    ac.abort();
  } finally {
    await admin.end();
  }
});

async function listeners(admin: pg.Client): Promise<number[]> {
  const r = await admin.query(
    "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
  );
  return r.rows.map((row: { pid: number }) => row.pid);
}

pgTest(
  "postgres: a watch sees its own and another store's interleaved writes once each",
  async (server) => {
    const url = server.url({ schema: freshSchema() });
    await using a = await openPostgresStore(url);
    await using b = await openPostgresStore(url);
    await assertInterleavedWritesSeenOnce(a, b);
  },
);

pgTest("postgres: automatic compaction keeps history bounded", async (server) => {
  await using s = await openPostgresStore(server.url({ schema: freshSchema(), compactKeep: "10" }));
  const old = await s.create("/auto/old", "old");
  const gone = await s.create("/auto/gone", "bye");
  let rev = 0;
  for (let i = 0; i < 300; i++) {
    const key = `/auto/k${i % 13}`;
    const cur = await s.get(key);
    rev = cur ? await s.update(key, `v${i}`, cur.revision) : await s.create(key, `v${i}`);
  }
  for (let i = 0; i < 100 && (await s.compactedRevision()) < rev - 30; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const compacted = await s.compactedRevision();
  assert.ok(compacted >= rev - 30 && compacted <= rev - 10, `compacted at ${compacted} of ${rev}`);
  await assert.rejects(
    s.changes("/auto/", compacted - 1),
    (e) => e instanceof StoreError && e.code === "compacted",
  );
  assert.deepEqual(await s.get("/auto/old"), {
    key: "/auto/old",
    value: "old",
    revision: old,
    createRevision: old,
  });
  assert.equal(await s.count("/auto/"), 15);
  const u = await s.update("/auto/old", "new", old);
  const d = await s.delete("/auto/gone", gone);
  const tail = await s.changes("/auto/", u - 1);
  assert.deepEqual(tail.map((e) => [e.revision, e.type, e.prevValue, e.prevRevision]), [
    [u, "put", "old", old],
    [d.revision, "delete", "bye", gone],
  ]);
});

pgTest("postgres: processes opening a fresh schema at once all succeed", async (server) => {
  const url = server.url({ schema: freshSchema() });
  const revs = await Promise.all(
    [0, 1, 2, 3].map((i) => finish(spawnWorker(["open", url, `/open/${i}`]))),
  );
  assert.deepEqual(revs.map(Number).sort(), [1, 2, 3, 4]);
});

pgTest("postgres: a second schema is a separate store", async (server) => {
  await using a = await openPostgresStore(server.url({ schema: freshSchema() }));
  await using b = await openPostgresStore(server.url({ schema: freshSchema() }));
  await a.create("/x", "a");
  assert.equal(await b.get("/x"), undefined);
  assert.equal(await b.create("/x", "b"), 1);
  assert.equal((await a.get("/x"))?.value, "a");
});

pgTest(
  "postgres: an unreachable server or a refused login is a clear unavailable error",
  async (server) => {
    const port = freePort();
    await assert.rejects(
      openPostgresStore(`postgres://postgres:s3cret-pw@127.0.0.1:${port}/k1sdb`),
      (e: unknown) => {
        assert.ok(e instanceof StoreError, String(e));
        assert.equal(e.code, "unavailable");
        assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}/k1sdb`));
        assert.match(e.message, /check that it is running/);
        assert.doesNotMatch(e.message, /s3cret/);
        return true;
      },
    );
    await assert.rejects(
      openPostgresStore(`postgresql://k1s_pw:wr0ng-pw@${server.address}/postgres`),
      (e: unknown) => {
        assert.ok(e instanceof StoreError, String(e));
        assert.equal(e.code, "unavailable");
        assert.match(e.message, new RegExp(`${server.address}/postgres`));
        assert.match(e.message, /refused the login/);
        assert.doesNotMatch(e.message, /wr0ng/);
        return true;
      },
    );
    await assert.rejects(
      openPostgresStore(server.url({}, "no_such_db")),
      (e: unknown) =>
        e instanceof StoreError && e.code === "unavailable" && /no_such_db/.test(e.message),
    );
    // The right password works.
    const ok = await openPostgresStore(
      `postgres://k1s_pw:right@${server.address}/postgres?schema=${freshSchema()}`,
    );
    await ok.close();
  },
);

pgTest("postgres: bad URL parameters are a TypeError naming the supported ones", async (server) => {
  await assert.rejects(openPostgresStore(server.url({ bogus: "1" })), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /bogus/);
    assert.match(e.message, /schema, compactKeep, pollIntervalMs/);
    return true;
  });
  await assert.rejects(openPostgresStore(server.url({ compactKeep: "-1" })), TypeError);
  await assert.rejects(openPostgresStore(server.url({ pollIntervalMs: "x" })), TypeError);
  await assert.rejects(openPostgresStore(server.url({ schema: "bad-name" })), TypeError);
  await assert.rejects(openPostgresStore("mysql://localhost/db"), TypeError);
  // A path is not a server.
  await assert.rejects(openStore("postgres:/tmp/store.db"), /use postgres:\/\/user/);
  // tenant (handled by openStore) is accepted.
  const s = await openPostgresStore(server.url({ schema: freshSchema(), tenant: "t" }));
  await s.close();
});

pgTest("postgres: too-large keys and values, NUL characters", async (server) => {
  await using s = await openPostgresStore(server.url({ schema: freshSchema() }));
  await assert.rejects(
    s.create("/" + "k".repeat(3000), "v"),
    (e: unknown) => e instanceof StoreError && e.code === "too-large",
  );
  await assert.rejects(s.create("/nul", "a\0b"), TypeError);
  const r = await s.create("/ok", "v");
  await assert.rejects(
    s.update("/ok", "x".repeat(65 * 1024 * 1024), r),
    (e: unknown) => e instanceof StoreError && e.code === "too-large",
  );
  assert.equal(await s.currentRevision(), r);
});

pgTest(
  "postgres: concurrent writes of one store object each get their own outcome",
  async (server) => {
    await using s = await openPostgresStore(server.url({ schema: freshSchema() }));
    const w = s.watch("", 0)[Symbol.asyncIterator]();
    const base = await s.create("/g/base", "0");
    // Sent in one batch: creates, a duplicate, CAS updates of which one is stale, a delete.
    const results = await Promise.allSettled([
      s.create("/g/a", "a"),
      s.create("/g/a", "dup"),
      s.update("/g/base", "1", base),
      s.update("/g/base", "2", base),
      s.create("/g/b", "b", { requires: { key: "/g/base", revision: base } }),
      s.delete("/g/missing"),
      s.create("/g/c", "c"),
    ]);
    const codes = results.map((r) =>
      r.status === "fulfilled" ? "ok" : (r.reason as StoreError).code
    );
    assert.deepEqual(codes, ["ok", "exists", "ok", "conflict", "requirement", "not-found", "ok"]);
    const revs = results.filter((r) => r.status === "fulfilled").map((r) =>
      (r as PromiseFulfilledResult<number>).value
    );
    assert.deepEqual(revs, [base + 1, base + 2, base + 3]);
    const conflict = (results[3] as PromiseRejectedResult).reason as StoreError;
    assert.equal(conflict.revision, base + 2);
    assert.deepEqual(conflict.current, {
      key: "/g/base",
      value: "1",
      revision: base + 2,
      createRevision: base,
    });
    const exists = (results[1] as PromiseRejectedResult).reason as StoreError;
    assert.equal(exists.revision, base + 1);
    assert.equal(exists.current?.value, "a");
    const seen: number[] = [];
    while (seen.length < 4) seen.push((await w.next()).value!.revision);
    await w.return?.();
    assert.deepEqual(seen, [base, base + 1, base + 2, base + 3]);
    // Many at once: one revision each, none lost.
    const many = await Promise.all(
      Array.from({ length: 300 }, (_, i) => s.create(`/g/m${i}`, String(i))),
    );
    assert.deepEqual([...many].sort((a, b) => a - b), range(base + 4, base + 303));
    assert.equal(await s.count("/g/m"), 300);
  },
);

pgTest("postgres: a watch survives all its connections being killed", async (server) => {
  const url = server.url({ schema: freshSchema() });
  await using watched = await openPostgresStore(url, { pollIntervalMs: 100 });
  await using other = await openPostgresStore(url);
  const admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
  try {
    const it = watched.watch("/all/", 0)[Symbol.asyncIterator]();
    const revs = [await other.create("/all/a", "1")];
    assert.equal((await it.next()).value?.revision, revs[0]);
    // Busy readers: some of the store's pooled connections are in use or idle.
    await Promise.all([watched.list("/"), watched.get("/all/a"), watched.count("")]);
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity " +
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
    );
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 10; i++) revs.push(await other.create(`/all/k${i}`, String(i)));
    const got: number[] = [];
    while (got.length < revs.length - 1) got.push((await it.next()).value!.revision);
    assert.deepEqual(got, revs.slice(1));
    assert.equal((await watched.get("/all/k9"))?.value, "9");
    await it.return?.();
  } finally {
    await admin.end();
  }
});
