/**
 * Reacting to changes without a controller: {@linkcode onChanges} batches an
 * informer's bursts of events, {@linkcode watchObject} follows one object.
 *
 * @module
 */
import { type Clock, realClock } from "../apimachinery/clock.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Reader, Watcher } from "../client/client.ts";
import type { Kind } from "../scheme/kind.ts";
import type { SharedInformer } from "./informer.ts";
import { type BackoffOptions, listerWatcherFor, Reflector } from "./reflector.ts";

/** One change in a {@linkcode ChangeBatch}. */
export interface Change<T extends KubeObject> {
  /** What happened. */
  type: "added" | "updated" | "deleted";
  /** The object after the change; for `deleted`, its last state. */
  object: T;
}

/** What {@linkcode onChanges} hands its callback. */
export interface ChangeBatch<T extends KubeObject> {
  /** True for the first batch after the informer synced (it holds the initial objects). */
  initial: boolean;
  /** The changes, in the order they happened (an object may appear more than once). */
  changes: Change<T>[];
}

/** Options of {@linkcode onChanges}. */
export interface OnChangesOptions {
  /** Quiet time that ends a burst, ms. Default 50. */
  debounceMs?: number;
  /** Longest a change waits while a burst goes on, ms. Default 1,000. */
  maxWaitMs?: number;
  /** Time source. Default the real clock. */
  clock?: Clock;
  /** Receives errors of the callback. Default: `console.error`. */
  onError?: (err: unknown) => void;
}

/** What {@linkcode onChanges} returns. */
export interface ChangeSubscription {
  /** Stops: no further callbacks; pending changes are dropped. */
  stop(): void;
}

/**
 * Calls `callback` with batches of an informer's changes: a batch is
 * delivered once no change came for `debounceMs`, or `maxWaitMs` after its
 * first change, whichever is sooner. Nothing is delivered before the
 * informer has synced; the first batch after that has `initial: true` and
 * holds every object cached then (it is delivered even when empty).
 * Callbacks never overlap: changes arriving while an async callback runs
 * form the next batch. Callback errors go to `onError`.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { InformerFactory } from "./informer.ts";
 * import { type ChangeBatch, onChanges } from "./debounce.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
 * const factory = new InformerFactory(rt.client);
 * const batches: ChangeBatch<ConfigMap>[] = [];
 * const sub = onChanges(factory.informerFor(ConfigMap), (b) => { batches.push(b); }, { debounceMs: 5 });
 * const stop = new AbortController();
 * const running = factory.start(stop.signal);
 * while (batches.length === 0) await new Promise((r) => setTimeout(r, 5));
 * assert.equal(batches[0].initial, true);
 * assert.deepEqual(batches[0].changes.map((c) => c.object.metadata.name), ["a"]);
 * sub.stop();
 * stop.abort();
 * await running;
 * ```
 */
export function onChanges<T extends KubeObject>(
  informer: SharedInformer<T>,
  callback: (batch: ChangeBatch<T>) => void | Promise<void>,
  options: OnChangesOptions = {},
): ChangeSubscription {
  const clock = options.clock ?? realClock;
  const debounceMs = options.debounceMs ?? 50;
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const onError = options.onError ??
    ((err: unknown) => console.error("k1s onChanges: callback failed", err));
  let pending: Change<T>[] = [];
  let firstAt = 0;
  let cancel: (() => void) | undefined;
  let flushing = false;
  let initialSent = false;
  let synced = false;
  let stopped = false;

  const schedule = (): void => {
    if (stopped || !synced || flushing) return;
    if (pending.length === 0 && initialSent) return;
    cancel?.();
    const now = clock.now();
    const wait = Math.max(0, Math.min(debounceMs, firstAt + maxWaitMs - now));
    cancel = clock.setTimer(flush, wait);
  };

  const push = (type: Change<T>["type"], object: T): void => {
    if (stopped) return;
    if (pending.length === 0) firstAt = clock.now();
    pending.push({ type, object });
    schedule();
  };

  const flush = async (): Promise<void> => {
    cancel = undefined;
    if (stopped || flushing) return;
    const batch: ChangeBatch<T> = { initial: !initialSent, changes: pending };
    pending = [];
    initialSent = true;
    flushing = true;
    try {
      await callback(batch);
    } catch (err) {
      try {
        onError(err);
      } catch (e) {
        console.error("k1s onChanges: onError threw", e);
      }
    } finally {
      flushing = false;
    }
    schedule();
  };

  const reg = informer.addEventHandler({
    onAdd: (obj) => push("added", obj),
    onUpdate: (_old, obj) => push("updated", obj),
    onDelete: (obj) => push("deleted", obj),
  });
  const markSynced = () => {
    if (synced || stopped) return;
    synced = true;
    if (pending.length === 0) firstAt = clock.now();
    schedule();
  };
  if (informer.hasSynced()) markSynced();
  else informer.waitForSync().then(markSynced, () => {});

  return {
    stop(): void {
      if (stopped) return;
      stopped = true;
      cancel?.();
      cancel = undefined;
      pending = [];
      reg.remove();
    },
  };
}

