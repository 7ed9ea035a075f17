/**
 * Built-in kinds: core/v1, admissionregistration.k8s.io/v1 and coordination.k8s.io/v1.
 *
 * @module
 */
export * from "./core_v1.ts";
export * from "./admissionregistration_v1.ts";
export * from "./coordination_v1.ts";
