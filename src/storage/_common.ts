/**
 * Internal helpers shared by the storage backends: the watch event queue
 * (an async iterator fed synchronously by writers or pollers), the log
 * fan-out hub used by the persistent stores, and key-range utilities.
 *
 * Not part of the public API.
 *
 * @module
 */

import { type KeyValue, type ListResult, StoreError, type StoreEvent } from "./types.ts";

/**
 * The smallest string greater than every string starting with `prefix`, or
 * `undefined` when there is none (empty prefix or a prefix of U+FFFF only).
 */
export function prefixEnd(prefix: string): string | undefined {
  let i = prefix.length - 1;
  while (i >= 0 && prefix.charCodeAt(i) === 0xffff) i--;
  if (i < 0) return undefined;
  return prefix.slice(0, i) + String.fromCharCode(prefix.charCodeAt(i) + 1);
}

/** Validates a key argument. */
export function checkKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) {
    throw new TypeError(`storage key must be a non-empty string, got ${JSON.stringify(key)}`);
  }
}

/** Validates a value argument. */
export function checkValue(value: string): void {
  if (typeof value !== "string") {
    throw new TypeError(`storage value must be a string, got ${typeof value}`);
  }
}

/** Throws a `closed` StoreError. */
export function closedError(): StoreError {
  return new StoreError("closed", "the store is closed");
}

/** A `compacted` StoreError for a watch from `from` when the store is compacted at `at`. */
export function compactedError(from: number, at: number): StoreError {
  return new StoreError(
    "compacted",
    `revision ${from} has been compacted (compaction revision ${at})`,
    at,
  );
}

/**
 * Why the database file at `path` cannot be used as a store, in words a user
 * can act on: `err` is what the database engine said (`engine` names it).
 * Returns an `unavailable` StoreError whose message names the path.
 */
export function fileStoreError(path: string, err: unknown, engine = "SQLite"): StoreError {
  const said = err instanceof Error ? err.message : String(err);
  const fail = (message: string) => {
    const e = new StoreError("unavailable", message);
    e.cause = err;
    return e;
  };
  const stat = (p: string) => {
    try {
      return Deno.statSync(p);
    } catch {
      return undefined;
    }
  };
  const info = stat(path);
  const slash = path.lastIndexOf("/");
  const dir = slash > 0 ? path.slice(0, slash) : slash === 0 ? "/" : ".";
  if (info?.isDirectory) {
    return fail(
      `cannot open the store at ${path}: it is a directory; give the path of a file, ` +
        `e.g. ${path.replace(/\/+$/, "")}/store.db`,
    );
  }
  if (/not a database|malformed|corrupt/i.test(said)) {
    return fail(
      `cannot open the store at ${path}: the file is not a ${engine} database (it is corrupt, ` +
        `or another kind of file); move it away or choose another store path`,
    );
  }
  if (/locked|busy/i.test(said)) {
    return fail(
      `cannot use the store at ${path}: another process holds it locked; ` +
        `try again when it has finished`,
    );
  }
  if (/readonly|read-only|permission denied/i.test(said)) {
    return fail(
      `cannot use the store at ${path}: the file or its directory is read-only; ` +
        `check their permissions`,
    );
  }
  if (/unable to open|no such file|not found/i.test(said)) {
    if (!info && !stat(dir)) {
      return fail(`cannot open the store at ${path}: its directory ${dir} does not exist`);
    }
    if (!info) return fail(`there is no store at ${path}`);
    return fail(
      `cannot use the store at ${path}: the file or its directory is read-only; ` +
        `check their permissions`,
    );
  }
  return fail(`cannot use the store at ${path}: ${said}`);
}

