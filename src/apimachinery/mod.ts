/**
 * The vocabulary of the API: object metadata, group/version/kind, errors
 * with Kubernetes Status, name and label validation, label and field
 * selectors, JSON / merge / strategic merge patches, time.
 *
 * @module
 */
export * from "./clock.ts";
export * from "./duration.ts";
export * from "./errors.ts";
export * from "./fields.ts";
export * from "./gvk.ts";
export * from "./json_patch.ts";
export * from "./labels.ts";
export * from "./merge_patch.ts";
export * from "./meta.ts";
export * from "./strategic_merge_patch.ts";
export * from "./validation.ts";
export * from "./json_syntax.ts";
export * from "./conditions.ts";
