/**
 * k1s benchmarks: `deno task bench` (= `deno run -A bench/run.ts`).
 *
 * Prints one line per figure (with its raw baseline ratio and target) and,
 * as the last line, one JSON object with every figure. See bench/README.md.
 *
 * @module
 */
import {
  ConfigMap,
  controllerFor,
  createRuntime,
  InformerFactory,
  Manager,
  type Runtime,
} from "@k1s/k1s";
import { DatabaseSync } from "node:sqlite";
import { benchRemote } from "./remote.ts";
import { benchServe } from "./serve.ts";
import { benchCrd } from "./crd.ts";
import { benchLeader } from "./leader.ts";
import { benchBacklog } from "./backlog.ts";
import { benchCache } from "./cache.ts";
import { benchEtcd, benchFailover, benchPg } from "./engines.ts";

// ---------------------------------------------------------------- helpers

const QUICK = Deno.args.includes("--quick");
const scale = (n: number) => (QUICK ? Math.max(1, Math.floor(n / 10)) : n);

const NS = "default";
const results: Record<string, number> = {};
const tmpDirs: string[] = [];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const wallNow = () => performance.timeOrigin + performance.now();

function ops(n: number, ms: number): number {
  return Math.round(n / (ms / 1000));
}

function ms3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

function verdict(ok: boolean): string {
  return ok ? "ok" : "MISS";
}

function reportOps(key: string, value: number, target?: number): void {
  results[key] = value;
  const t = target === undefined
    ? ""
    : `  (target >= ${fmtInt(target)}/s: ${verdict(value >= target)})`;
  console.log(`${key.padEnd(30)} ${fmtInt(value).padStart(10)} ops/s${t}`);
}

function reportRatio(
  key: string,
  value: number,
  rawKey: string,
  raw: number,
  target?: number,
): void {
  results[key] = value;
  results[rawKey] = raw;
  const ratio = value / raw;
  const t = target === undefined ? "" : `, target >= ${target}: ${verdict(ratio >= target)}`;
  console.log(
    `${key.padEnd(30)} ${fmtInt(value).padStart(10)} ops/s  ` +
      `(raw ${fmtInt(raw)}/s, ratio ${ratio.toFixed(2)}${t})`,
  );
}

function reportMs(key: string, value: number, target?: number, note = ""): void {
  results[key] = ms3(value);
  const t = target === undefined ? "" : `  (target <= ${target} ms: ${verdict(value <= target)})`;
  console.log(`${key.padEnd(30)} ${value.toFixed(3).padStart(10)} ms${t}${note}`);
}

async function tempDir(): Promise<string> {
  const d = await Deno.makeTempDir({ prefix: "k1s-bench-" });
  tmpDirs.push(d);
  return d;
}

function cm(name: string) {
  return { metadata: { name }, data: { key1: "value-one", key2: "value-two" } };
}

/** Opens a watch on configmaps from now on and counts what it receives. */
async function openWatcher(rt: Runtime) {
  const ac = new AbortController();
  const rv = String(await rt.store.currentRevision());
  let received = 0;
  const done = (async () => {
    try {
      for await (
        const _ of rt.client.watch(ConfigMap, {
          namespace: NS,
          resourceVersion: rv,
          signal: ac.signal,
        })
      ) received++;
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    }
  })();
  return {
    get received() {
      return received;
    },
    async waitFor(n: number, timeoutMs = 30_000): Promise<void> {
      const deadline = performance.now() + timeoutMs;
      while (received < n) {
        if (performance.now() > deadline) {
          throw new Error(`watcher got ${received} of ${n} events`);
        }
        await sleep(0);
      }
    },
    async stop(): Promise<void> {
      ac.abort();
      await done;
    },
  };
}

/**
 * Client creates with sequential awaits while a watcher on configmaps is open:
 * `warm` untimed creates, then `rounds` timed rounds of `perRound` creates; a
 * round ends when the watcher has received all of its events, so fan-out is
 * included. Calls `between(round)` after each round (e.g. to run the raw
 * baseline interleaved, so both see the same background load). Returns the
 * ops/s of every round.
 */
