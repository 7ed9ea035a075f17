/**
 * The finalizer helper, after kube-rs's `finalizer()`.
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
 * by the controller); a conflicting concurrent change while adding or
 * removing the finalizer fails with a Conflict (also retried).
 *
 * @module
 */
import type { KubeObject } from "../apimachinery/meta.ts";
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
 * Runs the finalizer protocol for `object`; see the module documentation.
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
  object: T,
  handlers: FinalizerHandlers<T>,
): Promise<Result> {
  const meta = object.metadata;
  const ns = { namespace: meta.namespace };
  const fins = meta.finalizers ?? [];
  const at = fins.indexOf(name);
  if (!meta.deletionTimestamp) {
    if (at < 0) {
      await client.patch(kind, meta.name!, [
        { op: "test", path: "/metadata/resourceVersion", value: meta.resourceVersion },
        fins.length
          ? { op: "add", path: "/metadata/finalizers/-", value: name }
          : { op: "add", path: "/metadata/finalizers", value: [name] },
      ], { ...ns, type: "json" });
      return {};
    }
    return (await handlers.apply(object)) ?? {};
  }
  if (at < 0) return {};
  const result = (await handlers.cleanup(object)) ?? {};
  await client.patch(kind, meta.name!, [
    { op: "test", path: "/metadata/resourceVersion", value: meta.resourceVersion },
    { op: "test", path: `/metadata/finalizers/${at}`, value: name },
    { op: "remove", path: `/metadata/finalizers/${at}` },
  ], { ...ns, type: "json" });
  return result;
}
