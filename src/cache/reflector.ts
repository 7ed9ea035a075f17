/**
 * The reflector: list, then watch from the list's resourceVersion, resume
 * after failures, relist when the resourceVersion has expired — and write
 * every change into a sink. client-go's `tools/cache` Reflector and
 * kube-runtime's watcher.
 *
 * @module
 */
import { type Clock, realClock, sleepOn } from "../apimachinery/clock.ts";
import { ApiError, isResourceExpired, type Status } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import type { Reader, Watcher } from "../client/client.ts";
import type { FieldSelectorInput, LabelSelectorInput } from "../registry/selection.ts";
import type { Kind } from "../scheme/kind.ts";
import { isStoreClosed } from "../storage/types.ts";

/** Options of {@linkcode ListerWatcher.list}. */
export interface ListerListOptions {
  /** A hint; "" or absent means "most recent". */
  resourceVersion?: string;
}

/** Options of {@linkcode ListerWatcher.watch}. */
export interface ListerWatchOptions {
  /** Deliver changes after this resourceVersion. */
  resourceVersion: string;
  /** Ask for BOOKMARK events. */
  allowWatchBookmarks: boolean;
  /** Ends the watch. */
  signal: AbortSignal;
}

/** Lists and watches one set of objects, as client-go's `ListerWatcher`. */
export interface ListerWatcher<T extends KubeObject> {
  /** A full list, with the resourceVersion it was read at. */
  list(options: ListerListOptions): Promise<KubeList<T>>;
  /**
   * Changes after `resourceVersion`; throws an ApiError with reason
   * Expired/Gone (410) when that resourceVersion is no longer available.
   */
  watch(options: ListerWatchOptions): AsyncIterable<WatchEvent<T>>;
}

/** What a {@linkcode listerWatcherFor} lists and watches. */
export interface ListerWatcherOptions {
  /** Only this namespace; all namespaces when absent. */
  namespace?: string;
  /** Label selector. */
  labelSelector?: LabelSelectorInput;
  /** Field selector. */
  fieldSelector?: FieldSelectorInput;
  /** Page size of lists (0: one unpaged list). Default 500, as client-go's pager. */
  pageSize?: number;
}

/**
 * A {@linkcode ListerWatcher} over a client, for one kind and optional
 * namespace and selectors. Lists are paged; if a continue token expires
 * mid-way, the list falls back to one unpaged request (as client-go's pager).
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { listerWatcherFor } from "./reflector.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
 * const lw = listerWatcherFor(rt.client, ConfigMap, { namespace: "default" });
 * const list = await lw.list({});
 * assert.deepEqual(list.items.map((o) => o.metadata.name), ["a"]);
 * ```
 */
export function listerWatcherFor<T extends KubeObject, In>(
  client: Reader & Watcher,
  kind: Kind<T, In>,
  options: ListerWatcherOptions = {},
): ListerWatcher<T> {
  const { namespace, labelSelector, fieldSelector } = options;
  const pageSize = options.pageSize ?? 500;
  const sel = { namespace, labelSelector, fieldSelector };
  return {
    async list(): Promise<KubeList<T>> {
      if (!pageSize) return await client.list(kind, sel);
      let first: KubeList<T> | undefined;
      let cont: string | undefined;
      try {
        do {
          const page: KubeList<T> = await client.list(kind, {
            ...sel,
            limit: pageSize,
            continue: cont,
          });
          if (!first) first = page;
          else for (const item of page.items) first.items.push(item);
          cont = page.metadata.continue;
        } while (cont);
      } catch (err) {
        if (!(cont && isResourceExpired(err))) throw err;
        return await client.list(kind, sel);
      }
      delete first.metadata.continue;
      delete first.metadata.remainingItemCount;
      return first;
    },
    watch(o: ListerWatchOptions): AsyncIterable<WatchEvent<T>> {
      return client.watch(kind, {
        ...sel,
        resourceVersion: o.resourceVersion,
        allowWatchBookmarks: o.allowWatchBookmarks,
        signal: o.signal,
      });
    },
  };
}

