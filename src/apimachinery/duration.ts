/**
 * Human-readable durations, as printed by kubectl in AGE columns.
 *
 * @module
 */

/**
 * Formats a duration the way Kubernetes `duration.HumanDuration` does: about
 * two to three significant figures (`5s`, `3m20s`, `2d3h`, `3y45d`). Durations
 * slightly negative (down to -1.999s, tolerated clock skew) print as `0s`;
 * more negative ones print as `<invalid>`.
 *
 * @param ms The duration in milliseconds.
 * @returns The short human form.
 *
 * @example
 * ```ts
 * import { humanDuration } from "./duration.ts";
 * import assert from "node:assert/strict";
 * assert.equal(humanDuration(5_000), "5s");
 * assert.equal(humanDuration(200_000), "3m20s");
 * assert.equal(humanDuration((2 * 24 + 3) * 3_600_000), "2d3h");
 * ```
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const d = Math.trunc(hours / 24);
    return h === 0 ? `${d}d` : `${d}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}
