/**
 * The built-in controllers: garbage collector, namespace lifecycle, event
 * expiry, CustomResourceDefinitions (naming, establishing, cleanup).
 *
 * @module
 */
export * from "./garbage_collector.ts";
export * from "./namespace.ts";
export * from "./event_ttl.ts";
export * from "./crd.ts";
