/**
 * The PostgreSQL store (PostgreSQL 13 or newer), safe for several processes
 * and several store objects on one database.
 *
 * Layout, the same as the SQLite store's (kine-style, with a current-state
 * table), in one schema (`public` unless the URL says `schema=NAME`):
 * - `k1s_log`: append-only change log; `id` is the global revision. Each row
 *   holds the key, created/deleted flags, the key's create revision, the
 *   revision of the key's previous row (`prev_rev`) and the new value (NULL
 *   for deletes). A value is written once.
 * - `k1s_current`: one row per live key pointing at the log row holding its
 *   value; gets and lists join it to `k1s_log`.
 * - `k1s_meta`: the compaction revision and the schema version.
 *
 * Writes are calls of the `k1s_write` PL/pgSQL function (created with the
 * tables), each in its own transaction: one round trip. Writes made while
 * another call of the same store object runs are queued and sent together in
 * the next call (group commit): one lock, one commit, one round trip for the
 * batch, each write with its own revision and its own outcome.
 *
 * Revision order. A `bigserial` id is taken when the insert runs but becomes
 * visible when its transaction commits, so with concurrent writers id 8 may be
 * visible before id 7, and a watcher that has read 8 would skip 7 forever.
 * Instead, `k1s_write` first takes a transaction-scoped advisory lock (one per
 * schema), then reads `max(id) + 1` and inserts that id. The lock is released
 * only after the commit is visible to new snapshots (PostgreSQL releases
 * locks after marking the transaction committed), and each statement after
 * the lock takes a fresh snapshot (READ COMMITTED), so the next writer sees
 * the previous one's row: revisions are consecutive (+1 per write) and become
 * visible strictly in order. Every snapshot thus sees exactly revisions
 * 1..head, and a watcher reading the log after its last revision can never
 * skip one. Compaction never deletes the newest log row, so `max(id)` never
 * goes back and no revision is reused.
 *
 * Reads are single statements (one snapshot each: the head, the compaction
 * point and the rows agree); a list at a past revision runs in a REPEATABLE
 * READ transaction and rebuilds the snapshot from the log, as the SQLite
 * store does.
 *
 * Watches: a {@linkcode LogHub} reads the log by revision. Every write call
 * does one `pg_notify` (delivered at commit) whose payload is its last
 * revision; one LISTEN connection per store object (opened with the first
 * watch) only wakes the hub, which reads the log after its last revision
 * (not when the hub has offered that revision already, as it has for the
 * store object's own writes). A lost LISTEN connection is reopened and the log
 * re-read; a poll every `pollIntervalMs` (default 1000) is a safety net.
 * Local writes wake local watchers at once.
 *
 * Limits: keys up to 2048 bytes and values up to 64 MiB of UTF-8; larger ones
 * fail with a `too-large` StoreError. PostgreSQL text cannot hold NUL
 * characters: keys or values containing U+0000 are a TypeError.
 *
 * Driver: `npm:pg`, chosen by measurement (Deno 2.9, PostgreSQL 15 on
 * loopback, 2 CPUs, fsync off, 3000 single-row INSERT transactions of 300
 * bytes, 16-connection pool, second run of each):
 * - explicit BEGIN/INSERT/COMMIT: pg 4632/s sequential, 3813/s with 16 in
 *   flight; postgres (porsager) 3934/s and 3352/s;
 * - autocommit INSERT: pg 9673/s and 6469/s; postgres 9681/s and 5523/s;
 * - one function call (advisory lock, max(id)+1, insert): pg 8809/s and
 *   4623/s; postgres 3281/s and 5625/s.
 * Both worked under Deno; pg was as fast or faster in most cases and its
 * LISTEN support (a plain client emitting `notification`) is simple.
 *
 * Cost (`bench/pg.ts`, same machine, 5000 creates of ~300-byte values, 16 in
 * flight): about 18,000 creates/s through the store against about 9,000/s for
 * plain autocommit `INSERT`s of the same rows with the same driver, thanks to
 * the group commit; one write at a time, about 3,000/s.
 *
 * @example
 * ```ts ignore
 * import { openPostgresStore } from "./postgres.ts";
 *
 * await using store = await openPostgresStore(
 *   "postgres://k1s:secret@localhost:5432/k1s?schema=team_a",
 * );
 * const rev = await store.create("/a", "1");
 * console.assert((await store.get("/a"))?.revision === rev);
 * ```
 *
 * @module
 */

