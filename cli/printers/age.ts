/**
 * The AGE column: how long ago a timestamp was, in kubectl's format.
 *
 * @module
 */

import { humanDuration } from "../../src/apimachinery/duration.ts";

/**
 * Formats the time since `timestamp` as kubectl's AGE column does (`5s`, `3m20s`, `2d3h`).
 * A missing or unparsable timestamp prints as `<unknown>`, as kubectl prints a zero time.
 *
 * @example
 * ```ts
 * import { age } from "./age.ts";
 * import assert from "node:assert/strict";
 *
 * const now = new Date("2024-01-01T01:00:00Z");
 * assert.equal(age("2024-01-01T00:56:40Z", now), "3m20s");
 * assert.equal(age(undefined, now), "<unknown>");
 * ```
 */
export function age(timestamp: string | null | undefined, now: Date | number): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return "<unknown>";
  const n = typeof now === "number" ? now : now.getTime();
  return humanDuration(n - t);
}
