/**
 * Typed clients.
 *
 * @module
 */
export * from "./client.ts";
export * from "./retry.ts";
export * from "./http.ts";
