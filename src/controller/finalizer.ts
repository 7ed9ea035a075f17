/**
 * The finalizer helper, after kube-rs's `finalizer()`: its protocol is
 * documented on {@linkcode finalizer}.
 *
 * @module
 */
import { ApiError, isInvalid } from "../apimachinery/errors.ts";
import type { JsonPatchOperation } from "../apimachinery/json_patch.ts";
import type { KubeObject, Stored } from "../apimachinery/meta.ts";
import type { Client } from "../client/client.ts";
import type { Kind } from "../scheme/kind.ts";
import type { Result } from "./reconcile.ts";

/** True if `object` carries `name` in metadata.finalizers. */
export function hasFinalizer(object: KubeObject, name: string): boolean {
  return object.metadata.finalizers?.includes(name) ?? false;
}

/** Callbacks of {@linkcode finalizer}. */
export interface FinalizerHandlers<T extends KubeObject> {
  /** Reconciles a live object. */
  apply(object: T): Promise<Result | void> | Result | void;
  /** Releases what the object holds; runs while it is being deleted. */
  cleanup(object: T): Promise<Result | void> | Result | void;
}

/**
 * Runs the finalizer protocol for `object`, after kube-rs's `finalizer()`.
 *
 * Expected flow: a reconciler calls {@linkcode finalizer} with the current
 * object and two callbacks. On the first reconcile of a live object the
 * finalizer is added (and the call returns: the write causes the next
 * reconcile). Later reconciles of the live object run `apply`. Once the
 * object is being deleted, `cleanup` runs; when it succeeds the finalizer is
 * removed, which lets the API server delete the object.
 *
 * Guarantees: `cleanup` runs before the object can disappear, as long as the
 * finalizer was added first; the finalizer is removed only after a
 * successful `cleanup`.
 *
 * Assumptions: the finalizer name is unique to this controller; `apply` and
 * `cleanup` are idempotent (they may run more than once).
 *
 * Errors: errors thrown by `apply` or `cleanup` propagate (and are retried
 * by the controller). The finalizer is added and removed with JSON patches
 * that test only the finalizer list (adding) or the finalizer's own entry
 * (removing), as kube-rs does, so changes by other writers to anything else
 * (labels, spec, status; when removing, finalizers after this one) never
 * fail them. When that list did change concurrently the call throws a 409
 * Conflict (`isConflict(err)` is true; the controller retries it, and so
 * does `retryOnConflict`); `cleanup` may then run again, as it may after
 * any failure.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { finalizer } from "./finalizer.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * const cm = await rt.client.create(ConfigMap, { metadata: { name: "db" } });
 * const handlers = { apply: () => {}, cleanup: () => {} };
 * await finalizer(rt.client, ConfigMap, "example.com/cleanup", cm, handlers);
 * const held = await rt.client.get(ConfigMap, "db");
 * assert.deepEqual(held.metadata.finalizers, ["example.com/cleanup"]);
 * ```
 */
export async function finalizer<T extends KubeObject>(
  client: Client,
  kind: Kind<T, unknown>,
  name: string,
  object: Stored<T>,
  handlers: FinalizerHandlers<Stored<T>>,
): Promise<Result> {
  const meta = object.metadata;
  const fins = meta.finalizers ?? [];
  const at = fins.indexOf(name);
  if (!meta.deletionTimestamp) {
    if (at < 0) {
      await guardedPatch(
        client,
        kind,
        object,
        `add finalizer "${name}"`,
        fins.length
          ? [
            { op: "test", path: "/metadata/finalizers", value: fins },
            { op: "add", path: "/metadata/finalizers/-", value: name },
          ]
          : [
            // An absent list reads as null to a JSON-patch test.
            { op: "test", path: "/metadata/finalizers", value: null },
            { op: "add", path: "/metadata/finalizers", value: [name] },
          ],
      );
      return {};
    }
    return (await handlers.apply(object)) ?? {};
  }
  if (at < 0) return {};
  const result = (await handlers.cleanup(object)) ?? {};
  await guardedPatch(client, kind, object, `remove finalizer "${name}"`, [
    { op: "test", path: `/metadata/finalizers/${at}`, value: name },
    { op: "remove", path: `/metadata/finalizers/${at}` },
  ]);
  return result;
}

/** A JSON patch whose failed `test` becomes a Conflict naming the finalizer. */
async function guardedPatch<T extends KubeObject>(
  client: Client,
  kind: Kind<T, unknown>,
  object: T,
  what: string,
  patch: JsonPatchOperation[],
): Promise<void> {
  const { namespace, name } = object.metadata;
  try {
    await client.patch(kind, name!, patch, { namespace, type: "json" });
  } catch (err) {
    // kube-apiserver (and the registry) answer a patch that does not apply with a generic
    // 422; for these patches that means the finalizer list was not as read.
    if (!(err instanceof ApiError) || !isInvalid(err) || err.message !== NOT_APPLIED) throw err;
    throw ApiError.conflict(
      { group: kind.group, resource: kind.plural, name: name! },
      `Cannot ${what}: metadata.finalizers changed since the object was read; ` +
        `retry with the current object`,
    );
  }
}

const NOT_APPLIED = "the server rejected our request due to an error in our request";
