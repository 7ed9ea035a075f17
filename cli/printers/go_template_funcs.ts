/**
 * The functions of Go's `text/template` (`and`, `or`, `not`, `len`, `index`, `slice`, `print`,
 * `printf`, `println`, `html`, `js`, `urlquery`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `call`) and
 * the two kubectl adds (`exists`, `base64decode`), with Go's error messages.
 *
 * @module
 */

import {
  byteLength,
  formatValue,
  GoInt,
  goTypeName,
  isMap,
  sprint,
  sprintf,
  sprintln,
} from "./go_template_fmt.ts";
import { isTrue, type TemplateFunc } from "./go_template_exec.ts";

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

type Kind = "bool" | "int" | "float" | "string" | "invalid";

function basicKind(v: unknown): [Kind, boolean] {
  if (typeof v === "boolean") return ["bool", true];
  if (v instanceof GoInt) return ["int", true];
  if (typeof v === "number") return ["float", true];
  if (typeof v === "string") return ["string", true];
  return ["invalid", false];
}

function num(v: unknown): number {
  return v instanceof GoInt ? v.value : v as number;
}

/** Go's `eq`: arg1 == arg2 || arg1 == arg3 … */
function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (arg1 === null) arg1 = undefined;
  if (rest.length === 0) throw new Error("missing argument for comparison");
  const [k1] = basicKind(arg1);
  for (let arg of rest) {
    if (arg === null) arg = undefined;
    const [k2] = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) {
        throw new Error("incompatible types for comparison");
      }
    } else if (k1 === "invalid") {
      if (arg1 === undefined || arg === undefined) truth = arg1 === arg;
      else if (goTypeName(arg1) !== goTypeName(arg)) {
        throw new Error(
          `non-comparable types ${formatValue(arg1)}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${
            formatValue(arg)
          }`,
        );
      } else {
        throw new Error(`non-comparable type ${formatValue(arg)}: ${goTypeName(arg)}`);
      }
    } else if (k1 === "int" || k1 === "float") truth = num(arg1) === num(arg);
    else truth = arg1 === arg;
    if (truth) return true;
  }
  return false;
}

/** Go's `lt`. */
function lt(a: unknown, b: unknown): boolean {
  if (a === null) a = undefined;
  if (b === null) b = undefined;
  const [k1, ok1] = basicKind(a);
  if (!ok1) throw new Error("invalid type for comparison");
  const [k2, ok2] = basicKind(b);
  if (!ok2) throw new Error("invalid type for comparison");
  if (k1 !== k2) throw new Error("incompatible types for comparison");
  if (k1 === "bool") throw new Error("invalid type for comparison");
  if (k1 === "string") return (a as string) < (b as string);
  return num(a) < num(b);
}

function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq(a, b);
}

function indexArg(index: unknown, cap: number): number {
  if (index === null || index === undefined) throw new Error("cannot index slice/array with nil");
  if (!(index instanceof GoInt)) {
    throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  const x = index.value;
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

/** Go's `index`. */
function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === null || item === undefined) throw new Error("index of untyped nil");
  for (let ix of indexes) {
    if (ix === null) ix = undefined;
    if (item === null || item === undefined) throw new Error("index of nil pointer");
    if (Array.isArray(item) || typeof item === "string") {
      const bytes = typeof item === "string" ? utf8.encode(item) : undefined;
      const len = bytes ? bytes.length : (item as unknown[]).length;
      const x = indexArg(ix, len);
      if (x === len) throw new Error(`reflect: ${bytes ? "string" : "slice"} index out of range`);
      item = bytes ? new GoInt(bytes[x], "uint8") : (item as unknown[])[x];
    } else if (isMap(item)) {
      if (ix === undefined) throw new Error("value is nil; should be of type string");
      if (typeof ix !== "string") {
        throw new Error(`value has type ${goTypeName(ix)}; should be string`);
      }
      item = Object.hasOwn(item, ix) ? item[ix] : null;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

/** Go's `slice`. */
function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === null || item === undefined) throw new Error("slice of untyped nil");
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let bytes: Uint8Array | undefined;
  let len: number;
  if (typeof item === "string") {
    if (indexes.length === 3) throw new Error("cannot 3-index slice a string");
    bytes = utf8.encode(item);
    len = bytes.length;
  } else if (Array.isArray(item)) len = item.length;
  else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((ix, i) => idx[i] = indexArg(ix === null ? undefined : ix, len));
  if (idx[0] > idx[1]) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) {
    throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  }
  if (bytes) return fromUtf8.decode(bytes.slice(idx[0], idx[1]));
  return (item as unknown[]).slice(idx[0], idx[1]);
}

/** Go's `len`. */
function length(item: unknown): GoInt {
  if (item === undefined) throw new Error("reflect: call of reflect.Value.Type on zero Value");
  if (item === null) throw new Error("len of nil pointer");
  if (typeof item === "string") return new GoInt(byteLength(item), "int");
  if (Array.isArray(item)) return new GoInt(item.length, "int");
  if (isMap(item)) return new GoInt(Object.keys(item).length, "int");
  throw new Error(`len of type ${goTypeName(item)}`);
}

