/**
 * The reconcile contract: a request names one object (namespace and name);
 * a reconciler is level-triggered and idempotent, and says whether to come
 * back later. As in controller-runtime, a {@linkcode TerminalError} is not
 * retried.
 *
 * @module
 */
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Client, IndexedReader } from "../client/client.ts";
import type { EventRecorder } from "../events/recorder.ts";
import type { Clock } from "../apimachinery/clock.ts";
import type { Logger } from "./logger.ts";

/** What to reconcile: one object. */
export interface Request {
  /** Namespace of a namespaced object. */
  namespace?: string;
  /** Name of the object. */
  name: string;
}

/** What a reconciler asks for after a successful run. */
export interface Result {
  /** Reconcile this object again after this many milliseconds. */
  requeueAfterMs?: number;
  /** Reconcile this object again with the queue's backoff. */
  requeue?: boolean;
}

/** An error that retrying cannot fix; the request is dropped after it is reported. */
export class TerminalError extends Error {
  /** Wraps `cause` (or a message). */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TerminalError";
  }
}

/** What a reconciler gets besides its request. */
export interface ReconcileContext {
  /** Aborted when the controller shuts down; long operations should stop. */
  signal: AbortSignal;
  /** Writes (and uncached reads). Reads through `reader` see these writes. */
  client: Client;
  /**
   * Cached reads (the informer cache, or the client in triggered mode);
   * lists can read the indexes registered with `manager.indexField`.
   */
  reader: IndexedReader;
  /**
   * This reconcile's logger, with the fields controller-runtime adds: `controller`,
   * `controllerGroup`, `controllerKind`, the object under the kind's name, `namespace`, `name`
   * and `reconcileID`.
   */
  log: Logger;
  /** Records core/v1 Events about objects (the manager's recorder, aggregating repeats). */
  recorder: EventRecorder;
  /**
   * The manager's time source (a `FakeClock` in tests that give one): use
   * it for expiry and requeue arithmetic instead of `Date.now()`.
   */
  clock?: Clock;
}

/** A reconcile function. Throwing retries with backoff, except for {@linkcode TerminalError}. */
export type Reconciler = (
  request: Request,
  context: ReconcileContext,
) => Promise<Result | void> | Result | void;

/**
 * The queue key of a request: `namespace/name`, or `name` for cluster-scoped objects.
 *
 * @example
 * ```ts
 * import { requestKey, requestFromKey } from "./reconcile.ts";
 * import assert from "node:assert/strict";
 * assert.equal(requestKey({ namespace: "default", name: "app" }), "default/app");
 * assert.deepEqual(requestFromKey("app"), { name: "app" });
 * ```
 */
export function requestKey(req: Request): string {
  return req.namespace ? `${req.namespace}/${req.name}` : req.name;
}

/** The request of a queue key made by {@linkcode requestKey}. */
export function requestFromKey(key: string): Request {
  const i = key.indexOf("/");
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The request of an object. */
export function requestFor(obj: KubeObject): Request {
  const { namespace, name } = obj.metadata;
  return namespace ? { namespace, name: name ?? "" } : { name: name ?? "" };
}
