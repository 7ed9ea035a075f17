/**
 * Validation, pruning and defaulting of custom-resource objects against a CRD
 * version's structural `openAPIV3Schema`, as apiextensions-apiserver does it.
 *
 * Order used by kube-apiserver (see README of the report): on decode of a
 * request body or of storage data: {@linkcode prune} (prune, prune nulls,
 * coerce embedded metadata), then {@linkcode applyDefaults}; then on create and
 * update the registry strategy runs {@linkcode validateObject}.
 *
 * @example
 * ```ts
 * import { applyDefaults, compileSchema, prune, validateObject } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { spec: { type: "object",
 *   properties: { n: { type: "integer", default: 1 } } } } });
 * const o = { apiVersion: "a/v1", kind: "K", metadata: {}, spec: { x: 1 } };
 * assert.deepEqual(prune(o, s), ["spec.x"]);
 * applyDefaults(o, s);
 * assert.deepEqual(o.spec, { n: 1 });
 * assert.deepEqual(validateObject(o, s), []);
 * ```
 *
 * @module
 */

export type { BoundCheck, CompiledSchema, JSONSchemaProps } from "./compile.ts";
export { compileSchema } from "./compile.ts";
export { applyDefaults } from "./defaulting.ts";
export { prune, pruneNulls } from "./pruning.ts";
export { validateSchema } from "./openapi_validate.ts";
export { validateEmbeddedResources } from "./embedded_resource.ts";
export { validateListSetsAndMaps } from "./list_type.ts";
export { validateObject } from "./validate.ts";
export { formatChecker } from "./formats.ts";
