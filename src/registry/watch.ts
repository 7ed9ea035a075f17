// The watch verb and the change-log read (changes).
import { ApiError, field, type FieldError } from "../apimachinery/errors.ts";
import type { KubeObject, ObjectMeta, WatchEvent } from "../apimachinery/meta.ts";
import { INITIAL_EVENTS_END_ANNOTATION } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import type { StoreEvent } from "../storage/types.ts";
import { StoreError } from "../storage/types.ts";
import { listPrefix } from "./codec.ts";
import type { ChangeEvent, ChangesOptions, WatchOptions } from "./options.ts";
import { compileSelectors, type ObjectPredicate } from "./selection.ts";
import type { RegistryCore } from "./_core.ts";
import { listOptionsInvalid, parseResourceVersion } from "./list.ts";

/**
 * The changes to objects of a kind between two resourceVersions, read
 * from the change log without waiting (unlike watch). Fails with 410
 * Expired when `fromResourceVersion` is older than the compaction point.
 */
export async function changes<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  options: ChangesOptions,
): Promise<ChangeEvent<T>[]> {
  const k = core.served(kind);
  const parse = (text: string | undefined, what: string): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) {
      throw ApiError.badRequest(`invalid ${what}: ${JSON.stringify(text)}`);
    }
    return Number(text);
  };
  const from = parse(options.fromResourceVersion, "resource version")!;
  const to = parse(options.toResourceVersion, "resource version");
  let events: StoreEvent[];
  try {
    events = await core.store.changes(listPrefix(k, options.namespace), from, to);
  } catch (err) {
    if (err instanceof StoreError && err.code === "compacted") {
      throw ApiError.expired(`too old resource version: ${from} (${err.revision})`);
    }
    throw err;
  }
  const out: ChangeEvent<T>[] = [];
  for (const ev of events) {
    if (ev.type === "delete") {
      if (ev.prevValue !== undefined) {
        out.push({ type: "DELETED", object: core.decode<T>(k, ev.prevValue, ev.revision) });
      }
    } else if (ev.prevValue === undefined) {
      out.push({ type: "ADDED", object: core.decode<T>(k, ev.value!, ev.revision) });
    } else {
      out.push({
        type: "MODIFIED",
        object: core.decode<T>(k, ev.value!, ev.revision),
        oldObject: core.decode<T>(k, ev.prevValue, ev.prevRevision),
      });
    }
  }
  return out;
}

/**
 * The ListOptions rules of kube-apiserver's `ValidateListOptions` for a
 * watch: `sendInitialEvents` needs `resourceVersionMatch: NotOlderThan`, and
 * `resourceVersionMatch` needs `sendInitialEvents` (bookmarks are not
 * required: kube accepts their absence for compatibility).
 */
function validateWatchOptions(options: WatchOptions): void {
  const errs: FieldError[] = [];
  const match = options.resourceVersionMatch || undefined;
  if (options.sendInitialEvents !== undefined) {
    if (match !== "NotOlderThan") {
      errs.push(
        field.forbidden(
          "resourceVersionMatch",
          "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
        ),
      );
    }
  }
  if (match !== undefined) {
    if (options.sendInitialEvents === undefined) {
      errs.push(
        field.forbidden(
          "resourceVersionMatch",
          "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
        ),
      );
    }
    if (match !== "NotOlderThan") {
      errs.push(field.notSupported("resourceVersionMatch", match, ["NotOlderThan"]));
    }
  }
  if (errs.length) throw listOptionsInvalid(errs);
}

/**
 * The checks a watch makes before it is accepted (kind served, options,
 * selectors, resourceVersion syntax): what an HTTP server answers with an
 * error status instead of a stream. {@linkcode watch} makes them too.
 */
export function checkWatch(core: RegistryCore, kind: Kind, options: WatchOptions = {}): void {
  const k = core.served(kind);
  validateWatchOptions(options);
  compileSelectors(k, options.labelSelector, options.fieldSelector);
  parseWatchResourceVersion(options.resourceVersion ?? "");
}

/**
 * Watches objects of a kind, as kube-apiserver's watch cache serves it.
 *
 * Where it starts:
 * - with `resourceVersion` absent or `"0"` (and no `sendInitialEvents`): an
 *   ADDED event for every current object, then changes; with bookmarks
 *   allowed, a BOOKMARK annotated `k8s.io/initial-events-end` after the
 *   ADDED events (as kube-apiserver 1.34 does for such watches);
 * - with a resourceVersion: the changes after it (one the store has not
 *   reached yet is waited for, silently);
 * - `sendInitialEvents: true` (with `resourceVersionMatch: "NotOlderThan"`):
 *   ADDED events for the state at (or after) the resourceVersion, then, with
 *   bookmarks allowed, the annotated BOOKMARK, then changes;
 * - `sendInitialEvents: false`: only the changes after the resourceVersion
 *   (after now when it is absent or `"0"`).
 *
 * Bad options and selectors throw. Failures after that arrive, as kube
 * sends them, as one ERROR event carrying a Status, which ends the watch: 410
 * Expired for a resourceVersion older than the compaction point, 504 "Too
 * large resource version" when `sendInitialEvents` asks for a state the
 * store does not reach in time. A watch that falls behind compaction while
 * running ends without an event (the client watches again from its last
 * resourceVersion). Objects that stop matching the selectors are DELETED
 * events carrying their last matching state, objects that start matching
 * are ADDED. Periodic bookmarks carry the store's progress, and only when it
 * moved.
 */
