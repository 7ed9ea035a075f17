/**
 * The controller runtime: work queue, reconcile contract, controllers and
 * their builder, the manager (long-running and triggered), predicates, and
 * the finalizer, owner-reference and create-or-update helpers, structured
 * logging, and Prometheus metrics with their HTTP endpoint.
 *
 * @module
 */
export * from "./reconcile.ts";
export * from "./predicates.ts";
export * from "./rate_limiter.ts";
export * from "./workqueue.ts";
export * from "./controller.ts";
export * from "./builder.ts";
export * from "./manager.ts";
export * from "./progress.ts";
export * from "./finalizer.ts";
export * from "./owner.ts";
export * from "./create_or_update.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
export * from "./metrics_registry.ts";
export * from "./metrics_server.ts";
export * from "./leader_election.ts";
