/**
 * The storage contract: a kind-agnostic, versioned key-value store with one
 * global revision counter, compare-and-swap writes, ordered watches with
 * previous values, paging and compaction. Every backend (memory, SQLite,
 * Deno KV) implements {@linkcode Store} and passes the shared conformance
 * suite.
 *
 * @module
 */

/** One stored value with its revisions. */
export interface KeyValue {
  /** The full key (without the tenant prefix). */
  key: string;
  /** The opaque value (serialized JSON for the registry). */
  value: string;
  /** Revision of the write that last changed this key ("mod revision"). */
  revision: number;
  /** Revision of the write that created this key. */
  createRevision: number;
}

/** Options for {@linkcode Store.list}. */
export interface ListOptions {
  /** Maximum number of items to return; 0 or absent means all. */
  limit?: number;
  /**
   * Return keys strictly after this key (the last key of the previous page).
   * Must be under the listed prefix.
   */
  after?: string;
  /**
   * Read the keys as they were at this past revision (a snapshot, as etcd's
   * range at a revision): keys created after it are absent, keys changed or
   * deleted after it have their value as of it. Absent or equal to the
   * current revision: the current state. Fails with a `compacted` StoreError
   * below the compaction point and a `future` StoreError above the current
   * revision.
   */
  revision?: number;
  /** Also report {@linkcode ListResult.count}. */
  count?: boolean;
}

/** The result of {@linkcode Store.list}. */
export interface ListResult {
  /** Items in ascending key order. */
  items: KeyValue[];
  /** The store revision the list was read at. */
  revision: number;
  /** True when more keys follow the last returned item. */
  more: boolean;
  /**
   * With {@linkcode ListOptions.count}: how many keys under the prefix (and
   * after `after`) exist at the list's revision, the returned ones included.
   */
  count?: number;
}

/** A change delivered by {@linkcode Store.watch}. */
export interface StoreEvent {
  /** `put` for creates and updates, `delete` for deletes. */
  type: "put" | "delete";
  /** The key that changed. */
  key: string;
  /** Revision of this change. */
  revision: number;
  /** New value for `put`; absent for `delete`. */
  value?: string;
  /** Revision that created the key (for `put`: 0 never). */
  createRevision: number;
  /** Previous value on updates and deletes; absent on creates. */
  prevValue?: string;
  /** Revision of the previous value; 0 on creates. */
  prevRevision: number;
}

/** Why a store operation failed. */
export type StoreErrorCode =
  /** create: the key exists. */
  | "exists"
  /** update/delete: the key does not exist. */
  | "not-found"
  /** update/delete: the key's revision is not the expected one. */
  | "conflict"
  /** watch/list/changes: the revision is older than the compaction point. */
  | "compacted"
  /** list: the revision is newer than the store's current revision. */
  | "future"
  /** the value is larger than the backend can store. */
  | "too-large"
  /** create: the key named by `requires` is absent or at another revision. */
  | "requirement"
  /** the store was closed. */
  | "closed"
  /**
   * the store's file cannot be used: missing, a directory, corrupt, of
   * another program, read-only or locked. The message names the path and
   * what to do.
   */
  | "unavailable";

/** A storage failure with a machine-readable code. */
export class StoreError extends Error {
  /** What went wrong. */
  readonly code: StoreErrorCode;
  /**
   * For `conflict`: the key's current revision (0 if it is absent). For
   * `compacted`: the compaction revision. For `future`: the current revision.
   */
  readonly revision: number;
  /** For `conflict`, the current value when the backend has it at hand. */
  readonly current?: KeyValue;

  /** Creates a storage error. */
  constructor(
    code: StoreErrorCode,
    message: string,
    revision = 0,
    current?: KeyValue,
  ) {
    super(message);
    this.name = "StoreError";
    this.code = code;
    this.revision = revision;
    this.current = current;
  }
}

/**
 * True for the error of a closed store: final, never worth retrying.
 *
 * @example
 * ```ts
 * import { openMemoryStore } from "./memory.ts";
 * import { isStoreClosed } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const store = openMemoryStore();
 * await store.close();
 * await assert.rejects(store.get("/a"), isStoreClosed);
 * ```
 */
export function isStoreClosed(err: unknown): boolean {
  return err instanceof StoreError && err.code === "closed";
}

