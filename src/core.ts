/**
 * The API machinery without informers and controllers: kinds and schemas,
 * the built-in core/v1 kinds and CustomResourceDefinitions, the registry with kube-apiserver's semantics,
 * the typed client, event recording, stores, and
 * {@linkcode createRuntimeCore}. Importing only
 * this keeps a short-lived process (a CLI command) fast to start; the main
 * entry point re-exports all of it.
 *
 * @module
 */
export * from "./apimachinery/mod.ts";
export * from "./scheme/mod.ts";
export * from "./resources/mod.ts";
export * from "./apiextensions/mod.ts";
export * from "./registry/mod.ts";
export * from "./client/mod.ts";
export * from "./events/mod.ts";
export {
  type CompactionOptions,
  createRuntimeCore,
  RuntimeCore,
  type RuntimeCoreOptions,
} from "./runtime_core.ts";
export type {
  KeyValue,
  ListOptions as StoreListOptions,
  ListResult as StoreListResult,
  Store,
  StoreErrorCode,
  StoreEvent,
  WatchOptions as StoreWatchOptions,
} from "./storage/types.ts";
export { StoreError } from "./storage/types.ts";
export { openStore, type OpenStoreOptions } from "./storage/url.ts";
