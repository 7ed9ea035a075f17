/**
 * The API server's figures for `deno task bench` (section `serve`):
 * start-up to ready, HTTP creates and gets from 8 keep-alive clients against
 * the in-process figures on the same kind of store, and watch fan-out to
 * 1,000 HTTP watchers.
 *
 * @module
 */
import { ConfigMap, createRuntime } from "@k1s/k1s";
import { serve } from "../src/server/server.ts";

/** How a figure is reported (bench/run.ts's reporters). */
export interface Reporters {
  ops(key: string, value: number, target?: number): void;
  ratio(key: string, value: number, rawKey: string, raw: number, target?: number): void;
  ms(key: string, value: number, target?: number, note?: string): void;
  tempDir(): Promise<string>;
  scale(n: number): number;
}

const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)];

/** `k1s serve` from process start until `/readyz` answers ok (median of 5, SQLite store). */
async function serveReady(r: Reporters): Promise<void> {
  const dir = await r.tempDir();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const port = freePort();
    const t0 = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        CONFIG,
        "--v8-flags=--min-semi-space-size=16",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-run",
        "--allow-net",
        MAIN,
        "serve",
        "--store",
        `sqlite:${dir}/ready.db`,
        "--listen",
        `127.0.0.1:${port}`,
        "--insecure-http",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          async (res) => (await res.text()) === "ok",
          () => false,
        );
        if (ok) break;
        if (performance.now() - t0 > 20_000) throw new Error("k1s serve did not become ready");
        await new Promise((res) => setTimeout(res, 2));
      }
      times.push(performance.now() - t0);
    } finally {
      child.kill("SIGTERM");
      await child.status;
    }
  }
  r.ms("serve_ready_ms", median(times), 200, "  (process start to /readyz ok, median of 5)");
}

/** 8 concurrent keep-alive clients against the in-process client on the same kind of store. */
async function httpOps(r: Reporters): Promise<void> {
  const dir = await r.tempDir();
  const n = r.scale(4_000);
  const clients = 8;
  const body = (name: string) =>
    JSON.stringify({ metadata: { name }, data: { key1: "value-one", key2: "value-two" } });
  // In-process, sequential awaits (as sqlite_create_ops measures).
  let localCreate: number;
  let localGet: number;
  {
    await using rt = await createRuntime({ store: `sqlite:${dir}/local.db`, compaction: false });
    for (let i = 0; i < 200; i++) {
      await rt.client.create(ConfigMap, JSON.parse(body(`w${i}`)), { namespace: "default" });
    }
    let t = performance.now();
    for (let i = 0; i < n; i++) {
      await rt.client.create(ConfigMap, JSON.parse(body(`c${i}`)), { namespace: "default" });
    }
    localCreate = Math.round(n / (performance.now() - t) * 1000);
    t = performance.now();
    for (let i = 0; i < n; i++) await rt.client.get(ConfigMap, `c${i}`, { namespace: "default" });
    localGet = Math.round(n / (performance.now() - t) * 1000);
  }
  await using rt = await createRuntime({ store: `sqlite:${dir}/http.db`, compaction: false });
  await using server = await serve(rt, { port: 0 });
  const url = `${server.url}/api/v1/namespaces/default/configmaps`;
  const headers = { "content-type": "application/json", accept: "application/json" };
  const lane = async (c: number, verb: "create" | "get", count: number, prefix: string) => {
    for (let i = c; i < count; i += clients) {
      const res = verb === "create"
        ? await fetch(url, { method: "POST", headers, body: body(`${prefix}${i}`) })
        : await fetch(`${url}/${prefix}${i}`, { headers });
      await res.arrayBuffer();
      if (res.status !== (verb === "create" ? 201 : 200)) {
        throw new Error(`${verb} ${prefix}${i}: HTTP ${res.status}`);
      }
    }
  };
  const all = (verb: "create" | "get", count: number, prefix: string) =>
    Promise.all([...Array(clients)].map((_, c) => lane(c, verb, count, prefix)));
  await all("create", 200, "w");
  let t = performance.now();
  await all("create", n, "c");
  const create = Math.round(n / (performance.now() - t) * 1000);
  t = performance.now();
  await all("get", n, "c");
  const get = Math.round(n / (performance.now() - t) * 1000);
  r.ratio("http_create_ops", create, "http_local_create_ops", localCreate, 0.5);
  r.ratio("http_get_ops", get, "http_local_get_ops", localGet, 0.5);
}

/** 1,000 HTTP watchers; per write, the time until the last of them has the event (p99 of 20). */
async function watchFanout(r: Reporters): Promise<void> {
  const watchers = r.scale(1_000);
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  await using server = await serve(rt, { port: 0 });
  const url = `${server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=` +
    (await rt.store.currentRevision());
  const arrived = new Map<string, { left: number; done: () => void }>();
  const readers = await Promise.all([...Array(watchers)].map(async () => {
    const res = await fetch(url);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    (async () => {
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const name = JSON.parse(buf.slice(0, nl)).object?.metadata?.name;
          buf = buf.slice(nl + 1);
          const a = arrived.get(name);
          if (a && --a.left === 0) a.done();
        }
      }
    })().catch(() => {});
    return reader;
  }));
  const times: number[] = [];
  for (let i = 0; i < 22; i++) {
    const name = `fan-${i}`;
    const { promise, resolve } = Promise.withResolvers<void>();
    arrived.set(name, { left: watchers, done: resolve });
    const t0 = performance.now();
    await rt.client.create(ConfigMap, { metadata: { name } }, { namespace: "default" });
    await promise;
    if (i >= 2) times.push(performance.now() - t0); // the first two warm up
  }
  for (const reader of readers) await reader.cancel().catch(() => {});
  r.ms(
    "watch_fanout_p99_ms",
    pct(times, 0.99),
    50,
    `  (${watchers} HTTP watchers in this process, p99 of 20 writes)`,
  );
}

/** Runs the serve section. */
export async function benchServe(r: Reporters): Promise<void> {
  await serveReady(r);
  await httpOps(r);
  await watchFanout(r);
}
