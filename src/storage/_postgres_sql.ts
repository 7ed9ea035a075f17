/**
 * The PostgreSQL store's SQL and plumbing: limits, the URL, error reading,
 * the schema (tables and the PL/pgSQL functions), key ranges and the rows of
 * a write batch. Internal to `./postgres.ts`.
 *
 * @module
 */

import pg from "pg";
import { requirementError, StoreError } from "./types.ts";
import { prefixEnd } from "./_common.ts";
export { type KvRow, type LogRow, rowToEvent, rowToKeyValue } from "./_common.ts";

/** The largest value accepted, in bytes of UTF-8. */
export const MAX_VALUE_BYTES = 64 * 1024 * 1024;
/** The largest key accepted, in bytes of UTF-8 (btree index entries are limited to ~2.7 KB). */
export const MAX_KEY_BYTES = 2048;
/** The schema version recorded in `k1s_meta`. */
export const SCHEMA_VERSION = 2;
/** Advisory lock class of the DDL run on open (one per database). */
export const DDL_LOCK = 0x6b3173;
/** Advisory lock class of writes (with the schema's hash as the second key). */
export const WRITE_LOCK = 0x6b3174;
export const URL_PARAMS = ["schema", "compactKeep", "pollIntervalMs", "tenant"];

export const encoder = new TextEncoder();

/** FNV-1a of a string, as a signed 32-bit integer. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Where the store connects, for messages (never with the password). */
export interface Target {
  config: pg.PoolConfig;
  where: string;
  schema: string;
  compactKeep?: number;
  pollIntervalMs?: number;
}

export function parseUrl(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(
      `invalid PostgreSQL store URL: use postgres://user:password@host:port/dbname`,
    );
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new TypeError(
      `not a PostgreSQL store URL (${u.protocol}): use postgres://user:password@host:port/dbname`,
    );
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new TypeError(
      `invalid PostgreSQL store URL ${u.protocol}${u.pathname}: ` +
        `use postgres://user:password@host:port/dbname`,
    );
  }
  const shown = `${u.protocol}//${u.host}${u.pathname}`;
  for (const name of u.searchParams.keys()) {
    if (!URL_PARAMS.includes(name)) {
      throw new TypeError(
        `unknown parameter ${name} in PostgreSQL store URL ${shown}: ` +
          `supported are schema, compactKeep, pollIntervalMs (and tenant)`,
      );
    }
  }
  const int = (name: string): number | undefined => {
    const v = u.searchParams.get(name);
    if (v === null) return undefined;
    const n = Number(v);
    if (v === "" || !Number.isInteger(n) || n < 0) {
      throw new TypeError(
        `invalid ${name}=${v} in PostgreSQL store URL ${shown}: use a non-negative integer`,
      );
    }
    return n;
  };
  const host = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, "")) || "localhost";
  const port = u.port ? Number(u.port) : 5432;
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined;
  const config: pg.PoolConfig = {
    host,
    port,
    database,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
  return {
    config,
    where: `${host}:${port}/${database ?? config.user ?? ""}`,
    schema: u.searchParams.get("schema") ?? "public",
    compactKeep: int("compactKeep"),
    pollIntervalMs: int("pollIntervalMs"),
  };
}

export function checkSchemaName(schema: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(
      `invalid PostgreSQL schema name ${JSON.stringify(schema)}: use letters, digits and _ ` +
        `(at most 63, not starting with a digit)`,
    );
  }
}

export function pgCode(e: unknown): string {
  const c = (e as { code?: unknown })?.code;
  return typeof c === "string" ? c : "";
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A connection-level failure (as opposed to an SQL error): server gone, refused, reset. */
export function isConnectionError(e: unknown): boolean {
  const code = pgCode(e);
  return /^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)/.test(code) ||
    code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" ||
    /Connection terminated|connection timeout|timeout expired|ECONNRESET|ECONNREFUSED|not queryable/i
      .test(message(e));
}

/** Why the server cannot be used, in words a user can act on (never the password). */
export function unavailable(where: string, e: unknown): StoreError {
  const code = pgCode(e);
  const said = message(e);
  let text: string;
  if (code === "28P01" || code === "28000") {
    text = `cannot use the PostgreSQL store at ${where}: the server refused the login ` +
      `(${said}); check the user and password in the store URL and pg_hba.conf`;
  } else if (code === "3D000") {
    text = `cannot use the PostgreSQL store at ${where}: ${said}; create it (createdb) ` +
      `or name an existing database in the store URL`;
  } else if (code === "42501") {
    text = `cannot use the PostgreSQL store at ${where}: ${said}; grant the user the ` +
      `privileges to create the schema and tables, or use another schema`;
  } else if (isConnectionError(e)) {
    text = `cannot reach the PostgreSQL server at ${where} (${said || code}); ` +
      `check that it is running and that host and port in the store URL are right`;
  } else {
    text = `cannot use the PostgreSQL store at ${where}: ${said}`;
  }
  const err = new StoreError("unavailable", text);
  err.cause = e;
  return err;
}

