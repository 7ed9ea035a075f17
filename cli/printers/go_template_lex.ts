/**
 * The lexer of Go's `text/template` (package `text/template/parse`): items and their errors.
 *
 * @module
 */

/** The kinds of items. */
export type ItemType =
  | "error"
  | "eof"
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "space"
  | "bool"
  | "char"
  | "charConstant"
  | "number"
  | "string"
  | "rawString"
  | "field"
  | "variable"
  | "identifier"
  | "pipe"
  | "declare"
  | "assign"
  | "leftParen"
  | "rightParen"
  // keywords
  | "block"
  | "break"
  | "continue"
  | "dot"
  | "define"
  | "else"
  | "end"
  | "if"
  | "nil"
  | "range"
  | "template"
  | "with";

/** The item types that are keywords. */
export const KEYWORDS: ReadonlySet<string> = new Set<string>([
  "block",
  "break",
  "continue",
  "dot",
  "define",
  "else",
  "end",
  "if",
  "nil",
  "range",
  "template",
  "with",
]);

/** One lexed item. */
export interface Item {
  type: ItemType;
  val: string;
  pos: number;
  line: number;
}

/** An item as Go's parse errors show it. */
export function itemString(i: Item): string {
  if (i.type === "eof") return "EOF";
  if (i.type === "error") return i.val;
  if (KEYWORDS.has(i.type)) return `<${i.val}>`;
  if ([...i.val].length > 10) return `${goQuoteTrunc(i.val, 10)}...`;
  return goQuoteShort(i.val);
}

/** `%q` of a string (what parse errors print). */
export function goQuoteShort(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, "\\x$1");
}