/** Receives what a {@linkcode Reflector} sees, in order. */
export interface ReflectorSink<T extends KubeObject> {
  /** A full list replaces everything known so far. */
  replace(items: T[], resourceVersion: string): void;
  /** An object appeared. */
  add(obj: T, resourceVersion: string): void;
  /** An object changed. */
  update(obj: T, resourceVersion: string): void;
  /** An object went away (`obj` is its last state). */
  delete(obj: T, resourceVersion: string): void;
  /** Progress with no change: everything up to `resourceVersion` has been seen. */
  bookmark?(resourceVersion: string): void;
}

/** Exponential backoff between attempts. */
export interface BackoffOptions {
  /** First delay, ms. Default 100. */
  initialMs?: number;
  /** Largest delay, ms. Default 30,000. */
  maxMs?: number;
  /** Growth per consecutive failure. Default 2. */
  factor?: number;
  /** A watch that stayed up this long resets the backoff, ms. Default 60,000. */
  resetAfterMs?: number;
}

/** Options of {@linkcode Reflector}. */
export interface ReflectorOptions {
  /** Time source for backoff. Default the real clock. */
  clock?: Clock;
  /** Backoff between retries. */
  backoff?: BackoffOptions;
  /** Receives every error (default: `console.error` with the name). The reflector retries after it. */
  onError?: (err: unknown) => void;
  /** Used in default error reports, e.g. the kind's plural. */
  name?: string;
}

/**
 * Keeps a sink in step with a {@linkcode ListerWatcher}.
 *
 * Expected flow: `start(signal)` lists, calls `sink.replace`, then watches
 * from the list's resourceVersion with bookmarks, calling `sink.add/update/
 * delete/bookmark` per event.
 *
 * Guarantees: events reach the sink in resourceVersion order with no gaps or
 * duplicates across watch restarts: a watch that ends or fails is resumed from
 * the last resourceVersion seen, after a backoff (initial 100 ms, doubling, at
 * most 30 s; reset once a watch stays up for `resetAfterMs`). When that
 * resourceVersion has expired (410 Expired/Gone), the reflector lists again
 * and calls `sink.replace`. It stops when `signal` aborts, or when the
 * store behind an in-process client is closed (reported to `onError` once;
 * a closed store never opens again).
 *
 * Errors: every other failure (list, watch, ERROR events, a throwing sink)
 * goes to `onError` and is retried; none is swallowed. A throwing sink triggers a relist,
 * since the sink may have missed a change.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap, type KubeObject } from "../../mod.ts";
 * import { listerWatcherFor, Reflector } from "./reflector.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
 * const names = new Set<string>();
 * const sink = {
 *   replace: (items: KubeObject[]) => items.forEach((o) => names.add(o.metadata.name!)),
 *   add: (o: KubeObject) => names.add(o.metadata.name!),
 *   update: () => {},
 *   delete: (o: KubeObject) => names.delete(o.metadata.name!),
 * };
 * const reflector = new Reflector(listerWatcherFor(rt.client, ConfigMap), sink);
 * const stop = new AbortController();
 * const running = reflector.start(stop.signal);
 * while (!reflector.hasSynced()) await new Promise((r) => setTimeout(r, 1));
 * assert.deepEqual([...names], ["a"]);
 * stop.abort();
 * await running;
 * ```
 */
export class Reflector<T extends KubeObject> {
  readonly #lw: ListerWatcher<T>;
  readonly #sink: ReflectorSink<T>;
  readonly #clock: Clock;
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #resetAfterMs: number;
  readonly #onError: (err: unknown) => void;
  #rv = "";
  #events = 0;
  #synced = false;
  #running = false;

