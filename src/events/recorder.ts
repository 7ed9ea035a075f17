/**
 * An event recorder modelled on client-go's `tools/record` package: it writes
 * core/v1 Events about objects and aggregates repeats of the same event into
 * one Event whose `count` grows, so a controller that reports the same thing
 * on every reconcile does not flood the store.
 *
 * @module
 */
import { type Clock, realClock, rfc3339 } from "../apimachinery/clock.ts";
import { isAlreadyExists, isConflict, isNotFound } from "../apimachinery/errors.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Reader, Writer } from "../client/client.ts";
import { Event, type ObjectReference } from "../resources/core_v1.ts";

/** The type of an event: `Normal` (informational) or `Warning`. */
export type EventType = "Normal" | "Warning";

/** What a recorder needs of a client: read, list, create and patch. A `Client` has all of it. */
export type EventClient = Reader & Pick<Writer, "create" | "patch">;

/** Options of {@linkcode EventRecorder}. */
export interface EventRecorderOptions {
  /** The component reporting events (`source.component`, `reportingComponent`), e.g. `my-controller`. */
  component: string;
  /** The host the component runs on (`source.host`, `reportingInstance`). */
  host?: string;
  /** Time source. Default: the real clock. */
  clock?: Clock;
  /**
   * How long after its last occurrence an event is still aggregated into the
   * same Event, in ms. Default 10 minutes.
   */
  aggregationWindowMs?: number;
  /** Most aggregation keys remembered in memory (least recently used are dropped). Default 4096. */
  cacheSize?: number;
  /**
   * Called when an event could not be written (the client failed). Recording
   * never throws for such failures. Default: `console.error`.
   */
  onError?: (error: unknown, event: Event) => void;
}

/** Default aggregation window: 10 minutes, as client-go's event aggregation interval. */
const DEFAULT_AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
/** Default LRU size, as client-go's maxLruCacheEntries. */
const DEFAULT_EVENT_CACHE_SIZE = 4096;

const MAX_ATTEMPTS = 5;
const REASON = /^[A-Z][A-Za-z0-9]*$/;

/** What the recorder remembers about the Event an aggregation key last went to. */
interface CacheEntry {
  namespace: string;
  name: string;
  count: number;
  resourceVersion: string | undefined;
  lastSeenMs: number;
}

/**
 * Records core/v1 Events about objects, as client-go's `EventRecorder` does.
 *
 * Expected flow: a controller creates one recorder per component and calls
 * {@linkcode EventRecorder.event} from its reconcile function.
 *
 * Guarantees:
 * - The Event is written in the object's namespace, or in `default` for a
 *   cluster-scoped object, named `<objectName>.<16 hex digits>`.
 * - Identical events (same involved object, type, reason, message and source)
 *   less than `aggregationWindowMs` after the previous occurrence update the
 *   existing Event (`count + 1`, `lastTimestamp` = now) with a merge patch
 *   carrying its resourceVersion; a conflict re-reads the Event and retries.
 *   The existing Event is found in an in-memory LRU cache or, on a miss, by
 *   listing Events with field selectors, so several recorders (or processes on
 *   one store) aggregate into the same Event.
 * - Calls for the same aggregation key on one recorder are serialized, so
 *   concurrent identical events do not create duplicates.
 *
 * Caveats: an aggregated Event that has been deleted (e.g. expired) is not
 * recreated with its old count, as client-go does from its cache: a new Event
 * with count 1 starts, because the store is the source of truth. Similar
 * events with different messages are not combined (client-go's
 * `EventAggregator`), and there is no spam filter.
 *
 * Errors: invalid input (a reason that is not UpperCamelCase, an unknown type,
 * an object without kind or name) throws a `TypeError` before anything is
 * written. Client failures never throw: they go to `onError` and the promise
 * resolves to `undefined`.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { EventRecorder } from "./recorder.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * const cm = await rt.client.create(ConfigMap, { metadata: { name: "app", namespace: "default" } });
 * const recorder = new EventRecorder(rt.client, { component: "app-controller" });
 * await recorder.event(cm, "Normal", "Synced", "config applied");
 * const ev = await recorder.event(cm, "Normal", "Synced", "config applied");
 * assert.equal(ev?.count, 2);
 * assert.equal(ev?.involvedObject.name, "app");
 * ```
 */
