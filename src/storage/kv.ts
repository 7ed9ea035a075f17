/**
 * The Deno KV store (`Deno.openKv`), safe for several processes on one file.
 *
 * Deno KV's own `watch` sees exact keys only and may skip intermediate
 * values, so this store keeps its own change log:
 * - `["rev"]`: the head, i.e. the global revision counter;
 * - `["log", rev]`: one entry per write (key, type, create and previous
 *   revision, the value or its chunk count);
 * - `["chunk", rev, i]`: values over 16 Ki characters, UTF-8 encoded in
 *   64,000-byte chunks;
 * - `["cur", key]`: the current state (revision, create revision and the
 *   value inline when small, else a pointer to the log chunks);
 * - `["meta", "compact"]`, `["meta", "purged"]`: compaction point and how far
 *   history has been deleted.
 *
 * Every write is one atomic operation that checks the head and the key,
 * bumps the head and writes the log and current entries; it is retried
 * transparently when only the head moved. A create skips the read before
 * the write: it checks the key is absent and the head is the newest this
 * process has seen, and reads only when that check fails. Watchers read the
 * log from their last revision, woken by local writes and by a poll of the
 * head (every 5 ms while a watch is open) for other processes' writes. (Deno
 * KV's own `watch` does not see other processes' writes to a SQLite file, so
 * it is no use as a doorbell; it only added a read per write.)
 *
 * Limits: a value must fit in one atomic operation (at most ~760 KiB of
 * UTF-8 after overhead) and a key in Deno KV's 2 KiB key limit; larger ones
 * fail with a `too-large` StoreError.
 *
 * @example
 * ```ts
 * import { openKvStore } from "./kv.ts";
 *
 * await using store = await openKvStore(":memory:");
 * const rev = await store.create("/a", "1");
 * console.assert((await store.get("/a"))?.revision === rev);
 * ```
 *
 * @module
 */

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

/** Options for {@linkcode openKvStore}. */
export interface KvStoreOptions {
  /**
   * Refuse to create the database: a path where no file exists is an
   * `unavailable` StoreError (for commands that only read).
   */
  mustExist?: boolean;
  /** How often watchers poll for other processes' writes. Default 5 ms. */
  pollIntervalMs?: number;
  /**
   * Automatic compaction: once more than twice this many revisions are
   * retained, history is compacted down to the newest `compactKeep`
   * revisions. 0 disables automatic compaction. Default 10,000.
   */
  compactKeep?: number;
}

/** A change log entry. */
interface LogEntry {
  /** key */
  k: string;
  /** 0 put, 1 delete */
  t: 0 | 1;
  /** create revision */
  c: number;
  /** previous revision of the key (0 on create) */
  p: number;
  /** chunk count of the previous value (for compaction) */
  pn?: number;
  /** inline value */
  v?: string;
  /** chunk count when the value is chunked */
  n?: number;
}

/** A current-state entry. */
interface CurEntry {
  /** revision */
  r: number;
  /** create revision */
  c: number;
  /** inline value */
  v?: string;
  /** chunk count; chunks are ["chunk", r, i] */
  n?: number;
}

const HEAD: Deno.KvKey = ["rev"];
const COMPACT: Deno.KvKey = ["meta", "compact"];
const PURGED: Deno.KvKey = ["meta", "purged"];
/** Values up to this many UTF-16 units are stored inline (<= 32 KiB serialized). */
const INLINE_MAX = 16 * 1024;
const CHUNK = 64_000;
/** Deno KV's limit on the total size of one atomic operation. */
const MAX_MUTATION = 819_200;
const MAX_KEY_BYTES = 1_900;
/** Log entries read per page by {@linkcode KvStore.changes}. */
const CHANGES_PAGE = 1000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Encoded {
  v?: string;
  chunks?: Uint8Array[];
}

function encodeValue(key: string, value: string): Encoded {
  if (value.length <= INLINE_MAX) return { v: value };
  const bytes = encoder.encode(value);
  const n = Math.ceil(bytes.length / CHUNK);
  const keyBytes = key.length * 3;
  if (bytes.length + n * 64 + 2 * keyBytes + 4096 > MAX_MUTATION) {
    throw new StoreError(
      "too-large",
      `value of ${key} is ${bytes.length} bytes; the Deno KV store holds at most about ` +
        `${MAX_MUTATION - 4096 - 2 * keyBytes} bytes per value`,
    );
  }
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < n; i++) chunks.push(bytes.subarray(i * CHUNK, (i + 1) * CHUNK));
  return { chunks };
}

