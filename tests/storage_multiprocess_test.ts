// Real processes sharing one SQLite or Deno KV file, or one PostgreSQL schema.
import assert from "node:assert/strict";
import { openStore, type StoreEvent } from "../src/storage/mod.ts";
import { lines } from "./_lines.ts";
import { freshSchema, postgres, postgresMissing } from "./_postgres.ts";
import { finish, spawnWorker } from "./_storage_worker.ts";

async function tempDir(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-storage-mp-" });
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** One PostgreSQL for this file (when PostgreSQL is here), stopped when the process ends. */
const pg = postgresMissing === undefined ? await postgres() : undefined;
const inPostgres = (): string => pg!.url({ schema: freshSchema() });

const BACKENDS: [string, (dir: string) => string][] = [
  ["sqlite", (dir) => `sqlite:${dir}/store.db`],
  ["kv", (dir) => `kv:${dir}/store.kv`],
];
if (pg) BACKENDS.push(["postgres", inPostgres]);

for (const [name, urlFor] of BACKENDS) {
  Deno.test(`${name}: 4 processes x 50 compare-and-swap increments lose nothing`, async () => {
    await using tmp = await tempDir();
    const url = urlFor(tmp.dir);
    const store = await openStore(url);
    try {
      const r0 = await store.create("/counter", "0");
      const procs = [0, 1, 2, 3].map(() => spawnWorker(["increment", url, "/counter", "50"]));
      const outputs = procs.map((p) => lines(p.stdout));
      for (const o of outputs) assert.equal((await o.next()).value, "ready");
      const go = await store.create("/go", "");
      const conflicts = await Promise.all(outputs.map(async (o) => {
        const done = (await o.next()).value as string;
        for await (const _ of o) { /* drain */ }
        return Number(done.split(" ")[1]);
      }));
      for (const p of procs) {
        const status = await p.status;
        assert.equal(
          status.code,
          0,
          new TextDecoder().decode(await new Response(p.stderr).bytes()),
        );
      }
      const cur = await store.get("/counter");
      assert.equal(cur?.value, "200");
      assert.equal(cur?.createRevision, r0);
      // One revision per successful write: the creates and 200 updates, nothing else.
      assert.equal(go, r0 + 1);
      assert.equal(await store.currentRevision(), go + 200);
      assert.equal(cur?.revision, go + 200);
      // The history is a single chain: every update's previous revision is the one before it.
      const events: StoreEvent[] = [];
      for await (const ev of store.watch("/counter", 0)) {
        events.push(ev);
        if (ev.revision === go + 200) break;
      }
      assert.equal(events.length, 201);
      for (let i = 1; i < events.length; i++) {
        assert.equal(events[i].prevRevision, events[i - 1].revision);
        assert.equal(Number(events[i].value), Number(events[i - 1].value) + 1);
        assert.equal(events[i].prevValue, events[i - 1].value);
      }
      console.log(`  ${name}: conflicts retried per process: ${conflicts.join(", ")}`);
    } finally {
      await store.close();
    }
  });

  Deno.test(`${name}: a watcher sees every write of another process, in order`, async () => {
    await using tmp = await tempDir();
    const url = urlFor(tmp.dir);
    const store = await openStore(url);
    try {
      await store.create("/noise", "x");
      const from = await store.currentRevision();
      const ac = new AbortController();
      const events = store.watch("/mp/", from, { signal: ac.signal });
      const n = 200;
      const writer = spawnWorker(["write", url, "/mp/k", String(n), "2"]);
      const latencies: number[] = [];
      const got: StoreEvent[] = [];
      for await (const ev of events) {
        latencies.push(performance.timeOrigin + performance.now() - Number(ev.value));
        got.push(ev);
        if (got.length === n) break;
      }
      ac.abort();
      const acked = (await finish(writer)).trim().split("\n").map((l) => l.split(" "));
      assert.deepEqual(got.map((e) => e.revision), acked.map((a) => Number(a[0])));
      assert.deepEqual(got.map((e) => e.key), acked.map((a) => a[1]));
      for (let i = 0; i < n; i++) {
        assert.equal(got[i].revision, from + 1 + i, "no gaps");
        assert.equal(got[i].type, "put");
        assert.equal(got[i].value, acked[i][2]);
      }
      latencies.sort((a, b) => a - b);
      const p50 = percentile(latencies, 0.5);
      const p99 = percentile(latencies, 0.99);
      console.log(
        `  ${name}: cross-process delivery p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
      );
      assert.ok(p50 <= 25, `p50 ${p50} ms`);
      assert.ok(p99 <= 100, `p99 ${p99} ms`);

      // The other direction: a watcher process sees this process's writes.
      const start = await store.currentRevision();
      const watcher = spawnWorker(["watch", url, "/back/", String(start), "100"]);
      const reader = lines(watcher.stdout);
      assert.equal((await reader.next()).value, "ready");
      const revs: number[] = [];
      for (let i = 0; i < 50; i++) revs.push(await store.create(`/back/${i}`, "v"));
      for (let i = 0; i < 50; i++) {
        const cur = await store.get(`/back/${i}`);
        revs.push((await store.delete(`/back/${i}`, cur!.revision)).revision);
      }
      const seen: string[] = [];
      for await (const line of reader) seen.push(line);
      const status = await watcher.status;
      assert.equal(
        status.code,
        0,
        new TextDecoder().decode((await watcher.stderr.bytes?.()) ?? []),
      );
      assert.deepEqual(seen.map((l) => Number(l.split(" ")[0])), revs);
      assert.deepEqual(seen.slice(50).map((l) => l.split(" ")[1]), Array(50).fill("delete"));
    } finally {
      await store.close();
    }
  });
}

const KILL_CASES: [string, (dir: string) => string][] = [
  ["sqlite (default)", (dir) => `sqlite:${dir}/store.db`],
  ["sqlite (durable)", (dir) => `sqlite:${dir}/store.db?durable=true`],
  ["kv", (dir) => `kv:${dir}/store.kv`],
];
if (pg) KILL_CASES.push(["postgres", inPostgres]);

for (const [name, urlFor] of KILL_CASES) {
  Deno.test(`${name}: a writer killed with SIGKILL loses no acknowledged write`, async () => {
    await using tmp = await tempDir();
    const url = urlFor(tmp.dir);
    const writer = spawnWorker(["write", url, "/kill/k", "1000000", "0"]);
    const acked: string[][] = [];
    for await (const line of lines(writer.stdout)) {
      acked.push(line.split(" "));
      if (acked.length === 300) writer.kill("SIGKILL");
    }
    const status = await writer.status;
    assert.equal(status.signal, "SIGKILL");
    await writer.stderr.cancel();
    assert.ok(acked.length >= 300);

    const store = await openStore(url);
    try {
      for (const [rev, key, value] of acked) {
        const kv = await store.get(key);
        assert.ok(kv, `acknowledged ${key} at ${rev} is missing`);
        assert.equal(kv.revision, Number(rev));
        assert.equal(kv.value, value);
      }
      const head = await store.currentRevision();
      assert.ok(head >= Number(acked[acked.length - 1][0]));
      // Still readable and writable, and the history is intact.
      const rev = await store.create("/after", "ok");
      assert.equal(rev, head + 1);
      assert.equal(await store.update("/after", "ok2", rev), rev + 1);
      const list = await store.list("/kill/");
      assert.ok(list.items.length >= acked.length);
      let n = 0;
      for await (const ev of store.watch("/kill/", 0)) {
        assert.equal(ev.revision, ++n);
        if (n === acked.length) break;
      }
    } finally {
      await store.close();
    }
  });
}