export class EventRecorder {
  readonly #client: EventClient;
  readonly #component: string;
  readonly #host: string | undefined;
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #cacheSize: number;
  readonly #onError: (error: unknown, event: Event) => void;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #pending = new Map<string, Promise<unknown>>();

  /** A recorder writing through `client` on behalf of `options.component`. */
  constructor(client: EventClient, options: EventRecorderOptions) {
    if (typeof options?.component !== "string" || options.component === "") {
      throw new TypeError("Cannot create an EventRecorder: component must be a non-empty string");
    }
    const windowMs = options.aggregationWindowMs ?? DEFAULT_AGGREGATION_WINDOW_MS;
    if (!(windowMs >= 0)) {
      throw new TypeError(
        `Cannot create an EventRecorder: aggregationWindowMs must be >= 0 (got ${windowMs})`,
      );
    }
    this.#client = client;
    this.#component = options.component;
    this.#host = options.host || undefined;
    this.#clock = options.clock ?? realClock;
    this.#windowMs = windowMs;
    this.#cacheSize = Math.max(1, options.cacheSize ?? DEFAULT_EVENT_CACHE_SIZE);
    this.#onError = options.onError ?? ((error, event) => {
      console.error(
        `Cannot record event ${event.reason} about ${event.involvedObject.kind} ` +
          `"${event.involvedObject.name}": ${error instanceof Error ? error.message : error}`,
      );
    });
  }

  /**
   * Records that `reason` happened to `object`, with a human-readable
   * `message`. Resolves to the Event as stored (new or aggregated), or to
   * `undefined` if the client failed (reported to `onError`).
   *
   * @example
   * ```ts
   * import { createRuntime, ConfigMap } from "../../mod.ts";
   * import { EventRecorder } from "./recorder.ts";
   * import assert from "node:assert/strict";
   *
   * await using rt = await createRuntime({ store: "memory:" });
   * const cm = await rt.client.create(ConfigMap, { metadata: { name: "app", namespace: "default" } });
   * const recorder = new EventRecorder(rt.client, { component: "app-controller" });
   * const ev = await recorder.event(cm, "Warning", "InvalidConfig", "key mode is missing");
   * assert.equal(ev?.type, "Warning");
   * assert.equal(ev?.metadata.namespace, "default");
   * assert.throws(() => recorder.event(cm, "Normal", "not camel", "x"), TypeError);
   * ```
   */
  event(
    object: KubeObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<Event | undefined> {
    const ref = validate(object, type, reason, message);
    const namespace = object.metadata.namespace || "default";
    const key = JSON.stringify([
      this.#component,
      this.#host ?? "",
      ref.kind,
      ref.namespace ?? "",
      ref.name,
      ref.uid ?? "",
      ref.apiVersion ?? "",
      type,
      reason,
      message,
    ]);
    const draft: Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: this.#host ? { component: this.#component, host: this.#host } : {
        component: this.#component,
      },
      count: 1,
      reportingComponent: this.#component,
      ...(this.#host ? { reportingInstance: this.#host } : {}),
    };
    const previous = this.#pending.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.#record(key, draft)).then(
      (ev) => ev,
      (err) => {
        this.#cache.delete(key);
        try {
          this.#onError(err, draft);
        } catch {
          // A failing error handler must not break the caller either.
        }
        return undefined;
      },
    );
    this.#pending.set(key, run);
    void run.then(() => {
      if (this.#pending.get(key) === run) this.#pending.delete(key);
    });
    return run;
  }

  /**
   * Resolves once every event recorded so far has been written (or has
   * failed and been reported). The manager calls it before a run ends, so
   * events a reconciler did not await are not lost when the process exits.
   */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending.values()]);
  }

  async #record(key: string, draft: Event): Promise<Event> {
    const now = this.#clock.now();
    const namespace = draft.metadata.namespace!;
    let entry = this.#cacheGet(key);
    if (entry && now - entry.lastSeenMs >= this.#windowMs) entry = undefined;
    if (!entry) entry = await this.#lookup(draft, now);
    if (entry) {
      const updated = await this.#aggregate(entry, now);
      if (updated) {
        this.#remember(key, updated, now);
        return updated;
      }
    }
    const created = await this.#create(draft, namespace, now);
    this.#remember(key, created, now);
    return created;
  }

  /** Adds one occurrence to an existing Event; undefined if it no longer exists. */
  async #aggregate(entry: CacheEntry, now: number): Promise<Event | undefined> {
    let { count, resourceVersion } = entry;
    for (let attempt = 1;; attempt++) {
      try {
        return await this.#client.patch(Event, entry.name, {
          metadata: resourceVersion ? { resourceVersion } : {},
          count: count + 1,
          lastTimestamp: rfc3339(now),
        }, { namespace: entry.namespace, type: "merge" });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        if (!isConflict(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
      let fresh: Event;
      try {
        fresh = await this.#client.get(Event, entry.name, { namespace: entry.namespace });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      count = fresh.count ?? 1;
      resourceVersion = fresh.metadata.resourceVersion;
    }
  }

  async #create(draft: Event, namespace: string, now: number): Promise<Event> {
    const at = rfc3339(now);
    for (let attempt = 1;; attempt++) {
      const ev = {
        ...draft,
        metadata: { name: `${draft.involvedObject.name}.${nameSuffix(now)}`, namespace },
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      };
      try {
        return await this.#client.create(Event, ev, { namespace });
      } catch (err) {
        if (!isAlreadyExists(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** Finds a matching Event in the store (written by any recorder) that is still in the window. */
  async #lookup(draft: Event, now: number): Promise<CacheEntry | undefined> {
    const ref = draft.involvedObject;
    const list = await this.#client.list(Event, {
      namespace: draft.metadata.namespace,
      fieldSelector: {
        ...involvedSelector(ref),
        reason: draft.reason!,
        type: draft.type!,
      },
    });
    let best: CacheEntry | undefined;
    for (const ev of list.items) {
      const io = ev.involvedObject ?? {};
      if (
        ev.message !== draft.message ||
        (ev.source?.component ?? "") !== this.#component ||
        (ev.source?.host ?? "") !== (this.#host ?? "") ||
        io.kind !== ref.kind || io.name !== ref.name ||
        (io.namespace ?? "") !== (ref.namespace ?? "") || (io.uid ?? "") !== (ref.uid ?? "") ||
        (io.apiVersion ?? "") !== (ref.apiVersion ?? "")
      ) continue;
      const last = Date.parse(ev.lastTimestamp ?? ev.firstTimestamp ?? "");
      if (Number.isNaN(last) || now - last >= this.#windowMs) continue;
      if (!best || last > best.lastSeenMs) {
        best = {
          namespace: ev.metadata.namespace ?? draft.metadata.namespace!,
          name: ev.metadata.name!,
          count: ev.count ?? 1,
          resourceVersion: ev.metadata.resourceVersion,
          lastSeenMs: last,
        };
      }
    }
    return best;
  }

  #cacheGet(key: string): CacheEntry | undefined {
    const entry = this.#cache.get(key);
    if (entry) {
      this.#cache.delete(key);
      this.#cache.set(key, entry);
    }
    return entry;
  }

  #remember(key: string, ev: Event, now: number): void {
    this.#cache.delete(key);
    this.#cache.set(key, {
      namespace: ev.metadata.namespace!,
      name: ev.metadata.name!,
      count: ev.count ?? 1,
      resourceVersion: ev.metadata.resourceVersion,
      lastSeenMs: now,
    });
    while (this.#cache.size > this.#cacheSize) {
      this.#cache.delete(this.#cache.keys().next().value!);
    }
  }
}

