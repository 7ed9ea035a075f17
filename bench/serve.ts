/**
 * The API server's figures for `deno task bench` (section `serve`):
 * start-up to ready, HTTP creates and gets from 8 keep-alive clients against
 * the in-process figures on the same kind of store (and against the ceiling
 * of a bare adapter and the floor of HTTP itself), and watch fan-out to
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
  /** The p-th percentile (0-100) of values. */
  percentile(values: number[], p: number): number;
}

const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;
const LOAD = new URL("./http_load.ts", import.meta.url).pathname;
const FANOUT = new URL("./watch_fanout_client.ts", import.meta.url).pathname;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

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
  r.ms(
    "serve_ready_ms",
    r.percentile(times, 50),
    200,
    "  (process start to /readyz ok, median of 5)",
  );
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
  const server = await serve(rt, { port: 0 });
  const url = `${server.url}/api/v1/namespaces/default/configmaps`;
  // The clients run in a process of their own, as they would against a real server.
  const load = async (verb: string, count: number, prefix: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", LOAD, url, verb, String(count), String(clients), prefix],
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`bench/http_load.ts ${verb} failed`);
    return Number(new TextDecoder().decode(out.stdout).trim());
  };
  await load("create", 200, "w");
  const create = await load("create", n, "c");
  const get = await load("get", n, "c");
  await server.shutdown();
  // The floor of HTTP itself here: a bare Deno.serve answering a fixed ConfigMap.
  const fixed = JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c0", namespace: "default", resourceVersion: "1" },
    data: { key1: "value-one", key2: "value-two" },
  });
  const bare = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (req.method === "POST") await req.arrayBuffer();
    return new Response(fixed, {
      status: req.method === "POST" ? 201 : 200,
      headers: { "content-type": "application/json" },
    });
  });
  const floorUrl = `http://127.0.0.1:${bare.addr.port}/api/v1/namespaces/default/configmaps`;
  const floor = async (verb: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", LOAD, floorUrl, verb, String(n), String(clients), "c"],
      stderr: "inherit",
    }).output();
    return Number(new TextDecoder().decode(out.stdout).trim());
  };
  const floorCreate = await floor("create");
  const floorGet = await floor("get");
  await bare.shutdown();
  // The ceiling of any adapter: Deno.serve calling the registry directly, with
  // no URL grammar, negotiation, options or errors (what k1s serve adds).
  await using rt2 = await createRuntime({ store: `sqlite:${dir}/ceiling.db`, compaction: false });
  const kind = rt2.scheme.forResource("", "configmaps")!;
  const json = (body: unknown, status: number) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", "cache-control": "no-cache, private" },
    });
  const direct = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (req.method === "POST") {
      return json(
        await rt2.registry.create(kind, await req.bytes(), { namespace: "default" }),
        201,
      );
    }
    const name = new URL(req.url).pathname.split("/")[6];
    return json(await rt2.registry.get(kind, name, { namespace: "default" }), 200);
  });
  const directUrl = `http://127.0.0.1:${direct.addr.port}/api/v1/namespaces/default/configmaps`;
  const ceiling = async (verb: string, count: number, prefix: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", LOAD, directUrl, verb, String(count), String(clients), prefix],
      stderr: "inherit",
    }).output();
    return Number(new TextDecoder().decode(out.stdout).trim());
  };
  await ceiling("create", 200, "w");
  const ceilingCreate = await ceiling("create", n, "c");
  const ceilingGet = await ceiling("get", n, "c");
  await direct.shutdown();
  r.ratio("http_create_ops", create, "http_local_create_ops", localCreate, 0.5);
  r.ratio("http_get_ops", get, "http_local_get_ops", localGet, 0.5);
  r.ratio("http_create_ops", create, "http_ceiling_create_ops", ceilingCreate);
  r.ratio("http_get_ops", get, "http_ceiling_get_ops", ceilingGet);
  r.ratio("http_create_ops", create, "http_floor_create_ops", floorCreate);
  r.ratio("http_get_ops", get, "http_floor_get_ops", floorGet);
}

/** 1,000 HTTP watchers in another process; per write, the time until the last has it (p99 of 20). */
async function watchFanout(r: Reporters): Promise<void> {
  const watchers = r.scale(1_000);
  const writes = 22;
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  await using server = await serve(rt, { port: 0 });
  const url = `${server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=` +
    (await rt.store.currentRevision());
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", FANOUT, url, String(watchers), String(writes)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error("bench/watch_fanout_client.ts ended early");
    out += value;
  }
  const sent: number[] = [];
  for (let i = 0; i < writes; i++) {
    sent.push(performance.timeOrigin + performance.now());
    await rt.client.create(ConfigMap, { metadata: { name: `fan-${i}` } }, { namespace: "default" });
    await new Promise((res) => setTimeout(res, 50));
  }
  for (;;) {
    const { value, done } = await lines.read();
    if (done) break;
    out += value;
  }
  await child.status;
  const last = JSON.parse(out.slice(out.indexOf("ready\n") + 6)) as Record<string, number>;
  // The first two writes warm up.
  const times = sent.slice(2).map((t, i) => last[`fan-${i + 2}`] - t);
  r.ms(
    "watch_fanout_p99_ms",
    r.percentile(times, 99),
    50,
    `  (${watchers} HTTP watchers in another process, p99 of ${times.length} writes 50 ms apart)`,
  );
}

/** Runs the serve section. */
export async function benchServe(r: Reporters): Promise<void> {
  await serveReady(r);
  await httpOps(r);
  await watchFanout(r);
}
