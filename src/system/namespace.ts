/**
 * Namespace lifecycle: a namespace being deleted (Terminating) has every
 * namespaced object of every kind in it deleted — user kinds included, their
 * finalizers honoured — and, once nothing is left, its `kubernetes`
 * finalizer removed through the `finalize` subresource, which lets the
 * registry remove it. While content remains, the namespace's conditions say
 * what is left, as kube-controller-manager reports it.
 *
 * @module
 */
import { isConflict, isNotFound } from "../apimachinery/errors.ts";
import { type Clock, realClock, rfc3339 } from "../apimachinery/clock.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import { Controller, type ControllerOptions, type WatchSpec } from "../controller/controller.ts";
import type { ReconcileContext, Request } from "../controller/reconcile.ts";
import type { Registry } from "../registry/registry.ts";
import { Namespace, NAMESPACE_FINALIZER } from "../resources/core_v1.ts";
import type { Scheme } from "../scheme/scheme.ts";

/** Options of {@linkcode namespaceController}. */
export interface NamespaceControllerOptions extends ControllerOptions {
  /** Controller name. Default `namespace-lifecycle`. */
  name?: string;
  /** The clock condition timestamps come from (the queue keeps real time). */
  clock?: Clock;
}

type NamespaceCondition = NonNullable<NonNullable<Namespace["status"]>["conditions"]>[number];

/**
 * Builds the namespace lifecycle controller. `registry` is used for the
 * `finalize` subresource.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap, Namespace } from "../../mod.ts";
 * import { namespaceController } from "./namespace.ts";
 * import { Manager } from "../controller/manager.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * await rt.client.create(Namespace, { metadata: { name: "team" } });
 * await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "team" } });
 * await rt.client.delete(Namespace, "team");
 * const mgr = new Manager(rt);
 * mgr.add(namespaceController(rt.scheme, rt.registry));
 * await mgr.runTriggered();
 * assert.equal((await rt.client.list(Namespace)).items.some((n) => n.metadata.name === "team"), false);
 * ```
 */
export function namespaceController(
  scheme: Scheme,
  registry: Registry,
  options: NamespaceControllerOptions = {},
): Controller {
  const clock: Clock = options.clock ?? realClock;
  const watches: WatchSpec[] = [
    {
      kind: Namespace as never,
      predicates: [],
      map: (
        ev,
      ) => (ev.object.metadata.deletionTimestamp ? [{ name: ev.object.metadata.name! }] : []),
    },
    // A namespaced object going away may be the last thing a terminating namespace waits for.
    ...scheme.kinds().filter((k) => k.scope === "Namespaced").map((kind): WatchSpec => ({
      kind,
      predicates: [],
      map: (ev) =>
        (ev.type === "delete" || ev.object.metadata.deletionTimestamp) &&
          ev.object.metadata.namespace
          ? [{ name: ev.object.metadata.namespace }]
          : [],
    })),
  ];
  const reconcile = async (req: Request, ctx: ReconcileContext): Promise<void> => {
    let ns: Namespace;
    try {
      ns = await ctx.client.get(Namespace, req.name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return;
    if (!ns.spec?.finalizers?.includes(NAMESPACE_FINALIZER)) return;
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    for (const kind of scheme.kinds()) {
      if (kind.scope !== "Namespaced") continue;
      const list = await ctx.client.list(kind, { namespace: req.name });
      for (const obj of list.items) {
        let left: KubeObject | undefined = obj;
        if (!obj.metadata.deletionTimestamp) {
          try {
            left = await ctx.client.delete(kind, obj.metadata.name!, {
              namespace: req.name,
              preconditions: { uid: obj.metadata.uid },
            });
            if (!left.metadata.finalizers?.length) left = undefined;
          } catch (err) {
            if (isNotFound(err) || isConflict(err)) continue;
            throw err;
          }
        }
        if (!left) continue;
        const resource = kind.group ? `${kind.plural}.${kind.group}` : `${kind.plural}.`;
        remaining.set(resource, (remaining.get(resource) ?? 0) + 1);
        for (const f of left.metadata.finalizers ?? []) {
          finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
        }
      }
    }
    if (remaining.size) {
      const now = rfc3339(clock.now());
      const describe = (m: Map<string, number>, what: (k: string, n: number) => string) =>
        [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => what(k, n)).join(", ");
      const conditions: NamespaceCondition[] = [
        {
          type: "NamespaceContentRemaining",
          status: "True",
          lastTransitionTime: now,
          reason: "SomeResourcesRemain",
          message: `Some resources are remaining: ${
            describe(remaining, (k, n) => `${k} has ${n} resource instances`)
          }`,
        },
        {
          type: "NamespaceFinalizersRemaining",
          status: finalizers.size ? "True" : "False",
          lastTransitionTime: now,
          reason: finalizers.size ? "SomeFinalizersRemain" : "ContentHasNoFinalizers",
          message: finalizers.size
            ? `Some content in the namespace has finalizers remaining: ${
              describe(finalizers, (k, n) => `${k} in ${n} resource instances`)
            }`
            : "All content-preserving finalizers finished",
        },
      ];
      const same = JSON.stringify(
        (ns.status?.conditions ?? []).map((c) => [c.type, c.status, c.message]),
      ) === JSON.stringify(conditions.map((c) => [c.type, c.status, c.message]));
      if (!same) {
        await ctx.client.status.update(Namespace, {
          ...ns,
          status: { ...ns.status, conditions },
        });
      }
      return;
    }
    await registry.update(Namespace, {
      ...ns,
      spec: { ...ns.spec, finalizers: ns.spec.finalizers.filter((f) => f !== NAMESPACE_FINALIZER) },
    }, { subresource: "finalize" });
  };
  const { clock: _conditionClock, ...controllerOptions } = options;
  return new Controller(
    options.name ?? "namespace-lifecycle",
    reconcile,
    watches,
    controllerOptions,
  );
}
