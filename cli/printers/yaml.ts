/**
 * YAML as kubectl prints it (sigs.k8s.io/yaml over go-yaml v2): keys sorted the way go-yaml
 * sorts them, two-space indentation, sequences not indented under their key, strings quoted
 * only when needed (single quotes for indicator characters, double quotes for strings that
 * would read back as another type, such as `"y"`, `"1.5"` or `"2024-01-01"`), multi-line
 * strings as literal blocks, and long lines folded after column 80.
 *
 * This is a small dedicated emitter rather than the `yaml` package: go-yaml's choice of scalar
 * style, key order and folding column are what make the output match kubectl byte for byte,
 * and they are easier to state directly than to coax out of another emitter's options.
 *
 * @module
 */

import { goFormatFloat } from "../jsonpath.ts";

const BEST_WIDTH = 80;

/**
 * Serialises a JSON-like value as kubectl's `-o yaml` does. The result ends with a newline.
 *
 * @example
 * ```ts
 * import { toKubectlYaml } from "./yaml.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   toKubectlYaml({ kind: "ConfigMap", data: { y: "two", x: "1" }, list: ["a"] }),
 *   'data:\n  x: "1"\n  "y": two\nkind: ConfigMap\nlist:\n- a\n',
 * );
 * ```
 */
export function toKubectlYaml(value: unknown): string {
  const out: string[] = [];
  if (isScalarLike(value)) {
    out.push(scalar(value, 0, 0, false), "\n");
  } else {
    emitBlock(value, 0, out, false);
  }
  return out.join("");
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Scalars and empty collections print on the same line as their key or dash. */
function isScalarLike(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return definedKeys(v).length === 0;
  return true;
}

function definedKeys(m: Record<string, unknown>): string[] {
  return Object.keys(m).filter((k) => m[k] !== undefined);
}

/**
 * Writes a non-empty map or list starting at the current position. Its
 * first line continues the current one (after a `- `) when `inline`; `indent` is the
 * indentation of every other line.
 */
function emitBlock(v: unknown, indent: number, out: string[], inline: boolean): void {
  const pad = " ".repeat(indent);
  let first = true;
  const lead = () => {
    if (first) {
      first = false;
      return inline ? "" : pad;
    }
    return pad;
  };
  if (Array.isArray(v)) {
    for (const item of v) {
      out.push(lead(), "-");
      if (isScalarLike(item)) {
        out.push(" ", scalar(item, indent + 2, indent + 2, false), "\n");
      } else {
        out.push(" ");
        emitBlock(item, indent + 2, out, true);
      }
    }
    return;
  }
  const m = v as Record<string, unknown>;
  for (const key of definedKeys(m).sort(goYamlKeyCompare)) {
    const k = scalar(key, indent, indent, true);
    out.push(lead(), k, ":");
    const item = m[key];
    if (isScalarLike(item)) {
      const start = indent + k.length + 2;
      out.push(" ", scalar(item, start, indent + 2, false), "\n");
    } else if (Array.isArray(item)) {
      out.push("\n");
      emitBlock(item, indent, out, false);
    } else {
      out.push("\n");
      emitBlock(item, indent + 2, out, false);
    }
  }
}

/** Formats a scalar starting at column `col`; continuation lines are indented by `indent`. */
function scalar(v: unknown, col: number, indent: number, key: boolean): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "[]";
  if (isMap(v)) return "{}";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return ".nan";
    if (v === Infinity) return ".inf";
    if (v === -Infinity) return "-.inf";
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
    return goFormatFloat(v);
  }
  if (typeof v === "bigint") return v.toString();
  return stringScalar(String(v), col, indent, key);
}

// ---------------------------------------------------------------------------------------------
// Scalar style (go-yaml v2's encoder + libyaml's analyze/select_scalar_style)

function stringScalar(s: string, col: number, indent: number, key: boolean): string {
  let style: "plain" | "single" | "double" | "literal";
  if (s.includes("\n")) style = "literal";
  else if (resolvesToNonString(s) || isBase60Float(s)) style = "double";
  else style = "plain";

  const a = analyze(s);
  if (style === "plain") {
    if (!a.blockPlainAllowed || (s.length === 0 && key)) style = "single";
  }
  if (style === "single" && !a.singleQuotedAllowed) style = "double";
  if (style === "literal" && (!a.blockAllowed || key)) style = "double";

  switch (style) {
    case "plain":
      return fold(s, col, indent, !key, false);
    case "single":
      return fold(s.replaceAll("'", "''"), col + 1, indent, !key, true);
    case "double":
      return doubleQuoted(s, col, indent, !key);
    case "literal":
      return literal(s, indent);
  }
}