  /** A reflector from `lw` into `sink`; nothing happens until {@linkcode Reflector.start}. */
  constructor(lw: ListerWatcher<T>, sink: ReflectorSink<T>, options: ReflectorOptions = {}) {
    this.#lw = lw;
    this.#sink = sink;
    this.#clock = options.clock ?? realClock;
    this.#initialMs = options.backoff?.initialMs ?? 100;
    this.#maxMs = options.backoff?.maxMs ?? 30_000;
    this.#factor = options.backoff?.factor ?? 2;
    this.#resetAfterMs = options.backoff?.resetAfterMs ?? 60_000;
    const name = options.name ?? "objects";
    this.#onError = options.onError ?? ((err) => {
      console.error(
        `k1s reflector (${name}): ${err instanceof Error ? err.message : String(err)}; retrying`,
      );
    });
  }

  /** The resourceVersion of the last list, event or bookmark applied ("" before the first list). */
  get lastSyncResourceVersion(): string {
    return this.#rv;
  }

  /** True once the first list has been written to the sink. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Runs until `signal` aborts; resolves then. Throws only if already running. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error("Cannot start reflector: it is already running");
    this.#running = true;
    try {
      await this.#run(signal);
    } finally {
      this.#running = false;
    }
  }

  #report(err: unknown): void {
    try {
      this.#onError(err);
    } catch (e) {
      console.error("k1s reflector: onError threw", e);
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let delay = this.#initialMs;
    let relistedAtOnce = false;
    while (!signal.aborted) {
      let watchStart = -1;
      let failed = false;
      const eventsBefore = this.#events;
      try {
        if (needList) {
          // Held in a variable that is cleared once replaced: the list must not stay alive
          // (with every object as listed, before any transform) while the watch runs.
          let list: KubeList<T> | undefined = await this.#lw.list({ resourceVersion: this.#rv });
          if (signal.aborted) return;
          const rv = list.metadata.resourceVersion ?? "";
          needList = false;
          try {
            this.#sink.replace(list.items, rv);
          } catch (err) {
            needList = true;
            throw err;
          } finally {
            list = undefined;
          }
          this.#rv = rv;
          this.#synced = true;
        }
        watchStart = this.#clock.now();
        await this.#watch(signal);
      } catch (err) {
        if (signal.aborted) return;
        if (isStoreClosed(err)) {
          // A closed store never opens again: retrying would only spin.
          this.#report(err);
          return;
        }
        failed = true;
        if (err instanceof SinkError) {
          needList = true;
          this.#report(err.cause);
        } else {
          if (isResourceExpired(err)) needList = true;
          this.#report(err);
        }
      }
      if (signal.aborted) return;
      if (watchStart >= 0 && this.#clock.now() - watchStart >= this.#resetAfterMs) {
        delay = this.#initialMs;
      }
      // A 410 on a watch that was delivering events is routine (history was
      // compacted while we lagged): relist at once, but only once in a row.
      // Everything else waits out the backoff.
      if (this.#events > eventsBefore) relistedAtOnce = false;
      if (failed && needList && !relistedAtOnce && watchStart >= 0) {
        relistedAtOnce = true;
        continue;
      }
      relistedAtOnce = false;
      await sleepOn(this.#clock, delay, signal);
      delay = Math.min(this.#maxMs, delay * this.#factor);
    }
  }

  async #watch(signal: AbortSignal): Promise<void> {
    const ac = new AbortController();
    const onAbort = () => ac.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const events = this.#lw.watch({
        resourceVersion: this.#rv,
        allowWatchBookmarks: true,
        signal: ac.signal,
      });
      for await (const ev of events) {
        if (signal.aborted) return;
        if (ev.type === "ERROR") {
          const st = ev.object as unknown as Status;
          throw st && typeof st === "object" && st.kind === "Status"
            ? new ApiError(st)
            : new Error(`watch returned an ERROR event: ${JSON.stringify(ev.object)}`);
        }
        const rv = ev.object?.metadata?.resourceVersion ?? "";
        try {
          switch (ev.type) {
            case "ADDED":
              this.#sink.add(ev.object, rv);
              break;
            case "MODIFIED":
              this.#sink.update(ev.object, rv);
              break;
            case "DELETED":
              this.#sink.delete(ev.object, rv);
              break;
            case "BOOKMARK":
              this.#sink.bookmark?.(rv);
              break;
            default:
              throw new Error(`watch returned an event of unknown type ${String(ev.type)}`);
          }
        } catch (err) {
          throw new SinkError(err);
        }
        if (rv) this.#rv = rv;
        this.#events++;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      ac.abort();
    }
  }
}

class SinkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
