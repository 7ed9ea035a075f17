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
 * import {
  openPostgresStore,
} from "./postgres.ts";
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
  revisionArg,
  rewind,
  rewoundLimit,
  rewoundPage,
  sleep,
} from "./_common.ts";
import {
  checkSchemaName,
  checkSizes,
  DDL_LOCK,
  hash32,
  isConnectionError,
  type KvRow,
  type LogRow,
  MAX_BATCH,
  MAX_BATCH_CHARS,
  message,
  parseUrl,
  pgCode,
  type QueuedWrite,
  range,
  rowToEvent,
  rowToKeyValue,
  SCHEMA_VERSION,
  schemaSql,
  settle,
  types,
  unavailable,
  type WriteResult,
  type WriteRow,
} from "./_postgres_sql.ts";

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
 * import {
  openPostgresStore,
} from "./postgres.ts";
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
