/**
 * The parser of Go's `text/template` (package `text/template/parse`), with its error messages:
 * `template: NAME:LINE: MESSAGE`.
 *
 * @module
 */

import { goQuoteShort, type Item, itemString, type ItemType, lex } from "./go_template_lex.ts";
import { unquoteExtend } from "../../src/apimachinery/jsonpath.ts";

/** A parse error, with Go's message. */
export class TemplateParseError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "TemplateParseError";
  }
}

// ---- nodes ----------------------------------------------------------------------------------

/** A node of the parse tree. */
export type Node =
  | { type: "text"; pos: number; text: string }
  | { type: "action"; pos: number; line: number; pipe: PipeNode }
  | ControlNode
  | { type: "template"; pos: number; line: number; name: string; pipe?: PipeNode }
  | { type: "break" | "continue"; pos: number; line: number }
  | ListNode
  | { type: "end" | "else"; pos: number; line: number }
  | PipeNode
  | CommandNode
  | { type: "field"; pos: number; ident: string[] }
  | { type: "variable"; pos: number; ident: string[] }
  | { type: "chain"; pos: number; node: Node; field: string[] }
  | { type: "identifier"; pos: number; ident: string }
  | { type: "dot" | "nil"; pos: number }
  | { type: "bool"; pos: number; value: boolean }
  | NumberNode
  | { type: "string"; pos: number; quoted: string; text: string };

