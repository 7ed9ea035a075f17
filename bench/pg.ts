/**
 * What a create costs on the PostgreSQL store next to a plain client doing
 * the same work with the same driver: `pg_create_ops` is `store.create` of
 * `n` distinct keys with ~300-byte JSON values, 16 in flight;
 * `pg_raw_create_ops` is an `INSERT INTO t(key, value)` of the same rows into
 * a plain table (text primary key), one autocommit transaction per row, 16 in
 * flight, through `npm:pg` with a pool of 16. Each runs in a fresh schema that
 * is dropped afterwards; each is measured twice, alternating, and the better
 * run counts.
 *
 * `deno run -A bench/pg.ts postgres://user@host:port/db [n]`
 *
 * @module
 */

import pg from "pg";
import { openPostgresStore } from "../src/storage/postgres.ts";

const IN_FLIGHT = 16;

function valueFor(i: number): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `cm-${i}`,
      namespace: "default",
      uid: crypto.randomUUID(),
      creationTimestamp: "2026-01-01T00:00:00Z",
      labels: { app: "bench", tier: "x".repeat(20) },
    },
    data: { a: "x".repeat(60), b: "y".repeat(60) },
  });
}

/** Runs `op(i)` for i in [0, n) with `IN_FLIGHT` in flight; returns ops per second. */
async function rate(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("schema", schema);
  return u.toString();
}

/**
 * Measures creates through the PostgreSQL store and the equivalent raw
 * inserts, on the server at `url` (a `postgres://` URL; a `schema` parameter
 * is replaced by throwaway schemas).
 */
export async function benchPostgres(
  url: string,
  n: number,
): Promise<{ pg_create_ops: number; pg_raw_create_ops: number }> {
  const base = new URL(url);
  base.searchParams.delete("schema");
  const tag = `${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Pool({
    connectionString: base.toString().replace(/\?$/, ""),
    max: IN_FLIGHT,
  });
  admin.on("error", () => {});
  const values = Array.from({ length: n }, (_, i) => valueFor(i));
  const schemas: string[] = [];
  let best = { store: 0, raw: 0 };
  try {
    for (let round = 0; round < 2; round++) {
      const storeSchema = `k1s_bench_s${round}_${tag}`;
      const rawSchema = `k1s_bench_r${round}_${tag}`;
      schemas.push(storeSchema, rawSchema);
      const store = await openPostgresStore(withSchema(base.toString(), storeSchema), {
        maxConnections: IN_FLIGHT,
        compactKeep: 0,
      });
      let storeOps: number;
      try {
        await store.create("/warmup", "{}");
        storeOps = await rate(
          n,
          (i) => store.create(`/registry/configmaps/default/cm-${i}`, values[i]),
        );
      } finally {
        await store.close();
      }
      await admin.query(
        `CREATE SCHEMA ${rawSchema}; CREATE TABLE ${rawSchema}.t (key text PRIMARY KEY, value text NOT NULL)`,
      );
      await admin.query(`INSERT INTO ${rawSchema}.t VALUES ('/warmup', '{}')`);
      const sql = `INSERT INTO ${rawSchema}.t(key, value) VALUES ($1, $2)`;
      const rawOps = await rate(
        n,
        (i) => admin.query(sql, [`/registry/configmaps/default/cm-${i}`, values[i]]),
      );
      best = { store: Math.max(best.store, storeOps), raw: Math.max(best.raw, rawOps) };
    }
  } finally {
    for (const s of schemas) {
      await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => {});
    }
    await admin.end();
  }
  return { pg_create_ops: Math.round(best.store), pg_raw_create_ops: Math.round(best.raw) };
}

if (import.meta.main) {
  const [url, n] = Deno.args;
  if (!url) {
    console.error("usage: deno run -A bench/pg.ts postgres://user@host:port/db [n]");
    Deno.exit(2);
  }
  const r = await benchPostgres(url, Number(n ?? 5000));
  console.log(JSON.stringify({ ...r, ratio: +(r.pg_create_ops / r.pg_raw_create_ops).toFixed(2) }));
}