/** Normalizes a revision argument: a non-negative integer (NaN and negatives are 0). */
export function revisionArg(revision: number): number {
  return revision > 0 ? Math.floor(revision) : 0;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A `future` StoreError for a read at `revision` when the store is at `current`. */
export function futureError(revision: number, current: number): StoreError {
  return new StoreError(
    "future",
    `revision ${revision} is a future revision (current revision ${current})`,
    current,
  );
}

/** What a key was at a past revision, rebuilt from the changes made after it. */
export interface Rewound {
  /** The entry at the past revision; null when the key did not exist then. */
  then: KeyValue | null;
  /** Whether the key exists now (at the end of the changes). */
  now: boolean;
}

/**
 * The keys under `prefix` (and after `after`) that `events` changed, each
 * with its state before the first of them. `events` are every change after
 * a past revision up to the revision the current state was read at, in
 * order: a key's first change carries (as its previous value) what the key
 * was at the past revision. Throws `compacted` when a previous value is gone.
 */
export function rewind(
  events: readonly StoreEvent[],
  prefix: string,
  after: string | undefined,
): Map<string, Rewound> {
  const out = new Map<string, Rewound>();
  for (const ev of events) {
    const key = ev.key;
    if (!key.startsWith(prefix) || (after !== undefined && key <= after)) continue;
    const seen = out.get(key);
    if (seen !== undefined) {
      seen.now = ev.type === "put";
      continue;
    }
    let then: KeyValue | null = null;
    if (ev.prevRevision > 0) {
      if (ev.prevValue === undefined) {
        throw new StoreError(
          "compacted",
          `the value of ${key} at revision ${ev.prevRevision} has been compacted`,
          ev.prevRevision,
        );
      }
      then = {
        key,
        value: ev.prevValue,
        revision: ev.prevRevision,
        createRevision: ev.createRevision,
      };
    }
    out.set(key, { then, now: ev.type === "put" });
  }
  return out;
}

/**
 * How many current entries a page at a past revision must read: enough that
 * dropping every changed key still leaves one more than `limit` (so `more`
 * is exact). 0 (everything) stays 0.
 */
export function rewoundLimit(limit: number, changed: Map<string, Rewound>): number {
  return limit > 0 ? limit + changed.size + 1 : 0;
}

/**
 * A page at a past revision: `current` (entries after `after` as they are
 * now, read with {@linkcode rewoundLimit}) with every changed key replaced by
 * its state then, in key order, cut to `limit`. `currentCount` (the number
 * of current keys after `after`, when the caller wants counts) is rewound
 * the same way.
 */
export function rewoundPage(
  current: readonly KeyValue[],
  changed: Map<string, Rewound>,
  limit: number,
  revision: number,
  currentCount?: number,
): ListResult {
  let items: KeyValue[] = [];
  for (const kv of current) if (!changed.has(kv.key)) items.push(kv);
  let count = currentCount;
  for (const c of changed.values()) {
    if (c.then !== null) items.push(c.then);
    if (count !== undefined) count += (c.then !== null ? 1 : 0) - (c.now ? 1 : 0);
  }
  if (changed.size > 0) items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let more = false;
  if (limit > 0 && items.length > limit) {
    items = items.slice(0, limit);
    more = true;
  }
  const res: ListResult = { items, revision, more };
  if (count !== undefined) res.count = count;
  return res;
}

/** Hooks a {@linkcode WatchQueue} calls on its owner. */
export interface WatchQueueHooks {
  /** The queue ended (abort, return, close, error); unregister it. */
  detach(q: WatchQueue): void;
  /** A consumer started (true) or stopped (false) waiting in `next()`. */
  waiting?(q: WatchQueue, waiting: boolean): void;
}

type Waiter = {
  resolve(r: IteratorResult<StoreEvent>): void;
  reject(e: unknown): void;
};

const OPEN = 0;
const ENDING = 1;
const DONE = 2;

/**
 * One watch: an async iterator over events with a buffer that writers and
 * pollers feed synchronously with {@linkcode WatchQueue.offer}. A waiting
 * `next()` is resolved directly by `offer`, so delivery costs one microtask.
 */
export class WatchQueue implements AsyncIterableIterator<StoreEvent> {
  /** Only keys starting with this prefix are delivered. */
  readonly prefix: string;
  /** The revision of the last event offered (delivered or filtered out). */
  cursor: number;
  #buf: StoreEvent[] = [];
  #pos = 0;
  #waiter: Waiter | undefined;
  #state = OPEN;
  #error: unknown;
  #hooks: WatchQueueHooks;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(prefix: string, cursor: number, hooks: WatchQueueHooks, signal?: AbortSignal) {
    this.prefix = prefix;
    this.cursor = cursor;
    this.#hooks = hooks;
    if (signal) {
      if (signal.aborted) {
        this.#state = DONE;
      } else {
        this.#signal = signal;
        this.#onAbort = () => this.stop();
        signal.addEventListener("abort", this.#onAbort, { once: true });
      }
    }
  }

  /** Every change through this revision was offered (those under the prefix are delivered or buffered). */
  get progress(): number {
    return this.cursor;
  }

  /** True once the queue no longer accepts events. */
  get closed(): boolean {
    return this.#state !== OPEN;
  }

  /**
   * Offers an event: ignored when its revision is not after the cursor (a
   * duplicate) or its key is outside the prefix; otherwise delivered.
   */
  offer(ev: StoreEvent): void {
    if (this.#state !== OPEN || ev.revision <= this.cursor) return;
    this.cursor = ev.revision;
    if (!ev.key.startsWith(this.prefix)) return;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      this.#hooks.waiting?.(this, false);
      w.resolve({ value: ev, done: false });
    } else {
      this.#buf.push(ev);
    }
  }

  /** Ends the watch after the buffered events, with `error` if given. */
  end(error?: unknown): void {
    if (this.#state !== OPEN) return;
    this.#state = ENDING;
    this.#error = error;
    this.#cleanup();
    const w = this.#waiter;
    if (w !== undefined && this.#pos >= this.#buf.length) {
      this.#waiter = undefined;
      this.#hooks.waiting?.(this, false);
      this.#state = DONE;
      if (error !== undefined) w.reject(error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  /** Ends the watch at once, dropping buffered events. */
  stop(): void {
    if (this.#state === DONE) return;
    const wasOpen = this.#state === OPEN;
    this.#state = DONE;
    this.#buf = [];
    this.#pos = 0;
    if (wasOpen) this.#cleanup();
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      this.#hooks.waiting?.(this, false);
      w.resolve({ value: undefined, done: true });
    }
  }

  #cleanup(): void {
    if (this.#signal && this.#onAbort) {
      this.#signal.removeEventListener("abort", this.#onAbort);
    }
    this.#signal = undefined;
    this.#onAbort = undefined;
    this.#hooks.detach(this);
  }

  /** Returns the next event, waiting for one if none is buffered. */
  next(): Promise<IteratorResult<StoreEvent>> {
    if (this.#pos < this.#buf.length) {
      const ev = this.#buf[this.#pos++];
      if (this.#pos === this.#buf.length) {
        this.#buf = [];
        this.#pos = 0;
      } else if (this.#pos >= 1024 && this.#pos * 2 >= this.#buf.length) {
        this.#buf = this.#buf.slice(this.#pos);
        this.#pos = 0;
      }
      return Promise.resolve({ value: ev, done: false });
    }
    if (this.#state === ENDING) {
      this.#state = DONE;
      const error = this.#error;
      this.#error = undefined;
      if (error !== undefined) return Promise.reject(error);
    }
    if (this.#state === DONE) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new TypeError("watch: next() called while a previous next() is pending"),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#hooks.waiting?.(this, true);
    });
  }

  /** Stops the watch. */
  return(): Promise<IteratorResult<StoreEvent>> {
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StoreEvent> {
    return this;
  }
}

/** A page of the change log, as read by a persistent backend. */
export interface LogPage {
  /** Events after the requested revision, in revision order (possibly prefix-filtered). */
  events: StoreEvent[];
  /**
   * How far the read got in the log: every event with revision <= `end`
   * (under the prefix) is in `events` or before `after`. Never beyond the
   * log's actual head, even when `after` is.
   */
  end: number;
  /** True when the read reached the end of the log. */
  complete: boolean;
  /** The compaction revision, read in the same snapshot or after the events. */
  compacted: number;
}

/** Reads the change log of a persistent store. */
export interface LogReader {
  /** Reads up to `limit` events with revision > `after` (keys under `prefix`, when filtering is cheap). */
  read(after: number, limit: number, prefix: string): LogPage | Promise<LogPage>;
}

const PAGE = 512;

/**
 * Fans out a persistent store's change log to its watchers. One poll reads
 * the log after `head` and offers every event to every live watcher; a new
 * watcher first catches up on its own from its start revision, then joins
 * the live set once it is not behind `head`. Events carry revisions, so a
 * watcher drops anything at or before its cursor: no gaps, no duplicates.
 */
export class LogHub {
  /** Every event with revision <= head has been offered to all live watchers. */
  head = 0;
  readonly live: Set<WatchQueue> = new Set();
  readonly catching: Set<WatchQueue> = new Set();
  #reader: LogReader;
  /** Local events that arrived while a poll ran or after a gap, by revision. */
  #early = new Map<number, StoreEvent>();
  #polling = false;
  #again = false;
  #scheduled = false;
  #waiting = 0;
  #onChange: () => void;
  #closed = false;

  /** `onChange` is called whenever the number of watchers or waiting consumers changes. */
  constructor(reader: LogReader, onChange: () => void) {
    this.#reader = reader;
    this.#onChange = onChange;
  }

  /** Number of watches (live or catching up). */
  get size(): number {
    return this.live.size + this.catching.size;
  }

  /** Number of consumers blocked in `next()`. */
  get waiting(): number {
    return this.#waiting;
  }

  #hooks: WatchQueueHooks = {
    detach: (q) => {
      const had = this.live.delete(q) || this.catching.delete(q);
      if (had) this.#onChange();
    },
    waiting: (_q, w) => {
      this.#waiting += w ? 1 : -1;
      this.#onChange();
    },
  };

  /** Starts a watch from `from`, given the compaction revision known now. */
  watch(prefix: string, from: number, compacted: number, signal?: AbortSignal): WatchQueue {
    const q = new WatchQueue(prefix, from, this.#hooks, signal);
    if (q.closed) return q;
    if (this.#closed) {
      q.end(closedError());
      return q;
    }
    if (from < compacted) {
      q.end(compactedError(from, compacted));
      return q;
    }
    this.catching.add(q);
    this.#onChange();
    this.#catchUp(q).catch((e) => q.end(e));
    return q;
  }

  async #catchUp(q: WatchQueue): Promise<void> {
    while (!q.closed) {
      const from = q.cursor;
      const page = await this.#reader.read(from, PAGE, q.prefix);
      if (q.closed) return;
      if (page.compacted > from) {
        q.end(compactedError(from, page.compacted));
        return;
      }
      for (const ev of page.events) q.offer(ev);
      if (page.end > q.cursor) q.cursor = page.end;
      if (!page.complete) continue;
      if (this.live.size === 0 && this.head < page.end) this.head = page.end;
      if (this.head <= q.cursor) {
        this.catching.delete(q);
        this.live.add(q);
        this.#onChange();
        // Events after q.cursor (e.g. local writes made while catching up) are
        // picked up by a poll.
        this.wake();
        return;
      }
    }
  }

  /**
   * A local write committed `ev`: offer it directly when it is the next
   * revision, otherwise poll the log (another process wrote in between).
   */
  local(ev: StoreEvent): void {
    if (this.live.size === 0) return;
    if (!this.#polling && ev.revision === this.head + 1) {
      this.head = ev.revision;
      for (const q of this.live) q.offer(ev);
      this.#drain();
      return;
    }
    // A poll is reading the log, or another process wrote in between: keep
    // the event for when the head reaches it, rather than reading the log
    // again for it (polls for each local write would compete with the writes).
    if (ev.revision > this.head) this.#early.set(ev.revision, ev);
    if (!this.#polling) this.wake();
  }

  /**
   * Offers the kept local events that follow the head; true when some are
   * left behind a gap (an event the log must supply first).
   */
  #drain(): boolean {
    if (this.#early.size === 0) return false;
    if (this.live.size === 0) {
      this.#early.clear();
      return false;
    }
    for (
      let ev = this.#early.get(this.head + 1);
      ev !== undefined;
      ev = this.#early.get(this.head + 1)
    ) {
      this.#early.delete(ev.revision);
      this.head = ev.revision;
      for (const q of this.live) q.offer(ev);
    }
    for (const r of this.#early.keys()) if (r <= this.head) this.#early.delete(r);
    return this.#early.size > 0;
  }

  /** True when a local write should build an event for {@linkcode LogHub.local}. */
  get wantsLocal(): boolean {
    return this.live.size > 0;
  }

  /** Schedules a poll in a microtask (coalesced). */
  wake(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.poll().catch((e) => this.fail(e));
    });
  }

  /** Reads the log after `head` and offers the events to live watchers. */
  async poll(): Promise<void> {
    if (this.#polling) {
      this.#again = true;
      return;
    }
    this.#polling = true;
    try {
      do {
        this.#again = false;
        while (this.live.size > 0 && !this.#closed) {
          const from = this.head;
          const page = await this.#reader.read(from, PAGE, "");
          if (this.#closed) return;
          if (page.compacted > from) {
            for (const q of this.live) {
              if (q.cursor < page.compacted) q.end(compactedError(q.cursor, page.compacted));
            }
            if (this.head < page.compacted) this.head = page.compacted;
          }
          for (const ev of page.events) {
            if (ev.revision <= this.head) continue;
            this.head = ev.revision;
            for (const q of this.live) q.offer(ev);
          }
          if (page.end > this.head) this.head = page.end;
          if (page.complete) break;
        }
        // Kept local events behind a gap: the log supplies the gap on the next pass.
        if (this.#drain()) this.#again = true;
      } while (this.#again && !this.#closed);
    } finally {
      this.#polling = false;
    }
  }

  /** Ends every watch with `error`. */
  fail(error: unknown): void {
    for (const q of [...this.live, ...this.catching]) q.end(error);
  }

  /** Ends every watch (buffered events are still delivered) and stops polling. */
  close(): void {
    this.#closed = true;
    for (const q of [...this.live, ...this.catching]) q.end();
  }
}

/**
 * Runs a poll timer while a hub has watchers. The timer is unref'd, except
 * while a consumer is blocked in `next()`: an idle store never keeps the
 * process alive, but a program awaiting a watch does not exit early.
 */
export class PollTimer {
  #id: ReturnType<typeof setTimeout> | undefined;
  #ms: number;
  #tick: () => void;
  #running = false;
  /** Whether the timer should keep the process alive. */
  #wantRef = false;
  /** Whether the scheduled timer currently does. */
  #refd = false;

  constructor(ms: number, tick: () => void) {
    this.#ms = ms;
    this.#tick = tick;
  }

  /** Starts, stops or re-refs the timer for the hub's current state. */
  update(active: boolean, keepAlive: boolean): void {
    if (!active) {
      this.stop();
      return;
    }
    this.#wantRef = keepAlive;
    if (!this.#running) {
      this.#running = true;
      this.#schedule();
    } else if (this.#id !== undefined && this.#refd !== keepAlive) {
      if (keepAlive) Deno.refTimer(this.#id);
      else Deno.unrefTimer(this.#id);
      this.#refd = keepAlive;
    }
  }

  #schedule(): void {
    const id = setTimeout(() => {
      this.#id = undefined;
      if (!this.#running) return;
      try {
        this.#tick();
      } finally {
        if (this.#running) this.#schedule();
      }
    }, this.#ms);
    this.#id = id;
    this.#refd = this.#wantRef;
    if (!this.#refd) Deno.unrefTimer(id);
  }

  /** Stops the timer. */
  stop(): void {
    this.#running = false;
    if (this.#id !== undefined) clearTimeout(this.#id);
    this.#id = undefined;
  }
}

/** A current key as the log-based stores read it: key, revision, create revision, value. */
export type KvRow = [string, number, number, string];

/**
 * A log row as the log-based stores (SQLite, PostgreSQL) read it: revision,
 * key, created, deleted (flags as booleans or 0/1), create revision, previous
 * revision, value (null for deletes) and the previous value (null on creates).
 */
export type LogRow = [
  number,
  string,
  boolean | number,
  boolean | number,
  number,
  number,
  string | null,
  string | null,
];

/** A {@linkcode KvRow} as a {@linkcode KeyValue}. */
export function rowToKeyValue(r: KvRow): KeyValue {
  return { key: r[0], value: r[3], revision: r[1], createRevision: r[2] };
}

/** A {@linkcode LogRow} as the event a watch delivers. */
export function rowToEvent(r: LogRow): StoreEvent {
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
