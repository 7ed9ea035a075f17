/**
 * Go's `fmt` formatting of the values a Go template sees (decoded JSON): `%v` printing,
 * `fmt.Sprint`, `fmt.Sprintln`, `fmt.Sprintf` and `strconv.Quote`, for the Go template
 * executor in {@link ./go_template_exec.ts}.
 *
 * Values: `null` is a nil `interface{}`, strings, booleans, JS numbers are `float64`,
 * {@linkcode GoInt} is a Go integer (`int` for template constants, `int64` for JSON integers),
 * arrays are `[]interface {}` and plain objects `map[string]interface {}`.
 *
 * @module
 */

/** A Go integer value of a named type (`int`, `int64`, `uint8`, `int32`). */
export class GoInt {
  /** An integer of Go type `type`. */
  constructor(readonly value: number, readonly type: string) {}
}

/** A JSON object, seen by Go as `map[string]interface {}`. */
export type GoMap = Record<string, unknown>;

/** True for a plain object (a Go map). */
export function isMap(v: unknown): v is GoMap {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoInt);
}

/** The Go type name of a value, as `%T` and error messages print it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "float64";
  if (v instanceof GoInt) return v.type;
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

const utf8 = new TextEncoder();

/** The UTF-8 length of a string (Go's `len`). */
export function byteLength(s: string): number {
  return utf8.encode(s).length;
}

/** True for a rune Go's `unicode.IsPrint` accepts (approximately). */
function isPrint(ch: string): boolean {
  return ch === " " || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

function hex(n: number, width: number, upper = false): string {
  const s = n.toString(16).padStart(width, "0");
  return upper ? s.toUpperCase() : s;
}

/** Go's `strconv.Quote` (or `QuoteRune` with `quote` `'`). */
export function goQuote(s: string, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (isPrint(ch)) out += ch;
    else if (c === 7) out += "\\a";
    else if (c === 8) out += "\\b";
    else if (c === 12) out += "\\f";
    else if (c === 10) out += "\\n";
    else if (c === 13) out += "\\r";
    else if (c === 9) out += "\\t";
    else if (c === 11) out += "\\v";
    else if (c < 0x80) out += "\\x" + hex(c, 2);
    else if (c < 0x10000) out += "\\u" + hex(c, 4);
    else out += "\\U" + hex(c, 8);
  }
  return out + quote;
}

// ---- floats: exact decimal digits and strconv.FormatFloat -----------------------------------

/** A decimal: value = 0.digits × 10^dp (Go's strconv `decimal`). */
interface Decimal {
  digits: string;
  dp: number;
}

/** The shortest digits that read back as `f` (|f| > 0, finite). */
function shortest(f: number): Decimal {
  const [m, e] = Math.abs(f).toExponential().split("e");
  const digits = m.replace(".", "").replace(/0+$/, "");
  return { digits, dp: Number(e) + 1 };
}

/** The exact decimal expansion of `f` (|f| > 0, finite). */
function exact(f: number): Decimal {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(f));
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length - -exp;
  }
  const trimmed = digits.replace(/0+$/, "");
  const lead = trimmed.length - trimmed.replace(/^0+/, "").length;
  return { digits: trimmed.slice(lead), dp: dp - lead };
}

/** Rounds to `nd` digits, half to even on exact ties (as strconv does). */
function round(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: "", dp: d.dp };
  if (nd >= d.digits.length) return d;
  const up = d.digits[nd] > "5" ||
    (d.digits[nd] === "5" &&
      (nd + 1 < d.digits.length || (nd > 0 && Number(d.digits[nd - 1]) % 2 === 1)));
  if (!up) return { digits: d.digits.slice(0, nd).replace(/0+$/, ""), dp: d.dp };
  const ds = d.digits.slice(0, nd).split("").map(Number);
  let i = nd - 1;
  while (i >= 0 && ds[i] === 9) i--;
  if (i < 0) return { digits: "1", dp: d.dp + 1 };
  ds[i]++;
  return { digits: ds.slice(0, i + 1).join(""), dp: d.dp };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? d.digits[i] : "0";
}

