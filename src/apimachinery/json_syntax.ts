/**
 * JSON syntax errors worded as Go's `encoding/json` words them (what
 * kube-apiserver and kubectl print): `invalid character '}' looking for
 * beginning of object key string`, `unexpected end of JSON input`, with the
 * byte offset Go reports. `JSON.parse` finds the error; this explains it.
 *
 * @module
 */

/**
 * The name Go's JSON decoder gives a value's JSON type in "cannot unmarshal
 * X into Go value of type …": `null`, `array`, `object`, `bool`, `string`,
 * `number`.
 *
 * @example
 * ```ts
 * import { goJsonType } from "./json_syntax.ts";
 * import assert from "node:assert/strict";
 * assert.equal(goJsonType([1]), "array");
 * assert.equal(goJsonType(true), "bool");
 * ```
 */
export function goJsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

/** A JSON syntax error as Go reports it. */
export interface JsonSyntaxError {
  /** Go's message, e.g. `invalid character 'x' looking for beginning of value`. */
  message: string;
  /** Bytes read when the error was found (Go's `SyntaxError.Offset`). */
  offset: number;
}

type Container = "object-key" | "object-value" | "array";

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's quoteChar: the offending byte in single quotes, escaped as strconv.Quote does. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const named: Record<number, string> = {
    0x07: "\\a",
    0x08: "\\b",
    0x0c: "\\f",
    0x0a: "\\n",
    0x0d: "\\r",
    0x09: "\\t",
    0x0b: "\\v",
    0x5c: "\\\\",
  };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u${c.toString(16).padStart(4, "0")}'`;
  return `'${String.fromCharCode(c)}'`;
}

/**
 * Scans `text` as one JSON value the way Go's `json.Valid`/`Unmarshal` do
 * and returns the first syntax error, or undefined when the text is valid.
 *
 * @example
 * ```ts
 * import { jsonSyntaxError } from "./json_syntax.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(jsonSyntaxError('{"a":1,}'), {
 *   message: "invalid character '}' looking for beginning of object key string",
 *   offset: 8,
 * });
 * assert.deepEqual(jsonSyntaxError('{"a":'), {
 *   message: "unexpected end of JSON input",
 *   offset: 5,
 * });
 * assert.equal(jsonSyntaxError('{"a": [1, 2.5e3, true, null]}'), undefined);
 * ```
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const bytes = new TextEncoder().encode(text);
  const stack: Container[] = [];
  // The scanner's state: what the next byte may be.
  let state = "beginValue";
  let literal = ""; // the rest of true/false/null still expected
  let literalName = "";
  let hexLeft = 0;
  const fail = (i: number, what: string): JsonSyntaxError => ({
    message: `invalid character ${quoteChar(bytes[i])} ${what}`,
    offset: i + 1,
  });

  const endValue = (): void => {
    state = stack.length === 0 ? "endTop" : "endValue";
  };

  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    // Numbers end at the first byte that cannot continue them; that byte is then re-read.
    if (state === "int" || state === "zero" || state === "frac" || state === "exp") {
      if (isDigit(c) && state !== "zero") continue;
      if (c === 0x2e && (state === "int" || state === "zero")) {
        state = "dot";
        continue;
      }
      if ((c === 0x65 || c === 0x45) && state !== "exp") {
        state = "e";
        continue;
      }
      endValue();
    }
    switch (state) {
      case "beginValue":
      case "beginValueOrEmpty":
      case "beginStringOrEmpty":
      case "beginString": {
        if (SPACE.has(c)) continue;
        if (state === "beginValueOrEmpty" && c === 0x5d) {
          stack.pop();
          endValue();
          continue;
        }
        if (state === "beginStringOrEmpty" && c === 0x7d) {
          stack.pop();
          endValue();
          continue;
        }
        if (state === "beginString" || state === "beginStringOrEmpty") {
          if (c !== 0x22) return fail(i, "looking for beginning of object key string");
          state = "string";
          continue;
        }
        if (c === 0x7b) {
          stack.push("object-key");
          state = "beginStringOrEmpty";
        } else if (c === 0x5b) {
          stack.push("array");
          state = "beginValueOrEmpty";
        } else if (c === 0x22) state = "string";
        else if (c === 0x2d) state = "neg";
        else if (c === 0x30) state = "zero";
        else if (isDigit(c)) state = "int";
        else if (c === 0x74 || c === 0x66 || c === 0x6e) {
          literalName = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
          literal = literalName.slice(1);
          state = "literal";
        } else return fail(i, "looking for beginning of value");
        continue;
      }
      case "string":
        if (c === 0x22) endValue();
        else if (c === 0x5c) state = "escape";
        else if (c < 0x20) return fail(i, "in string literal");
        continue;
      case "escape":
        if ('bfnrt\\/"'.includes(String.fromCharCode(c))) state = "string";
        else if (c === 0x75) {
          state = "hex";
          hexLeft = 4;
        } else return fail(i, "in string escape code");
        continue;
      case "hex":
        if (!isHex(c)) return fail(i, "in \\u hexadecimal character escape");
        if (--hexLeft === 0) state = "string";
        continue;
      case "neg":
        if (c === 0x30) state = "zero";
        else if (isDigit(c)) state = "int";
        else return fail(i, "in numeric literal");
        continue;
      case "dot":
        if (!isDigit(c)) return fail(i, "after decimal point in numeric literal");
        state = "frac";
        continue;
      case "e":
        if (c === 0x2b || c === 0x2d) {
          state = "eSign";
          continue;
        }
        if (!isDigit(c)) return fail(i, "in exponent of numeric literal");
        state = "exp";
        continue;
      case "eSign":
        if (!isDigit(c)) return fail(i, "in exponent of numeric literal");
        state = "exp";
        continue;
      case "literal":
        if (c !== literal.charCodeAt(0)) {
          return fail(i, `in literal ${literalName} (expecting '${literal[0]}')`);
        }
        literal = literal.slice(1);
        if (literal === "") endValue();
        continue;
      case "endValue": {
        if (SPACE.has(c)) continue;
        const top = stack[stack.length - 1];
        if (top === "object-key") {
          if (c !== 0x3a) return fail(i, "after object key");
          stack[stack.length - 1] = "object-value";
          state = "beginValue";
        } else if (top === "object-value") {
          if (c === 0x2c) {
            stack[stack.length - 1] = "object-key";
            state = "beginString";
          } else if (c === 0x7d) {
            stack.pop();
            endValue();
          } else return fail(i, "after object key:value pair");
        } else {
          if (c === 0x2c) state = "beginValue";
          else if (c === 0x5d) {
            stack.pop();
            endValue();
          } else return fail(i, "after array element");
        }
        continue;
      }
      case "endTop":
        if (!SPACE.has(c)) return fail(i, "after top-level value");
        continue;
    }
  }
  const complete = state === "endTop" ||
    (stack.length === 0 && (state === "int" || state === "zero" || state === "frac" ||
      state === "exp"));
  return complete ? undefined : { message: "unexpected end of JSON input", offset: bytes.length };
}
