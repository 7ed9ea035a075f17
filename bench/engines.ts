/**
 * The etcd and PostgreSQL figures for `deno task bench` (sections `etcd`,
 * `pg` and `failover`). Each engine is started here on loopback ports (as
 * the tests start it) and stopped afterwards; a section whose engine is not
 * installed prints one line and reports nothing.
 *
 * - `etcd_create_ops` / `etcd_raw_create_ops`: ConfigMap creates through the
 *   k1s client on an etcd store, 16 in flight, against etcd's own client
 *   (`npm:etcd3`) doing the same creates (a transaction comparing the key's
 *   create revision with 0, then a put of a value of the same size), 16 in
 *   flight, in the same run; rounds alternate, the best round of each
 *   counts. Target ratio >= 0.7.
 * - `pg_create_ops` / `pg_raw_create_ops`: the same on PostgreSQL, against
 *   `npm:pg` inserting the same rows into a plain table (text primary key),
 *   one autocommit `INSERT` each, 16 in flight. Target ratio >= 0.7.
 *   One at a time (`*_seq_*` keys) the ratio is lower: see bench/README.md.
 * - `etcd_watch_xproc_p99_ms`: a writer process creates ConfigMaps on the
 *   etcd store, one every 5 ms, each carrying its send time; a watch in this
 *   process reports when each arrives. Target <= 25 ms.
 * - `failover_leader_ms`: three etcd members, two `k1s serve` processes with
 *   a 3 s lease (renew deadline 2 s, retry 500 ms); a namespace holding a
 *   ConfigMap is deleted through the standby, then the etcd leader and the
 *   leading server are killed with SIGKILL at once; the time from the kill
 *   until the namespace is gone (the new leader's namespace controller has
 *   reconciled it) is measured. Median of 3. Target <= lease + 2 s.
 *
 * @module
 */
import { ConfigMap, createRuntime } from "@k1s/k1s";
import { Etcd3 } from "etcd3";
import pg from "pg";
import { Buffer } from "node:buffer";
import type { Reporters } from "./serve.ts";
import { etcdMissing, startEtcd } from "../tests/_etcd.ts";
import { freshSchema, postgresMissing, startPostgres } from "../tests/_postgres.ts";
import { client, type ServeProcess, startServe } from "../tests/_servers.ts";

const IN_FLIGHT = 16;
const NS = "default";

/** Runs `op(i)` for i in [from, from + n) with `width` in flight; returns ops per second. */
async function rate(
  from: number,
  n: number,
  width: number,
  op: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = from;
  const end = from + n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < end) await op(next++);
    }),
  );
  return Math.round(n / ((performance.now() - t0) / 1000));
}

const cm = (name: string) => ({
  metadata: { name },
  data: { key1: "value-one", key2: "value-two" },
});

/** The stored JSON of a bench ConfigMap with this name, to size raw values alike. */
function rawValue(sample: string, name: string): string {
  return sample.replace("bench-000000", name.padEnd(12, "x").slice(0, 12));
}

interface Raw {
  create(i: number): Promise<unknown>;
  close(): Promise<void>;
}

/** Client creates against `raw` creates, alternating rounds at two widths; reports the best. */
async function versus(
  r: Reporters,
  engine: string,
  url: string,
  raw: Raw,
  perRound: number,
): Promise<void> {
  await using rt = await createRuntime({ store: url, compaction: false });
  const c = rt.client;
  let next = 0;
  let rawNext = 0;
  const clientOp = () =>
    c.create(ConfigMap, cm(`c${String(next++).padStart(6, "0")}`), {
      namespace: NS,
    });
  await rate(0, 100, IN_FLIGHT, clientOp); // warm
  await rate(0, 100, IN_FLIGHT, () => raw.create(rawNext++));
  for (
    const [width, suffix, n] of [[IN_FLIGHT, "", perRound], [1, "_seq", perRound / 4]] as const
  ) {
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < 3; round++) {
      mine.push(await rate(0, n, width, clientOp));
      theirs.push(await rate(0, n, width, () => raw.create(rawNext++)));
    }
    r.ratio(
      `${engine}${suffix}_create_ops`,
      Math.max(...mine),
      `${engine}${suffix}_raw_create_ops`,
      Math.max(...theirs),
      suffix === "" ? 0.7 : undefined,
    );
    console.log(
      `${"".padEnd(30)} ${width} in flight, rounds of ${n}: client ${mine.join(" ")}; ` +
        `raw ${theirs.join(" ")}`,
    );
  }
  await raw.close();
}

