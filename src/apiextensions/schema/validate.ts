/**
 * The complete schema validation of a custom object.
 *
 * @module
 */

import type { FieldError } from "../../apimachinery/errors.ts";
import type { CompiledSchema } from "./compile.ts";
import { validateEmbeddedResources } from "./embedded_resource.ts";
import { validateListSetsAndMaps } from "./list_type.ts";
import { validateSchema } from "./openapi_validate.ts";

/**
 * Validates a custom object as customResourceStrategy.Validate/ValidateUpdate
 * do, minus what the registry does itself (TypeMeta, the root ObjectMeta,
 * scale, CEL): the kube-openapi schema validation (ratcheted on update when
 * `old` is given), then the embedded resources' apiVersion/kind/metadata, then
 * the list-type set/map duplicates (on update only when `old` has no such
 * errors itself, as kube).
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import { validateObject } from "./validate.ts";
 * import { formatFieldError } from "../../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { spec: { type: "object",
 *   properties: { name: { type: "string", maxLength: 3 } } } } });
 * const errs = validateObject({ spec: { name: "abcd" } }, s);
 * assert.equal(formatFieldError(errs[0]), "spec.name: Too long: may not be more than 3 bytes");
 * ```
 */
export function validateObject(obj: unknown, schema: CompiledSchema, old?: unknown): FieldError[] {
  const errs = validateSchema(obj, schema, old);
  errs.push(...validateEmbeddedResources(obj, schema));
  if (old === undefined || validateListSetsAndMaps(old, schema).length === 0) {
    errs.push(...validateListSetsAndMaps(obj, schema));
  }
  return errs;
}