import pg from "pg";
import {
  type KeyValue,
  type ListOptions,
  type ListResult,
  requirementError,
  type Store,
  type StoreCreateOptions,
  StoreError,
  type StoreEvent,
  type StoreWatch,
  type WatchOptions,
} from "./types.ts";
import {
  checkKey,
  checkValue,
  closedError,
  compactedError,
  futureError,
  LogHub,
  type LogPage,
  PollTimer,
  prefixEnd,
  revisionArg,
  rewind,
  rewoundLimit,
  rewoundPage,
  sleep,
} from "./_common.ts";

/** Options for {@linkcode openPostgresStore}; they override the URL's query parameters. */
export interface PostgresStoreOptions {
  /** The schema holding the tables (created if missing). Default `public`. */
  schema?: string;
  /**
   * Automatic compaction: once more than twice this many revisions are
   * retained, history is compacted down to the newest `compactKeep`
   * revisions. 0 disables automatic compaction. Default 10,000.
   */
  compactKeep?: number;
  /**
   * How often watchers read the log even without a notification (a safety
   * net: notifications wake them at once). Default 1000 ms.
   */
  pollIntervalMs?: number;
  /** Maximum number of pooled connections (the LISTEN connection aside). Default 10. */
  maxConnections?: number;
}

/** The largest value accepted, in bytes of UTF-8. */
const MAX_VALUE_BYTES = 64 * 1024 * 1024;
/** The largest key accepted, in bytes of UTF-8 (btree index entries are limited to ~2.7 KB). */
const MAX_KEY_BYTES = 2048;
/** The schema version recorded in `k1s_meta`. */
const SCHEMA_VERSION = 2;
/** Advisory lock class of the DDL run on open (one per database). */
const DDL_LOCK = 0x6b3173;
/** Advisory lock class of writes (with the schema's hash as the second key). */
const WRITE_LOCK = 0x6b3174;
const URL_PARAMS = ["schema", "compactKeep", "pollIntervalMs", "tenant"];

const encoder = new TextEncoder();

/** FNV-1a of a string, as a signed 32-bit integer. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Where the store connects, for messages (never with the password). */
interface Target {
  config: pg.PoolConfig;
  where: string;
  schema: string;
  compactKeep?: number;
  pollIntervalMs?: number;
}

function parseUrl(url: string): Target {
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

function checkSchemaName(schema: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(
      `invalid PostgreSQL schema name ${JSON.stringify(schema)}: use letters, digits and _ ` +
        `(at most 63, not starting with a digit)`,
    );
  }
}

function pgCode(e: unknown): string {
  const c = (e as { code?: unknown })?.code;
  return typeof c === "string" ? c : "";
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A connection-level failure (as opposed to an SQL error): server gone, refused, reset. */
function isConnectionError(e: unknown): boolean {
  const code = pgCode(e);
  return /^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)/.test(code) ||
    code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" ||
    /Connection terminated|connection timeout|timeout expired|ECONNRESET|ECONNREFUSED|not queryable/i
      .test(message(e));
}

