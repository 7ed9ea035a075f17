/**
 * Status conditions as `k8s.io/apimachinery/pkg/api/meta` handles them: the
 * `Condition` type of `metav1.Condition` and the helpers controllers use to
 * set, find and remove conditions in `status.conditions`.
 *
 * Expected flow: a reconciler computes each condition from what it observed
 * and calls {@linkcode setStatusCondition} on the status it is about to
 * write; `lastTransitionTime` moves only when `status` changes, so writing
 * the same condition again is a no-op (the function returns false and the
 * status update can be skipped).
 *
 * @module
 */
import { rfc3339 } from "./clock.ts";

/** The status of a condition: `True`, `False` or `Unknown`. */
export type ConditionStatus = "True" | "False" | "Unknown";

/** One condition in `status.conditions` (`metav1.Condition`). */
export interface Condition {
  /** CamelCase type, e.g. `Ready` or `example.com/Synced`. */
  type: string;
  /** Whether the condition holds. */
  status: ConditionStatus;
  /** The `metadata.generation` the condition was computed from. */
  observedGeneration?: number;
  /** When `status` last changed (RFC 3339, seconds). */
  lastTransitionTime: string;
  /** CamelCase reason for the last transition, e.g. `BucketCreated`. */
  reason: string;
  /** Human-readable details. */
  message: string;
}

/** What {@linkcode setStatusCondition} takes: a condition, its transition time optional. */
export type ConditionInput = Omit<Condition, "lastTransitionTime"> & {
  /** Defaults to now when the status changes (or the condition is new). */
  lastTransitionTime?: string;
};

/** Options of {@linkcode setStatusCondition}. */
export interface SetConditionOptions {
  /** The time of a transition, in ms since the epoch. Default: now. */
  now?: number;
}

/**
 * Sets `condition` in `conditions` (in place) and says whether anything
 * changed. A new condition is appended. For an existing one, `status`,
 * `reason`, `message` and `observedGeneration` are updated, and
 * `lastTransitionTime` changes only when `status` does (to the given time,
 * or now), as `meta.SetStatusCondition` does.
 *
 * @example
 * ```ts
 * import { findStatusCondition, setStatusCondition, type Condition } from "./conditions.ts";
 * import assert from "node:assert/strict";
 *
 * const conditions: Condition[] = [];
 * const ready = { type: "Ready", status: "False", reason: "Pending", message: "" } as const;
 * assert.equal(setStatusCondition(conditions, ready, { now: Date.UTC(2026, 0, 1) }), true);
 * assert.equal(setStatusCondition(conditions, ready, { now: Date.UTC(2026, 0, 2) }), false);
 * setStatusCondition(conditions, { ...ready, reason: "Waiting" }, { now: Date.UTC(2026, 0, 3) });
 * // The status did not change, so neither did the transition time.
 * assert.equal(findStatusCondition(conditions, "Ready")?.lastTransitionTime, "2026-01-01T00:00:00Z");
 * assert.equal(findStatusCondition(conditions, "Ready")?.reason, "Waiting");
 * ```
 */
export function setStatusCondition(
  conditions: Condition[],
  condition: ConditionInput,
  options: SetConditionOptions = {},
): boolean {
  const now = () => rfc3339(options.now ?? Date.now());
  const existing = conditions.find((c) => c.type === condition.type);
  if (!existing) {
    const added: Condition = {
      type: condition.type,
      status: condition.status,
      ...(condition.observedGeneration !== undefined
        ? { observedGeneration: condition.observedGeneration }
        : {}),
      lastTransitionTime: condition.lastTransitionTime || now(),
      reason: condition.reason,
      message: condition.message,
    };
    conditions.push(added);
    return true;
  }
  let changed = false;
  if (existing.status !== condition.status) {
    existing.status = condition.status;
    existing.lastTransitionTime = condition.lastTransitionTime || now();
    changed = true;
  }
  if (existing.reason !== condition.reason) {
    existing.reason = condition.reason;
    changed = true;
  }
  if (existing.message !== condition.message) {
    existing.message = condition.message;
    changed = true;
  }
  if (existing.observedGeneration !== condition.observedGeneration) {
    if (condition.observedGeneration === undefined) delete existing.observedGeneration;
    else existing.observedGeneration = condition.observedGeneration;
    changed = true;
  }
  return changed;
}

/**
 * Removes the condition of `type` from `conditions` (in place); true when
 * there was one.
 *
 * @example
 * ```ts
 * import { removeStatusCondition, type Condition } from "./conditions.ts";
 * import assert from "node:assert/strict";
 *
 * const conditions: Condition[] = [
 *   { type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Ok", message: "" },
 * ];
 * assert.equal(removeStatusCondition(conditions, "Ready"), true);
 * assert.equal(removeStatusCondition(conditions, "Ready"), false);
 * assert.deepEqual(conditions, []);
 * ```
 */
export function removeStatusCondition(conditions: Condition[], type: string): boolean {
  const at = conditions.findIndex((c) => c.type === type);
  if (at < 0) return false;
  conditions.splice(at, 1);
  return true;
}

/**
 * The condition of `type`, or undefined. Accepts an absent list, as a
 * status read from the store may have none.
 *
 * @example
 * ```ts
 * import { findStatusCondition } from "./conditions.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(findStatusCondition(undefined, "Ready"), undefined);
 * ```
 */
export function findStatusCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * True when the condition of `type` is present with status `True`.
 *
 * @example
 * ```ts
 * import { isStatusConditionFalse, isStatusConditionTrue, type Condition } from "./conditions.ts";
 * import assert from "node:assert/strict";
 *
 * const conditions: Condition[] = [
 *   { type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Ok", message: "" },
 * ];
 * assert.ok(isStatusConditionTrue(conditions, "Ready"));
 * assert.ok(!isStatusConditionFalse(conditions, "Ready"));
 * assert.ok(!isStatusConditionTrue(conditions, "Synced"));
 * ```
 */
export function isStatusConditionTrue(
  conditions: readonly Condition[] | undefined,
  type: string,
): boolean {
  return isStatusConditionPresentAndEqual(conditions, type, "True");
}

/** True when the condition of `type` is present with status `False`. */
export function isStatusConditionFalse(
  conditions: readonly Condition[] | undefined,
  type: string,
): boolean {
  return isStatusConditionPresentAndEqual(conditions, type, "False");
}

/**
 * True when the condition of `type` is present with the given status.
 *
 * @example
 * ```ts
 * import { isStatusConditionPresentAndEqual } from "./conditions.ts";
 * import assert from "node:assert/strict";
 *
 * const conditions = [
 *   { type: "Ready", status: "Unknown", lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Init", message: "" },
 * ] as const;
 * assert.ok(isStatusConditionPresentAndEqual(conditions, "Ready", "Unknown"));
 * ```
 */
export function isStatusConditionPresentAndEqual(
  conditions: readonly Condition[] | undefined,
  type: string,
  status: ConditionStatus,
): boolean {
  return findStatusCondition(conditions, type)?.status === status;
}