/** `%.Nq`: the first n runes, quoted. */
function goQuoteTrunc(s: string, n: number): string {
  return goQuoteShort([...s].slice(0, n).join(""));
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const isAlphaNumeric = (c: string | undefined) =>
  c !== undefined && (c === "_" || /^[\p{L}\p{Nd}]$/u.test(c));

/** Go's `%#U`: `U+002C ','`. */
function runeU(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")} '${c}'`;
}

/** Splits a template into items, ending with `eof` or one `error` item. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  const emit = (type: ItemType) => {
    items.push({ type, val: input.slice(start, pos), pos: start, line: startLine });
    line += countNl(input.slice(start, pos));
    start = pos;
    startLine = line;
  };
  const ignore = () => {
    line += countNl(input.slice(start, pos));
    start = pos;
    startLine = line;
  };
  const fail = (msg: string) => {
    items.push({ type: "error", val: msg, pos: start, line: startLine });
  };
  const hasLeftTrim = (p: number) => input[p] === "-" && isSpace(input[p + 1]);
  const hasRightTrim = (p: number) => isSpace(input[p]) && input[p + 1] === "-";
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrim(pos) && input.startsWith("}}", pos + 2)) return [true, true];
    if (input.startsWith("}}", pos)) return [true, false];
    return [false, false];
  };
  const atTerminator = () => {
    const c = input[pos];
    if (c === undefined || isSpace(c) || ".,|:)(".includes(c)) return true;
    return input.startsWith("}}", pos);
  };
  const nextRune = (): string | undefined => {
    const cp = input.codePointAt(pos);
    if (cp === undefined) return undefined;
    const c = String.fromCodePoint(cp);
    pos += c.length;
    return c;
  };

  for (;;) {
    // lexText
    const x = input.indexOf("{{", pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit("text");
      items.push({ type: "eof", val: "", pos, line });
      return items;
    }
    if (x > pos) {
      let end = x;
      if (hasLeftTrim(x + 2)) { while (end > start && isSpace(input[end - 1])) end--; }
      pos = end;
      if (end > start) emit("text");
      pos = x;
      ignore();
    }
    // lexLeftDelim
    pos += 2;
    const trim = hasLeftTrim(pos);
    const after = trim ? 2 : 0;
    if (input.startsWith("/*", pos + after)) {
      pos += after;
      ignore();
      pos += 2;
      const e = input.indexOf("*/", pos);
      if (e < 0) return fail("unclosed comment"), items;
      pos = e + 2;
      const [delim, trimSpace] = atRightDelim();
      if (!delim) return fail("comment ends before closing delimiter"), items;
      if (trimSpace) pos += 2;
      pos += 2;
      if (trimSpace) { while (isSpace(input[pos])) pos++; }
      ignore();
      continue;
    }
    emit("leftDelim");
    pos += after;
    ignore();
    parenDepth = 0;
    // lexInsideAction
    inside: for (;;) {
      const [delim, trimSpace] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return fail("unclosed left paren"), items;
        if (trimSpace) {
          pos += 2;
          ignore();
        }
        pos += 2;
        emit("rightDelim");
        if (trimSpace) {
          while (isSpace(input[pos])) pos++;
          ignore();
        }
        break inside;
      }
      const r = nextRune();
      if (r === undefined) return fail("unclosed action"), items;
      if (isSpace(r)) {
        pos--;
        let n = 0;
        while (isSpace(input[pos])) pos++, n++;
        if (hasRightTrim(pos - 1) && input.startsWith("}}", pos + 1)) {
          pos--;
          if (n === 1) continue; // on the delimiter
        }
        emit("space");
      } else if (r === "=") emit("assign");
      else if (r === ":") {
        if (input[pos] !== "=") {
          pos++;
          return fail("expected :="), items;
        }
        pos++;
        emit("declare");
      } else if (r === "|") emit("pipe");
      else if (r === '"' || r === "'") {
        const what = r === '"' ? "quoted string" : "character constant";
        for (;;) {
          const c = nextRune();
          if (c === "\\") {
            const d = nextRune();
            if (d !== undefined && d !== "\n") continue;
            return fail(`unterminated ${what}`), items;
          }
          if (c === undefined || c === "\n") return fail(`unterminated ${what}`), items;
          if (c === r) break;
        }
        emit(r === '"' ? "string" : "charConstant");
      } else if (r === "`") {
        const e = input.indexOf("`", pos);
        if (e < 0) return fail("unterminated raw quoted string"), items;
        pos = e + 1;
        emit("rawString");
      } else if (r === "$" || (r === "." && !(input[pos] >= "0" && input[pos] <= "9"))) {
        const typ: ItemType = r === "$" ? "variable" : "field";
        if (atTerminator()) {
          emit(r === "$" ? "variable" : "dot");
          continue;
        }
        let c: string | undefined;
        for (;;) {
          const p = pos;
          c = nextRune();
          if (!isAlphaNumeric(c)) {
            pos = p;
            break;
          }
        }
        if (!atTerminator()) return fail(`bad character ${runeU(c!)}`), items;
        emit(typ);
      } else if (r === "." || r === "+" || r === "-" || (r >= "0" && r <= "9")) {
        pos -= r.length;
        if (!scanNumber()) {
          return fail(`bad number syntax: ${goQuoteShort(input.slice(start, pos))}`), items;
        }
        emit("number");
      } else if (isAlphaNumeric(r)) {
        let c: string | undefined;
        for (;;) {
          const p = pos;
          c = nextRune();
          if (!isAlphaNumeric(c)) {
            pos = p;
            break;
          }
        }
        if (!atTerminator()) return fail(`bad character ${runeU(c!)}`), items;
        const word = input.slice(start, pos);
        if (KEYWORDS.has(word) && word !== "dot") emit(word as ItemType);
        else if (word === "true" || word === "false") emit("bool");
        else emit("identifier");
      } else if (r === "(") {
        parenDepth++;
        emit("leftParen");
      } else if (r === ")") {
        parenDepth--;
        if (parenDepth < 0) return fail("unexpected right paren"), items;
        emit("rightParen");
      } else if (r.codePointAt(0)! < 0x80 && r >= " " && r !== "\x7f") {
        emit("char");
      } else {
        return fail(`unrecognized character in action: ${runeU(r)}`), items;
      }
    }
  }

  function scanNumber(): boolean {
    const accept = (valid: string) => {
      if (pos < input.length && valid.includes(input[pos])) {
        pos++;
        return true;
      }
      return false;
    };
    const acceptRun = (valid: string) => {
      while (accept(valid));
    };
    accept("+-");
    let digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (accept("oO")) digits = "01234567_";
      else if (accept("bB")) digits = "01_";
    }
    acceptRun(digits);
    if (accept(".")) acceptRun(digits);
    if (digits.length === 11 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (digits.length === 23 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isAlphaNumeric(input[pos])) {
      nextRune();
      return false;
    }
    return true;
  }
}

function countNl(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
}
