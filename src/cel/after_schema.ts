/**
 * When CEL rules run after a schema's validation, as kube's custom resource
 * strategy runs them: not when an error says the object is not what the rules
 * expect (`hasBlockingErr`); then kube adds a notice instead.
 *
 * @module
 */
import type { FieldError } from "../apimachinery/errors.ts";

/** Field errors after which kube runs no CEL rules. */
const BLOCKING = new Set([
  "FieldValueNotSupported",
  "FieldValueRequired",
  "FieldValueTooLong",
  "FieldValueTooMany",
  "FieldValueTypeInvalid",
]);

/**
 * Appends to `errs` the errors of `rules` (run only now), or kube's notice
 * that they were not checked when `errs` holds a blocking error.
 *
 * @example
 * ```ts
 * import { runRulesAfter } from "./after_schema.ts";
 * import type { FieldError } from "../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 *
 * const errs: FieldError[] = [{ type: "FieldValueRequired", field: "spec.a" }];
 * runRulesAfter(errs, () => []);
 * assert.equal(errs[1].detail?.startsWith("some validation rules were not checked"), true);
 * ```
 */
export function runRulesAfter(errs: FieldError[], rules: () => FieldError[]): void {
  if (!errs.some((e) => BLOCKING.has(e.type))) {
    errs.push(...rules());
    return;
  }
  errs.push({
    type: "FieldValueInvalid",
    field: "<nil>",
    badValue: null,
    detail: "some validation rules were not checked because the object was invalid; " +
      "correct the existing errors to complete validation",
  });
}
