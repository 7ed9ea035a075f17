/**
 * cel-go style compile issues (`ERROR: <input>:L:C: msg` plus the source
 * snippet) from `@marcbachmann/cel-js` errors.
 *
 * @module
 */

const OPS: Record<string, string> = {
  "+": "_+_",
  "-": "_-_",
  "*": "_*_",
  "/": "_/_",
  "%": "_%_",
  "==": "_==_",
  "!=": "_!=_",
  "<": "_<_",
  "<=": "_<=_",
  ">": "_>_",
  ">=": "_>=_",
  "in": "@in",
  "!_": "!_",
  "-_": "-_",
};

function celType(t: string): string {
  return t.trim().replace(/</g, "(").replace(/>/g, ")");
}

function location(node: any, src: string): number {
  if (!node || typeof node.pos !== "number") return 0;
  const op = node.op;
  if (op === "." || op === ".?") return Math.max(0, src.lastIndexOf(".", node.pos));
  if (op === "rcall" || op === "call") {
    const i = src.indexOf("(", node.pos);
    return i < 0 ? node.pos : i;
  }
  if (Array.isArray(node.args) && node.args.length === 2 && node.args[0]?.end !== undefined) {
    const text = op === "[]" ? "[" : op;
    const i = src.indexOf(text, node.args[0].end);
    if (i >= 0) return i;
  }
  return node.pos;
}

/** Rewrites a library error summary in cel-go's wording. */
function message(err: any): string {
  const s: string = err.summary ?? err.message ?? String(err);
  let m = /^Unknown variable: (.*)$/.exec(s);
  if (m) return `undeclared reference to '${m[1]}' (in container '')`;
  m = /^No such key: (.*)$/.exec(s);
  if (m) return `undefined field '${m[1]}'`;
  m = /^no such overload: (\S+) (\S+) (\S+)$/.exec(s);
  if (m && OPS[m[2]]) {
    return `found no matching overload for '${OPS[m[2]]}' applied to '(${celType(m[1])}, ${
      celType(m[3])
    })'`;
  }
  m = /^found no matching overload for '([^.(]+)\.(\w+)\((.*)\)'$/.exec(s);
  if (m) {
    return `found no matching overload for '${m[2]}' applied to '${celType(m[1])}.(${
      celType(m[3])
    })'`;
  }
  m = /^found no matching overload for '(\w+)\((.*)\)'$/.exec(s);
  if (m) return `found no matching overload for '${m[1]}' applied to '(${celType(m[2])})'`;
  m = /expected type '(.*)' but found '(.*)'$/.exec(s);
  if (m) return `expected type '${celType(m[1])}' but found '${celType(m[2])}'`;
  if (err.name === "ParseError") return `Syntax error: ${s}`;
  return s;
}

/**
 * Formats a compile error as cel-go's `Issues.String()`.
 *
 * @example
 * ```ts
 * import { formatIssue } from "./issues.ts";
 * import assert from "node:assert/strict";
 * const err = { summary: "Unknown variable: foo", node: { op: "id", pos: 0 } };
 * assert.equal(
 *   formatIssue(err, "foo"),
 *   "ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo\n | ^",
 * );
 * ```
 */
export function formatIssue(err: any, src: string): string {
  const off = location(err.node, src);
  let line = 1, lineStart = 0;
  for (let i = 0; i < off && i < src.length; i++) {
    if (src[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = src.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = src.length;
  const snippet = src.slice(lineStart, lineEnd).replace(/\t/g, " ");
  const before = Array.from(src.slice(lineStart, off));
  const col = before.length;
  let ind = "";
  for (const c of before) ind += (c.codePointAt(0)! > 0x7f) ? "\uff0e" : ".";
  const at = src.codePointAt(off);
  ind += at !== undefined && at > 0x7f ? "\uff3e" : "^";
  return `ERROR: <input>:${line}:${col + 1}: ${message(err)}\n | ${snippet}\n | ${ind}`;
}

/**
 * Rewrites a runtime error as cel-go words it (`no such key: x`,
 * `no such overload`, `division by zero`, ...).
 *
 * @example
 * ```ts
 * import { runtimeMessage } from "./issues.ts";
 * import assert from "node:assert/strict";
 * assert.equal(runtimeMessage({ summary: "No such key: x" }), "no such key: x");
 * ```
 */
export function runtimeMessage(err: any): string {
  const s: string = err?.summary ?? err?.message ?? String(err);
  let m = /^No such key: (.*)$/.exec(s);
  if (m) return `no such key: ${m[1]}`;
  if (/^no such overload/.test(s) || /^found no matching overload/.test(s)) {
    return "no such overload";
  }
  if (/^integer overflow/.test(s) || /^Unsigned integer overflow/.test(s)) {
    return "integer overflow";
  }
  m = /^List index out of bounds: (.*)$/i.exec(s);
  if (m) return `index out of bounds: ${m[1]}`;
  return s;
}
