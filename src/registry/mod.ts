/**
 * The API semantics over a store.
 *
 * @module
 */
export * from "./registry.ts";
export type { FieldSelectorInput, LabelSelectorInput } from "./selection.ts";
