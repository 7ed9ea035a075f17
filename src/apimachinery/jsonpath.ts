/**
 * kubectl's JSONPath template language (k8s.io/client-go/util/jsonpath): the
 * printer columns of Tables (`src/registry/table.ts`), and in the CLI
 * `-o jsonpath=…`, `-o custom-columns=…` and `--sort-by`.
 *
 * Templates mix literal text with actions in braces: `{.a.b}`, `{.items[*].metadata.name}`,
 * `{.items[0]}`, slices `[1:3]` and `[::2]`, negative indexes, `..` recursive descent, unions
 * `[a,b]` and `['x','y']`, filters `[?(@.x=="y")]` and `[?(@.x)]` with `== != < > <= >=`,
 * `{range …}…{end}`, quoted literals such as `{"\n"}`, and `$` / `@` for the current object.
 *
 * Output follows kubectl: the values of one action are joined by a space, maps and lists are
 * printed as compact JSON with sorted keys (Go's `encoding/json`), strings raw, numbers as Go's
 * `fmt` prints them. Numbers follow Go's JSON decoding into `interface{}` as kubectl does for
 * unstructured objects: integral values are integers, others floats, and comparing an integer
 * with a float is an error (`incompatible types for comparison`), exactly as kubectl reports.
 *
 * The module is pure (web APIs only). The Go formatting helpers it needs (`goJson`,
 * `goSprint`, `goFormatFloat`, …) are exported for the printers.
 *
 * @example
 * ```ts
 * import { parseJsonPath } from "./jsonpath.ts";
 * import assert from "node:assert/strict";
 *
 * const list = { items: [{ metadata: { name: "a" } }, { metadata: { name: "b" } }] };
 * assert.equal(parseJsonPath("{.items[*].metadata.name}").execute(list), "a b");
 * assert.equal(
 *   parseJsonPath(String.raw`{range .items[*]}{.metadata.name}{"\n"}{end}`).execute(list),
 *   "a\nb\n",
 * );
 * ```
 *
 * @module
 */

/** Why a template could not be parsed or executed. */
export class JsonPathError extends Error {
  /** `parse` for a malformed template, `execute` for a failure while evaluating it. */
  readonly phase: "parse" | "execute";
  /** The template as given. */
  readonly template: string;
  /** The bare reason, as client-go words it (e.g. `unterminated array`). */
  readonly reason: string;

  /**
   * Creates the error; the message is kubectl's (`error parsing jsonpath {.a[}, unterminated
   * array` or `error executing jsonpath "{…}": Error executing template: …`) without the
   * `error: ` prefix kubectl writes in front of every error.
   */
  constructor(phase: "parse" | "execute", template: string, reason: string) {
    super(
      phase === "parse"
        ? `error parsing jsonpath ${template}, ${reason}`
        : `error executing jsonpath ${goQuote(template)}: Error executing template: ${reason}`,
    );
    this.name = "JsonPathError";
    this.phase = phase;
    this.template = template;
    this.reason = reason;
  }
}

/** Options of {@linkcode parseJsonPath}. */
export interface JsonPathOptions {
  /**
   * Return nothing instead of failing when a field is missing (`{.a.missing}` → ``).
   * kubectl's `get -o jsonpath`, custom columns and `--sort-by` use true; default true.
   */
  allowMissingKeys?: boolean;
}

/** A parsed template; immutable and reusable. */
export interface JsonPathTemplate {
  /** The template text as given. */
  readonly template: string;
  /**
   * Evaluates the template and prints the results as kubectl does (no trailing newline is
   * added). Throws {@linkcode JsonPathError} when evaluation fails.
   */
  execute(data: unknown): string;
  /**
   * Evaluates the template and returns the raw results: one list per top-level action or text
   * (and per `range` iteration), as client-go's `FindResults`.
   */
  results(data: unknown): unknown[][];
}

/** A float as Go's parser keeps it (`1.0` stays a float, unlike a JS number). */
class GoFloat {
  constructor(readonly value: number) {}
}

/**
 * A Go struct for {@linkcode goJson}: its fields print in declaration
 * (insertion) order, as encoding/json prints a typed object, where a map's
 * keys print sorted.
 */