/** The text `html`, `js` and `urlquery` escape: one string as is, else `fmt.Sprint`. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => a === null || a === undefined ? "<no value>" : a));
}

/** Go's `template.HTMLEscapeString`. */
export function htmlEscape(s: string): string {
  return s.replace(
    /["'&<>\0]/g,
    (c) =>
      ({ '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;", "\0": "\uFFFD" })[c]!,
  );
}

/** Go's `template.JSEscapeString`. */
export function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case "<":
        out += "\\u003C";
        break;
      case ">":
        out += "\\u003E";
        break;
      case "&":
        out += "\\u0026";
        break;
      case "=":
        out += "\\u003D";
        break;
      default:
        if (c < 0x20) out += "\\u00" + c.toString(16).toUpperCase().padStart(2, "0");
        else if (c >= 0x80 && !/^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) {
          out += "\\u" + c.toString(16).toUpperCase().padStart(4, "0");
        } else out += ch;
    }
  }
  return out;
}

/** Go's `url.QueryEscape`. */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Go's `base64.StdEncoding.DecodeString`, with its `illegal base64 data at input byte N`. */
export function base64Decode(s: string): string {
  const src = utf8.encode(s);
  const out: number[] = [];
  const corrupt = (n: number) => new Error(`illegal base64 data at input byte ${n}`);
  const isNl = (b: number) => b === 10 || b === 13;
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let err: Error | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (src.length === si) {
        if (j === 0) return fromUtf8.decode(new Uint8Array(out));
        throw corrupt(si - j);
      }
      const inb = src[si++];
      const v = B64.indexOf(String.fromCharCode(inb));
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNl(inb)) {
        j--;
        continue;
      }
      if (inb !== 61) throw corrupt(si - 1);
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNl(src[si])) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 61) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNl(src[si])) si++;
      if (si < src.length) err = corrupt(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (err) throw err;
    if (dlen < 4) break;
  }
  return fromUtf8.decode(new Uint8Array(out));
}

/** kubectl's `exists`: whether `index item indices…` would find a non-nil value. */
function exists(item: unknown, ...indices: unknown[]): boolean {
  let v = item;
  for (const i of indices) {
    if (v === null || v === undefined) return false;
    if (Array.isArray(v) || typeof v === "string") {
      if (!(i instanceof GoInt)) return false;
      const bytes = typeof v === "string" ? utf8.encode(v) : undefined;
      const len = bytes ? bytes.length : (v as unknown[]).length;
      if (i.value < 0 || i.value >= len) return false;
      v = bytes ? new GoInt(bytes[i.value], "uint8") : (v as unknown[])[i.value];
    } else if (isMap(v)) {
      if (typeof i !== "string") return false;
      v = Object.hasOwn(v, i) ? v[i] : null;
    } else return false;
  }
  return v !== null && v !== undefined;
}

const value = "value" as const;

/** Go's built-in template functions plus kubectl's `exists` and `base64decode`. */
export const KUBECTL_FUNCS: ReadonlyMap<string, TemplateFunc> = new Map<string, TemplateFunc>([
  ["and", { params: [value], variadic: value, call: () => undefined }],
  ["or", { params: [value], variadic: value, call: () => undefined }],
  ["not", { params: [value], call: (a) => !isTrue(a) }],
  ["len", { params: [value], call: length }],
  ["index", { params: [value], variadic: value, call: index }],
  ["slice", { params: [value], variadic: value, call: slice }],
  ["eq", { params: [value], variadic: value, call: eq }],
  ["ne", { params: [value, value], call: (a, b) => !eq(a, b) }],
  ["lt", { params: [value, value], call: lt }],
  ["le", { params: [value, value], call: le }],
  ["gt", { params: [value, value], call: (a, b) => !le(a, b) }],
  ["ge", { params: [value, value], call: (a, b) => !lt(a, b) }],
  ["print", { params: [], variadic: "any", call: (...a) => sprint(a) }],
  ["println", { params: [], variadic: "any", call: (...a) => sprintln(a) }],
  ["printf", {
    params: ["string"],
    variadic: "any",
    call: (f, ...a) => sprintf(f as string, a),
  }],
  ["html", { params: [], variadic: "any", call: (...a) => htmlEscape(evalArgs(a)) }],
  ["js", { params: [], variadic: "any", call: (...a) => jsEscape(evalArgs(a)) }],
  ["urlquery", { params: [], variadic: "any", call: (...a) => queryEscape(evalArgs(a)) }],
  ["call", {
    params: [value],
    variadic: value,
    // The executor reports `call`'s errors itself: it knows the callee's text.
    call: () => undefined,
  }],
  ["exists", { params: ["any"], variadic: "any", call: exists }],
  ["base64decode", {
    params: ["string"],
    call: (s) => {
      try {
        return base64Decode(s as string);
      } catch (e) {
        throw new Error(`base64 decode failed: ${(e as Error).message}`);
      }
    },
  }],
]);