/** Why the server cannot be used, in words a user can act on (never the password). */
function unavailable(where: string, e: unknown): StoreError {
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
function schemaSql(s: string, schemaHash: number, channel: string): string {
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

/** A row of the list columns: key, rev, create_rev, value. */
type KvRow = [string, number, number, string];
/** Log columns: id, key, created, deleted, create_rev, prev_rev, value, previous value. */
type LogRow = [number, string, boolean, boolean, number, number, string | null, string | null];

function rowToKeyValue(r: KvRow): KeyValue {
  return { key: r[0], value: r[3], revision: r[1], createRevision: r[2] };
}

function rowToEvent(r: LogRow): StoreEvent {
  const [id, key, created, deleted, createRev, prevRevision, value, pv] = r;
  const createRevision = created ? id : createRev;
  if (deleted) {
    const ev: StoreEvent = { type: "delete", key, revision: id, createRevision, prevRevision };
    if (pv !== null) ev.prevValue = pv;
    return ev;
  }
  const ev: StoreEvent = {
    type: "put",
    key,
    revision: id,
    value: value as string,
    createRevision,
    prevRevision,
  };
  if (prevRevision > 0 && pv !== null) ev.prevValue = pv;
  return ev;
}

function checkSizes(key: string, value?: string): void {
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
const types = {
  getTypeParser(oid: number, format?: string): (v: string) => unknown {
    if (oid === 20) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => (v: string) => unknown)(
      oid,
      format,
    );
  },
};

/** The key-range condition on `col` for `prefix` (and `after`), with its parameters from `$n`. */
function range(
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
type WriteRow = [number | null, string | null, number | null, number | null, string | null];

/** The result of a successful write. */
interface WriteResult {
  rev: number;
  curRev: number;
  curCreate: number;
  curValue: string | null;
}

/** A write waiting for its batch. */
interface QueuedWrite {
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
const MAX_BATCH = 256;
/** Most value characters in one `k1s_write` call (a single larger value goes alone). */
const MAX_BATCH_CHARS = 8 * 1024 * 1024;

/** Resolves or rejects a queued write with its row of `k1s_write`. */
function settle(w: QueuedWrite, row: WriteRow | undefined): void {
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

/** Something queries can run on: the pool or a client in a transaction. */
type Queryable = pg.Pool | pg.PoolClient;

/**
 * A store in a PostgreSQL schema, usable from several processes at once. See
 * the module documentation for the layout; open with {@linkcode openPostgresStore}.
 */
export class PostgresStore implements Store {
  #pool: pg.Pool;
  #where: string;
  #s: string;
  #channel: string;
  #closed = false;
  #keep: number;
  #writes = 0;
  #compacting = false;
  #hub: LogHub;
  #timer: PollTimer;
  #listener: pg.Client | undefined;
  #listening = false;
  #reconnectDelay = 50;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #config: pg.PoolConfig;
  #queue: QueuedWrite[] = [];
  /** The highest revision named by a notification. */
  #notified = 0;
  #writing = false;

  /** Use {@linkcode openPostgresStore}: the pool must be connected and the schema in place. */
  private constructor(
    pool: pg.Pool,
    config: pg.PoolConfig,
    where: string,
    schema: string,
    keep: number,
    pollMs: number,
  ) {
    this.#pool = pool;
    this.#config = config;
    this.#where = where;
    this.#s = pg.escapeIdentifier(schema);
    this.#channel = `k1s_${(hash32(schema) >>> 0).toString(16)}`;
    this.#keep = keep;
    this.#hub = new LogHub(
      { read: (after, limit, prefix) => this.#readLog(after, limit, prefix) },
      () => this.#hubChanged(),
    );
    this.#timer = new PollTimer(Math.max(1, pollMs), () => {
      if (!this.#closed && this.#hub.live.size > 0) this.#hub.wake();
    });
  }

  /** Opens a store: connects, creates the schema if needed. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const t = parseUrl(url);
    const schema = options.schema ?? t.schema;
    checkSchemaName(schema);
    const keepOpt = options.compactKeep ?? t.compactKeep ?? 10_000;
    const keep = keepOpt > 0 ? Math.floor(keepOpt) : 0;
    const pollMs = options.pollIntervalMs ?? t.pollIntervalMs ?? 1000;
    const config: pg.PoolConfig = {
      ...t.config,
      max: options.maxConnections ?? 10,
      allowExitOnIdle: true,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      types,
    };
    const pool = new pg.Pool(config);
    pool.on("error", () => {
      // an idle connection died; the pool drops it and opens another when needed
    });
    try {
      await ensureSchema(pool, schema);
    } catch (e) {
      await pool.end().catch(() => {});
      if (e instanceof StoreError || e instanceof TypeError) throw e;
      throw unavailable(t.where, e);
    }
    return new PostgresStore(pool, config, t.where, schema, keep, pollMs);
  }

  #hubChanged(): void {
    const active = !this.#closed && this.#hub.size > 0;
    this.#timer.update(active, this.#hub.waiting > 0);
    if (active && this.#listener === undefined && this.#reconnectTimer === undefined) {
      this.#listen();
    }
    this.#refListener(this.#hub.waiting > 0);
  }

  /** The LISTEN connection keeps the process alive only while a consumer awaits a watch. */
  #refListener(ref: boolean): void {
    const stream = (this.#listener as unknown as {
      connection?: { stream?: { ref?(): void; unref?(): void } };
    })?.connection?.stream;
    if (ref) stream?.ref?.();
    else stream?.unref?.();
  }

  /** Opens the LISTEN connection; on loss, reopens it and re-reads the log. */
  #listen(): void {
    if (this.#closed) return;
    const client = new pg.Client({ ...this.#config, types });
    this.#listener = client;
    this.#listening = false;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.#listener === client) this.#listener = undefined;
      this.#listening = false;
      client.end().catch(() => {});
      if (this.#closed) return;
      const delay = this.#reconnectDelay;
      this.#reconnectDelay = Math.min(2000, delay * 2);
      this.#reconnectTimer = setTimeout(() => {
        this.#reconnectTimer = undefined;
        if (!this.#closed && this.#hub.size > 0) this.#listen();
      }, delay);
      Deno.unrefTimer(this.#reconnectTimer as unknown as number);
    };
    client.on("error", onLost);
    client.on("end", onLost);
    // The payload is the last revision written: nothing to read when the hub
    // is there already (e.g. this store object's own writes, offered directly).
    // While this store object writes, the check waits for its writes to be
    // offered (the notification often overtakes the write's own reply).
    client.on("notification", (n: { payload?: string }) => {
      const rev = Number(n.payload);
      if (!(rev > 0)) {
        this.#hub.wake();
        return;
      }
      if (rev > this.#notified) this.#notified = rev;
      if (!this.#writing) this.#checkNotified();
    });
    client.connect().then(() => client.query(`LISTEN ${pg.escapeIdentifier(this.#channel)}`))
      .then(() => {
        if (lost || this.#closed) return;
        this.#listening = true;
        this.#reconnectDelay = 50;
        this.#refListener(this.#hub.waiting > 0);
        // Anything written while not listening is read now.
        this.#hub.wake();
      }, onLost);
  }

  #check(): void {
    if (this.#closed) throw closedError();
  }

  /** `#checkNotified` once the writers' continuations have offered their events. */
  #notifiedLater(): void {
    if (this.#notified > this.#hub.head) setTimeout(() => this.#checkNotified(), 0);
  }

  /** Wakes the hub if a notification named a revision it has not offered yet. */
  #checkNotified(): void {
    if (this.#notified > this.#hub.head && !this.#closed) this.#hub.wake();
  }

  /** A failure of the database as seen by callers. */
  #failure(e: unknown): unknown {
    if (this.#closed) return closedError();
    if (e instanceof StoreError || e instanceof TypeError) return e;
    if (isConnectionError(e) || /pool after calling end/i.test(message(e))) {
      return unavailable(this.#where, e);
    }
    return e;
  }

  async #q<R extends unknown[]>(
    sql: string,
    values: unknown[],
    on: Queryable = this.#pool,
  ): Promise<R[]> {
    this.#check();
    try {
      const res = await on.query({ text: sql, values, rowMode: "array" });
      return res.rows as R[];
    } catch (e) {
      throw this.#failure(e);
    }
  }

  /** Runs `fn` in a REPEATABLE READ, read-only transaction (one snapshot). */
  async #snapshot<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#check();
    let c: pg.PoolClient;
    try {
      c = await this.#pool.connect();
    } catch (e) {
      throw this.#failure(e);
    }
    let ok = false;
    try {
      await this.#q("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [], c);
      const result = await fn(c);
      await this.#q("COMMIT", [], c);
      ok = true;
      return result;
    } finally {
      if (!ok) await c.query("ROLLBACK").catch(() => {});
      c.release(!ok);
    }
  }

  #head(): string {
    return `(SELECT coalesce(max(id), 0) FROM ${this.#s}.k1s_log)`;
  }

  #compactedSql(): string {
    return `coalesce((SELECT value FROM ${this.#s}.k1s_meta WHERE name = 'compact'), 0)`;
  }

  /**
   * One statement: the head, the compaction point and the log rows with
   * `after < id <= min(to, head)` under `prefix` (none when `after` is below
   * the compaction point), at most `limit`.
   */
  async #logQuery(
    after: number,
    to: number | null,
    limit: number | null,
    prefix: string,
    on?: Queryable,
  ): Promise<{ head: number; compacted: number; events: StoreEvent[] }> {
    const r = range("l.key", prefix, undefined, 3);
    const s = this.#s;
    const rows = await this.#q<[number, number, ...LogRow]>(
      `WITH h AS (SELECT ${this.#head()} AS head, ${this.#compactedSql()} AS compacted)
       SELECT h.head, h.compacted, e.* FROM h LEFT JOIN LATERAL (
         SELECT l.id, l.key, l.created, l.deleted, l.create_rev, l.prev_rev, l.value, p.value AS pv
         FROM ${s}.k1s_log l LEFT JOIN ${s}.k1s_log p ON p.id = l.prev_rev
         WHERE l.id > $1 AND l.id <= least($2::bigint, h.head) AND $1 >= h.compacted AND ${r.sql}
         ORDER BY l.id LIMIT $3::bigint) e ON true ORDER BY e.id`,
      [after, to, limit, ...r.args],
      on,
    );
    const head = rows[0][0];
    const compacted = rows[0][1];
    const events: StoreEvent[] = [];
    for (const row of rows) {
      if (row[2] === null) continue;
      events.push(rowToEvent(row.slice(2) as unknown as LogRow));
    }
    return { head, compacted, events };
  }

  async #readLog(after: number, limit: number, prefix: string): Promise<LogPage> {
    // A watch outlives a lost connection or a server restart: retry for a while.
    let read: { head: number; compacted: number; events: StoreEvent[] };
    for (let attempt = 1;; attempt++) {
      try {
        read = await this.#logQuery(after, null, limit, prefix);
        break;
      } catch (e) {
        if (
          this.#closed || !(e instanceof StoreError && e.code === "unavailable") || attempt >= 30
        ) {
          throw e;
        }
        await sleep(Math.min(1000, 20 * attempt));
      }
    }
    const { head, compacted, events } = read;
    const complete = events.length < limit;
    const end = complete ? head : events[events.length - 1].revision;
    return { events, end, complete, compacted };
  }

  /** {@inheritDoc Store.currentRevision} */
  async currentRevision(): Promise<number> {
    return (await this.#q<[number]>(`SELECT ${this.#head()}`, []))[0][0];
  }

  /** {@inheritDoc Store.compactedRevision} */
  async compactedRevision(): Promise<number> {
    return (await this.#q<[number]>(`SELECT ${this.#compactedSql()}`, []))[0][0];
  }

  /** {@inheritDoc Store.get} */
  async get(key: string): Promise<KeyValue | undefined> {
    const rows = await this.#q<KvRow>(
      `SELECT c.key, c.rev, c.create_rev, l.value FROM ${this.#s}.k1s_current c
       JOIN ${this.#s}.k1s_log l ON l.id = c.rev WHERE c.key = $1`,
      [key],
    );
    return rows.length ? rowToKeyValue(rows[0]) : undefined;
  }

  /**
   * One statement: the head, the count (if asked) and the current entries
   * under `prefix` after `after`, at most `limit` + 1 (0: all).
   */
  async #scan(
    prefix: string,
    after: string | undefined,
    limit: number,
    count: boolean,
    on?: Queryable,
  ): Promise<{ head: number; items: KeyValue[]; more: boolean; count?: number }> {
    const s = this.#s;
    const r = range("c.key", prefix, after, 0);
    const lim = `$${r.args.length + 1}::bigint`;
    const rows = await this.#q<[number, number | null, ...KvRow]>(
      `WITH h AS (SELECT ${this.#head()} AS head, ${
        count ? `(SELECT count(*) FROM ${s}.k1s_current c WHERE ${r.sql})` : "NULL::bigint"
      } AS n)
       SELECT h.head, h.n, e.* FROM h LEFT JOIN LATERAL (
         SELECT c.key, c.rev, c.create_rev, l.value FROM ${s}.k1s_current c
         JOIN ${s}.k1s_log l ON l.id = c.rev WHERE ${r.sql}
         ORDER BY c.key LIMIT ${lim}) e ON true ORDER BY e.key`,
      [...r.args, limit > 0 ? limit + 1 : null],
      on,
    );
    const items: KeyValue[] = [];
    let more = false;
    for (const row of rows) {
      if (row[2] === null) continue;
      if (limit > 0 && items.length >= limit) {
        more = true;
        break;
      }
      items.push(rowToKeyValue(row.slice(2) as unknown as KvRow));
    }
    const res: { head: number; items: KeyValue[]; more: boolean; count?: number } = {
      head: rows[0][0],
      items,
      more,
    };
    if (count) res.count = rows[0][1] ?? 0;
    return res;
  }

  /** {@inheritDoc Store.list} */
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const limit = options.limit && options.limit > 0 ? Math.floor(options.limit) : 0;
    const after = options.after !== undefined && options.after >= prefix
      ? options.after
      : undefined;
    const want = options.count === true;
    if (options.revision === undefined) {
      const cur = await this.#scan(prefix, after, limit, want);
      const res: ListResult = { items: cur.items, revision: cur.head, more: cur.more };
      if (want) res.count = cur.count;
      return res;
    }
    const at = revisionArg(options.revision);
    return await this.#snapshot(async (c) => {
      // The log read fixes the head and compaction point of this snapshot.
      const log = await this.#logQuery(at, null, null, prefix, c);
      if (at > log.head) throw futureError(at, log.head);
      if (at < log.head && at < log.compacted) throw compactedError(at, log.compacted);
      if (at === log.head) {
        const cur = await this.#scan(prefix, after, limit, want, c);
        const res: ListResult = { items: cur.items, revision: at, more: cur.more };
        if (want) res.count = cur.count;
        return res;
      }
      const changed = rewind(log.events, prefix, after);
      const cur = await this.#scan(prefix, after, rewoundLimit(limit, changed), want, c);
      return rewoundPage(cur.items, changed, limit, at, cur.count);
    });
  }

  /** {@inheritDoc Store.count} */
  async count(prefix: string): Promise<number> {
    const r = range("key", prefix, undefined, 0);
    const rows = await this.#q<[number]>(
      `SELECT count(*) FROM ${this.#s}.k1s_current WHERE ${r.sql}`,
      r.args,
    );
    return rows[0][0];
  }

  /**
   * Queues a write for `k1s_write`; resolves with its result or rejects with
   * the StoreError it reports. Writes queued while a batch runs (e.g. 16
   * concurrent creates) go together in the next call: one lock, one commit,
   * one round trip, consecutive revisions in queue order.
   */
  #write(
    op: 0 | 1 | 2,
    key: string,
    value: string | null,
    expected: number | null,
    req: { key: string; revision: number } | undefined,
    wantPrev: boolean,
  ): Promise<WriteResult> {
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, key, value, expected, req, wantPrev, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        this.#notifiedLater();
        let n = 0;
        let bytes = 0;
        while (n < this.#queue.length && n < MAX_BATCH && bytes < MAX_BATCH_CHARS) {
          bytes += this.#queue[n].value?.length ?? 0;
          n++;
        }
        const batch = this.#queue.splice(0, n);
        try {
          const rows = await this.#runBatch(batch);
          for (let i = 0; i < batch.length; i++) settle(batch[i], rows[i]);
        } catch (e) {
          // An SQL error aborted the whole batch, so nothing of it was written:
          // run the writes one by one, so that only the bad one fails.
          if (batch.length === 1 || this.#closed || isConnectionError(e) || pgCode(e) === "") {
            for (const w of batch) w.reject(e);
            continue;
          }
          for (const w of batch) {
            try {
              settle(w, (await this.#runBatch([w]))[0]);
            } catch (e) {
              w.reject(e);
            }
          }
        }
      }
    } finally {
      this.#writing = false;
      this.#notifiedLater();
    }
  }

  #runBatch(batch: QueuedWrite[]): Promise<WriteRow[]> {
    return this.#q<WriteRow>(
      `SELECT * FROM ${this.#s}.k1s_write($1::int[], $2::text[], $3::text[], $4::bigint[], ` +
        `$5::text[], $6::bigint[], $7::boolean[])`,
      [
        batch.map((w) => w.op),
        batch.map((w) => w.key),
        batch.map((w) => w.value),
        batch.map((w) => w.expected),
        batch.map((w) => w.req?.key ?? null),
        batch.map((w) => w.req?.revision ?? null),
        batch.map((w) => w.wantPrev),
      ],
    );
  }

  /** {@inheritDoc Store.create} */
  async create(key: string, value: string, options?: StoreCreateOptions): Promise<number> {
    checkKey(key);
    checkValue(value);
    checkSizes(key, value);
    const req = options?.requires;
    const { rev } = await this.#write(0, key, value, null, req, false);
    this.#afterWrite(
      this.#hub.wantsLocal
        ? { type: "put", key, revision: rev, value, createRevision: rev, prevRevision: 0 }
        : undefined,
    );
    return rev;
  }

  /** {@inheritDoc Store.update} */
  async update(key: string, value: string, expectedRevision: number): Promise<number> {
    checkValue(value);
    checkSizes(key, value);
    const want = this.#hub.wantsLocal;
    const w = await this.#write(1, key, value, expectedRevision, undefined, want);
    // A watch started during the write: the log supplies the event.
    if (!want && this.#hub.wantsLocal) this.#hub.wake();
    this.#afterWrite(
      want && this.#hub.wantsLocal
        ? {
          type: "put",
          key,
          revision: w.rev,
          value,
          createRevision: w.curCreate,
          prevValue: w.curValue ?? undefined,
          prevRevision: w.curRev,
        }
        : undefined,
    );
    return w.rev;
  }

  /** {@inheritDoc Store.delete} */
  async delete(
    key: string,
    expectedRevision?: number,
  ): Promise<{ revision: number; prev: KeyValue }> {
    checkSizes(key);
    const w = await this.#write(2, key, null, expectedRevision ?? null, undefined, true);
    const prev: KeyValue = {
      key,
      value: w.curValue ?? "",
      revision: w.curRev,
      createRevision: w.curCreate,
    };
    this.#afterWrite(
      this.#hub.wantsLocal
        ? {
          type: "delete",
          key,
          revision: w.rev,
          createRevision: w.curCreate,
          prevValue: prev.value,
          prevRevision: w.curRev,
        }
        : undefined,
    );
    return { revision: w.rev, prev };
  }

  #afterWrite(ev: StoreEvent | undefined): void {
    if (ev !== undefined) {
      if (ev.prevValue === undefined) delete ev.prevValue;
      this.#hub.local(ev);
    }
    if (this.#keep > 0 && ++this.#writes >= Math.min(this.#keep, 1000)) {
      this.#writes = 0;
      if (!this.#compacting) {
        this.#compacting = true;
        this.#q(`SELECT ${this.#s}.k1s_compact(0, $1)`, [this.#keep])
          .catch(() => {
            // best effort: retried after more writes
          })
          .finally(() => this.#compacting = false);
      }
    }
  }

  /** {@inheritDoc Store.watch} */
  watch(prefix: string, fromRevision: number, options: WatchOptions = {}): StoreWatch {
    // The catch-up read checks the compaction point.
    return this.#hub.watch(prefix, revisionArg(fromRevision), 0, options.signal);
  }

  /** {@inheritDoc Store.changes} */
  async changes(prefix: string, fromRevision: number, toRevision?: number): Promise<StoreEvent[]> {
    const from = revisionArg(fromRevision);
    const to = toRevision === undefined ? null : revisionArg(toRevision);
    const { compacted, events } = await this.#logQuery(from, to, null, prefix);
    if (from < compacted) throw compactedError(from, compacted);
    return events;
  }

  /** {@inheritDoc Store.compact} */
  async compact(revision: number): Promise<void> {
    await this.#q(`SELECT ${this.#s}.k1s_compact($1, 0)`, [Math.floor(revisionArg(revision))]);
  }

  /** {@inheritDoc Store.close} */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer.stop();
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#hub.close();
    const listener = this.#listener;
    // Unref'd sockets would let the process exit before they finish closing.
    this.#refListener(true);
    this.#listener = undefined;
    await Promise.all([
      listener?.end().catch(() => {}),
      this.#pool.end().catch(() => {}),
    ]);
  }

  /** Closes the store. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Creates the schema, tables and functions unless this version is in place. */