async function clientCreateRounds(
  rt: Runtime,
  rounds: number,
  perRound: number,
  warm: number,
  between?: (round: number) => unknown,
): Promise<number[]> {
  const c = rt.client;
  for (let i = 0; i < warm; i++) {
    await c.create(ConfigMap, cm(`warm-${i}`), { namespace: NS });
  }
  const w = await openWatcher(rt);
  const out: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (let i = 0; i < perRound; i++) {
        await c.create(ConfigMap, cm(`cm-${r * perRound + i}`), { namespace: NS });
      }
      await w.waitFor((r + 1) * perRound);
      out.push(ops(perRound, performance.now() - t0));
      await between?.(r);
    }
  } finally {
    await w.stop();
  }
  return out;
}

const best = (xs: number[]) => Math.max(...xs);
const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);

/** The stored JSON of a typical bench ConfigMap, to size raw baselines identically. */
async function sampleValue(): Promise<string> {
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  await rt.client.create(ConfigMap, cm("bench-000000"), { namespace: NS });
  const kv = await rt.store.get(`/registry/configmaps/${NS}/bench-000000`);
  if (!kv) throw new Error("sample object not found in store");
  return kv.value;
}

function rawValue(sample: string, name: string): string {
  // Same length as the sample: swap in the name (padded to the sample name's length).
  return sample.replace("bench-000000", name.padEnd(12, "x").slice(0, 12));
}

/** A raw baseline: `round(n)` inserts n fresh objects and returns ops/s. */
interface RawBaseline {
  round(n: number): Promise<number>;
  close(): void;
}

const rawName = (i: number) => `r${String(i).padStart(6, "0")}`;