/** Options for {@linkcode Store.create}. */
export interface StoreCreateOptions {
  /** Another key that must be at this revision for the create to happen. */
  requires?: { key: string; revision: number };
}

/** A `requirement` StoreError: `requires` of a create is not met. */
export function requirementError(key: string, revision: number): StoreError {
  return new StoreError(
    "requirement",
    `required key ${key} is not at revision ${revision}`,
    revision,
  );
}

/** What {@linkcode Store.watch} returns: the events, and how far the watch has read. */
export interface StoreWatch extends AsyncIterable<StoreEvent> {
  /**
   * When the backend knows it: the revision through which every change has
   * been seen, and every change under the watched prefix delivered or
   * buffered. A bookmark at this revision loses nothing (etcd's progress
   * notification).
   */
  readonly progress?: number;
}

/** Options for {@linkcode Store.watch}. */
export interface WatchOptions {
  /** Stops the watch; the iterator then ends. */
  signal?: AbortSignal;
}

/**
 * A versioned key-value store. Keys are strings ordered by UTF-16 code unit
 * (plain ASCII keys in practice); values are opaque strings.
 *
 * Guarantees every backend gives (and the conformance suite checks):
 * - every successful write takes the next global revision; revisions only grow;
 * - `update` and `delete` with an expected revision are compare-and-swap;
 * - `watch(prefix, from)` yields every change with revision > `from` under the
 *   prefix, in revision order, without gaps or duplicates, including changes
 *   made by other processes on the same persistent store; a `from` older than
 *   the compaction point fails with a `compacted` StoreError;
 * - `changes(prefix, from, to)` returns the same events as such a watch for
 *   the revisions in `(from, to]`, with the same compaction rule;
 * - `list` pages in key order without duplicates or skips, and reads any
 *   revision from the compaction point to the current one, so that every
 *   page of a paged list is one snapshot.
 */
export interface Store extends AsyncDisposable {
  /** The current (latest) revision of the store; 0 when nothing was ever written. */
  currentRevision(): Promise<number>;
  /** The compaction point: watches from a revision below it fail. */
  compactedRevision(): Promise<number>;
  /** Reads one key. */
  get(key: string): Promise<KeyValue | undefined>;
  /** Lists keys that start with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Counts keys that start with `prefix`. */
  count(prefix: string): Promise<number>;
  /**
   * Creates a key; fails with `exists` if it is present. With `requires`, the
   * create happens only if that other key is at that revision, in the same
   * atomic step (else a `requirement` StoreError): a namespace read earlier
   * is still there, unchanged, when an object is created in it. Returns the
   * new revision.
   */
  create(key: string, value: string, options?: StoreCreateOptions): Promise<number>;
  /**
   * Replaces the value of an existing key if its revision equals
   * `expectedRevision`; fails with `not-found` or `conflict`. Returns the new revision.
   */
  update(key: string, value: string, expectedRevision: number): Promise<number>;
  /**
   * Deletes a key, if `expectedRevision` is given only when its revision
   * matches. Returns the revision of the delete and the deleted entry.
   */
  delete(
    key: string,
    expectedRevision?: number,
  ): Promise<{ revision: number; prev: KeyValue }>;
  /** Streams changes under `prefix` after revision `fromRevision`. */
  watch(
    prefix: string,
    fromRevision: number,
    options?: WatchOptions,
  ): StoreWatch;
  /**
   * The changes under `prefix` with `fromRevision < revision <= toRevision`,
   * in revision order, exactly as {@linkcode Store.watch} would deliver them
   * (with previous values), without waiting for new ones. Reads only the log
   * range, so it is cheap when the range is small whatever the store size.
   * Fails with a `compacted` StoreError when `fromRevision` is below the
   * compaction point (or compaction overtakes the read). `toRevision`
   * defaults to (and is capped at) the current revision; an empty range
   * (e.g. `fromRevision` at or after it) yields no events.
   */
  changes(prefix: string, fromRevision: number, toRevision?: number): Promise<StoreEvent[]>;
  /** Forgets history up to and including `revision` (never the current values). */
  compact(revision: number): Promise<void>;
  /** Closes the store; pending watches end. */
  close(): Promise<void>;
}
