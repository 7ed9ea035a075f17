/**
 * Built-in kinds.
 *
 * @module
 */
export * from "./core_v1.ts";
