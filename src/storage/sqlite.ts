/**
 * The SQLite store (`node:sqlite`), safe for several processes on one file.
 *
 * Layout, modelled on kine but with a current-state table:
 * - `log`: append-only change log; the rowid `id` is the global revision.
 *   New ids are `max(id) + 1` and compaction never deletes the newest row, so
 *   revisions are never reused (files created before this layout keep their
 *   `AUTOINCREMENT` table and use `sqlite_sequence` as the head). Each row holds the key, created/deleted flags, the key's create
 *   revision, the revision of the key's previous row (`prev_rev`) and the new
 *   value (NULL for deletes). A value is written once.
 * - `current`: one row per live key pointing at the log row holding its
 *   value; gets and lists join `current` to `log`.
 * - `meta`: the compaction revision.
 *
 * Updates and deletes are `BEGIN IMMEDIATE` transactions (check, insert into
 * `log`, update `current`). A create is one autocommit `INSERT INTO log`
 * whose trigger (`log_create`) inserts the `current` row; if the key exists
 * the trigger's insert fails and the whole statement is undone, and only then
 * is the existing row read. Either way revisions are totally ordered across
 * processes. Watches are
 * served by one poller per store object that checks `PRAGMA data_version`
 * every `pollIntervalMs` and is woken at once by local writes.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "./sqlite.ts";
 *
 * await using store = openSqliteStore(":memory:");
 * const rev = await store.create("/a", "1");
 * console.assert((await store.get("/a"))?.revision === rev);
 * ```
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
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
  fileStoreError,
  futureError,
  type KvRow,
  LogHub,
  type LogPage,
  type LogRow,
  PollTimer,
  prefixEnd,
  revisionArg,
  rewind,
  rewoundLimit,
  rewoundPage,
  rowToEvent,
  rowToKeyValue,
  sleep,
} from "./_common.ts";

/** Options for {@linkcode openSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * `synchronous=FULL` (every commit is fsynced) instead of the default
   * `synchronous=NORMAL` (WAL mode: a commit survives a process crash but may
   * be lost on power failure or OS crash).
   */
  durable?: boolean;
  /** How often watchers poll for other processes' writes. Default 5 ms. */
  pollIntervalMs?: number;
  /**
   * Automatic compaction: once more than twice this many revisions are
   * retained, history is compacted down to the newest `compactKeep`
   * revisions. 0 disables automatic compaction. Default 10,000.
   */
  compactKeep?: number;
  /**
   * Open the file for reading only: nothing is created or written (a missing
   * file is an error), and a file in a read-only directory can still be read.
   * Writes fail with an `unavailable` StoreError.
   */
  readOnly?: boolean;
}