/** `{{if}}`, `{{range}}` and `{{with}}`. */
export interface ControlNode {
  type: "if" | "range" | "with";
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

/** A sequence of nodes. */
export interface ListNode {
  type: "list";
  pos: number;
  nodes: Node[];
}

/** A pipeline, with its declared variables. */
export interface PipeNode {
  type: "pipe";
  pos: number;
  line: number;
  isAssign: boolean;
  decl: { type: "variable"; pos: number; ident: string[] }[];
  cmds: CommandNode[];
}

/** One command of a pipeline. */
export interface CommandNode {
  type: "command";
  pos: number;
  args: Node[];
}

/** A number constant. */
export interface NumberNode {
  type: "number";
  pos: number;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  int: number;
  float: number;
}

/** Go's `Node.String()`: the node as template text. */
export function nodeString(n: Node): string {
  switch (n.type) {
    case "text":
      return goQuoteShort(n.text);
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "if":
    case "range":
    case "with":
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}` +
        (n.elseList ? `{{else}}${nodeString(n.elseList)}` : "") + "{{end}}";
    case "template":
      return `{{template ${goQuoteShort(n.name)}${n.pipe ? " " + nodeString(n.pipe) : ""}}}`;
    case "break":
    case "continue":
    case "end":
    case "else":
      return `{{${n.type}}}`;
    case "list":
      return n.nodes.map(nodeString).join("");
    case "pipe": {
      let s = "";
      if (n.decl.length) {
        s = n.decl.map((v) => v.ident.join(".")).join(", ") + (n.isAssign ? " = " : " := ");
      }
      return s + n.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return n.args.map((a) => a.type === "pipe" ? `(${nodeString(a)})` : nodeString(a)).join(" ");
    case "field":
      return "." + n.ident.join(".");
    case "variable":
      return n.ident.join(".");
    case "chain":
      return (n.node.type === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node)) +
        n.field.map((f) => "." + f).join("");
    case "identifier":
      return n.ident;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(n.value);
    case "number":
      return n.text;
    case "string":
      return n.quoted;
  }
}

// ---- parser ---------------------------------------------------------------------------------

/** A parsed template: its main tree and the templates it defines. */
export interface ParsedTemplate {
  /** The template's name (`output` for kubectl). */
  name: string;
  /** The source text (for error positions). */
  text: string;
  /** The main template. */
  root: ListNode;
  /** Templates by name, from `{{define}}` and `{{block}}` (and the main one). */
  templates: Map<string, ListNode>;
}

/** Parses `text` as template `name`, knowing the functions `funcs`. */
export function parseTemplate(
  text: string,
  name: string,
  funcs: ReadonlySet<string>,
): ParsedTemplate {
  const p = new Parser(text, name, funcs);
  return p.parse();
}

function isEmptyTree(l: ListNode): boolean {
  return l.nodes.every((n) => n.type === "text" && n.text.trim() === "");
}

class Parser {
  private items: Item[];
  private i = 0;
  /** The furthest item read: Go reports errors on its line. */
  private far = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  private actionLine = 0;
  private templates = new Map<string, ListNode>();

  constructor(private text: string, private name: string, private funcs: ReadonlySet<string>) {
    this.items = lex(text);
  }

  parse(): ParsedTemplate {
    const root: ListNode = { type: "list", pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== "eof") {
      if (this.peek().type === "leftDelim") {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().type === "define") {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.type === "end" || n.type === "else") this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    this.add(this.name, root);
    return { name: this.name, text: this.text, root, templates: this.templates };
  }

  private add(name: string, list: ListNode) {
    const prev = this.templates.get(name);
    if (prev === undefined || isEmptyTree(prev)) {
      this.templates.set(name, list);
      return;
    }
    if (!isEmptyTree(list)) {
      this.errorf(`template: multiple definition of template ${goQuoteShort(name)}`);
    }
  }

  private errorf(msg: string): never {
    const line = this.items[this.far].line;
    throw new TemplateParseError(`template: ${this.name}:${line}: ${msg}`);
  }

  private next(): Item {
    const idx = Math.min(this.i++, this.items.length - 1);
    if (idx > this.far) this.far = idx;
    return this.items[idx];
  }
  private backup(n = 1) {
    this.i -= n;
  }
  private peek(): Item {
    return this.items[Math.min(this.i, this.items.length - 1)];
  }
  private nextNonSpace(): Item {
    let t: Item;
    do t = this.next(); while (t.type === "space");
    return t;
  }
  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private expect(type: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === "error") {
      let extra = "";
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        if (token.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  private parseDefinition() {
    const context = "define clause";
    const t = this.nextNonSpace();
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    const name = this.unquote(t.val);
    this.expect("rightDelim", context);
    const saved = [this.vars, this.rangeDepth] as const;
    this.vars = ["$"];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    if (end.type !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    [this.vars, this.rangeDepth] = saved;
    this.add(name, list);
  }

  private textOrAction(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "text":
        return { type: "text", pos: t.pos, text: t.val };
      case "leftDelim": {
        this.actionLine = t.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default:
        this.unexpected(t, "input");
    }
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = { type: "list", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== "eof") {
      const n = this.textOrAction();
      if (n.type === "end" || n.type === "else") return [list, n];
      list.nodes.push(n);
    }
    this.errorf("unexpected EOF");
  }

  private action(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "block":
        return this.blockControl();
      case "break":
      case "continue": {
        const r = this.nextNonSpace();
        if (r.type !== "rightDelim") this.unexpected(r, `{{${t.type}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${t.type}}} outside {{range}}`);
        return { type: t.type, pos: t.pos, line: t.line };
      }
      case "else": {
        const peek = this.peekNonSpace();
        if (peek.type === "if" || peek.type === "with") {
          return { type: "else", pos: peek.pos, line: peek.line };
        }
        const r = this.expect("rightDelim", "else");
        return { type: "else", pos: r.pos, line: r.line };
      }
      case "end": {
        const r = this.expect("rightDelim", "end");
        return { type: "end", pos: r.pos, line: r.line };
      }
      case "if":
      case "range":
      case "with":
        return this.control(t.type);
      case "template": {
        const context = "template clause";
        const tok = this.nextNonSpace();
        if (tok.type !== "string" && tok.type !== "rawString") this.unexpected(tok, context);
        const name = this.unquote(tok.val);
        let pipe: PipeNode | undefined;
        if (this.nextNonSpace().type !== "rightDelim") {
          this.backup();
          pipe = this.pipeline(context, "rightDelim");
        }
        return { type: "template", pos: tok.pos, line: tok.line, name, pipe };
      }
    }
    this.backup();
    const tok = this.peek();
    return {
      type: "action",
      pos: tok.pos,
      line: tok.line,
      pipe: this.pipeline("command", "rightDelim"),
    };
  }

  private blockControl(): Node {
    const context = "block clause";
    const tok = this.nextNonSpace();
    if (tok.type !== "string" && tok.type !== "rawString") this.unexpected(tok, context);
    const name = this.unquote(tok.val);
    const pipe = this.pipeline(context, "rightDelim");
    const saved = [this.vars, this.rangeDepth] as const;
    this.vars = ["$"];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    if (end.type !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    [this.vars, this.rangeDepth] = saved;
    this.add(name, list);
    return { type: "template", pos: tok.pos, line: tok.line, name, pipe };
  }

  private control(context: "if" | "range" | "with"): ControlNode {
    const nvars = this.vars.length;
    try {
      const pipe = this.pipeline(context, "rightDelim");
      if (context === "range") this.rangeDepth++;
      const [list, next] = this.itemList();
      if (context === "range") this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === "else") {
        const peek = this.peek().type;
        if ((context === "if" && peek === "if") || (context === "with" && peek === "with")) {
          this.next();
          elseList = { type: "list", pos: next.pos, nodes: [this.control(context)] };
        } else {
          let end: Node;
          [elseList, end] = this.itemList();
          if (end.type !== "end") this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = nvars;
    }
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const tok = this.peekNonSpace();
    const pipe: PipeNode = {
      type: "pipe",
      pos: tok.pos,
      line: tok.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== "variable") break;
      const vi = this.i;
      this.nextNonSpace();
      const after = this.peek();
      const next = this.peekNonSpace();
      if (next.type === "assign" || next.type === "declare") {
        pipe.isAssign = next.type === "assign";
        this.nextNonSpace();
        pipe.decl.push({ type: "variable", pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
      } else if (next.type === "char" && next.val === ",") {
        this.nextNonSpace();
        pipe.decl.push({ type: "variable", pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === "variable" || p === "rightDelim" || p === "rightParen") continue decls;
          this.errorf("range can only initialize variables");
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (after.type === "space") {
        this.i = vi;
      } else {
        this.i = vi;
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
        for (let i = 1; i < pipe.cmds.length; i++) {
          const a = pipe.cmds[i].args[0].type;
          if (a === "bool" || a === "dot" || a === "nil" || a === "number" || a === "string") {
            this.errorf(`non executable command in pipeline stage ${i + 1}`);
          }
        }
        return pipe;
      }
      switch (t.type) {
        case "bool":
        case "charConstant":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === "space") continue;
      if (t.type === "rightDelim" || t.type === "rightParen") this.backup();
      else if (t.type !== "pipe") this.unexpected(t, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  private operand(): Node | undefined {
    let node = this.term();
    if (!node) return undefined;
    if (this.peek().type === "field") {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().type === "field") fields.push(this.next().val.slice(1));
      switch (node.type) {
        case "field":
          node = { type: "field", pos, ident: [...node.ident, ...fields] };
          break;
        case "variable":
          node = { type: "variable", pos, ident: [...node.ident, ...fields] };
          break;
        case "bool":
        case "string":
        case "number":
        case "nil":
        case "dot":
          this.errorf(`unexpected . after term ${goQuoteShort(nodeString(node))}`);
          break;
        default:
          node = { type: "chain", pos, node, field: fields };
      }
    }
    return node;
  }

  private term(): Node | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "identifier":
        if (!this.funcs.has(t.val)) this.errorf(`function ${goQuoteShort(t.val)} not defined`);
        return { type: "identifier", pos: t.pos, ident: t.val };
      case "dot":
        return { type: "dot", pos: t.pos };
      case "nil":
        return { type: "nil", pos: t.pos };
      case "variable":
        if (!this.vars.includes(t.val)) this.errorf(`undefined variable ${goQuoteShort(t.val)}`);
        return { type: "variable", pos: t.pos, ident: [t.val] };
      case "field":
        return { type: "field", pos: t.pos, ident: [t.val.slice(1)] };
      case "bool":
        return { type: "bool", pos: t.pos, value: t.val === "true" };
      case "charConstant":
      case "number":
        return this.number(t);
      case "leftParen":
        return this.pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString":
        return { type: "string", pos: t.pos, quoted: t.val, text: this.unquote(t.val) };
    }
    this.backup();
    return undefined;
  }

  private number(t: Item): NumberNode {
    const n: NumberNode = {
      type: "number",
      pos: t.pos,
      text: t.val,
      isInt: false,
      isFloat: false,
      int: 0,
      float: 0,
    };
    if (t.type === "charConstant") {
      const s = this.unquote(t.val);
      const cps = [...s];
      if (cps.length !== 1) this.errorf(`malformed character constant: ${t.val}`);
      n.isInt = n.isFloat = true;
      n.int = n.float = cps[0].codePointAt(0)!;
      return n;
    }
    if (t.val.endsWith("i")) this.errorf(`complex numbers are not supported: ${t.val}`);
    const text = t.val.replaceAll("_", "");
    const neg = text.startsWith("-");
    const body = text.replace(/^[+-]/, "");
    let int: bigint | undefined;
    if (/^0[xX][0-9a-fA-F]+$|^0[oO][0-7]+$|^0[bB][01]+$|^[0-9]+$/.test(body)) {
      int = /^0[0-7]+$/.test(body) ? BigInt("0o" + body.slice(1)) : BigInt(body);
      if (neg) int = -int;
    }
    if (int !== undefined) {
      if (int > 9223372036854775807n || int < -9223372036854775808n) {
        this.errorf(`integer overflow: ${goQuoteShort(t.val)}`);
      }
      n.isInt = n.isFloat = true;
      n.int = Number(int);
      n.float = Number(int);
      return n;
    }
    const f = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(f)) this.errorf(`illegal number syntax: ${goQuoteShort(t.val)}`);
    n.isFloat = true;
    n.float = f;
    if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
      n.isInt = true;
      n.int = f;
    }
    return n;
  }

  /** Go's `strconv.Unquote` for "…", `…` and '…'. */
  private unquote(q: string): string {
    if (q.startsWith("`")) return q.slice(1, -1).replaceAll("\r", "");
    try {
      return unquoteExtend(q);
    } catch {
      this.errorf("invalid syntax");
    }
  }
}