/** The DDL, idempotent; `s` is the quoted schema name. */
export function schemaSql(s: string, schemaHash: number, channel: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.k1s_log (
  id bigint PRIMARY KEY,
  key text COLLATE "C" NOT NULL,
  created boolean NOT NULL,
  deleted boolean NOT NULL,
  create_rev bigint NOT NULL,
  prev_rev bigint NOT NULL,
  value text
);
CREATE TABLE IF NOT EXISTS ${s}.k1s_current (
  key text COLLATE "C" PRIMARY KEY,
  rev bigint NOT NULL,
  create_rev bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.k1s_meta (
  name text PRIMARY KEY,
  value bigint NOT NULL
);
CREATE OR REPLACE FUNCTION ${s}.k1s_write(
  p_op int[], p_key text[], p_value text[], p_expected bigint[], p_req_key text[],
  p_req_rev bigint[], p_want_prev boolean[])
  RETURNS TABLE (o_rev bigint, o_err text, o_cur_rev bigint, o_cur_create bigint,
    o_cur_value text)
LANGUAGE plpgsql AS $fn$
DECLARE
  i int;
  v_head bigint;
  v_wrote boolean := false;
BEGIN
  -- One writer at a time per schema: revisions are max(id) + 1 and commit in order.
  PERFORM pg_advisory_xact_lock(${WRITE_LOCK}, ${schemaHash});
  SELECT coalesce(max(l.id), 0) INTO v_head FROM ${s}.k1s_log l;
  FOR i IN 1 .. coalesce(array_length(p_op, 1), 0) LOOP
    o_rev := NULL;
    o_err := NULL;
    o_cur_rev := NULL;
    o_cur_create := NULL;
    o_cur_value := NULL;
    SELECT c.rev, c.create_rev INTO o_cur_rev, o_cur_create
      FROM ${s}.k1s_current c WHERE c.key = p_key[i];
    IF p_op[i] = 0 THEN
      IF FOUND THEN
        o_err := 'exists';
        SELECT l.value INTO o_cur_value FROM ${s}.k1s_log l WHERE l.id = o_cur_rev;
      ELSIF p_req_key[i] IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM ${s}.k1s_current c WHERE c.key = p_req_key[i] AND c.rev = p_req_rev[i]
      ) THEN
        o_err := 'requirement';
      ELSE
        v_head := v_head + 1;
        o_rev := v_head;
        INSERT INTO ${s}.k1s_log(id, key, created, deleted, create_rev, prev_rev, value)
          VALUES (o_rev, p_key[i], true, false, o_rev, 0, p_value[i]);
        INSERT INTO ${s}.k1s_current(key, rev, create_rev) VALUES (p_key[i], o_rev, o_rev);
      END IF;
    ELSIF NOT FOUND THEN
      o_err := 'not-found';
    ELSIF p_expected[i] IS NOT NULL AND o_cur_rev <> p_expected[i] THEN
      o_err := 'conflict';
      SELECT l.value INTO o_cur_value FROM ${s}.k1s_log l WHERE l.id = o_cur_rev;
    ELSE
      IF p_want_prev[i] THEN
        SELECT l.value INTO o_cur_value FROM ${s}.k1s_log l WHERE l.id = o_cur_rev;
      END IF;
      v_head := v_head + 1;
      o_rev := v_head;
      IF p_op[i] = 1 THEN
        INSERT INTO ${s}.k1s_log(id, key, created, deleted, create_rev, prev_rev, value)
          VALUES (o_rev, p_key[i], false, false, o_cur_create, o_cur_rev, p_value[i]);
        UPDATE ${s}.k1s_current SET rev = o_rev WHERE key = p_key[i];
      ELSE
        INSERT INTO ${s}.k1s_log(id, key, created, deleted, create_rev, prev_rev, value)
          VALUES (o_rev, p_key[i], false, true, o_cur_create, o_cur_rev, NULL);
        DELETE FROM ${s}.k1s_current WHERE key = p_key[i];
      END IF;
    END IF;
    v_wrote := v_wrote OR o_rev IS NOT NULL;
    RETURN NEXT;
  END LOOP;
  IF v_wrote THEN
    PERFORM pg_notify('${channel}', v_head::text);
  END IF;
END
$fn$;
CREATE OR REPLACE FUNCTION ${s}.k1s_compact(p_target bigint, p_keep bigint)
  RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  v_head bigint;
  v_prev bigint;
  v_target bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(${WRITE_LOCK}, ${schemaHash});
  SELECT coalesce(max(id), 0) INTO v_head FROM ${s}.k1s_log;
  SELECT coalesce((SELECT value FROM ${s}.k1s_meta WHERE name = 'compact'), 0) INTO v_prev;
  IF p_keep > 0 THEN
    IF v_head - v_prev < 2 * p_keep THEN
      RETURN v_prev;
    END IF;
    v_target := v_head - p_keep;
  ELSE
    v_target := least(p_target, v_head);
  END IF;
  IF v_target <= v_prev THEN
    RETURN v_prev;
  END IF;
  -- Rows superseded by a change in the range, then tombstones in it (never the
  -- newest row: new ids are max(id) + 1, deleting it would reuse its revision).
  DELETE FROM ${s}.k1s_log WHERE id IN (
    SELECT l.prev_rev FROM ${s}.k1s_log l
    WHERE l.id > v_prev AND l.id <= v_target AND l.prev_rev > 0);
  DELETE FROM ${s}.k1s_log
    WHERE id > v_prev AND id <= least(v_target, v_head - 1) AND deleted;
  INSERT INTO ${s}.k1s_meta(name, value) VALUES ('compact', v_target)
    ON CONFLICT (name) DO UPDATE SET value = excluded.value;
  RETURN v_target;
END
$fn$;
INSERT INTO ${s}.k1s_meta(name, value) VALUES ('version', ${SCHEMA_VERSION})
  ON CONFLICT (name) DO UPDATE SET value = excluded.value;
`;
}

export function checkSizes(key: string, value?: string): void {
  if (key.length * 3 > MAX_KEY_BYTES && encoder.encode(key).length > MAX_KEY_BYTES) {
    throw new StoreError("too-large", `key is longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (key.includes("\0")) {
    throw new TypeError("storage key must not contain NUL characters (PostgreSQL text)");
  }
  if (value === undefined) return;
  if (value.length * 3 > MAX_VALUE_BYTES) {
    const n = encoder.encode(value).length;
    if (n > MAX_VALUE_BYTES) {
      throw new StoreError(
        "too-large",
        `value of ${key} is ${n} bytes; the PostgreSQL store holds at most ${MAX_VALUE_BYTES} bytes per value`,
      );
    }
  }
  if (value.includes("\0")) {
    throw new TypeError("storage value must not contain NUL characters (PostgreSQL text)");
  }
}