/** Section `etcd`: creates against etcd's client, and cross-process watch latency. */
export async function benchEtcd(
  r: Reporters,
  sample: string,
  watchXproc: (url: string, p99Key: string) => Promise<void>,
): Promise<void> {
  if (etcdMissing) return;
  await using etcd = await startEtcd(1);
  const url = etcd.url(`/bench-${Date.now()}`);
  const e = new Etcd3({ hosts: etcd.members.map((m) => `http://${m.endpoint}`) });
  const rawPrefix = `/raw-${Date.now()}/registry/configmaps/${NS}/`;
  await versus(r, "etcd", url, {
    create: async (i) => {
      const name = `r${String(i).padStart(6, "0")}`;
      const key = Buffer.from(rawPrefix + name);
      const res = await e.kv.txn({
        compare: [{ key, target: "Create", result: "Equal", create_revision: 0 }],
        success: [{ request_put: { key, value: Buffer.from(rawValue(sample, name)) } }],
        failure: [],
      });
      if (!res.succeeded) throw new Error(`raw etcd create of ${name} failed`);
    },
    close: () => Promise.resolve(e.close()),
  }, r.scale(3000));
  await watchXproc(etcd.url(`/xproc-${Date.now()}`), "etcd_watch_xproc_p99_ms");
}

/** Section `pg`: creates against the pg driver's plain inserts. */
export async function benchPg(r: Reporters, sample: string): Promise<void> {
  if (postgresMissing) return;
  const server = await startPostgres();
  try {
    const url = server.url({ schema: freshSchema() });
    const rawSchema = freshSchema();
    const pool = new pg.Pool({ connectionString: server.url(), max: IN_FLIGHT });
    pool.on("error", () => {});
    await pool.query(
      `CREATE SCHEMA ${rawSchema}; ` +
        `CREATE TABLE ${rawSchema}.t (key text PRIMARY KEY, value text NOT NULL)`,
    );
    const sql = `INSERT INTO ${rawSchema}.t(key, value) VALUES ($1, $2)`;
    await versus(r, "pg", url, {
      create: (i) => {
        const name = `r${String(i).padStart(6, "0")}`;
        return pool.query(sql, [`/registry/configmaps/${NS}/${name}`, rawValue(sample, name)]);
      },
      close: () => pool.end(),
    }, r.scale(3000));
  } finally {
    await server.stop();
  }
}

const LEASE = ["--leader-elect-lease-duration=3s", "--leader-elect-renew-deadline=2s"];
const LEASE_MS = 3000;

/** Section `failover`: see the module documentation. */
export async function benchFailover(r: Reporters): Promise<void> {
  if (etcdMissing) return;
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    await using etcd = await startEtcd(3);
    const url = etcd.url(`/failover-${round}`);
    const args = [...LEASE, "--leader-elect-retry-period=500ms"];
    const a = await startServe(url, args);
    const b = await startServe(url, args, a);
    try {
      const lead = /leading: the controllers run/;
      const leader = await Promise.race(
        [a, b].map((s) => s.waitFor(lead, 20_000).then(() => s)),
      );
      const standby = leader === a ? b : a;
      const http = client(standby);
      try {
        const ns = `gone-${round}`;
        await must(() =>
          http.fetch("/api/v1/namespaces", {
            method: "POST",
            body: JSON.stringify({ metadata: { name: ns } }),
          })
        );
        await must(() =>
          http.fetch(`/api/v1/namespaces/${ns}/configmaps`, {
            method: "POST",
            body: JSON.stringify(cm("inside")),
          })
        );
        // Let the standby see a few renewals, as a standby in steady state has.
        await new Promise((res) => setTimeout(res, 1000));
        const etcdLeader = await etcd.leader();
        const t0 = performance.now();
        await Promise.all([leader.kill(), etcd.kill(etcdLeader)]);
        await must(() => http.fetch(`/api/v1/namespaces/${ns}`, { method: "DELETE" }), true);
        for (;;) {
          const res = await http.fetch(`/api/v1/namespaces/${ns}`).catch(() => undefined);
          await res?.body?.cancel();
          if (res?.status === 404) break;
          if (performance.now() - t0 > 30_000) throw new Error("failover: namespace not deleted");
          await new Promise((res) => setTimeout(res, 20));
        }
        times.push(performance.now() - t0);
      } finally {
        http.close();
      }
    } finally {
      await stopAll([a, b]);
    }
  }
  times.sort((x, y) => x - y);
  r.ms(
    "failover_leader_ms",
    times[1],
    LEASE_MS + 2000,
    `  (lease ${LEASE_MS} ms; kills: ${times.map((t) => t.toFixed(0)).join(", ")} ms)`,
  );
}

/** Sends a request until it succeeds: retried (up to 10 s) while the server answers 5xx or not at all. */
async function must(send: () => Promise<Response>, retry = false): Promise<void> {
  const until = performance.now() + 10_000;
  for (;;) {
    let status = 0;
    let text = "";
    try {
      const res = await send();
      text = await res.text();
      if (res.ok) return;
      status = res.status;
    } catch (err) {
      text = String(err);
    }
    if (!retry || (status > 0 && status < 500) || performance.now() > until) {
      throw new Error(`request failed: ${status} ${text}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopAll(servers: ServeProcess[]): Promise<void> {
  for (const s of servers) await s.kill();
  for (const s of servers) await Deno.remove(s.dir, { recursive: true }).catch(() => {});
}
