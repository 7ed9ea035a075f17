/**
 * k1s: Kubernetes API machinery without a cluster.
 *
 * Define kinds with zod, open a store (memory, SQLite or Deno KV), and
 * create, read, list, watch, update, patch and delete Kubernetes-style
 * objects with the semantics kube-apiserver gives them.
 *
 * Operators and controllers, for authors who know controller-runtime or
 * kube-rs:
 *
 * - `rt.manager()` is the manager with the built-in controllers (garbage
 *   collector, namespace lifecycle, event expiry); add yours with
 *   `controllerFor(Kind).owns(Child).complete(reconcile)` and
 *   `start(signal, { leaderElection: {}, metricsServer: { port } })`
 *   ({@linkcode Manager}, {@linkcode StartOptions}). A reconciler gets a
 *   client, a cached reader, an event recorder and a logger
 *   ({@linkcode ReconcileContext}); closing the runtime stops the manager.
 * - {@linkcode finalizer} runs the finalizer protocol (its guarantees are on
 *   the function); {@linkcode setStatusCondition} and its siblings keep
 *   `status.conditions` as apimachinery's `meta` package does;
 *   {@linkcode ignoreNotFound} and {@linkcode getOrUndefined} read what may
 *   be absent.
 * - {@linkcode LeaderElector} is client-go's leader election on a
 *   {@linkcode Lease}; {@linkcode Metrics} holds controller-runtime's
 *   metrics; {@linkcode serveMetrics} serves them with health probes.
 * - Tests run on the memory store: `createRuntime()`, then `start()` a
 *   manager, or `runTriggered()` to reconcile until idle.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { createRuntime, defineKind } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const Item = defineKind({
 *   group: "inventory.k1s.dev",
 *   version: "v1alpha1",
 *   kind: "Item",
 *   spec: z.object({ quantity: z.number().int().min(0).default(1) }),
 * });
 * await using rt = await createRuntime({ store: "memory:", kinds: [Item] });
 * const item = await rt.client.create(Item, { metadata: { name: "pen" }, spec: {} });
 * assert.equal(item.spec.quantity, 1);
 * assert.equal(item.metadata.generation, 1);
 * ```
 *
 * @module
 */
export * from "./src/core.ts";
export * from "./src/cache/mod.ts";
export * from "./src/controller/mod.ts";
export * from "./src/system/mod.ts";
export * from "./src/runtime.ts";
export * from "./src/connect.ts";
export * from "./src/apiextensions/export.ts";
export * from "./src/apiextensions/generate.ts";
export { PolicyEvaluator } from "./src/registry/admission_policy.ts";