export async function* watch<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  options: WatchOptions = {},
): AsyncGenerator<WatchEvent<T>> {
  const k = core.served(kind);
  validateWatchOptions(options);
  const pred = compileSelectors(k, options.labelSelector, options.fieldSelector);
  const prefix = listPrefix(k, options.namespace);
  const rvText = options.resourceVersion ?? "";
  const rv = parseWatchResourceVersion(rvText);
  // kube-apiserver 1.34 (WatchList on) turns a legacy watch from "" or "0" into sendInitialEvents.
  const legacyInitial = options.sendInitialEvents === undefined && rv === 0;
  const initial = options.sendInitialEvents ?? rv === 0;
  const endBookmark = options.allowWatchBookmarks === true &&
    (options.sendInitialEvents === true || (legacyInitial && !options.resourceVersionMatch));
  const failed = (err: unknown): WatchEvent<T> | undefined =>
    err instanceof ApiError ? { type: "ERROR", object: err.status as unknown as T } : undefined;
  let from = rv;
  try {
    if (rv > 0 && options.sendInitialEvents === true) await core.waitForRevision(rv);
    if (rv > 0 && !initial) {
      const compacted = await core.store.compactedRevision();
      if (from < compacted) {
        throw ApiError.expired(`too old resource version: ${from} (${compacted})`);
      }
    }
  } catch (err) {
    const ev = failed(err);
    if (!ev) throw err;
    yield ev;
    return;
  }
  const bookmark = (rev: number, end = false): WatchEvent<T> => {
    const meta: ObjectMeta = { resourceVersion: String(rev) };
    if (end) meta.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: "true" };
    return {
      type: "BOOKMARK",
      object: { apiVersion: k.apiVersion, kind: k.kind, metadata: meta } as T,
    };
  };
  if (initial) {
    // One list is one snapshot: the watch then resumes exactly after it.
    const snapshot = await core.store.list(prefix);
    for (const kv of snapshot.items) {
      const obj = core.decode<T>(k, kv.value, kv.revision);
      if (!pred || pred(obj)) yield { type: "ADDED", object: obj };
    }
    from = snapshot.revision;
    if (endBookmark) yield bookmark(from, true);
  } else if (rv === 0) {
    from = await core.store.currentRevision();
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) return;
  const timeout = options.timeoutSeconds && options.timeoutSeconds > 0
    ? setTimeout(onAbort, options.timeoutSeconds * 1000)
    : undefined;
  let last = from;
  let bookmarked = from;
  const events = core.store.watch(prefix, from, { signal: controller.signal });
  try {
    const source: AsyncIterable<StoreEvent | "bookmark"> = options.allowWatchBookmarks
      ? withTicks(events, core.bookmarkMs, controller.signal)
      : events;
    for await (const ev of source) {
      if (ev === "bookmark") {
        // As the watch cache: the newest revision the watch has seen, never the same twice.
        const at = Math.max(last, events.progress ?? last);
        if (at > bookmarked) {
          bookmarked = at;
          yield bookmark(at);
        }
        continue;
      }
      last = ev.revision;
      const out = translate<T>(core, k, ev, pred);
      if (out) yield out;
    }
  } catch (err) {
    if (!(err instanceof StoreError && err.code === "compacted")) throw err;
    // A watch that could not keep up with compaction is closed, without an ERROR event, as the
    // watch cache closes it: the client watches again from its last resourceVersion.
    if (last === from && rv > 0) {
      yield failed(ApiError.expired(`too old resource version: ${from} (${err.revision})`))!;
    }
  } finally {
    clearTimeout(timeout);
    controller.abort();
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * A watch's resourceVersion. kube's watch path passes the versioner's error
 * through unconverted: a 500 with the bare message.
 */
function parseWatchResourceVersion(text: string): number {
  try {
    return parseResourceVersion(text);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    throw ApiError.of(500, "" as never, err.message.replace(/^invalid resource version: /, ""));
  }
}

function translate<T extends KubeObject>(
  core: RegistryCore,
  k: Kind,
  ev: StoreEvent,
  pred: ObjectPredicate | undefined,
): WatchEvent<T> | undefined {
  if (ev.type === "delete") {
    if (ev.prevValue === undefined) return undefined;
    const obj = core.decode<T>(k, ev.prevValue, ev.revision);
    return !pred || pred(obj) ? { type: "DELETED", object: obj } : undefined;
  }
  const obj = core.decode<T>(k, ev.value!, ev.revision);
  if (!pred) return { type: ev.prevValue === undefined ? "ADDED" : "MODIFIED", object: obj };
  const now = pred(obj);
  const before = ev.prevValue !== undefined && pred(core.decode(k, ev.prevValue, ev.prevRevision));
  if (now && before) return { type: "MODIFIED", object: obj };
  if (now) return { type: "ADDED", object: obj };
  // As the watch cache: the last state that matched, at the event's resourceVersion.
  if (before) return { type: "DELETED", object: core.decode<T>(k, ev.prevValue!, ev.revision) };
  return undefined;
}

/** Interleaves `source` with a "bookmark" tick every `ms` of quiet. */
async function* withTicks<T>(
  source: AsyncIterable<T>,
  ms: number,
  signal: AbortSignal,
): AsyncGenerator<T | "bookmark"> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let aborted: () => void = () => {};
  const abortP = new Promise<"abort">((resolve) => {
    aborted = () => resolve("abort");
    signal.addEventListener("abort", aborted, { once: true });
  });
  try {
    for (;;) {
      pending ??= it.next();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<"tick">((resolve) => {
        timer = setTimeout(() => resolve("tick"), ms);
      });
      const r = await Promise.race([pending, tick, abortP]);
      clearTimeout(timer);
      if (r === "abort") return;
      if (r === "tick") {
        yield "bookmark";
        continue;
      }
      pending = undefined;
      if (r.done) return;
      yield r.value;
    }
  } finally {
    signal.removeEventListener("abort", aborted);
    await it.return?.();
  }
}
