/**
 * The AGE column: how long ago a timestamp was, in kubectl's format. The API server's
 * Tables compute it the same way (`timestampAge` in `src/registry/table.ts`).
 *
 * @module
 */

import { timestampAge } from "../../src/registry/table.ts";

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
  return timestampAge(timestamp, typeof now === "number" ? now : now.getTime());
}
