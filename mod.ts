/**
 * k1s: Kubernetes API machinery without a cluster.
 *
 * Define kinds with zod, open a store (memory, SQLite or Deno KV), and
 * create, read, list, watch, update, patch and delete Kubernetes-style
 * objects with the semantics kube-apiserver gives them.
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