export class GoStruct {
  /** The fields, in declaration order. */
  readonly fields: Record<string, unknown>;
  /** Wraps `fields`. */
  constructor(fields: Record<string, unknown>) {
    this.fields = fields;
  }
}

interface SliceParam {
  known: boolean;
  value: number;
  derived: boolean;
}

type Node =
  | { t: "list"; nodes: Node[] }
  | { t: "text"; text: string }
  | { t: "field"; name: string }
  | { t: "array"; params: [SliceParam, SliceParam, SliceParam] }
  | { t: "filter"; left: ListNode; right: ListNode; op: string }
  | { t: "int"; value: number }
  | { t: "float"; value: GoFloat }
  | { t: "bool"; value: boolean }
  | { t: "wildcard" }
  | { t: "recursive" }
  | { t: "union"; nodes: ListNode[] }
  | { t: "identifier"; name: string };
type ListNode = { t: "list"; nodes: Node[] };

class ParseFailure extends Error {}

const newList = (): ListNode => ({ t: "list", nodes: [] });

/** A recursive-descent scanner over the code points of a template, after client-go's parser. */
class Parser {
  root: ListNode = newList();
  private input: string[] = [];
  private pos = 0;
  private start = 0;
  private width = 0;

  parse(text: string): ListNode {
    this.input = Array.from(text);
    this.root = newList();
    this.pos = 0;
    this.start = 0;
    this.parseText(this.root);
    return this.root;
  }

  private rest(prefix: string): boolean {
    const p = Array.from(prefix);
    for (let i = 0; i < p.length; i++) if (this.input[this.pos + i] !== p[i]) return false;
    return true;
  }

  private consume(): string {
    const v = this.input.slice(this.start, this.pos).join("");
    this.start = this.pos;
    return v;
  }