interface Analysis {
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

const isBreak = (c: string | undefined) =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlank = (c: string | undefined) => c === " " || c === "\t";

/**
 * go-yaml v2's `is_printable`, as kubectl's YAML printer has it: it looks at
 * UTF-8 sequences of up to three bytes, so U+0085 and every character outside
 * the Basic Multilingual Plane (emoji) are not printable, and a string holding
 * one is double-quoted with the character escaped (`"\U0001F600"`).
 */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

function analyze(s: string): Analysis {
  if (s.length === 0) {
    return { blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  const cs = Array.from(s);
  let blockIndicators = s.startsWith("---") || s.startsWith("...");
  let special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, lineBreaks = false;
  let prevSpace = false, prevBreak = false;
  let precededByWhitespace = true;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    const followedByWhitespace = i + 1 >= cs.length || isBlank(cs[i + 1]) || isBreak(cs[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockIndicators = true;
      else if ((c === "?" || c === ":" || c === "-") && followedByWhitespace) {
        blockIndicators = true;
      }
    } else if (c === ":" && followedByWhitespace) {
      blockIndicators = true;
    } else if (c === "#" && precededByWhitespace) {
      blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === cs.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cs.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
  }
  let blockPlainAllowed = true, singleQuotedAllowed = true, blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || special) blockPlainAllowed = singleQuotedAllowed = blockAllowed = false;
  if (lineBreaks || blockIndicators) blockPlainAllowed = false;
  return { blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

const RESOLVE_MAP = new Set([
  "",
  "~",
  "null",
  "Null",
  "NULL",
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "true",
  "True",
  "TRUE",
  "on",
  "On",
  "ON",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "false",
  "False",
  "FALSE",
  "off",
  "Off",
  "OFF",
  ".nan",
  ".NaN",
  ".NAN",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
  "<<",
]);

/** Whether go-yaml v2 would read the plain scalar back as something other than a string. */
function resolvesToNonString(s: string): boolean {
  if (RESOLVE_MAP.has(s)) return true;
  const c = s[0];
  if (c === ".") return isGoFloat(s);
  if (!(c === "+" || c === "-" || (c >= "0" && c <= "9"))) return false;
  if (isTimestamp(s)) return true;
  const plain = s.replaceAll("_", "");
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  return false;
}

/** Go's strconv.ParseFloat acceptance for strings starting with a dot (rare; approximate). */
function isGoFloat(s: string): boolean {
  return /^\.\d+([eE][-+]?\d+)?$/.test(s);
}

function isTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return false;
  const date = String.raw`\d{4}-\d{1,2}-\d{1,2}`;
  const time = String.raw`\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?`;
  return new RegExp(`^${date}$`).test(s) ||
    new RegExp(`^${date}[Tt]${time}(Z|[+-]\\d{2}:\\d{2})$`).test(s) ||
    new RegExp(`^${date} ${time}$`).test(s);
}

function isBase60Float(s: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

/** Writes a plain or single-quoted scalar, breaking at a space once past column 80. */
function fold(s: string, col: number, indent: number, allowBreaks: boolean, quoted: boolean) {
  const cs = Array.from(s);
  let out = quoted ? "'" : "";
  let column = col;
  let spaces = false;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    if (c === " ") {
      const edge = quoted && (i === 0 || i === cs.length - 1);
      if (allowBreaks && !spaces && column > BEST_WIDTH && cs[i + 1] !== " " && !edge) {
        out += "\n" + " ".repeat(indent);
        column = indent;
      } else {
        out += c;
        column++;
      }
      spaces = true;
    } else {
      out += c;
      column++;
      spaces = false;
    }
  }
  return quoted ? out + "'" : out;
}

function doubleQuoted(s: string, col: number, indent: number, allowBreaks: boolean): string {
  const cs = Array.from(s);
  let out = '"';
  let column = col + 1;
  let spaces = false;
  const escapes: Record<string, string> = {
    "\0": "0",
    "\x07": "a",
    "\b": "b",
    "\t": "t",
    "\n": "n",
    "\v": "v",
    "\f": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\u0085": "N",
    "\u00a0": "_",
    "\u2028": "L",
    "\u2029": "P",
  };
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    const cp = c.codePointAt(0)!;
    if (!isPrintable(c) || c === "\ufeff" || isBreak(c) || c === '"' || c === "\\") {
      let e: string;
      if (c in escapes) e = "\\" + escapes[c];
      else if (cp <= 0xff) e = "\\x" + cp.toString(16).toUpperCase().padStart(2, "0");
      else if (cp <= 0xffff) e = "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
      else e = "\\U" + cp.toString(16).toUpperCase().padStart(8, "0");
      out += e;
      column += e.length;
      spaces = false;
    } else if (c === " ") {
      if (allowBreaks && !spaces && column > BEST_WIDTH && i !== 0 && i !== cs.length - 1) {
        out += "\n" + " ".repeat(indent);
        column = indent;
        if (cs[i + 1] === " ") {
          out += "\\";
          column++;
        }
      } else {
        out += c;
        column++;
      }
      spaces = true;
    } else {
      out += c;
      column++;
      spaces = false;
    }
  }
  return out + '"';
}

function literal(s: string, indent: number): string {
  const cs = Array.from(s);
  let header = "|";
  if (cs[0] === " " || isBreak(cs[0])) header += "2";
  const last = cs[cs.length - 1];
  if (!isBreak(last)) header += "-";
  else if (cs.length === 1 || isBreak(cs[cs.length - 2])) header += "+";
  const pad = " ".repeat(indent);
  let out = header + "\n";
  let breaks = true;
  for (const c of cs) {
    if (isBreak(c)) {
      out += "\n";
      breaks = true;
    } else {
      if (breaks) out += pad;
      out += c;
      breaks = false;
    }
  }
  // The final line break of the value is the one the caller writes after the scalar.
  return out.endsWith("\n") ? out.slice(0, -1) : out;
}

/** go-yaml v2's key order: letters before non-letters, digit runs compared as numbers. */
export function goYamlKeyCompare(a: string, b: string): number {
  if (a === b) return 0;
  return goYamlKeyLess(a, b) ? -1 : 1;
}

function goYamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  const isLetter = (c: string) => /^\p{L}$/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && /^\p{Nd}$/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0, bn = 0;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + (ar[ai].charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + (br[bi].charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
  }
  return ar.length < br.length;
}