/** Bare node:sqlite with the SQLite store's pragmas, one autocommit INSERT per object. */
function rawSqlite(path: string, durable: boolean, sample: string, warm: number): RawBaseline {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 30000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${durable ? "FULL" : "NORMAL"}`);
  db.exec("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT)");
  const ins = db.prepare("INSERT INTO kv(key, value) VALUES (?, ?)");
  let next = 0;
  const put = () => {
    const name = rawName(next++);
    ins.run(`/registry/configmaps/${NS}/${name}`, rawValue(sample, name));
  };
  for (let i = 0; i < warm; i++) put();
  return {
    round(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) put();
      return Promise.resolve(ops(n, performance.now() - t0));
    },
    close: () => db.close(),
  };
}

/** Bare Deno KV: one `atomic().check(absent).set().commit()` per object. */
async function rawKv(path: string, sample: string, warm: number): Promise<RawBaseline> {
  const kv = await Deno.openKv(path);
  let next = 0;
  const put = async () => {
    const name = rawName(next++);
    const key = ["cur", `/registry/configmaps/${NS}/${name}`];
    const res = await kv.atomic().check({ key, versionstamp: null })
      .set(key, rawValue(sample, name)).commit();
    if (!res.ok) throw new Error(`raw kv insert of ${name} failed`);
  };
  for (let i = 0; i < warm; i++) await put();
  return {
    async round(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await put();
      return ops(n, performance.now() - t0);
    },
    close: () => kv.close(),
  };
}

/**
 * Client creates vs a raw baseline, interleaved round by round (client, raw,
 * client, raw, ...) so both see the same background load; reports the best
 * round of each.
 */
async function versus(
  key: string,
  rawKey: string,
  rt: Runtime,
  raw: RawBaseline,
  rounds: number,
  perRound: number,
  warm: number,
  target: number,
): Promise<void> {
  const rawOps: number[] = [];
  try {
    const clientOps = await clientCreateRounds(rt, rounds, perRound, warm, async () => {
      rawOps.push(await raw.round(perRound));
    });
    reportRatio(key, best(clientOps), rawKey, best(rawOps), target);
    console.log(
      `${"".padEnd(30)} rounds of ${fmtInt(perRound)}: client ${clientOps.map(fmtInt).join(" ")}` +
        `; raw ${rawOps.map(fmtInt).join(" ")}`,
    );
  } finally {
    raw.close();
  }
}

/** Median time of `runs` lists of the `default` namespace, which must hold `expect` items. */
async function listMedian(rt: Runtime, expect: number, runs: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs + 3; r++) {
    const t0 = performance.now();
    const list = await rt.client.list(ConfigMap, { namespace: NS });
    const dt = performance.now() - t0;
    if (list.items.length !== expect) {
      throw new Error(`list returned ${list.items.length} items, expected ${expect}`);
    }
    if (r >= 3) times.push(dt); // the first runs are warm-up
  }
  return median(times);
}

async function fill(rt: Runtime, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await rt.client.create(ConfigMap, cm(`item-${String(i).padStart(5, "0")}`), { namespace: NS });
  }
}

// ---------------------------------------------------------------- benches

async function benchMemory(): Promise<void> {
  const rounds = 4;
  const per = scale(25_000);
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  const createOps = await clientCreateRounds(rt, rounds, per, scale(5_000));
  reportOps("memory_create_ops", best(createOps), 100_000);
  console.log(
    `${"".padEnd(30)} ${rounds} rounds of ${fmtInt(per)} (best shown): ` +
      `${createOps.map(fmtInt).join(" ")}; mean ${fmtInt(mean(createOps))}`,
  );

  const c = rt.client;
  for (let i = 0; i < scale(5_000); i++) {
    await c.get(ConfigMap, `cm-${i}`, { namespace: NS });
  }
  const getOps: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = r * per; i < (r + 1) * per; i++) {
      await c.get(ConfigMap, `cm-${i}`, { namespace: NS });
    }
    getOps.push(ops(per, performance.now() - t0));
  }
  reportOps("memory_get_ops", best(getOps), 300_000);
  console.log(
    `${"".padEnd(30)} ${rounds} rounds of ${fmtInt(per)} (best shown): ` +
      `${getOps.map(fmtInt).join(" ")}; mean ${fmtInt(mean(getOps))}`,
  );
}

async function benchSqlite(sample: string): Promise<void> {
  const dir = await tempDir();
  {
    await using rt = await createRuntime({ store: `sqlite:${dir}/client.db`, compaction: false });
    const raw = rawSqlite(`${dir}/raw.db`, false, sample, scale(500));
    await versus(
      "sqlite_create_ops",
      "sqlite_raw_create_ops",
      rt,
      raw,
      6,
      scale(2_500),
      scale(500),
      0.5,
    );
  }
  {
    await using rt = await createRuntime({
      store: `sqlite:${dir}/durable.db`,
      durable: true,
      compaction: false,
    });
    const raw = rawSqlite(`${dir}/raw-durable.db`, true, sample, scale(200));
    await versus(
      "sqlite_durable_create_ops",
      "sqlite_durable_raw_create_ops",
      rt,
      raw,
      6,
      scale(750),
      scale(200),
      0.5,
    );
  }
}

async function benchKv(sample: string): Promise<void> {
  const dir = await tempDir();
  await using rt = await createRuntime({ store: `kv:${dir}/client.kv`, compaction: false });
  const raw = await rawKv(`${dir}/raw.kv`, sample, scale(200));
  await versus("kv_create_ops", "kv_raw_create_ops", rt, raw, 6, scale(1_000), scale(200), 0.7);
}

async function benchList(): Promise<void> {
  const dir = await tempDir();
  const runs = 20;
  {
    await using rt = await createRuntime({ store: `sqlite:${dir}/list.db`, compaction: false });
    await fill(rt, 1_000);
    reportMs("list_1000_ms", await listMedian(rt, 1_000, runs), 10, "  (sqlite, median of 20)");
  }
  {
    await using rt = await createRuntime({ store: "memory:", compaction: false });
    await fill(rt, 1_000);
    reportMs("list_1000_memory_ms", await listMedian(rt, 1_000, runs), 10, "  (median of 20)");
  }
}

async function benchWatchLocal(): Promise<void> {
  const n = scale(2_000);
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  const c = rt.client;
  for (let i = 0; i < 500; i++) await c.create(ConfigMap, cm(`warm-${i}`), { namespace: NS });
  const before = new Float64Array(n);
  const receipt = new Float64Array(n);
  const ac = new AbortController();
  const rv = String(await rt.store.currentRevision());
  let got = 0;
  const loop = (async () => {
    try {
      for await (
        const ev of c.watch(ConfigMap, { namespace: NS, resourceVersion: rv, signal: ac.signal })
      ) {
        const t = performance.now();
        const i = Number(ev.object.metadata.name!.slice(3));
        receipt[i] = t;
        got++;
      }
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    }
  })();
  for (let i = 0; i < n; i++) {
    before[i] = performance.now();
    await c.create(ConfigMap, cm(`wl-${i}`), { namespace: NS });
    if (i % 10 === 9) await sleep(0);
  }
  const deadline = performance.now() + 10_000;
  while (got < n && performance.now() < deadline) await sleep(1);
  ac.abort();
  await loop;
  if (got < n) throw new Error(`local watch got ${got} of ${n} events`);
  const lat = Array.from(receipt, (r, i) => r - before[i]);
  reportMs("watch_local_p50_ms", percentile(lat, 50));
  reportMs("watch_local_p99_ms", percentile(lat, 99), 1);
}

async function benchWatchXproc(label: string, url: string, p99Key?: string): Promise<void> {
  const n = scale(300);
  // Open first so the schema and the default namespace exist before the writer starts.
  await using rt = await createRuntime({ store: url, compaction: false });
  const ac = new AbortController();
  const rv = String(await rt.store.currentRevision());
  const lat: number[] = [];
  let finished!: () => void;
  const allIn = new Promise<void>((r) => (finished = r));
  const loop = (async () => {
    try {
      for await (
        const ev of rt.client.watch(ConfigMap, {
          namespace: NS,
          resourceVersion: rv,
          signal: ac.signal,
        })
      ) {
        const t = wallNow();
        const name = ev.object.metadata.name ?? "";
        if (ev.type !== "ADDED" || !/^xp-\d+$/.test(name)) continue;
        lat.push(t - Number(ev.object.data?.t));
        if (lat.length >= n) finished();
      }
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    }
  })();
  const writer = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("../deno.json", import.meta.url).pathname,
      new URL("./xproc_writer.ts", import.meta.url).pathname,
      url,
      String(n),
      "5",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = await writer.output();
  if (!out.success) {
    ac.abort();
    await loop;
    throw new Error(`xproc writer failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const timer = sleep(5_000).then(() => "timeout");
  const r = await Promise.race([allIn.then(() => "ok"), timer]);
  ac.abort();
  await loop;
  if (r !== "ok") throw new Error(`${label}: watch got ${lat.length} of ${n} events`);
  reportMs(`watch_xproc${label}_p50_ms`, percentile(lat, 50), 25);
  if (p99Key) reportMs(p99Key, percentile(lat, 99), 25);
  else reportMs(`watch_xproc${label}_p99_ms`, percentile(lat, 99), 100);
}