  private next(): string | undefined {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return undefined;
    }
    this.width = 1;
    return this.input[this.pos++];
  }

  private peek(): string | undefined {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.rest("{")) {
        if (this.pos > this.start) cur.nodes.push({ t: "text", text: this.consume() });
        this.pos++;
        this.consume();
        const action = newList();
        cur.nodes.push(action);
        return this.parseInsideAction(action);
      }
      if (this.next() === undefined) break;
    }
    if (this.pos > this.start) cur.nodes.push({ t: "text", text: this.consume() });
  }

  private parseInsideAction(cur: ListNode): void {
    // A loop rather than client-go's tail recursion, so long templates cannot overflow.
    for (;;) {
      if (this.rest("}")) {
        this.pos++;
        this.consume();
        return this.parseText(this.root);
      }
      if (this.rest("[?(")) {
        this.parseFilter(cur);
        continue;
      }
      if (this.rest("..")) {
        this.parseRecursive(cur);
        continue;
      }
      const r = this.next();
      if (r === undefined || r === "\r" || r === "\n") throw new ParseFailure("unclosed action");
      if (r === " " || r === "@" || r === "$") {
        this.consume();
      } else if (r === "[") {
        this.parseArray(cur);
      } else if (r === '"' || r === "'") {
        this.parseQuote(cur, r);
      } else if (r === ".") {
        this.parseField(cur);
      } else if (r === "+" || r === "-" || isDigit(r)) {
        this.backup();
        this.parseNumber(cur);
      } else if (isAlphaNumeric(r)) {
        this.backup();
        this.parseIdentifier(cur);
      } else {
        throw new ParseFailure(`unrecognized character in action: ${goRune(r)}`);
      }
    }
  }

  private parseIdentifier(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consume();
    if (value === "true" || value === "false") {
      cur.nodes.push({ t: "bool", value: value === "true" });
    } else cur.nodes.push({ t: "identifier", name: value });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes.at(-1)?.t === "recursive") {
      throw new ParseFailure("invalid multiple recursive descent");
    }
    this.pos += 2;
    this.consume();
    cur.nodes.push({ t: "recursive" });
    const r = this.peek();
    if (r !== undefined && isAlphaNumeric(r)) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const first = this.peek();
    if (first === "+" || first === "-") this.next();
    for (;;) {
      const r = this.next();
      if (r !== "." && (r === undefined || !isDigit(r))) {
        this.backup();
        break;
      }
    }
    const value = this.consume();
    if (/^[+-]?\d+$/.test(value)) {
      cur.nodes.push({ t: "int", value: parseInt(value, 10) });
    } else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) {
      cur.nodes.push({ t: "float", value: new GoFloat(parseFloat(value)) });
    } else {
      throw new ParseFailure(`cannot parse number ${value}`);
    }
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (r === undefined || r === "\n") throw new ParseFailure("unterminated array");
      if (r === "]") break;
    }
    let text = this.consume();
    text = text.slice(1, -1);
    if (text === "*") text = ":";

    const parts = text.split(",");
    if (parts.length > 1) {
      const union: ListNode[] = [];
      for (const part of parts) union.push(parseAction(`[${part.replace(/^ +| +$/g, "")}]`));
      cur.nodes.push({ t: "union", nodes: union });
      return;
    }

    const key = /^'([^']*)'$/.exec(text);
    if (key) {
      cur.nodes.push(...parseAction(`.${key[1]}`).nodes);
      return;
    }

    const m = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!m) throw new ParseFailure(`invalid array index ${text}`);
    const raw = [m[1] ?? "", m[2] ?? "", m[3] ?? ""];
    const params: SliceParam[] = [];
    for (let i = 0; i < 3; i++) {
      let v = raw[i];
      if (v !== "") {
        if (i > 0) v = v.slice(1);
        if (i > 0 && v === "") {
          params.push({ known: false, value: 0, derived: false });
        } else {
          const n = Number(v);
          if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(n)) {
            throw new ParseFailure(`array index ${v} is not a number`);
          }
          params.push({ known: true, value: n, derived: false });
        }
      } else if (i === 1) {
        params.push({ known: true, value: params[0].value + 1, derived: true });
      } else {
        params.push({ known: false, value: 0, derived: false });
      }
    }
    cur.nodes.push({ t: "array", params: params as [SliceParam, SliceParam, SliceParam] });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consume();
    let begin = false;
    let end = false;
    let pair = "";
    loop: for (;;) {
      const r = this.next();
      switch (r) {
        case undefined:
        case "\n":
          throw new ParseFailure("unterminated filter");
        case '"':
        case "'":
          if (!begin) {
            begin = true;
            pair = r;
            continue;
          }
          if (this.input[this.pos - 2] !== "\\" && r === pair) end = true;
          break;
        case ")":
          if (begin === end) break loop;
      }
    }
    if (this.next() !== "]") throw new ParseFailure("unclosed array expect ]");
    const text = this.consume().slice(0, -2);
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/s.exec(text);
    if (!m) {
      cur.nodes.push({ t: "filter", left: parseAction(text), right: newList(), op: "exists" });
    } else {
      cur.nodes.push({ t: "filter", left: parseAction(m[1]), right: parseAction(m[3]), op: m[2] });
    }
  }

  private parseQuote(cur: ListNode, end: string): void {
    for (;;) {
      const r = this.next();
      if (r === undefined || r === "\n") throw new ParseFailure("unterminated quoted string");
      if (r === end && this.input[this.pos - 2] !== "\\") break;
    }
    const value = this.consume();
    let s: string;
    try {
      s = unquoteExtend(value);
    } catch (e) {
      throw new ParseFailure(`unquote string ${value} error ${(e as Error).message}`);
    }
    cur.nodes.push({ t: "text", text: s });
  }

  private parseField(cur: ListNode): void {
    this.consume();
    for (;;) {
      const r = this.next();
      if (r === "\\") {
        this.next();
      } else if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consume();
    if (value === "*") cur.nodes.push({ t: "wildcard" });
    else cur.nodes.push({ t: "field", name: value.replaceAll("\\", "") });
  }
}

function parseAction(text: string): ListNode {
  const root = new Parser().parse(`{${text}}`);
  return root.nodes[0] as ListNode;
}

function isDigit(r: string): boolean {
  return /^\p{Nd}$/u.test(r);
}