function fmtE(d: Decimal, prec: number, e: string): string {
  let s = d.digits.length ? d.digits[0] : "0";
  if (prec > 0) {
    s += ".";
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.digits.length ? d.dp - 1 : 0;
  const a = Math.abs(exp);
  return s + e + (exp < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a;
}

function fmtF(d: Decimal, prec: number): string {
  let s = "";
  if (d.dp > 0) { for (let i = 0; i < d.dp; i++) s += digitAt(d, i); }
  else s = "0";
  if (prec > 0) {
    s += ".";
    for (let i = 0; i < prec; i++) s += digitAt(d, d.dp + i);
  }
  return s;
}

/** Go's `strconv.FormatFloat(f, fmt, prec, 64)` for fmt in e E f F g G (prec -1: shortest). */
export function formatFloat(f: number, fmt: string, prec: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  const neg = f < 0 || Object.is(f, -0);
  const sign = neg ? "-" : "";
  const short = prec < 0;
  let d: Decimal = f === 0 ? { digits: "", dp: 0 } : short ? shortest(f) : exact(f);
  const lower = fmt.toLowerCase();
  if (!short && f !== 0) {
    if (lower === "e") d = round(d, prec + 1);
    else if (lower === "f") d = round(d, d.dp + prec);
    else d = round(d, prec === 0 ? 1 : prec);
  }
  if (lower === "e") {
    return sign + fmtE(d, short ? d.digits.length - 1 : prec, fmt === "E" ? "E" : "e");
  }
  if (lower === "f") return sign + fmtF(d, short ? Math.max(d.digits.length - d.dp, 0) : prec);
  // %g
  let eprec = short ? 6 : prec === 0 ? 1 : prec;
  if (!short && eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  const exp = d.dp - 1;
  if (d.digits.length !== 0 && (exp < -4 || exp >= eprec)) {
    const p = short ? d.digits.length : Math.min(prec === 0 ? 1 : prec, d.digits.length);
    return sign + fmtE(d, p - 1, fmt === "G" ? "E" : "e");
  }
  return sign + fmtF(d, Math.max(d.digits.length - d.dp, 0));
}

// ---- fmt ------------------------------------------------------------------------------------

/** The flags, width and precision of one `%` directive. */
interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

const NO_FLAGS: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false };

function pad(s: string, spec: Spec, zeroOk = false): string {
  const n = [...s].length;
  if (spec.width === undefined || n >= spec.width) return s;
  const fill = spec.width - n;
  if (spec.minus) return s + " ".repeat(fill);
  if (spec.zero && zeroOk) {
    // Zeros go after the sign.
    const signed = /^[+\- ]/.test(s);
    return signed ? s[0] + "0".repeat(fill) + s.slice(1) : "0".repeat(fill) + s;
  }
  return " ".repeat(fill) + s;
}

function badVerb(verb: string, v: unknown): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function fmtInteger(n: number, verb: string, spec: Spec): string | null {
  const neg = n < 0;
  const a = Math.abs(n);
  let body: string;
  switch (verb) {
    case "v":
    case "d":
      body = a.toString();
      break;
    case "b":
      body = a.toString(2);
      break;
    case "o":
    case "O":
      body = a.toString(8);
      break;
    case "x":
      body = a.toString(16);
      break;
    case "X":
      body = a.toString(16).toUpperCase();
      break;
    case "c":
      return pad(String.fromCodePoint(n), spec);
    case "q":
      return pad(goQuote(String.fromCodePoint(n), "'"), spec);
    case "U": {
      let s = "U+" + hex(n, 4, true);
      if (spec.sharp && isPrint(String.fromCodePoint(n))) s += ` '${String.fromCodePoint(n)}'`;
      return pad(s, spec);
    }
    default:
      return null;
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && n === 0) body = "";
    body = body.padStart(spec.prec, "0");
  }
  if (spec.sharp) {
    if (verb === "x") body = "0x" + body;
    else if (verb === "X") body = "0X" + body;
    else if (verb === "o" && body[0] !== "0") body = "0" + body;
    else if (verb === "b") body = "0b" + body;
  }
  if (verb === "O") body = "0o" + body;
  const sign = neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  return pad(sign + body, spec, spec.prec === undefined);
}

function fmtFloatVerb(f: number, verb: string, spec: Spec): string | null {
  let s: string;
  switch (verb) {
    case "v":
      s = formatFloat(f, "g", spec.prec ?? -1);
      break;
    case "e":
    case "E":
    case "f":
    case "F":
      s = formatFloat(f, verb === "F" ? "f" : verb, spec.prec ?? 6);
      break;
    case "g":
    case "G":
      s = formatFloat(f, verb, spec.prec ?? -1);
      break;
    default:
      return null;
  }
  if (spec.plus && s[0] !== "-" && s[0] !== "+") s = "+" + s;
  else if (spec.space && s[0] !== "-" && s[0] !== "+") s = " " + s;
  if (s === "+Inf" && !spec.plus) s = spec.space ? " Inf" : "Inf";
  return pad(s, spec, Number.isFinite(f));
}

function fmtString(s: string, verb: string, spec: Spec): string | null {
  switch (verb) {
    case "v":
    case "s":
      return pad(spec.prec === undefined ? s : [...s].slice(0, spec.prec).join(""), spec, true);
    case "q":
      return pad(goQuote(spec.prec === undefined ? s : [...s].slice(0, spec.prec).join("")), spec);
    case "x":
    case "X": {
      let bytes = [...utf8.encode(s)];
      if (spec.prec !== undefined) bytes = bytes.slice(0, spec.prec);
      return pad(bytes.map((b) => hex(b, 2, verb === "X")).join(spec.space ? " " : ""), spec);
    }
    default:
      return null;
  }
}

/** One value with one verb, recursing into maps and slices as Go's `fmt` does. */
function fmtArg(v: unknown, verb: string, spec: Spec, depth: number): string {
  if (v === null || v === undefined) {
    if (depth > 0 || verb === "v") return pad("<nil>", spec);
    return badVerb(verb, v);
  }
  let s: string | null = null;
  if (typeof v === "boolean") {
    if (verb === "t" || verb === "v") return pad(String(v), spec);
  } else if (v instanceof GoInt) {
    s = fmtInteger(v.value, verb, spec);
  } else if (typeof v === "number") {
    s = fmtFloatVerb(v, verb, spec);
  } else if (typeof v === "string") {
    s = fmtString(v, verb, spec);
  } else if (Array.isArray(v)) {
    return "[" + v.map((e) => fmtArg(e, verb, spec, depth + 1)).join(" ") + "]";
  } else if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return "map[" +
      keys.map((k) => `${fmtArg(k, verb, spec, depth + 1)}:${fmtArg(v[k], verb, spec, depth + 1)}`)
        .join(" ") +
      "]";
  }
  return s ?? badVerb(verb, v);
}