function validate(
  object: KubeObject,
  type: unknown,
  reason: unknown,
  message: unknown,
): ObjectReference & { kind: string; name: string } {
  const kind = object?.kind;
  const name = object?.metadata?.name;
  if (typeof kind !== "string" || kind === "" || typeof name !== "string" || name === "") {
    throw new TypeError(
      "Cannot record an event: the involved object must have a kind and metadata.name",
    );
  }
  const what = `Cannot record an event about ${kind} "${name}"`;
  if (type !== "Normal" && type !== "Warning") {
    throw new TypeError(`${what}: type ${JSON.stringify(type)} is not "Normal" or "Warning"`);
  }
  if (typeof reason !== "string" || !REASON.test(reason)) {
    throw new TypeError(
      `${what}: reason ${
        JSON.stringify(reason)
      } is not UpperCamelCase (a capital letter, then letters and digits)`,
    );
  }
  if (typeof message !== "string") {
    throw new TypeError(`${what}: message must be a string`);
  }
  const meta = object.metadata;
  const ref: ObjectReference & { kind: string; name: string } = { kind, name };
  if (meta.namespace) ref.namespace = meta.namespace;
  if (meta.uid) ref.uid = meta.uid;
  if (object.apiVersion) ref.apiVersion = object.apiVersion;
  if (meta.resourceVersion) ref.resourceVersion = meta.resourceVersion;
  return ref;
}