function isAlphaNumeric(r: string): boolean {
  return r === "_" || /^[\p{L}\p{Nd}]$/u.test(r);
}

function isTerminator(r: string | undefined): boolean {
  if (r === undefined) return true;
  return " \t\r\n.,[]$@{}".includes(r);
}

/** Go's `%#U`: `U+007E '~'`. */
function goRune(r: string): string {
  const cp = r.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  return /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}]$/u.test(r) ? `U+${hex} '${r}'` : `U+${hex}`;
}

/**
 * Unquotes a Go string literal in double or single quotes (client-go's
 * UnquoteExtend, Go's `strconv.Unquote` with `\x` and octal escapes as
 * bytes of UTF-8). Throws `Error("invalid syntax")` as Go does.
 *
 * @example
 * ```ts
 * import { unquoteExtend } from "./jsonpath.ts";
 * console.assert(unquoteExtend('"a\\tb\\xc3\\xa9"') === "a\tbé");
 * ```
 */
export function unquoteExtend(s: string): string {
  const cps = Array.from(s);
  if (cps.length < 2) throw new Error("invalid syntax");
  const quote = cps[0];
  if (quote !== cps[cps.length - 1] || (quote !== '"' && quote !== "'")) {
    throw new Error("invalid syntax");
  }
  const body = cps.slice(1, -1);
  let out = "";
  const bytes: number[] = [];
  const flush = () => {
    if (bytes.length) {
      out += new TextDecoder().decode(new Uint8Array(bytes));
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === quote) throw new Error("invalid syntax");
    if (c !== "\\") {
      flush();
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = {
      a: "\x07",
      b: "\b",
      f: "\f",
      n: "\n",
      r: "\r",
      t: "\t",
      v: "\v",
      "\\": "\\",
    };
    if (e !== undefined && e in simple) {
      flush();
      out += simple[e];
    } else if (e === quote) {
      flush();
      out += e;
    } else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n).join("");
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new Error("invalid syntax");
      i += n;
      const v = parseInt(hex, 16);
      if (e === "x") bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new Error("invalid syntax");
        flush();
        out += String.fromCodePoint(v);
      }
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3).join("");
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new Error("invalid syntax");
      i += 2;
      bytes.push(parseInt(oct, 8));
    } else {
      throw new Error("invalid syntax");
    }
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

class ExecFailure extends Error {}

interface RangeState {
  beginRange: number;
  inRange: number;
  endRange: number;
  lastEnd: number;
}

/** Go's reflect kind of a decoded JSON value: what kubectl's engine sees. */
type GoKind = "invalid" | "map" | "slice" | "string" | "int" | "float" | "bool";

function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return "invalid";
  if (v instanceof GoFloat) return "float";
  if (Array.isArray(v)) return "slice";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return isGoInt(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "object":
      return "map";
  }
  return "invalid";
}

function isGoInt(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoFloat);
}

/** Go's type name for a JSON value (`map[string]interface {}`), used in error messages. */
function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case "map":
      return "map[string]interface {}";
    case "slice":
      return "[]interface {}";
    case "string":
      return "string";
    case "int":
      return "int64";
    case "float":
      return "float64";
    case "bool":
      return "bool";
    default:
      return "<nil>";
  }
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isMap(v)) return Object.keys(v).sort(compareGoStrings).map((k) => v[k]);
  if (typeof v === "string") return Array.from(new TextEncoder().encode(v));
  return [];
}

class Engine {
  private state: RangeState = { beginRange: 0, inRange: 0, endRange: 0, lastEnd: -1 };
  constructor(private readonly allowMissingKeys: boolean) {}