/** Options of {@linkcode watchObject}. */
export interface WatchObjectOptions {
  /** Namespace of a namespaced kind; default `default`. */
  namespace?: string;
  /** Ends the iteration. */
  signal?: AbortSignal;
  /** Time source (backoff). */
  clock?: Clock;
  /** Backoff of the underlying reflector. */
  backoff?: BackoffOptions;
  /** Receives list/watch errors (which are retried). Default: `console.error`. */
  onError?: (err: unknown) => void;
}

/**
 * The states of one named object: first its current state (`undefined` if
 * absent), then one value per change (`undefined` after a delete). It lists
 * and watches with a `metadata.name` field selector, resumes after failures
 * and relists after 410 like any reflector, and ends when `signal` aborts or
 * the loop breaks. States are queued, so a slow consumer still sees each one.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { watchObject } from "./debounce.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * const states: (string | undefined)[] = [];
 * for await (const cm of watchObject(rt.client, ConfigMap, "app", { namespace: "default" })) {
 *   states.push(cm?.data?.mode);
 *   if (cm === undefined) {
 *     await rt.client.create(ConfigMap, { metadata: { name: "app", namespace: "default" }, data: { mode: "on" } });
 *   } else break;
 * }
 * assert.deepEqual(states, [undefined, "on"]);
 * ```
 */
export async function* watchObject<T extends KubeObject, In>(
  client: Reader & Watcher,
  kind: Kind<T, In>,
  name: string,
  options: WatchObjectOptions = {},
): AsyncGenerator<T | undefined, void, undefined> {
  const namespace = kind.scope === "Namespaced" ? options.namespace || "default" : undefined;
  const ac = new AbortController();
  const outer = options.signal;
  const onOuterAbort = () => ac.abort(outer?.reason);
  if (outer?.aborted) return;
  outer?.addEventListener("abort", onOuterAbort, { once: true });

  const queue: (T | undefined)[] = [];
  let head = 0;
  let wake: (() => void) | undefined;
  let current: T | undefined;
  let first = true;
  const push = (obj: T | undefined): void => {
    current = obj;
    queue.push(obj);
    wake?.();
  };
  const lw = listerWatcherFor(client, kind, {
    namespace,
    fieldSelector: { "metadata.name": name },
    pageSize: 0,
  });
  const reflector = new Reflector<T>(lw, {
    replace: (items) => {
      const obj = items.find((o) => o.metadata.name === name);
      const same = obj === undefined
        ? current === undefined
        : obj.metadata.resourceVersion === current?.metadata.resourceVersion;
      if (first || !same) push(obj);
      first = false;
    },
    add: (obj) => push(obj),
    update: (obj) => push(obj),
    delete: () => push(undefined),
  }, {
    clock: options.clock,
    backoff: options.backoff,
    onError: options.onError,
    name: `${kind.plural} "${name}"`,
  });
  const onAbort = () => wake?.();
  ac.signal.addEventListener("abort", onAbort, { once: true });
  const running = reflector.start(ac.signal);
  try {
    for (;;) {
      while (head === queue.length) {
        if (ac.signal.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (ac.signal.aborted) return;
      const next = queue[head];
      queue[head++] = undefined;
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      yield next;
    }
  } finally {
    ac.abort();
    outer?.removeEventListener("abort", onOuterAbort);
    await running;
  }
}