function checkKeySize(key: string): void {
  if (key.length > MAX_KEY_BYTES / 3 && encoder.encode(key).length > MAX_KEY_BYTES) {
    throw new StoreError("too-large", `key is longer than ${MAX_KEY_BYTES} bytes`);
  }
}

function isLocked(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : "";
  return msg.includes("database is locked") || msg.includes("database is busy");
}

/**
 * Runs `fn`, retrying with backoff (up to 30 s) while another process holds
 * the database lock (Deno KV reports SQLITE_BUSY as "database is locked").
 */
async function retryLocked<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (let attempt = 1;; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isLocked(e) || Date.now() > deadline) throw e;
      await sleep(Math.min(20, attempt) * (0.5 + Math.random()));
    }
  }
}

/**
 * A store in a Deno KV database, usable from several processes at once. See
 * the module documentation for the layout.
 */
export class KvStore implements Store {
  /** Versionstamps of `cur` entries this store read or wrote last, by key (a bounded cache). */
  #stamps = new Map<string, { r: number; vs: string }>();
  #kv: Deno.Kv;
  #closed = false;
  #keep: number;
  #writes = 0;
  #background = new Set<Promise<unknown>>();
  #compacting = false;
  #hub: LogHub;
  #timer: PollTimer;
  #ticking = false;
  /** Recent values by key, for previous values of watch events (keyed by exact revision). */
  #recent = new Map<string, { r: number; v: string }>();
  /** Commits of this process in flight, and the newest head seen meanwhile (see `#behind`). */
  #inFlight = 0;
  #deferred = 0;
  /** The newest head this process has seen (read or committed), for creates without a read. */
  #head: { value: number; versionstamp: string | null } | undefined;