  find(nodes: Node[], start: number, data: unknown): unknown[][] {
    const cur = [data];
    const full: unknown[][] = [];
    const s = this.state;
    for (let i = start; i < nodes.length; i++) {
      const results = this.walk(cur, nodes[i]);
      if (s.endRange > 0 && s.endRange <= s.inRange) {
        s.endRange--;
        s.lastEnd = i;
        break;
      }
      if (s.beginRange > 0) {
        s.beginRange--;
        s.inRange++;
        if (results.length > 0) {
          for (const value of results) full.push(...this.find(nodes, i + 1, value));
        } else {
          this.find(nodes, i + 1, null);
        }
        s.inRange--;
        for (let k = i + 1; k < nodes.length; k++) {
          if (k === s.lastEnd) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(results);
    }
    return full;
  }

  private walk(input: unknown[], node: Node): unknown[] {
    switch (node.t) {
      case "list":
        return this.evalList(input, node);
      case "text":
        return [node.text];
      case "field":
        return this.evalField(input, node.name);
      case "array":
        return this.evalArray(input, node.params);
      case "filter":
        return this.evalFilter(input, node);
      case "int":
      case "float":
      case "bool":
        return input.map(() => node.value);
      case "wildcard":
        return input.flatMap((v) => children(v));
      case "recursive":
        return this.evalRecursive(input);
      case "union":
        return node.nodes.flatMap((l) => this.evalList(input, l));
      case "identifier":
        return this.evalIdentifier(input, node.name);
    }
  }

  evalList(input: unknown[], node: ListNode): unknown[] {
    let cur = input;
    for (const n of node.nodes) cur = this.walk(cur, n);
    return cur;
  }

  private evalIdentifier(input: unknown[], name: string): unknown[] {
    if (name === "range") {
      this.state.beginRange++;
      return input;
    }
    if (name === "end") {
      if (this.state.inRange > 0) {
        this.state.endRange++;
        return [];
      }
      throw new ExecFailure("not in range, nothing to end");
    }
    throw new ExecFailure(`unrecognized identifier ${name}`);
  }

  private evalField(input: unknown[], name: string): unknown[] {
    const results: unknown[] = [];
    if (input.length === 0) return results;
    for (const v of input) {
      if (isMap(v) && Object.hasOwn(v, name)) results.push(v[name]);
    }
    if (results.length === 0 && !this.allowMissingKeys) {
      throw new ExecFailure(`${name} is not found`);
    }
    return results;
  }

  private evalArray(input: unknown[], node: [SliceParam, SliceParam, SliceParam]): unknown[] {
    const result: unknown[] = [];
    for (const value of input) {
      if (value === null || value === undefined) continue;
      if (!Array.isArray(value)) {
        throw new ExecFailure(`${goTypeName(value)} is not array or slice`);
      }
      const p = node.map((x) => ({ ...x }));
      const len = value.length;
      if (!p[0].known) p[0].value = 0;
      if (p[0].value < 0) p[0].value += len;
      if (!p[1].known) p[1].value = len;
      if (p[1].value < 0 || (p[1].value === 0 && p[1].derived)) p[1].value += len;
      if (p[1].value === p[0].value) return result;
      if (p[0].value >= len || p[0].value < 0) {
        throw new ExecFailure(`array index out of bounds: index ${p[0].value}, length ${len}`);
      }
      if (p[1].value > len || p[1].value < 0) {
        throw new ExecFailure(`array index out of bounds: index ${p[1].value - 1}, length ${len}`);
      }
      if (p[0].value > p[1].value) {
        throw new ExecFailure(
          `starting index ${p[0].value} is greater than ending index ${p[1].value}`,
        );
      }
      let step = 1;
      if (p[2].known) {
        if (p[2].value <= 0) throw new ExecFailure("step must be > 0");
        step = p[2].value;
      }
      for (let i = p[0].value; i < p[1].value; i += step) result.push(value[i]);
    }
    return result;
  }

  private evalRecursive(input: unknown[]): unknown[] {
    const result: unknown[] = [];
    for (const value of input) {
      if (value === null || value === undefined) continue;
      const kids = children(value);
      if (kids.length !== 0) {
        result.push(value);
        result.push(...this.evalRecursive(kids));
      }
    }
    return result;
  }

  private evalFilter(
    input: unknown[],
    node: { left: ListNode; right: ListNode; op: string },
  ): unknown[] {
    const results: unknown[] = [];
    for (const value of input) {
      if (!Array.isArray(value)) {
        const shown = value === null || value === undefined
          ? "<invalid reflect.Value>"
          : goSprint(value);
        throw new ExecFailure(`${shown} is not array or slice and cannot be filtered`);
      }
      for (const item of value) {
        let lefts: unknown[] = [];
        let err: unknown;
        try {
          lefts = this.evalList([item], node.left);
        } catch (e) {
          err = e;
        }
        if (node.op === "exists") {
          if (lefts.length > 0) results.push(item);
          continue;
        }
        if (err) throw err;
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new ExecFailure("can only compare one element at a time");
        const rights = this.evalList([item], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new ExecFailure("can only compare one element at a time");
        if (compare(lefts[0], rights[0], node.op)) results.push(item);
      }
    }
    return results;
  }
}

/** The comparison functions of Go's text/template (eq, ne, lt, le, gt, ge). */
function compare(a: unknown, b: unknown, op: string): boolean {
  const eq = () => {
    const ka = goKind(a);
    const kb = goKind(b);
    if (ka === "invalid" || kb === "invalid" || ka === "map" || ka === "slice") {
      throw new ExecFailure("invalid type for comparison");
    }
    if (ka !== kb) throw new ExecFailure("incompatible types for comparison");
    return scalar(a) === scalar(b);
  };
  const lt = () => {
    const ka = goKind(a);
    const kb = goKind(b);
    if (ka !== "int" && ka !== "float" && ka !== "string") {
      throw new ExecFailure("invalid type for comparison");
    }
    if (ka !== kb) throw new ExecFailure("incompatible types for comparison");
    return (scalar(a) as number | string) < (scalar(b) as number | string);
  };
  switch (op) {
    case "==":
      return eq();
    case "!=":
      return !eq();
    case "<":
      return lt();
    case "<=":
      return lt() || eq();
    case ">":
      return !(lt() || eq());
    case ">=":
      return !lt();
    default:
      throw new ExecFailure(`unrecognized filter operator ${op}`);
  }
}

function scalar(v: unknown): unknown {
  return v instanceof GoFloat ? v.value : v;
}

// ---------------------------------------------------------------------------------------------
// Go formatting helpers (shared with the printers)

/** Compares strings by UTF-8 bytes, as Go's `sort.Strings` and `encoding/json` do for keys. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : 1;
}

/** Formats a float as Go's `fmt` `%v` does (`2.5`, `1e+06`, `1e-05`). */
export function goFormatFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mant, expStr] = x.toExponential().split("e");
  const exp = Number(expStr);
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  let out: string;
  if (exp < -4 || exp >= 6) {
    // Go's shortest %g switches to an exponent below 1e-4 and from 1e6 on.
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  } else if (exp >= 0) {
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    out = frac ? `${int}.${frac}` : int;
  } else {
    out = `0.${"0".repeat(-exp - 1)}${digits}`;
  }
  return neg ? `-${out}` : out;
}

/** Prints a number as Go prints the value JSON decoding gave it (int64 or float64). */
export function goFormatNumber(n: number): string {
  return isGoInt(n) ? BigInt(n).toString() : goFormatFloat(n);
}

/** Go's `fmt.Sprint` (`%v`) of a decoded JSON value: `map[a:1 b:[x y]]`, `<nil>`. */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (v instanceof GoFloat) return goFormatFloat(v.value);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(" ")}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort(compareGoStrings);
    return `map[${keys.map((k) => `${k}:${goSprint(v[k])}`).join(" ")}]`;
  }
  if (typeof v === "number") return goFormatNumber(v);
  return String(v);
}

