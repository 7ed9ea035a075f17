/**
 * Kinds and the Scheme that serves them.
 *
 * @module
 */
export * from "./kind.ts";
export * from "./scheme.ts";
export * from "./openapi.ts";
export type { JsonSchema } from "./json_schema.ts";