/** The field selector matching events about `ref`: by uid when known, else by kind and name. */
function involvedSelector(ref: ObjectReference): Record<string, string> {
  if (ref.uid) return { "involvedObject.uid": ref.uid };
  const sel: Record<string, string> = {
    "involvedObject.kind": ref.kind ?? "",
    "involvedObject.name": ref.name ?? "",
  };
  if (ref.namespace) sel["involvedObject.namespace"] = ref.namespace;
  return sel;
}

/** 16 hex digits: the clock's time in ns, with random sub-millisecond digits. */
function nameSuffix(nowMs: number): string {
  const [r] = crypto.getRandomValues(new Uint32Array(1));
  const ns = BigInt(Math.max(0, Math.floor(nowMs))) * 1_000_000n + BigInt(r % 1_000_000);
  return ns.toString(16).padStart(16, "0").slice(-16);
}

/** Options of {@linkcode eventsFor}. */
export interface EventsForOptions {
  /**
   * Namespace to search. Default: the object's namespace; for a
   * cluster-scoped object, every namespace (its events usually live in `default`).
   */
  namespace?: string;
}

/**
 * The Events about `object`, oldest first by `lastTimestamp` (as
 * `kubectl describe` shows them). Matches by `involvedObject.uid` when the
 * object has a uid, else by kind, name and namespace.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { EventRecorder, eventsFor } from "./recorder.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * const cm = await rt.client.create(ConfigMap, { metadata: { name: "app", namespace: "default" } });
 * const recorder = new EventRecorder(rt.client, { component: "app-controller" });
 * await recorder.event(cm, "Normal", "Synced", "config applied");
 * const events = await eventsFor(rt.client, cm);
 * assert.deepEqual(events.map((e) => e.reason), ["Synced"]);
 * ```
 */
export async function eventsFor(
  client: Reader,
  object: KubeObject,
  options: EventsForOptions = {},
): Promise<Event[]> {
  const meta = object.metadata ?? {};
  const ref: ObjectReference = {
    kind: object.kind,
    name: meta.name,
    namespace: meta.namespace || undefined,
    uid: meta.uid || undefined,
  };
  const list = await client.list(Event, {
    namespace: options.namespace ?? ref.namespace,
    fieldSelector: involvedSelector(ref),
  });
  const when = (e: Event): string =>
    e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? "";
  return list.items.slice().sort((a, b) => {
    const ta = Date.parse(when(a)) || 0;
    const tb = Date.parse(when(b)) || 0;
    return ta - tb;
  });
}