/**
 * Go's `json.Marshal` / `json.MarshalIndent` of a decoded JSON value: map keys sorted,
 * `<`, `>`, `&`, U+2028 and U+2029 escaped. (Serialised by hand: a JS object cannot hold
 * keys such as `"01"` and `"1"` in sorted order, since integer-like keys always come first.)
 */
export function goJson(v: unknown, indent = ""): string {
  const text = writeJson(v, indent, "");
  return text.replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function writeJson(v: unknown, indent: string, prefix: string): string {
  if (v instanceof GoFloat) return JSON.stringify(v.value);
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    const inner = prefix + indent;
    const items = v.map((x) => writeJson(x === undefined ? null : x, indent, inner));
    return indent === ""
      ? `[${items.join(",")}]`
      : `[\n${items.map((i) => inner + i).join(",\n")}\n${prefix}]`;
  }
  if (v instanceof GoStruct || isMap(v)) {
    const struct = v instanceof GoStruct;
    const fields = struct ? v.fields : v;
    const keys = Object.keys(fields).filter((k) => fields[k] !== undefined);
    if (!struct) keys.sort(compareGoStrings);
    if (keys.length === 0) return "{}";
    const inner = prefix + indent;
    const sep = indent === "" ? ":" : ": ";
    const items = keys.map((k) => JSON.stringify(k) + sep + writeJson(fields[k], indent, inner));
    return indent === ""
      ? `{${items.join(",")}}`
      : `{\n${items.map((i) => inner + i).join(",\n")}\n${prefix}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** Go's `strconv.Quote` for ASCII-safe text (used in kubectl's messages). */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/**
 * Prints the values of one result list as client-go's `PrintResults` does:
 * maps and lists as compact JSON with sorted keys, `null` for a JSON null,
 * other values as Go's `fmt` prints them, separated by a space. Printer
 * columns of type `string` print their value this way.
 *
 * @example
 * ```ts
 * import { printJsonPathResults } from "./jsonpath.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(printJsonPathResults([{ b: 1, a: [true] }]), '{"a":[true],"b":1}');
 * assert.equal(printJsonPathResults(["x", 2.5, null]), "x 2.5 null");
 * ```
 */
export function printJsonPathResults(results: readonly unknown[]): string {
  let out = "";
  results.forEach((r, i) => {
    if (Array.isArray(r) || isMap(r)) out += goJson(r);
    else if (r === null || r === undefined) out += "null";
    else out += goSprint(r);
    if (i !== results.length - 1) out += " ";
  });
  return out;
}

/**
 * Parses a kubectl JSONPath template. Throws {@linkcode JsonPathError} (phase `parse`) with
 * client-go's reason when the template is malformed.
 *
 * @example
 * ```ts
 * import { JsonPathError, parseJsonPath } from "./jsonpath.ts";
 * import assert from "node:assert/strict";
 *
 * const data = { data: { a: "1", b: "2" } };
 * assert.equal(parseJsonPath("{.data}").execute(data), '{"a":"1","b":"2"}');
 * assert.throws(() => parseJsonPath("{.a["), JsonPathError);
 * ```
 */
export function parseJsonPath(template: string, options: JsonPathOptions = {}): JsonPathTemplate {
  let root: ListNode;
  try {
    root = new Parser().parse(template);
  } catch (e) {
    if (e instanceof ParseFailure) throw new JsonPathError("parse", template, e.message);
    throw e;
  }
  const allow = options.allowMissingKeys ?? true;
  const results = (data: unknown): unknown[][] => {
    try {
      return new Engine(allow).find(root.nodes, 0, data);
    } catch (e) {
      if (e instanceof ExecFailure) throw new JsonPathError("execute", template, e.message);
      throw e;
    }
  };
  return {
    template,
    results,
    execute(data: unknown): string {
      return results(data).map(printJsonPathResults).join("");
    },
  };
}

/**
 * Turns a relaxed path such as `.metadata.name`, `metadata.name` or `{.metadata.name}` into a
 * template, as kubectl does for `--sort-by` and custom columns. Throws when the path holds
 * braces in other places (kubectl's `unexpected path string, expected a 'name1.name2' or
 * '.name1.name2' or '{name1.name2}' or '{.name1.name2}'`).
 *
 * @example
 * ```ts
 * import { relaxedJsonPath } from "./jsonpath.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(relaxedJsonPath("metadata.name"), "{.metadata.name}");
 * ```
 */
export function relaxedJsonPath(path: string): string {
  if (path === "") return path;
  const m = /^\{\.?([^{}]*)\}$|^\.?([^{}]*)$/.exec(path);
  if (!m) {
    throw new Error(
      "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    );
  }
  const sub = m[1] ?? m[2] ?? "";
  return `{.${sub}}`;
}