// ---------------------------------------------------------------- controllers

const gc = (globalThis as { gc?: () => void }).gc;

async function heapUsed(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(10);
  }
  return Deno.memoryUsage().heapUsed;
}

async function benchInformerAndReconcile(): Promise<void> {
  const n = scale(100_000);
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  await fill(rt, n);
  const sample = await rt.client.get(ConfigMap, "item-00000", { namespace: NS });
  const jsonBytes = JSON.stringify(sample).length;

  // Initial sync of an informer, and the heap its cache takes.
  const before = await heapUsed();
  const factory = new InformerFactory(rt.client);
  const informer = factory.informerFor(ConfigMap);
  const ac = new AbortController();
  const t0 = performance.now();
  const running = factory.start(ac.signal);
  await informer.waitForSync();
  const syncMs = performance.now() - t0;
  const after = await heapUsed();
  reportMs("informer_sync_100k_ms", syncMs, 1000, `  (${fmtInt(n)} ConfigMaps, memory)`);
  const perObject = Math.round((after - before) / n - jsonBytes);
  results.cache_bytes_per_object = perObject;
  console.log(
    `${"cache_bytes_per_object".padEnd(30)} ${fmtInt(perObject).padStart(11)} B     ` +
      `(target <= 1,024: ${verdict(perObject <= 1024)})  ` +
      `(heap ${(after - before) / n | 0} B per object, JSON ${jsonBytes} B${
        gc ? "" : "; no --expose-gc, figure is noisy"
      })`,
  );
  ac.abort();
  await running;

  // A no-op reconciler over every object, long-running manager (includes its informer sync).
  let count = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const mgr = new Manager(rt);
  mgr.add(
    controllerFor(ConfigMap).withOptions({ maxConcurrentReconciles: 4 }).complete(() => {
      if (++count === n) done();
    }),
  );
  const stop = new AbortController();
  const t1 = performance.now();
  const managed = mgr.start(stop.signal);
  await all;
  const reconcileMs = performance.now() - t1;
  reportOps("reconcile_ops", ops(n, reconcileMs), 50_000);

  // Watch-to-reconcile latency: create, then time until the reconciler sees it.
  const created = new Map<string, number>();
  const lat: number[] = [];
  const mgr2 = new Manager(rt, { name: "latency" });
  let next!: () => void;
  mgr2.add(
    controllerFor(ConfigMap).complete((req) => {
      const t = created.get(req.name);
      if (t !== undefined) {
        lat.push(performance.now() - t);
        created.delete(req.name);
        next?.();
      }
    }),
  );
  stop.abort();
  await managed;
  const stop2 = new AbortController();
  const managed2 = mgr2.start(stop2.signal);
  await mgr2.cache.list(ConfigMap, { namespace: NS, limit: 1 });
  for (let i = 0; i < scale(1000); i++) {
    const seen = new Promise<void>((r) => (next = r));
    const name = `lat-${i}`;
    created.set(name, performance.now());
    await rt.client.create(ConfigMap, cm(name), { namespace: NS });
    await seen;
  }
  reportMs("watch_to_reconcile_p50_ms", percentile(lat, 50), 2);
  stop2.abort();
  await managed2;
}