async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  const s = pg.escapeIdentifier(schema);
  const c = await pool.connect();
  let ok = false;
  try {
    try {
      const r = await c.query(`SELECT value FROM ${s}.k1s_meta WHERE name = 'version'`);
      if (Number(r.rows[0]?.value) === SCHEMA_VERSION) {
        ok = true;
        return;
      }
    } catch (e) {
      // 42P01 undefined table, 3F000 undefined schema: create them below.
      if (pgCode(e) !== "42P01" && pgCode(e) !== "3F000") throw e;
    }
    const channel = `k1s_${(hash32(schema) >>> 0).toString(16)}`;
    await c.query("BEGIN");
    try {
      // Two processes opening a fresh database at once: one runs the DDL.
      await c.query(`SELECT pg_advisory_xact_lock(${DDL_LOCK}, 0)`);
      await c.query(schemaSql(s, hash32(schema), channel));
      await c.query("COMMIT");
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw e;
    }
    ok = true;
  } finally {
    c.release(!ok);
  }
}

/**
 * Opens a store in a PostgreSQL database, creating its schema and tables if
 * needed. `url` is `postgres://user:password@host:port/dbname` (or
 * `postgresql://`) with optional query parameters `schema=NAME` (default
 * `public`), `compactKeep=N` and `pollIntervalMs=N` (`tenant` is accepted and
 * ignored: `openStore` handles it); `options` override them.
 * Unknown parameters are a TypeError; an unreachable server or a refused
 * login is an `unavailable` StoreError naming host, port and database.
 *
 * @example
 * ```ts ignore
 * import { openPostgresStore } from "./postgres.ts";
 *
 * const store = await openPostgresStore("postgres://k1s@localhost/k1s", { compactKeep: 1000 });
 * await store.create("/a", "1");
 * console.assert((await store.list("/")).items.length === 1);
 * await store.close();
 * ```
 */
export function openPostgresStore(
  url: string,
  options?: PostgresStoreOptions,
): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
