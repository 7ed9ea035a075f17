/**
 * The built-in controllers: garbage collector, namespace lifecycle, event
 * expiry.
 *
 * @module
 */
export * from "./garbage_collector.ts";
export * from "./namespace.ts";
export * from "./event_ttl.ts";