type Row = Record<string, number | string | null>;
const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_rev INTEGER NOT NULL,
  prev_rev INTEGER NOT NULL,
  value TEXT
);
CREATE TABLE IF NOT EXISTS current (
  key TEXT PRIMARY KEY,
  rev INTEGER NOT NULL,
  create_rev INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS log_create AFTER INSERT ON log WHEN NEW.created = 1 BEGIN
  INSERT INTO current(key, rev, create_rev) VALUES (NEW.key, NEW.id, NEW.id);
END;
`;

/** `PRAGMA user_version` of a file whose tables, indexes and triggers are those of SCHEMA. */
const SCHEMA_VERSION = 1;

/** Tables of a k1s store, current and legacy. */
const OWN_TABLES = new Set(["log", "current", "meta"]);

/**
 * Opens the database file and brings its schema up to date (read-only: checks
 * it is there). Failures are `unavailable` StoreErrors naming the path.
 */
function openDatabase(path: string, options: SqliteStoreOptions): DatabaseSync {
  const file = path !== ":memory:" && path !== "";
  let db: DatabaseSync | undefined;
  try {
    if (options.readOnly && file) db = openReadOnly(path);
    else {
      const opened = db = new DatabaseSync(path);
      opened.exec("PRAGMA busy_timeout = 30000");
      retryBusySync(() => opened.exec("PRAGMA journal_mode = WAL"));
    }
    db.exec(`PRAGMA synchronous = ${options.durable ? "FULL" : "NORMAL"}`);
    // Lists join current -> log rows spread over the file: a larger page cache
    // (allocated lazily) and memory-mapped reads make them 2-3x faster.
    db.exec("PRAGMA cache_size = -32768");
    db.exec("PRAGMA mmap_size = 268435456");
    // A file whose schema is in place needs no write lock to open: read-only
    // commands on a busy store then never wait for writers.
    if (userVersion(db) !== SCHEMA_VERSION) {
      checkOwnTables(db, path);
      if (options.readOnly) {
        throw new StoreError("unavailable", `there is no store at ${path}: the file is empty`);
      }
      const rw = db;
      retryBusySync(() => {
        rw.exec("BEGIN IMMEDIATE");
        try {
          rw.exec(SCHEMA);
          rw.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
          rw.exec("COMMIT");
        } catch (e) {
          if (rw.isTransaction) rw.exec("ROLLBACK");
          throw e;
        }
      });
    }
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof StoreError || !file) throw e;
    throw fileStoreError(path, e);
  }
}

/**
 * Opens an existing file read-only. A WAL database needs its `-shm` file; in a
 * read-only directory where it is missing and cannot be created, the store is
 * read from a private copy taken now (nobody can write it there either).
 */
function openReadOnly(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec("PRAGMA busy_timeout = 30000");
    userVersion(db);
    return db;
  } catch (e) {
    db.close();
    if (!/unable to open/.test(e instanceof Error ? e.message : "")) throw e;
    if (!Deno.statSync(path).isFile) throw e;
  }
  const dir = Deno.makeTempDirSync({ prefix: "k1s-readonly-" });
  try {
    const copy = `${dir}/store.db`;
    Deno.copyFileSync(path, copy);
    try {
      Deno.copyFileSync(`${path}-wal`, `${copy}-wal`);
    } catch {
      // no write-ahead log: the file holds everything
    }
    const rw = new DatabaseSync(copy);
    rw.exec("PRAGMA journal_mode = DELETE"); // folds the log in; reads then need no -shm
    rw.close();
    const snapshot = new DatabaseSync(copy, { readOnly: true });
    userVersion(snapshot);
    return snapshot; // the open file outlives its directory entry
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Refuses a database holding another program's tables. */
function checkOwnTables(db: DatabaseSync, path: string): void {
  const tables = (db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all() as Row[]).map((r) => String(r.name));
  const foreign = tables.filter((t) => !OWN_TABLES.has(t));
  if (foreign.length > 0) {
    throw new StoreError(
      "unavailable",
      `cannot use the store at ${path}: it is a SQLite database of another program ` +
        `(tables: ${foreign.slice(0, 5).join(", ")}${foreign.length > 5 ? ", ..." : ""}), ` +
        `not a k1s store; choose another store path`,
    );
  }
}

function userVersion(db: DatabaseSync): number {
  return retryBusySync(() =>
    (db.prepare("PRAGMA user_version").get() as Row).user_version as number
  );
}

const LOG_COLS = "SELECT l.id AS id, l.key AS key, l.created AS created, l.deleted AS deleted, " +
  "l.create_rev AS create_rev, l.prev_rev AS prev_rev, l.value AS value, p.value AS pv " +
  "FROM log l LEFT JOIN log p ON p.id = l.prev_rev WHERE l.id > ? AND l.id <= ?";

const LIST_COLS = "SELECT c.key AS key, c.rev AS rev, c.create_rev AS cr, l.value AS value " +
  "FROM current c JOIN log l ON l.id = c.rev WHERE ";

function isBusy(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : "";
  return msg.includes("database is locked") || msg.includes("database is busy") ||
    msg.includes("SQLITE_BUSY");
}

/** The `log_create` trigger's insert failed: the key is already live. */
function isCurrentKeyConflict(e: unknown): boolean {
  return e instanceof Error && e.message.includes("UNIQUE constraint failed: current.key");
}

/**
 * A store in a SQLite database file (or `:memory:`), usable from several
 * processes at once. See the module documentation for the layout.
 */
export class SqliteStore implements Store {
  #db: DatabaseSync;
  #path: string;
  #closed = false;
  #keep: number;
  #writes = 0;
  #compacting = false;
  #hub: LogHub;
  #timer: PollTimer;
  #dataVersion = 0;

  #begin: StatementSync;
  #beginRead: StatementSync;
  #commit: StatementSync;
  #rollback: StatementSync;
  #curRev: StatementSync;
  #curFull: StatementSync;
  #logValue: StatementSync;
  #insLog: StatementSync;
  #insCreate: StatementSync;
  #insCreateIf: StatementSync;
  #updCur: StatementSync;
  #delCur: StatementSync;
  #head: StatementSync;
  #compactedStmt: StatementSync;
  #setCompacted: StatementSync;
  #compactPrev: StatementSync;
  #compactTomb: StatementSync;
  #dataVersionStmt: StatementSync;
  #logAll: StatementSync;
  #logRange: StatementSync;
  #logFrom: StatementSync;
  /** list statements by [exclusive start][has end] */
  #list: StatementSync[][];
  /** count statements by [exclusive start][has end] */
  #countStmts: StatementSync[][];
  #countAll: StatementSync;

  /** Opens (creating if needed) the database at `path`; prefer {@linkcode openSqliteStore}. */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    const db = openDatabase(path, options);
    this.#db = db;
    this.#path = path;
    const keep = options.compactKeep ?? 10_000;
    this.#keep = keep > 0 && !options.readOnly ? Math.floor(keep) : 0;
    const p = (sql: string) => db.prepare(sql);
    const arrays = (sql: string) => {
      const st = db.prepare(sql) as StatementSync & { setReturnArrays?(on: boolean): void };
      if (typeof st.setReturnArrays !== "function") {
        throw new Error(
          "this Deno version's node:sqlite lacks StatementSync.setReturnArrays (k1s needs it)",
        );
      }
      st.setReturnArrays(true);
      return st;
    };
    // Files created before the log lost AUTOINCREMENT keep their table; their
    // head is sqlite_sequence (which may exceed max(id) after compaction).
    const logSql =
      (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'log'")
        .get() as Row | undefined)?.sql;
    const legacy = typeof logSql === "string" && /AUTOINCREMENT/i.test(logSql);
    this.#begin = p("BEGIN IMMEDIATE");
    this.#beginRead = p("BEGIN");
    this.#commit = p("COMMIT");
    this.#rollback = p("ROLLBACK");
    this.#curRev = p("SELECT rev, create_rev FROM current WHERE key = ?");
    this.#curFull = arrays(LIST_COLS + "c.key = ?");
    this.#logValue = p("SELECT value FROM log WHERE id = ?");
    this.#insLog = p(
      "INSERT INTO log(key, created, deleted, create_rev, prev_rev, value) VALUES (?, ?, ?, ?, ?, ?)",
    );
    // The same insert, only while another key (the `requires` of a create) is at a revision.
    this.#insCreateIf = p(
      "INSERT INTO log(key, created, deleted, create_rev, prev_rev, value) " +
        "SELECT ?, 1, 0, 0, 0, ? WHERE EXISTS (SELECT 1 FROM current WHERE key = ? AND rev = ?)",
    );
    this.#insCreate = p(
      "INSERT INTO log(key, created, deleted, create_rev, prev_rev, value) VALUES (?, 1, 0, 0, 0, ?)",
    );
    this.#updCur = p("UPDATE current SET rev = ? WHERE key = ?");
    this.#delCur = p("DELETE FROM current WHERE key = ?");
    this.#head = p(
      legacy
        ? "SELECT seq FROM sqlite_sequence WHERE name = 'log'"
        : "SELECT max(id) AS seq FROM log",
    );
    this.#compactedStmt = p("SELECT value FROM meta WHERE name = 'compact'");
    this.#setCompacted = p(
      "INSERT INTO meta(name, value) VALUES ('compact', ?) " +
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
    );
    this.#compactPrev = p(
      "DELETE FROM log WHERE id IN " +
        "(SELECT prev_rev FROM log WHERE id > ? AND id <= ? AND prev_rev > 0)",
    );
    this.#compactTomb = p("DELETE FROM log WHERE id > ? AND id <= ? AND deleted = 1");
    this.#dataVersionStmt = p("PRAGMA data_version");
    // Log reads are rowid ranges (id in (after, to]), filtered by key range.
    this.#logAll = arrays(LOG_COLS + " ORDER BY l.id LIMIT ?");
    this.#logRange = arrays(LOG_COLS + " AND l.key >= ? AND l.key < ? ORDER BY l.id LIMIT ?");
    this.#logFrom = arrays(LOG_COLS + " AND l.key >= ? ORDER BY l.id LIMIT ?");
    this.#list = [
      [
        arrays(LIST_COLS + "c.key >= ? ORDER BY c.key LIMIT ?"),
        arrays(LIST_COLS + "c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?"),
      ],
      [
        arrays(LIST_COLS + "c.key > ? ORDER BY c.key LIMIT ?"),
        arrays(LIST_COLS + "c.key > ? AND c.key < ? ORDER BY c.key LIMIT ?"),
      ],
    ];
    this.#countStmts = [
      [
        p("SELECT count(*) AS n FROM current WHERE key >= ?"),
        p("SELECT count(*) AS n FROM current WHERE key >= ? AND key < ?"),
      ],
      [
        p("SELECT count(*) AS n FROM current WHERE key > ?"),
        p("SELECT count(*) AS n FROM current WHERE key > ? AND key < ?"),
      ],
    ];
    this.#countAll = p("SELECT count(*) AS n FROM current");

    this.#hub = new LogHub(
      { read: (after, limit, prefix) => this.#readLog(after, limit, prefix) },
      () => this.#timer.update(!this.#closed && this.#hub.size > 0, this.#hub.waiting > 0),
    );
    this.#timer = new PollTimer(Math.max(1, options.pollIntervalMs ?? 5), () => this.#tick());
    this.#dataVersion = this.#readDataVersion();
  }

  #readDataVersion(): number {
    return (this.#dataVersionStmt.get() as Row).data_version as number;
  }

  #tick(): void {
    if (this.#closed) return;
    let v: number;
    try {
      v = this.#readDataVersion();
    } catch {
      return; // busy or transient: try again next tick
    }
    if (v !== this.#dataVersion) {
      this.#dataVersion = v;
      this.#hub.poll().catch((e) => this.#hub.fail(e));
    }
  }

  #check(): void {
    if (this.#closed) throw closedError();
  }

  #headSync(): number {
    const r = this.#head.get() as Row | undefined;
    return (r?.seq as number | null | undefined) ?? 0;
  }

  #compactedSync(): number {
    const r = this.#compactedStmt.get() as Row | undefined;
    return r ? r.value as number : 0;
  }

  /** Runs `fn` in a read transaction (one snapshot). */
  #read<T>(fn: () => T): T {
    this.#beginRead.run();
    try {
      return fn();
    } finally {
      this.#commit.run();
    }
  }

  #readRetry<T>(fn: () => T): Promise<T> {
    try {
      this.#check();
      return Promise.resolve(this.#read(fn));
    } catch (e) {
      if (!isBusy(e)) return Promise.reject(this.#failure(e));
      return this.#retry(() => this.#read(fn)).catch((e) => Promise.reject(this.#failure(e)));
    }
  }

  /** Runs `fn` in a write transaction (BEGIN IMMEDIATE). */
  #tx<T>(fn: () => T): T {
    this.#begin.run();
    try {
      const result = fn();
      this.#commit.run();
      return result;
    } catch (e) {
      if (this.#db.isTransaction) this.#rollback.run();
      throw e;
    }
  }

  /**
   * Runs a write transaction, retrying while the database is busy, then calls
   * `after` with its result (synchronously when the first attempt succeeds).
   */
  #write<T>(fn: () => T, after: (result: T) => void): Promise<T> {
    let result: T;
    try {
      this.#check();
      result = this.#tx(fn);
    } catch (e) {
      if (!isBusy(e)) return Promise.reject(this.#failure(e));
      return this.#retry(() => this.#tx(fn)).then((r) => {
        after(r);
        return r;
      }, (e) => Promise.reject(this.#failure(e)));
    }
    try {
      after(result);
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve(result);
  }

  /** A database failure (read-only file, full disk, locked past the timeout) as a StoreError. */
  #failure(e: unknown): unknown {
    if (e instanceof StoreError || !(e instanceof Error)) return e;
    if ((e as { code?: string }).code !== "ERR_SQLITE_ERROR" && !isBusy(e)) return e;
    return this.#path === ":memory:" ? e : fileStoreError(this.#path, e);
  }

  async #retry<T>(fn: () => T): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (let attempt = 1;; attempt++) {
      await sleep(Math.min(50, attempt * 2) + Math.random() * 5);
      this.#check();
      try {
        return fn();
      } catch (e) {
        if (!isBusy(e) || Date.now() > deadline) throw e;
      }
    }
  }

  #afterWrite(ev: StoreEvent | undefined): void {
    if (ev !== undefined) this.#hub.local(ev);
    if (this.#keep > 0 && ++this.#writes >= Math.min(this.#keep, 1000)) {
      this.#writes = 0;
      if (!this.#compacting) {
        this.#compacting = true;
        queueMicrotask(() => this.#autoCompact());
      }
    }
  }

  #autoCompact(): void {
    try {
      if (this.#closed) return;
      const head = this.#headSync();
      const compacted = this.#compactedSync();
      if (head - compacted >= 2 * this.#keep) this.#compactSync(head - this.#keep);
    } catch {
      // best effort: another process may hold the lock; retried after more writes
    } finally {
      this.#compacting = false;
    }
  }

  /**
   * The events with `after < revision <= to` under `prefix` (at most `limit`,
   * -1 for all), with previous values: one rowid range scan of the log, each
   * row joined to its previous row. Call inside a read transaction.
   */
  #logEvents(after: number, to: number, limit: number, prefix: string): StoreEvent[] {
    let rows: LogRow[];
    if (prefix === "") {
      rows = this.#logAll.all(after, to, limit) as unknown as LogRow[];
    } else {
      const end = prefixEnd(prefix);
      rows = (end === undefined
        ? this.#logFrom.all(after, to, prefix, limit)
        : this.#logRange.all(after, to, prefix, end, limit)) as unknown as LogRow[];
    }
    return rows.map(rowToEvent);
  }

  #readLog(after: number, limit: number, prefix: string): LogPage {
    if (this.#closed) throw closedError();
    return this.#read(() => {
      const compacted = this.#compactedSync();
      const events = this.#logEvents(after, Number.MAX_SAFE_INTEGER, limit, prefix);
      const complete = events.length < limit;
      const end = complete ? this.#headSync() : events[events.length - 1].revision;
      return { events, end, complete, compacted };
    });
  }

  /** {@inheritDoc Store.currentRevision} */
  currentRevision(): Promise<number> {
    return this.#readRetry(() => this.#headSync());
  }

  /** {@inheritDoc Store.compactedRevision} */
  compactedRevision(): Promise<number> {
    return this.#readRetry(() => this.#compactedSync());
  }

  /** {@inheritDoc Store.get} */
  get(key: string): Promise<KeyValue | undefined> {
    if (this.#closed) return Promise.reject(closedError());
    try {
      const r = this.#curFull.get(key) as unknown as KvRow | undefined;
      return Promise.resolve(r ? rowToKeyValue(r) : undefined);
    } catch (e) {
      if (!isBusy(e)) return Promise.reject(e);
      return this.#retry(() => {
        const r = this.#curFull.get(key) as unknown as KvRow | undefined;
        return r ? rowToKeyValue(r) : undefined;
      });
    }
  }

  /** {@inheritDoc Store.list} */
  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const limit = options.limit && options.limit > 0 ? Math.floor(options.limit) : 0;
    const after = options.after !== undefined && options.after >= prefix
      ? options.after
      : undefined;
    return this.#readRetry(() => {
      const head = this.#headSync();
      const at = options.revision === undefined ? head : revisionArg(options.revision);
      if (at > head) throw futureError(at, head);
      if (at < head) {
        const compacted = this.#compactedSync();
        if (at < compacted) throw compactedError(at, compacted);
        const changed = rewind(this.#logEvents(at, head, -1, prefix), prefix, after);
        const cur = this.#scan(prefix, after, rewoundLimit(limit, changed));
        const count = options.count ? this.#count(prefix, after) : undefined;
        return rewoundPage(cur.items, changed, limit, at, count);
      }
      const res: ListResult = { ...this.#scan(prefix, after, limit), revision: head };
      if (options.count) res.count = this.#count(prefix, after);
      return res;
    });
  }

  /** Current entries under `prefix` after `after`, at most `limit` (0: all). Call in a read transaction. */
  #scan(
    prefix: string,
    after: string | undefined,
    limit: number,
  ): { items: KeyValue[]; more: boolean } {
    const start = after ?? prefix;
    const end = prefix === "" ? undefined : prefixEnd(prefix);
    const stmt = this.#list[after !== undefined ? 1 : 0][end === undefined ? 0 : 1];
    const sqlLimit = limit > 0 ? limit + 1 : -1;
    const rows =
      (end === undefined
        ? stmt.all(start, sqlLimit)
        : stmt.all(start, end, sqlLimit)) as unknown as KvRow[];
    const items: KeyValue[] = [];
    let more = false;
    for (const r of rows) {
      if (!r[0].startsWith(prefix)) break;
      if (limit > 0 && items.length >= limit) {
        more = true;
        break;
      }
      items.push(rowToKeyValue(r));
    }
    return { items, more };
  }

  /** Number of current keys under `prefix` after `after`. Call in a read transaction. */
  #count(prefix: string, after?: string): number {
    if (prefix === "" && after === undefined) return (this.#countAll.get() as Row).n as number;
    const end = prefix === "" ? undefined : prefixEnd(prefix);
    const stmt = this.#countStmts[after !== undefined ? 1 : 0][end === undefined ? 0 : 1];
    const start = after ?? prefix;
    return ((end === undefined ? stmt.get(start) : stmt.get(start, end)) as Row).n as number;
  }

  /** {@inheritDoc Store.count} */
  count(prefix: string): Promise<number> {
    return this.#readRetry(() => this.#count(prefix));
  }

  /** {@inheritDoc Store.create} */
  create(key: string, value: string, options?: StoreCreateOptions): Promise<number> {
    const req = options?.requires;
    try {
      checkKey(key);
      checkValue(value);
    } catch (e) {
      return Promise.reject(e);
    }
    const done = (rev: number) => {
      this.#afterWrite(
        this.#hub.wantsLocal
          ? { type: "put", key, revision: rev, value, createRevision: rev, prevRevision: 0 }
          : undefined,
      );
      return rev;
    };
    let rev: number;
    try {
      this.#check();
      rev = this.#createSync(key, value, req);
    } catch (e) {
      if (!isBusy(e)) return Promise.reject(this.#failure(e));
      return this.#retry(() => this.#createSync(key, value, req)).then(
        done,
        (e) => Promise.reject(this.#failure(e)),
      );
    }
    try {
      return Promise.resolve(done(rev));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * One autocommit statement: the log insert and (by trigger) the `current`
   * insert, undone together if the key exists.
   */
  #createSync(key: string, value: string, req?: { key: string; revision: number }): number {
    for (;;) {
      try {
        if (req === undefined) return this.#insCreate.run(key, value).lastInsertRowid as number;
        const r = this.#insCreateIf.run(key, value, req.key, req.revision);
        if (r.changes === 0) throw requirementError(req.key, req.revision);
        return r.lastInsertRowid as number;
      } catch (e) {
        if (!isCurrentKeyConflict(e)) throw e;
      }
      const cur = this.#curFull.get(key) as unknown as KvRow | undefined;
      if (cur) {
        throw new StoreError("exists", `key ${key} already exists`, cur[1], rowToKeyValue(cur));
      }
      // deleted by another process in between: try again
    }
  }

  /** {@inheritDoc Store.update} */
  update(key: string, value: string, expectedRevision: number): Promise<number> {
    try {
      checkValue(value);
    } catch (e) {
      return Promise.reject(e);
    }
    let ev: StoreEvent | undefined;
    return this.#write(() => {
      const cur = this.#curRev.get(key) as Row | undefined;
      if (!cur) throw new StoreError("not-found", `key ${key} not found`);
      const prevRevision = cur.rev as number;
      if (prevRevision !== expectedRevision) {
        const full = this.#curFull.get(key) as unknown as KvRow;
        throw new StoreError(
          "conflict",
          `key ${key} is at revision ${prevRevision}, not ${expectedRevision}`,
          prevRevision,
          rowToKeyValue(full),
        );
      }
      const createRevision = cur.create_rev as number;
      const rev = this.#insLog.run(key, 0, 0, createRevision, prevRevision, value)
        .lastInsertRowid as number;
      this.#updCur.run(rev, key);
      if (this.#hub.wantsLocal) {
        const prev = this.#logValue.get(prevRevision) as Row;
        ev = {
          type: "put",
          key,
          revision: rev,
          value,
          createRevision,
          prevValue: prev.value as string,
          prevRevision,
        };
      } else {
        ev = undefined;
      }
      return rev;
    }, () => this.#afterWrite(ev));
  }

  /** {@inheritDoc Store.delete} */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    let prev: KeyValue;
    return this.#write(() => {
      const cur = this.#curFull.get(key) as unknown as KvRow | undefined;
      if (!cur) throw new StoreError("not-found", `key ${key} not found`);
      prev = rowToKeyValue(cur);
      if (expectedRevision !== undefined && prev.revision !== expectedRevision) {
        throw new StoreError(
          "conflict",
          `key ${key} is at revision ${prev.revision}, not ${expectedRevision}`,
          prev.revision,
          prev,
        );
      }
      const rev = this.#insLog.run(key, 0, 1, prev.createRevision, prev.revision, null)
        .lastInsertRowid as number;
      this.#delCur.run(key);
      return rev;
    }, (revision) =>
      this.#afterWrite(
        this.#hub.wantsLocal
          ? {
            type: "delete",
            key,
            revision,
            createRevision: prev.createRevision,
            prevValue: prev.value,
            prevRevision: prev.revision,
          }
          : undefined,
      )).then((revision) => ({ revision, prev: { ...prev } }));
  }

  /** {@inheritDoc Store.watch} */
  watch(
    prefix: string,
    fromRevision: number,
    options: WatchOptions = {},
  ): StoreWatch {
    const from = revisionArg(fromRevision);
    let compacted = 0;
    if (!this.#closed) {
      try {
        compacted = this.#compactedSync();
      } catch {
        // busy: the catch-up read checks the compaction point again
      }
    }
    return this.#hub.watch(prefix, from, compacted, options.signal);
  }

  /** {@inheritDoc Store.changes} */
  changes(prefix: string, fromRevision: number, toRevision?: number): Promise<StoreEvent[]> {
    const from = revisionArg(fromRevision);
    // One snapshot: the compaction point, the head and the log range agree.
    return this.#readRetry(() => {
      const compacted = this.#compactedSync();
      if (from < compacted) throw compactedError(from, compacted);
      const head = this.#headSync();
      const to = toRevision === undefined ? head : Math.min(revisionArg(toRevision), head);
      if (to <= from) return [];
      return this.#logEvents(from, to, -1, prefix);
    });
  }

  #compactSync(revision: number): void {
    let did = false;
    this.#tx(() => {
      const head = this.#headSync();
      const prev = this.#compactedSync();
      const target = Math.min(Math.floor(revision), head);
      if (target <= prev) return;
      this.#compactPrev.run(prev, target);
      // Never delete the newest row (a tombstone at the head): new ids are
      // max(id) + 1, so deleting it would let its revision be reused.
      this.#compactTomb.run(prev, Math.min(target, head - 1));
      this.#setCompacted.run(target);
      did = true;
    });
    if (did) {
      try {
        this.#db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch {
        // a checkpoint blocked by readers is retried after the next compaction
      }
    }
  }

  /** {@inheritDoc Store.compact} */
  compact(revision: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    try {
      this.#compactSync(revision);
      return Promise.resolve();
    } catch (e) {
      if (!isBusy(e)) return Promise.reject(this.#failure(e));
      return this.#retry(() => this.#compactSync(revision)).catch((e) =>
        Promise.reject(this.#failure(e))
      );
    }
  }

  /** {@inheritDoc Store.close} */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#timer.stop();
      this.#hub.close();
      this.#db.close();
    }
    return Promise.resolve();
  }

  /** Closes the store. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function retryBusySync<T>(fn: () => T): T {
  for (let attempt = 0;; attempt++) {
    try {
      return fn();
    } catch (e) {
      if (!isBusy(e) || attempt >= 20) throw e;
    }
  }
}

/**
 * Opens (creating if needed) a SQLite store at `path` (a file path or
 * `:memory:`).
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "./sqlite.ts";
 *
 * const store = openSqliteStore(":memory:", { pollIntervalMs: 5 });
 * await store.create("/a", "1");
 * console.assert((await store.list("/")).items.length === 1);
 * await store.close();
 * ```
 */
export function openSqliteStore(path: string, options?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(path, options);
}