async function benchTriggered(): Promise<void> {
  const n = scale(100_000);
  const dir = await tempDir();
  const url = `sqlite:${dir}/triggered.db`;
  const controller = (seen: string[]) =>
    controllerFor(ConfigMap).complete((req) => void seen.push(req.name));
  {
    await using rt = await createRuntime({ store: url, compaction: false });
    await fill(rt, n);
    const mgr = new Manager(rt);
    mgr.add(controller([]));
    await mgr.runTriggered({ timeoutMs: 600_000 });
  }
  {
    await using rt = await createRuntime({ store: url, compaction: false });
    for (let i = 0; i < 10; i++) {
      await rt.client.patch(ConfigMap, `item-${String(i * 997).padStart(5, "0")}`, {
        data: { touched: "yes" },
      }, { namespace: NS });
    }
  }
  const seen: string[] = [];
  const t0 = performance.now();
  await using rt = await createRuntime({ store: url, compaction: false });
  const mgr = new Manager(rt);
  mgr.add(controller(seen));
  const t1 = performance.now();
  const report = await mgr.runTriggered();
  const runMs = performance.now() - t1;
  if (seen.length !== 10) throw new Error(`triggered run reconciled ${seen.length}, not 10`);
  reportMs(
    "triggered_10_of_100k_ms",
    runMs,
    100,
    `  (sqlite, ${fmtInt(n)} objects; ${report.reconciles} reconciles; with opening the store: ${
      (performance.now() - t0).toFixed(1)
    } ms)`,
  );
}

// ---------------------------------------------------------------- CLI start-up

async function timeProcess(args: string[], env: Record<string, string> = {}): Promise<number> {
  const t = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return performance.now() - t;
}

