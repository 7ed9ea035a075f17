/**
 * Go `fmt` formatting of values that appear in kube-openapi's messages.
 *
 * @module
 */

/**
 * Formats a float64 as Go's `%v` does (strconv's shortest `%g`: exponent form
 * when the decimal exponent is < -4 or >= 6), e.g. `1e+06`, `1.5`, `1e-05`.
 *
 * @example
 * ```ts
 * import { goFloat } from "./go_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(goFloat(1.5), "1.5");
 * assert.equal(goFloat(1000000), "1e+06");
 * assert.equal(goFloat(0.00001), "1e-05");
 * ```
 */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mant, expStr] = f.toExponential().split("e");
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? "0" : ""}${abs}`;
  }
  return String(f);
}

/**
 * Formats a number as Go prints the value unstructured JSON decodes it to:
 * an int64 when integral, else a float64 with `%v`.
 *
 * @example
 * ```ts
 * import { goNumber } from "./go_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(goNumber(3000000), "3000000");
 * assert.equal(goNumber(2.5), "2.5");
 * ```
 */
export function goNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : goFloat(n);
}

/**
 * Quotes a string as Go's `%q` (`strconv.Quote`) does for the common cases.
 *
 * @example
 * ```ts
 * import { goQuote } from "./go_format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(goQuote('a"b'), '"a\\"b"');
 * ```
 */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, "\\x$1").replace(/\x7f/g, "\\x7f");
}