  /** Wraps an open Deno KV handle; prefer {@linkcode openKvStore}. The store owns `kv`. */
  constructor(kv: Deno.Kv, options: KvStoreOptions = {}) {
    this.#kv = kv;
    const keep = options.compactKeep ?? 10_000;
    this.#keep = keep > 0 ? Math.floor(keep) : 0;
    this.#hub = new LogHub(
      { read: (after, limit, prefix) => retryLocked(() => this.#readLog(after, limit, prefix)) },
      () => this.#onHubChange(),
    );
    this.#timer = new PollTimer(Math.max(1, options.pollIntervalMs ?? 5), () => this.#tick());
  }

  /**
   * True when the head seen by the poll is ahead of what the
   * watchers were offered, so the log must be read. While this process has
   * commits in flight, a newer head is most likely one of them, whose event
   * is offered directly when it resolves: the check is deferred until then
   * (reading the log for it would compete with the writes themselves).
   */
  #behind(head: number): boolean {
    if (head <= this.#hub.head) return false;
    if (this.#inFlight === 0) return true;
    if (head > this.#deferred) this.#deferred = head;
    return false;
  }

  /** A commit resolved: wakes the watchers if a deferred head is still ahead of them. */
  #settled(): void {
    if (--this.#inFlight > 0 || this.#deferred === 0) return;
    const head = this.#deferred;
    this.#deferred = 0;
    if (head > this.#hub.head) this.#hub.wake();
  }

  #check(): void {
    if (this.#closed) throw closedError();
  }

  #track<T>(p: Promise<T>): void {
    const q = p.catch(() => {}).finally(() => this.#background.delete(q));
    this.#background.add(q);
  }

  #onHubChange(): void {
    const active = !this.#closed && this.#hub.size > 0;
    this.#timer.update(active, this.#hub.waiting > 0);
  }

  #tick(): void {
    if (this.#ticking || this.#closed) return;
    this.#ticking = true;
    this.#track(
      this.#kv.get<number>(HEAD).then((h) => {
        this.#seeHead(h.value ?? 0, h.versionstamp);
        if (!this.#closed && this.#behind(h.value ?? 0)) return this.#hub.poll();
      }).finally(() => this.#ticking = false),
    );
  }

  async #chunks(rev: number, n: number): Promise<string | undefined> {
    const keys: Deno.KvKey[] = [];
    for (let i = 0; i < n; i++) keys.push(["chunk", rev, i]);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < keys.length; i += 10) {
      const got = await this.#kv.getMany<Uint8Array[]>(keys.slice(i, i + 10));
      for (const e of got) {
        if (e.value === null) return undefined;
        parts.push(e.value);
        total += e.value.length;
      }
    }
    const bytes = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      bytes.set(p, off);
      off += p.length;
    }
    return decoder.decode(bytes);
  }

  /** The value of a current or log entry written at `rev`; undefined if its chunks are gone. */
  #value(e: { v?: string; n?: number }, rev: number): Promise<string | undefined> | string {
    if (e.v !== undefined) return e.v;
    return this.#chunks(rev, e.n ?? 0);
  }

  async #logValue(rev: number): Promise<string | undefined> {
    const e = await this.#kv.get<LogEntry>(["log", rev]);
    if (e.value === null) return undefined;
    return await this.#value(e.value, rev);
  }

  #remember(key: string, r: number, v: string): void {
    if (this.#recent.size >= 10_000) this.#recent.clear();
    this.#recent.set(key, { r, v });
  }

  /**
   * Reads up to `limit` log entries with `after < revision <= to` and builds
   * the events under `prefix` (with previous values).
   */
  async #readLog(
    after: number,
    limit: number,
    prefix: string,
    to = Infinity,
  ): Promise<LogPage> {
    if (this.#closed) throw closedError();
    // Every entry up to the head read before the list is visible to the list.
    const h = await this.#kv.get<number>(HEAD);
    const head = h.value ?? 0;
    this.#seeHead(head, h.versionstamp);
    const raw: Deno.KvEntry<LogEntry>[] = [];
    if (to > after) {
      const selector: Deno.KvListSelector = to === Infinity
        ? { prefix: ["log"], start: ["log", after + 1] }
        : { start: ["log", after + 1], end: ["log", to + 1] };
      for await (
        const e of this.#kv.list<LogEntry>(selector, { limit, batchSize: Math.min(limit, 500) })
      ) raw.push(e);
    }
    const events: StoreEvent[] = [];
    for (const { key, value: e } of raw) {
      const revision = key[1] as number;
      if (prefix !== "" && !e.k.startsWith(prefix)) continue;
      let prevValue: string | undefined;
      if (e.p > 0) {
        const hit = this.#recent.get(e.k);
        prevValue = hit !== undefined && hit.r === e.p ? hit.v : await this.#logValue(e.p);
      }
      let ev: StoreEvent;
      if (e.t === 1) {
        ev = { type: "delete", key: e.k, revision, createRevision: e.c, prevRevision: e.p };
        this.#recent.delete(e.k);
      } else {
        const value = await this.#value(e, revision);
        ev = { type: "put", key: e.k, revision, value, createRevision: e.c, prevRevision: e.p };
        if (value !== undefined) this.#remember(e.k, revision, value);
      }
      if (prevValue !== undefined) ev.prevValue = prevValue;
      events.push(ev);
    }
    // Read the compaction point last: anything missing above was compacted before it.
    const compacted = (await this.#kv.get<number>(COMPACT)).value ?? 0;
    const complete = raw.length < limit;
    const last = raw.length > 0 ? raw[raw.length - 1].key[1] as number : 0;
    return {
      events,
      end: complete ? Math.min(Math.max(last, head), to) : last,
      complete,
      compacted,
    };
  }

  /** {@inheritDoc Store.currentRevision} */
  async currentRevision(): Promise<number> {
    this.#check();
    return (await retryLocked(() => this.#kv.get<number>(HEAD))).value ?? 0;
  }

  /** {@inheritDoc Store.compactedRevision} */
  async compactedRevision(): Promise<number> {
    this.#check();
    return (await retryLocked(() => this.#kv.get<number>(COMPACT))).value ?? 0;
  }

  async #toKeyValue(key: string, c: CurEntry): Promise<KeyValue | undefined> {
    const value = await this.#value(c, c.r);
    if (value === undefined) return undefined;
    return { key, value, revision: c.r, createRevision: c.c };
  }

  /** {@inheritDoc Store.get} */
  get(key: string): Promise<KeyValue | undefined> {
    try {
      this.#check();
    } catch (e) {
      return Promise.reject(e);
    }
    return retryLocked(() => this.#get(key));
  }

  async #get(key: string): Promise<KeyValue | undefined> {
    for (let attempt = 0;; attempt++) {
      const e = await this.#kv.get<CurEntry>(["cur", key]);
      if (e.value === null) return undefined;
      this.#stamp(key, e.value.r, e.versionstamp!);
      const kv = await this.#toKeyValue(key, e.value);
      // Chunks vanish only if the key changed and was compacted meanwhile: read again.
      if (kv !== undefined || attempt >= 10) return kv;
    }
  }

  /** The current entries under `prefix`, after `after` when given. */
  #selector(prefix: string, after?: string): Deno.KvListSelector {
    const start = after !== undefined ? after + "\0" : prefix;
    const end = prefix === "" ? undefined : prefixEnd(prefix);
    if (end === undefined) return { prefix: ["cur"], start: ["cur", start] };
    return { start: ["cur", start], end: ["cur", end] };
  }

  /** {@inheritDoc Store.list} */
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#check();
    return await retryLocked(() => this.#list(prefix, options));
  }

  /**
   * Deno KV lists in batches, not in one snapshot, so every list is rebuilt
   * at one revision: the current entries, read between two reads of the head,
   * with each key changed since the list's revision replaced by its state
   * then (from the change log up to the second head read).
   */
  async #list(prefix: string, options: ListOptions): Promise<ListResult> {
    const limit = options.limit && options.limit > 0 ? Math.floor(options.limit) : 0;
    const after = options.after !== undefined && options.after >= prefix
      ? options.after
      : undefined;
    const first = await this.#kv.get<number>(HEAD);
    let head = first.value ?? 0;
    this.#seeHead(head, first.versionstamp);
    const at = options.revision === undefined ? head : revisionArg(options.revision);
    if (at > head) throw futureError(at, head);
    const events: StoreEvent[] = [];
    let known = at;
    // Extra entries to read when writers keep changing keys of the range.
    let slack = 0;
    for (;;) {
      if (head > known) {
        for (const ev of await this.#logRange(known, head, prefix)) events.push(ev);
        known = head;
      }
      const changed = rewind(events, prefix, after);
      const want = limit > 0 ? rewoundLimit(limit, changed) + slack : 0;
      const cur = await this.#scan(prefix, after, want);
      if (cur === undefined) continue; // a value's chunks were compacted: the key moved on
      let untouched = 0;
      if (options.count) {
        for await (const e of this.#kv.list(this.#selector(prefix, after), { batchSize: 1000 })) {
          if (!changed.has(e.key[1] as string)) untouched++;
        }
      }
      const h = await this.#kv.get<number>(HEAD);
      head = h.value ?? 0;
      if (head > known) {
        for (const ev of await this.#logRange(known, head, prefix)) events.push(ev);
        known = head;
      }
      const settled = rewind(events, prefix, after);
      // Every entry read above is either unchanged since `at` or replaced; the
      // page is exact as long as enough entries were read to drop the changed ones.
      if (!cur.more || cur.items.length >= rewoundLimit(limit, settled)) {
        let count: number | undefined;
        if (options.count) {
          count = untouched;
          for (const c of settled.values()) if (c.now) count++;
        }
        return rewoundPage(cur.items, settled, limit, at, count);
      }
      slack = slack * 2 + 16;
    }
  }

  /**
   * Current entries under `prefix` after `after`, at most `limit` (0: all);
   * undefined when a value's chunks vanished under the read.
   */
  async #scan(
    prefix: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ items: KeyValue[]; more: boolean } | undefined> {
    const entries: Deno.KvEntry<CurEntry>[] = [];
    for await (
      const e of this.#kv.list<CurEntry>(this.#selector(prefix, after), {
        limit: limit > 0 ? limit + 1 : undefined,
        batchSize: limit > 0 ? Math.min(limit + 1, 500) : 500,
      })
    ) {
      entries.push(e);
    }
    let more = false;
    if (limit > 0 && entries.length > limit) {
      more = true;
      entries.length = limit;
    }
    const items: KeyValue[] = [];
    for (const e of entries) {
      const key = e.key[1] as string;
      if (!key.startsWith(prefix)) continue;
      const kv = await this.#toKeyValue(key, e.value);
      if (kv === undefined) return undefined;
      items.push(kv);
    }
    return { items, more };
  }

  /** {@inheritDoc Store.count} */
  async count(prefix: string): Promise<number> {
    this.#check();
    return await retryLocked(async () => {
      let n = 0;
      for await (const _ of this.#kv.list(this.#selector(prefix), { batchSize: 1000 })) n++;
      return n;
    });
  }

  /** Remembers the head as of a read or a commit, unless a newer one is known. */
  #seeHead(value: number, versionstamp: string | null): void {
    const h = this.#head;
    if (h === undefined || value >= h.value) this.#head = { value, versionstamp };
  }

  /**
   * Commits one write: reads the head and the key, lets `plan` validate and
   * add mutations, and commits with checks on both; retries when they moved
   * (or when `plan` returns null).
   *
   * With `absent` (creates), the first attempt skips the read: it assumes the
   * key is absent and the head is the last one this process saw, and the
   * commit checks both (so writes stay totally ordered and gap-free across
   * processes); only when that check fails does it read and retry as above.
   */
  async #mutate<T>(
    key: string,
    plan: (
      cur: CurEntry | null,
      rev: number,
      op: Deno.AtomicOperation,
    ) => Promise<((rev: number) => T) | null> | ((rev: number) => T),
    absent = false,
    req?: { key: string; revision: number },
  ): Promise<T> {
    const deadline = Date.now() + 30_000;
    const curKey: Deno.KvKey = ["cur", key];
    for (let attempt = 0;; attempt++) {
      this.#check();
      try {
        let rev: number;
        let op: Deno.AtomicOperation;
        let done: ((rev: number) => T) | null;
        const h = this.#head;
        // The required key's versionstamp, when this store last saw it at the required revision.
        const known = req && this.#stamps.get(req.key);
        if (
          absent && attempt === 0 && h !== undefined &&
          (req === undefined || known?.r === req.revision)
        ) {
          rev = h.value + 1;
          op = this.#kv.atomic()
            .check({ key: HEAD, versionstamp: h.versionstamp })
            .check({ key: curKey, versionstamp: null })
            .set(HEAD, rev);
          if (req) op.check({ key: ["cur", req.key], versionstamp: known!.vs });
          done = await plan(null, rev, op);
        } else {
          const [head, cur, needed] = req
            ? await this.#kv.getMany<[number, CurEntry, CurEntry]>([HEAD, curKey, ["cur", req.key]])
            : [...await this.#kv.getMany<[number, CurEntry]>([HEAD, curKey]), undefined];
          rev = (head.value ?? 0) + 1;
          this.#seeHead(rev - 1, head.versionstamp);
          op = this.#kv.atomic().check(head).check(cur).set(HEAD, rev);
          if (req && needed) {
            if (needed.value?.r !== req.revision) throw requirementError(req.key, req.revision);
            this.#stamp(req.key, needed.value.r, needed.versionstamp!);
            op.check(needed);
          }
          done = await plan(cur.value, rev, op);
        }
        if (done === null) continue; // state moved under the plan: read again
        this.#inFlight++;
        let res: Deno.KvCommitResult | Deno.KvCommitError;
        try {
          res = await op.commit();
          if (res.ok) {
            this.#seeHead(rev, res.versionstamp);
            if (this.#stamps.has(key)) this.#stamp(key, rev, res.versionstamp);
            const result = done(rev);
            this.#afterWrite();
            return result;
          }
        } finally {
          this.#settled();
        }
      } catch (e) {
        // Another process holds the database lock: the commit did not happen; try again.
        if (!isLocked(e) || Date.now() > deadline) throw e;
      }
      if (attempt >= 2) await sleep(Math.random() * Math.min(20, attempt));
    }
  }

  /** Remembers the versionstamp of a `cur` entry at a revision (for creates' `requires`). */
  #stamp(key: string, r: number, vs: string): void {
    if (this.#stamps.size >= 1024 && !this.#stamps.has(key)) this.#stamps.clear();
    this.#stamps.set(key, { r, vs });
  }

  #afterWrite(): void {
    if (this.#keep > 0 && ++this.#writes >= Math.min(this.#keep, 1000)) {
      this.#writes = 0;
      if (!this.#compacting) {
        this.#compacting = true;
        this.#track(
          (async () => {
            const head = (await this.#kv.get<number>(HEAD)).value ?? 0;
            const compacted = (await this.#kv.get<number>(COMPACT)).value ?? 0;
            if (head - compacted >= 2 * this.#keep) await this.#compact(head - this.#keep);
          })().finally(() => this.#compacting = false),
        );
      }
    }
  }

  #put(op: Deno.AtomicOperation, rev: number, enc: Encoded, log: LogEntry, cur: CurEntry): void {
    if (enc.chunks) {
      log.n = cur.n = enc.chunks.length;
      for (let i = 0; i < enc.chunks.length; i++) op.set(["chunk", rev, i], enc.chunks[i]);
    } else {
      log.v = cur.v = enc.v;
    }
    op.set(["log", rev], log);
    op.set(["cur", log.k], cur);
  }

  async #current(key: string, cur: CurEntry): Promise<KeyValue | undefined> {
    return await this.#toKeyValue(key, cur);
  }

  /** {@inheritDoc Store.create} */
  create(key: string, value: string, options?: StoreCreateOptions): Promise<number> {
    let enc: Encoded;
    try {
      this.#check();
      checkKey(key);
      checkValue(value);
      checkKeySize(key);
      enc = encodeValue(key, value);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#mutate(
      key,
      async (cur, rev, op) => {
        if (cur !== null) {
          throw new StoreError(
            "exists",
            `key ${key} already exists`,
            cur.r,
            await this.#current(key, cur),
          );
        }
        this.#put(op, rev, enc, { k: key, t: 0, c: rev, p: 0 }, { r: rev, c: rev });
        return (rev) => {
          if (this.#hub.wantsLocal) {
            this.#remember(key, rev, value);
            this.#hub.local({
              type: "put",
              key,
              revision: rev,
              value,
              createRevision: rev,
              prevRevision: 0,
            });
          }
          return rev;
        };
      },
      true,
      options?.requires,
    );
  }

  /** {@inheritDoc Store.update} */
  update(key: string, value: string, expectedRevision: number): Promise<number> {
    let enc: Encoded;
    try {
      this.#check();
      checkValue(value);
      enc = encodeValue(key, value);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#mutate(key, async (cur, rev, op) => {
      if (cur === null) throw new StoreError("not-found", `key ${key} not found`);
      if (cur.r !== expectedRevision) {
        throw new StoreError(
          "conflict",
          `key ${key} is at revision ${cur.r}, not ${expectedRevision}`,
          cur.r,
          await this.#current(key, cur),
        );
      }
      const log: LogEntry = { k: key, t: 0, c: cur.c, p: cur.r };
      if (cur.n !== undefined) log.pn = cur.n;
      this.#put(op, rev, enc, log, { r: rev, c: cur.c });
      return (rev) => {
        if (this.#hub.wantsLocal) {
          this.#remember(key, rev, value);
          if (cur.v !== undefined) {
            this.#hub.local({
              type: "put",
              key,
              revision: rev,
              value,
              createRevision: cur.c,
              prevValue: cur.v,
              prevRevision: cur.r,
            });
          } else {
            this.#hub.wake();
          }
        }
        return rev;
      };
    });
  }

  /** {@inheritDoc Store.delete} */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    if (this.#closed) return Promise.reject(closedError());
    return this.#mutate(key, async (cur, rev, op) => {
      if (cur === null) throw new StoreError("not-found", `key ${key} not found`);
      const prev = await this.#current(key, cur);
      if (prev === undefined) {
        // The value's chunks were compacted away: the key moved on; read again.
        return null;
      }
      if (expectedRevision !== undefined && cur.r !== expectedRevision) {
        throw new StoreError(
          "conflict",
          `key ${key} is at revision ${cur.r}, not ${expectedRevision}`,
          cur.r,
          prev,
        );
      }
      const log: LogEntry = { k: key, t: 1, c: cur.c, p: cur.r };
      if (cur.n !== undefined) log.pn = cur.n;
      op.set(["log", rev], log);
      op.delete(["cur", key]);
      return (revision) => {
        if (this.#hub.wantsLocal) {
          this.#hub.local({
            type: "delete",
            key,
            revision,
            createRevision: cur.c,
            prevValue: prev.value,
            prevRevision: cur.r,
          });
        }
        return { revision, prev };
      };
    });
  }

  /** {@inheritDoc Store.watch} */
  watch(
    prefix: string,
    fromRevision: number,
    options: WatchOptions = {},
  ): StoreWatch {
    const from = revisionArg(fromRevision);
    // The compaction point is checked by the first (catch-up) read of the log.
    return this.#hub.watch(prefix, from, 0, options.signal);
  }

  /** {@inheritDoc Store.changes} */
  async changes(prefix: string, fromRevision: number, toRevision?: number): Promise<StoreEvent[]> {
    this.#check();
    const from = revisionArg(fromRevision);
    return await retryLocked(async () => {
      const head = (await this.#kv.get<number>(HEAD)).value ?? 0;
      const to = toRevision === undefined ? head : Math.min(revisionArg(toRevision), head);
      return await this.#logRange(from, to, prefix);
    });
  }

  /**
   * The events under `prefix` with `from < revision <= to`, read page by
   * page with the compaction check a watch's catch-up makes: each page reads
   * the compaction point after its entries, so an entry missing from it was
   * compacted and the read fails.
   */
  async #logRange(from: number, to: number, prefix: string): Promise<StoreEvent[]> {
    const events: StoreEvent[] = [];
    let after = from;
    for (;;) {
      const page = await this.#readLog(after, CHANGES_PAGE, prefix, to);
      if (page.compacted > after) throw compactedError(after, page.compacted);
      for (const ev of page.events) events.push(ev);
      if (page.complete) return events;
      after = page.end;
    }
  }

  async #compact(revision: number): Promise<void> {
    const head = (await this.#kv.get<number>(HEAD)).value ?? 0;
    const target = Math.min(Math.floor(revision), head);
    for (;;) {
      const cp = await this.#kv.get<number>(COMPACT);
      if ((cp.value ?? 0) >= target) break;
      if ((await this.#kv.atomic().check(cp).set(COMPACT, target).commit()).ok) break;
    }
    await this.#purge();
  }

  /** Deletes history up to the compaction point (resumable: tracks how far it got). */
  async #purge(): Promise<void> {
    const [cp, pd] = await this.#kv.getMany<[number, number]>([COMPACT, PURGED]);
    const to = cp.value ?? 0;
    const from = pd.value ?? 0;
    if (to <= from) return;
    let op = this.#kv.atomic();
    let n = 0;
    for await (
      const e of this.#kv.list<LogEntry>(
        { start: ["log", from + 1], end: ["log", to + 1] },
        { batchSize: 500 },
      )
    ) {
      const le = e.value;
      if (le.p > 0) {
        op.delete(["log", le.p]);
        n++;
        for (let i = 0; i < (le.pn ?? 0); i++, n++) op.delete(["chunk", le.p, i]);
      }
      if (le.t === 1) {
        op.delete(e.key);
        n++;
      }
      if (n >= 800) {
        await op.commit();
        op = this.#kv.atomic();
        n = 0;
      }
    }
    if (n > 0) await op.commit();
    for (;;) {
      const p = await this.#kv.get<number>(PURGED);
      if ((p.value ?? 0) >= to) break;
      if ((await this.#kv.atomic().check(p).set(PURGED, to).commit()).ok) break;
    }
  }

  /** {@inheritDoc Store.compact} */
  async compact(revision: number): Promise<void> {
    this.#check();
    await retryLocked(() => this.#compact(revision));
  }

  /** {@inheritDoc Store.close} */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer.stop();
    this.#hub.close();
    while (this.#background.size > 0) await Promise.all([...this.#background]);
    this.#kv.close();
  }

  /** Closes the store. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens a Deno KV store at `path` (a file path or `:memory:`; omitted: Deno's
 * default KV location). Needs `--unstable-kv` (or `"unstable": ["kv"]`).
 *
 * @example
 * ```ts
 * import { openKvStore } from "./kv.ts";
 *
 * const store = await openKvStore(":memory:");
 * await store.create("/a", "1");
 * console.assert((await store.count("/")) === 1);
 * await store.close();
 * ```
 */
export async function openKvStore(path?: string, options?: KvStoreOptions): Promise<KvStore> {
  const file = path !== undefined && path !== "" && path !== ":memory:";
  if (!file) return new KvStore(await Deno.openKv(path), options);
  if (options?.mustExist) {
    try {
      Deno.statSync(path);
    } catch (e) {
      throw fileStoreError(path, e, "Deno KV");
    }
  }
  let kv: Deno.Kv;
  try {
    kv = await Deno.openKv(path);
  } catch (e) {
    throw fileStoreError(path, e, "Deno KV");
  }
  return new KvStore(kv, options);
}