/** A value as Go's `fmt.Sprint(v)` prints it (`%v`). */
export function formatValue(v: unknown): string {
  return fmtArg(v, "v", NO_FLAGS, 0);
}

/** Go's `fmt.Sprint`: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    const isString = typeof args[i] === "string";
    if (i > 0 && !isString && typeof args[i - 1] !== "string") out += " ";
    out += formatValue(args[i]);
  }
  return out;
}

/** Go's `fmt.Sprintln`: operands separated by spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map(formatValue).join(" ") + "\n";
}

/** Go's `fmt.Sprintf` for the flags `+-# 0`, widths, precisions (also `*`) and common verbs. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = "";
  let argi = 0;
  const chars = [...format];
  for (let i = 0; i < chars.length;) {
    const c = chars[i];
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    i++;
    const spec: Spec = { ...NO_FLAGS };
    flags: for (; i < chars.length; i++) {
      switch (chars[i]) {
        case "+":
          spec.plus = true;
          break;
        case "-":
          spec.minus = true;
          spec.zero = false;
          break;
        case "#":
          spec.sharp = true;
          break;
        case " ":
          spec.space = true;
          break;
        case "0":
          spec.zero = !spec.minus;
          break;
        default:
          break flags;
      }
    }
    const num = (): number | undefined => {
      if (chars[i] === "*") {
        i++;
        const a = args[argi++];
        if (a instanceof GoInt) return a.value;
        out += "%!(BADWIDTH)";
        return undefined;
      }
      let s = "";
      while (i < chars.length && chars[i] >= "0" && chars[i] <= "9") s += chars[i++];
      return s === "" ? undefined : Number(s);
    };
    spec.width = num();
    if (spec.width !== undefined && spec.width < 0) {
      spec.minus = true;
      spec.width = -spec.width;
    }
    if (chars[i] === ".") {
      i++;
      spec.prec = num() ?? 0;
    }
    if (i >= chars.length) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = chars[i++];
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argi++];
    if (verb === "T") out += pad(goTypeName(arg), spec);
    else out += fmtArg(arg, verb, spec, 0);
  }
  if (argi < args.length) {
    out += "%!(EXTRA " +
      args.slice(argi).map((a) => a === null ? "<nil>" : `${goTypeName(a)}=${formatValue(a)}`)
        .join(", ") +
      ")";
  }
  return out;
}
