/**
 * k1s storage: a kind-agnostic, versioned key-value contract with one global
 * revision counter, compare-and-swap writes, ordered watches carrying
 * previous values, paging and compaction, addressed by URL (`memory:`,
 * `sqlite:PATH`, `kv:PATH`), with optional multi-tenancy by key prefix.
 *
 * The backends have their own entry points (`./storage/memory`,
 * `./storage/sqlite`, `./storage/kv`) and are loaded on demand by
 * {@linkcode openStore}; the shared conformance suite for third-party
 * backends is `./storage/conformance`.
 *
 * @example
 * ```ts
 * import { openStore } from "./mod.ts";
 *
 * await using store = await openStore("memory:");
 * const rev = await store.create("/registry/widgets/default/w1", '{"spec":{}}');
 * const events = store.watch("/registry/widgets/", 0, { signal: AbortSignal.timeout(1000) });
 * for await (const ev of events) {
 *   console.assert(ev.type === "put" && ev.revision === rev);
 *   break;
 * }
 * ```
 *
 * @module
 */

export {
  type KeyValue,
  type ListOptions,
  type ListResult,
  requirementError,
  type Store,
  type StoreCreateOptions,
  StoreError,
  type StoreErrorCode,
  type StoreEvent,
  type StoreWatch,
  type WatchOptions,
} from "./types.ts";
export { openStore, type OpenStoreOptions } from "./url.ts";
export { withTenant } from "./tenant.ts";