async function benchCliStartup(): Promise<void> {
  const dir = await tempDir();
  const url = `sqlite:${dir}/cli.db`;
  {
    await using rt = await createRuntime({ store: url, compaction: false });
    await fill(rt, 1_000);
  }
  const hello = `${dir}/hello.ts`;
  await Deno.writeTextFile(hello, "");
  const config = new URL("../deno.json", import.meta.url).pathname;
  const main = new URL("../cli/main.ts", import.meta.url).pathname;
  // As `deno task k1s` and `deno task compile` run it: a young generation large enough that
  // reading 1,000 objects does not stop for scavenges.
  const perms = [
    "--v8-flags=--min-semi-space-size=16",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-run",
  ];
  const cli = ["run", ...perms, "--config", config, main];
  // The single file `deno compile` would embed (deno bundle), run without the repository's config.
  const bundled = `${dir}/k1s.js`;
  const b = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform=deno", "-o", bundled, main],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (b.code !== 0) throw new Error(new TextDecoder().decode(b.stderr));
  const bundle = ["run", "--no-config", "--unstable-kv", ...perms, bundled];
  const floor = [
    "run",
    "--allow-read",
    "--allow-write",
    new URL("cli_floor.ts", import.meta.url).pathname,
    url.slice("sqlite:".length),
  ];
  const runs = QUICK ? 3 : 15;
  const helloMs: number[] = [];
  const getMs: number[] = [];
  const bundleMs: number[] = [];
  const floorMs: number[] = [];
  const env = { K1S_STORE: url };
  await timeProcess(["run", hello]);
  await timeProcess([...cli, "get", "configmaps"], env);
  await timeProcess([...bundle, "get", "configmaps"], env);
  await timeProcess(floor);
  for (let i = 0; i < runs; i++) {
    helloMs.push(await timeProcess(["run", hello]));
    getMs.push(await timeProcess([...cli, "get", "configmaps"], env));
    bundleMs.push(await timeProcess([...bundle, "get", "configmaps"], env));
    floorMs.push(await timeProcess(floor));
  }
  const h = median(helloMs);
  const g = median(getMs);
  const gb = median(bundleMs);
  const f = median(floorMs);
  results.deno_hello_ms = ms3(h);
  results.cli_get_ms = ms3(g);
  results.cli_get_bundle_ms = ms3(gb);
  results.cli_floor_ms = ms3(f);
  console.log(
    `${"cli_get_ms".padEnd(30)} ${g.toFixed(3).padStart(10)} ms  (deno_hello_ms ${h.toFixed(1)}; ` +
      `ratio ${(g / h).toFixed(2)}, target <= 2.5: ${verdict(g <= 2.5 * h)})  ` +
      `(get configmaps from source, 1,000 on sqlite, median of ${runs})`,
  );
  console.log(
    `${"cli_get_bundle_ms".padEnd(30)} ${gb.toFixed(3).padStart(10)} ms  (ratio ${
      (gb / h).toFixed(2)
    }; the same command from the deno bundle single file)`,
  );
  console.log(
    `${"cli_floor_ms".padEnd(30)} ${f.toFixed(3).padStart(10)} ms  (ratio ${
      (f / h).toFixed(2)
    }; the same reads and table with bare node:sqlite in one file: bench/cli_floor.ts)`,
  );
}

// ---------------------------------------------------------------- main

const started = performance.now();
console.log(
  `k1s bench: Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs, ` +
    `${Deno.build.os}/${Deno.build.arch}${QUICK ? " (--quick: 1/10 sizes)" : ""}`,
);
try {
  const sample = await sampleValue();
  console.log(`object size: ${sample.length} bytes of JSON per ConfigMap`);
  const reporters = {
    ops: reportOps,
    ratio: reportRatio,
    ms: reportMs,
    tempDir,
    scale,
    percentile,
  };
  // `--only=cli,list` runs just those sections (names as below).
  const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7).split(",");
  const sections: [string, () => Promise<void>][] = [
    ["memory", benchMemory],
    ["sqlite", () => benchSqlite(sample)],
    ["kv", () => benchKv(sample)],
    ["list", benchList],
    ["watch", benchWatchLocal],
    ["xproc", async () => {
      const dir = await tempDir();
      await benchWatchXproc("", `sqlite:${dir}/xproc.db`);
      await benchWatchXproc("_kv", `kv:${dir}/xproc.kv`);
    }],
    ["informer", benchInformerAndReconcile],
    ["triggered", benchTriggered],
    ["cli", benchCliStartup],
    ["serve", () => benchServe(reporters)],
    ["remote", () => benchRemote(reporters)],
    ["crd", () => benchCrd(reporters)],
    ["leader", () => benchLeader(reporters)],
    ["backlog", () => benchBacklog(reporters)],
    ["cache", async () => void await benchCache({ ...reporters, results })],
    ["etcd", () =>
      benchEtcd(
        reporters,
        sample,
        (url, key) => benchWatchXproc("_etcd", url, key),
      )],
    ["pg", () => benchPg(reporters, sample)],
    ["failover", () => benchFailover(reporters)],
  ];
  for (const [name, run] of sections) if (!only || only.includes(name)) await run();
} finally {
  for (const d of tmpDirs) await Deno.remove(d, { recursive: true }).catch(() => {});
}
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(JSON.stringify(results));