/** Parses int8 (bigint, counts) as numbers: revisions stay far below 2^53. */
export const types = {
  getTypeParser(oid: number, format?: string): (v: string) => unknown {
    if (oid === 20) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => (v: string) => unknown)(
      oid,
      format,
    );
  },
};

/** The key-range condition on `col` for `prefix` (and `after`), with its parameters from `$n`. */
export function range(
  col: string,
  prefix: string,
  after: string | undefined,
  n: number,
): { sql: string; args: string[] } {
  const end = prefix === "" ? undefined : prefixEnd(prefix);
  const args: string[] = [];
  const parts: string[] = [];
  if (after !== undefined) {
    args.push(after);
    parts.push(`${col} > $${n + args.length}::text`);
  } else if (prefix !== "") {
    args.push(prefix);
    parts.push(`${col} >= $${n + args.length}::text`);
  }
  if (end !== undefined) {
    args.push(end);
    parts.push(`${col} < $${n + args.length}::text`);
  }
  return { sql: parts.length ? parts.join(" AND ") : "true", args };
}

/** What `k1s_write` reports for one write: revision, error, current revision, create revision, value. */
export type WriteRow = [number | null, string | null, number | null, number | null, string | null];

/** The result of a successful write. */
export interface WriteResult {
  rev: number;
  curRev: number;
  curCreate: number;
  curValue: string | null;
}

/** A write waiting for its batch. */
export interface QueuedWrite {
  op: 0 | 1 | 2;
  key: string;
  value: string | null;
  expected: number | null;
  req: { key: string; revision: number } | undefined;
  wantPrev: boolean;
  resolve(r: WriteResult): void;
  reject(e: unknown): void;
}

/** Most writes in one `k1s_write` call. */
export const MAX_BATCH = 256;
/** Most value characters in one `k1s_write` call (a single larger value goes alone). */
export const MAX_BATCH_CHARS = 8 * 1024 * 1024;

/** Resolves or rejects a queued write with its row of `k1s_write`. */
export function settle(w: QueuedWrite, row: WriteRow | undefined): void {
  if (row === undefined) {
    w.reject(new Error(`k1s_write returned no row for ${w.key}`));
    return;
  }
  const [rev, err, curRev, curCreate, curValue] = row;
  const key = w.key;
  if (err === null && rev !== null) {
    w.resolve({ rev, curRev: curRev ?? 0, curCreate: curCreate ?? 0, curValue });
    return;
  }
  const current = curRev !== null && curValue !== null
    ? { key, value: curValue, revision: curRev, createRevision: curCreate ?? curRev }
    : undefined;
  if (err === "exists") {
    w.reject(new StoreError("exists", `key ${key} already exists`, curRev ?? 0, current));
  } else if (err === "requirement") {
    w.reject(requirementError(w.req!.key, w.req!.revision));
  } else if (err === "not-found") {
    w.reject(new StoreError("not-found", `key ${key} not found`));
  } else {
    w.reject(
      new StoreError(
        "conflict",
        `key ${key} is at revision ${curRev}, not ${w.expected}`,
        curRev ?? 0,
        current,
      ),
    );
  }
}
