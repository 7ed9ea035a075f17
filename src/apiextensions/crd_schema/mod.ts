/**
 * Validation of a CustomResourceDefinition's `openAPIV3Schema`, as
 * kube-apiserver's apiextensions server does it: the OpenAPI rules of
 * `ValidateCustomResourceDefinitionOpenAPISchema`, structural schemas
 * (`NewStructural`, `ValidateStructural`), default values
 * (`ValidateDefaults`) and the ratcheting of these rules on update.
 *
 * @example
 * ```ts
 * import { validateOpenAPISchema } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(validateOpenAPISchema({ type: "object" }, "spec.validation.openAPIV3Schema", {}), []);
 * ```
 *
 * @module
 */
export { type SchemaValidationOptions, validateOpenAPISchema } from "./validate.ts";
export { CREATE_SCHEMA_OPTIONS, ratchetedSchemaOptions, schemaHas } from "./ratcheting.ts";
export type { CELNodeContext, CELValidator } from "./openapi_schema.ts";
export type { DefaultValidator } from "./defaults.ts";
export { structuralConversionError, validateStructural } from "./structural.ts";
export { fieldPathError } from "./field_path.ts";
