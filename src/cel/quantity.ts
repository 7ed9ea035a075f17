/**
 * `resource.Quantity` for CEL's quantity library: parsing with kube's
 * grammar and exact (rational) comparison and arithmetic.
 *
 * @module
 */

const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** The error `resource.ParseQuantity` returns for text outside the grammar. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * A Kubernetes resource quantity, held exactly as `num / den`.
 *
 * @example
 * ```ts
 * import { Quantity } from "./quantity.ts";
 * import assert from "node:assert/strict";
 * assert.equal(Quantity.parse("1Gi").compareTo(Quantity.parse("1024Mi")), 0);
 * ```
 */
export class Quantity {
  /** Numerator. */
  readonly num: bigint;
  /** Denominator (positive). */
  readonly den: bigint;
  /** The text it was parsed from (for `string()`). */
  readonly text: string;

  /** A quantity of `num / den`. */
  constructor(num: bigint, den = 1n, text?: string) {
    if (den < 0n) [num, den] = [-num, -den];
    const g = gcd(num, den) || 1n;
    this.num = num / g;
    this.den = den / g;
    this.text = text ?? (this.den === 1n ? String(this.num) : String(Number(num) / Number(den)));
  }

  /**
   * Parses a quantity as `resource.ParseQuantity` does; throws
   * {@linkcode QUANTITY_FORMAT_ERROR} (or another kube parse error).
   *
   * @example
   * ```ts
   * import { Quantity } from "./quantity.ts";
   * import assert from "node:assert/strict";
   * assert.equal(Quantity.parse("500m").asApproximateFloat(), 0.5);
   * ```
   */
  static parse(s: string): Quantity {
    if (s.length === 0) throw new Error("quantities must match the regular expression");
    const m = QUANTITY_RE.exec(s);
    if (!m) throw new Error(QUANTITY_FORMAT_ERROR);
    let numStr = m[1];
    const suffix = m[2];
    let neg = false;
    if (numStr[0] === "+" || numStr[0] === "-") {
      neg = numStr[0] === "-";
      numStr = numStr.slice(1);
    }
    const parts = numStr.split(".");
    if (parts.length > 2 || (parts[0] === "" && (parts[1] ?? "") === "")) {
      throw new Error(QUANTITY_FORMAT_ERROR);
    }
    const intPart = parts[0] || "0";
    const frac = parts[1] ?? "";
    let num = BigInt(intPart + frac);
    let den = 10n ** BigInt(frac.length);
    if (suffix in BINARY) {
      num *= 2n ** BigInt(BINARY[suffix]);
    } else if (suffix in DECIMAL) {
      const e = DECIMAL[suffix];
      if (e >= 0) num *= 10n ** BigInt(e);
      else den *= 10n ** BigInt(-e);
    } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
      const e = parseInt(suffix.slice(1), 10);
      if (e >= 0) num *= 10n ** BigInt(e);
      else den *= 10n ** BigInt(-e);
    } else {
      throw new Error("unable to parse quantity's suffix");
    }
    return new Quantity(neg ? -num : num, den, s);
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `o`. */
  compareTo(o: Quantity): number {
    const l = this.num * o.den, r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  /** The sum. */
  add(o: Quantity): Quantity {
    return new Quantity(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  /** The difference. */
  sub(o: Quantity): Quantity {
    return new Quantity(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  /** -1, 0 or 1. */
  sign(): number {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  /** Whether the value is an integer that fits int64 (kube's `isInteger`). */
  isInteger(): boolean {
    return this.den === 1n && this.num >= -(2n ** 63n) && this.num < 2n ** 63n;
  }

  /** The value as an int64; throws "cannot convert value to integer". */
  asInteger(): bigint {
    if (!this.isInteger()) throw new Error("cannot convert value to integer");
    return this.num;
  }

  /** The value as a float64. */
  asApproximateFloat(): number {
    return Number(this.num) / Number(this.den);
  }
}
