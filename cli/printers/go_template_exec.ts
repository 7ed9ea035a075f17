/**
 * The executor of Go's `text/template` over decoded JSON, with Go's built-in functions and
 * error messages (`template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`).
 *
 * Values follow {@link ./go_template_fmt.ts}; `undefined` is Go's invalid `reflect.Value` (a
 * missing map key), `null` a nil `interface{}` (a JSON `null`).
 *
 * @module
 */

import { byteLength, formatValue, GoInt, goQuote, goTypeName, isMap } from "./go_template_fmt.ts";
import {
  type CommandNode,
  type ControlNode,
  type ListNode,
  type Node,
  nodeString,
  type NumberNode,
  type ParsedTemplate,
  type PipeNode,
} from "./go_template_parse.ts";

/** An execution error, with Go's message. */
export class TemplateExecError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "TemplateExecError";
  }
}

/** How a function parameter is evaluated: Go's `reflect.Value`, `any` or `string`. */
type ParamType = "value" | "any" | "string";

/** A template function. */
export interface TemplateFunc {
  /** Fixed parameters. */
  params: ParamType[];
  /** The type of the variadic rest, if any. */
  variadic?: ParamType;
  /** The function; throws an Error whose message Go would return as its error. */
  call(...args: unknown[]): unknown;
}

const NO_FINAL = Symbol("missing");
type Final = unknown;
const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

/** Executes a parsed template on `data`; returns the text, or throws TemplateExecError with the partial output. */
export function executeTemplate(
  tmpl: ParsedTemplate,
  data: unknown,
  funcs: ReadonlyMap<string, TemplateFunc>,
  options: { missingKeyError?: boolean } = {},
): string {
  const out: string[] = [];
  const st = new State(tmpl, tmpl.name, out, funcs, !!options.missingKeyError, [{
    name: "$",
    value: data,
  }], 0);
  try {
    st.walk(data, tmpl.root);
  } catch (e) {
    if (e instanceof TemplateExecError) {
      throw Object.assign(e, { output: out.join("") });
    }
    if (e instanceof RangeError) {
      throw Object.assign(
        new TemplateExecError(`template: ${tmpl.name}: exceeded maximum template depth (100000)`),
        { output: out.join("") },
      );
    }
    throw e;
  }
  return out.join("");
}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (v instanceof GoInt) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v as object).length > 0;
}

interface Var {
  name: string;
  value: unknown;
}

class State {
  node?: Node;
  /** True while dot is an element of a slice or map (Go's `interface {}`). */
  dotIface = false;

  constructor(
    readonly tmpl: ParsedTemplate,
    readonly name: string,
    readonly out: string[],
    readonly funcs: ReadonlyMap<string, TemplateFunc>,
    readonly missingKeyError: boolean,
    readonly vars: Var[],
    readonly depth: number,
  ) {}

  at(n: Node) {
    this.node = n;
  }

  errorf(msg: string): never {
    if (!this.node) throw new TemplateExecError(`template: ${this.name}: ${msg}`);
    const text = this.tmpl.text.slice(0, this.node.pos);
    const nl = text.lastIndexOf("\n");
    const line = text.split("\n").length;
    const col = byteLength(text.slice(nl + 1));
    const context = nodeString(this.node);
    throw new TemplateExecError(
      `template: ${this.tmpl.name}:${line}:${col}: executing ${
        goQuote(this.name)
      } at <${context}>: ${msg}`,
    );
  }

  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) return this.vars[i].value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setVar(name: string, value: unknown) {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case "action": {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
      case "if":
      case "with":
        return this.walkIfOrWith(dot, node);
      case "list":
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case "range":
        return this.walkRange(dot, node);
      case "template":
        return this.walkTemplate(dot, node);
      case "text":
        this.out.push(node.text);
        return;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private withDot<T>(iface: boolean, f: () => T): T {
    const saved = this.dotIface;
    this.dotIface = iface;
    try {
      return f();
    } finally {
      this.dotIface = saved;
    }
  }

  private walkIfOrWith(dot: unknown, node: ControlNode) {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) {
        if (node.type === "with") this.withDot(false, () => this.walk(val, node.list));
        else this.walk(dot, node.list);
      } else if (node.elseList) {
        this.walk(dot, node.elseList);
      }
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, r: ControlNode) {
    this.at(r);
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark2 = this.vars.length;
      const decl = r.pipe.decl;
      const one = (index: unknown, elem: unknown): boolean => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            this.setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
          } else this.vars[this.vars.length - 1].value = elem;
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem);
          else this.vars[this.vars.length - 2].value = index;
        }
        try {
          this.withDot(true, () => this.walk(elem, r.list));
        } catch (e) {
          if (e === BREAK) return false;
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = mark2;
        }
        return true;
      };
      if (Array.isArray(val)) {
        if (val.length > 0) {
          for (let i = 0; i < val.length; i++) if (!one(new GoInt(i, "int"), val[i])) break;
          return;
        }
      } else if (isMap(val)) {
        const keys = Object.keys(val).sort();
        if (keys.length > 0) {
          for (const k of keys) if (!one(k, val[k])) break;
          return;
        }
      } else if (val !== undefined) {
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkTemplate(dot: unknown, t: Extract<Node, { type: "template" }>) {
    this.at(t);
    const tmpl = this.tmpl.templates.get(t.name);
    if (!tmpl) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth >= 100000) this.errorf("exceeded maximum template depth (100000)");
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const st = new State(
      this.tmpl,
      t.name,
      this.out,
      this.funcs,
      this.missingKeyError,
      [{ name: "$", value: newDot }],
      this.depth + 1,
    );
    st.walk(newDot, tmpl as ListNode);
  }

  private printValue(n: Node, v: unknown) {
    this.at(n);
    this.out.push(v === undefined ? "<no value>" : formatValue(v));
  }

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface{} becomes the invalid value, as Go digs into interfaces.
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value);
      else this.vars.push({ name: v.ident[0], value });
    }
    return value;
  }

  private notAFunction(args: Node[], final: Final) {
    if (args.length > 1 || final !== NO_FINAL) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.type) {
      case "field":
        this.at(first);
        return this.evalFieldChain(dot, this.dotIface, first.ident, cmd.args, final);
      case "chain":
        return this.evalChain(dot, first, cmd.args, final);
      case "identifier":
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable":
        return this.evalVariable(first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        this.errorf("nil is not a command");
        break;
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  private idealConstant(n: NumberNode): unknown {
    this.at(n);
    const isHexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    const isRune = n.text.startsWith("'");
    if (n.isFloat && !isHexInt && !isRune && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return new GoInt(n.int, "int");
    this.errorf(`${n.text} overflows int`);
  }

  private evalChain(
    dot: unknown,
    chain: Extract<Node, { type: "chain" }>,
    args: Node[] | null,
    final: Final,
  ) {
    this.at(chain);
    if (chain.node.type === "nil") {
      this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    }
    const pipe = this.evalArg(dot, "any", chain.node, true);
    return this.evalFieldChain(pipe, false, chain.field, args, final);
  }

  private evalVariable(
    v: Extract<Node, { type: "variable" }>,
    args: Node[] | null,
    final: Final,
  ) {
    this.at(v);
    const value = this.varValue(v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction(args ?? [v], final);
      return value;
    }
    return this.evalFieldChain(value, false, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    receiver: unknown,
    iface: boolean,
    ident: string[],
    args: Node[] | null,
    final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      receiver = this.evalField(ident[i], null, NO_FINAL, receiver, iface);
      iface = true;
    }
    return this.evalField(ident[n - 1], args, final, receiver, iface);
  }

  private evalField(
    name: string,
    args: Node[] | null,
    final: Final,
    receiver: unknown,
    iface: boolean,
  ) {
    if (receiver === undefined) {
      if (this.missingKeyError) this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    if (isMap(receiver)) {
      if ((args !== null && args.length > 1) || final !== NO_FINAL) {
        this.errorf(`${name} is not a method but has arguments`);
      }
      if (Object.hasOwn(receiver, name)) return receiver[name];
      if (this.missingKeyError) this.errorf(`map has no entry for key ${goQuote(name)}`);
      return undefined;
    }
    this.errorf(
      `can't evaluate field ${name} in type ${iface ? "interface {}" : goTypeName(receiver)}`,
    );
  }

  private evalFunction(
    dot: unknown,
    node: Extract<Node, { type: "identifier" }>,
    cmd: Node,
    args: Node[] | null,
    final: Final,
  ): unknown {
    this.at(node);
    const name = node.ident;
    const fn = this.funcs.get(name);
    if (!fn) this.errorf(`${goQuote(name)} is not a defined function`);
    const argNodes = args ? args.slice(1) : [];
    const numIn = argNodes.length + (final !== NO_FINAL ? 1 : 0);
    const fixed = fn.params.length;
    if (fn.variadic) {
      if (numIn < fixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${fixed} got ${numIn}`);
      }
    } else if (numIn !== fixed) {
      this.errorf(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    }
    if (name === "and" || name === "or") {
      let v: unknown = undefined;
      for (const a of argNodes) {
        v = this.evalArg(dot, "value", a);
        if (v === null) v = undefined;
        if (isTrue(v) === (name === "or")) return v;
      }
      if (final !== NO_FINAL) v = final;
      return v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < fixed && i < argNodes.length; i++) {
      argv.push(this.evalArg(dot, fn.params[i], argNodes[i]));
    }
    for (; i < argNodes.length; i++) argv.push(this.evalArg(dot, fn.variadic!, argNodes[i]));
    if (final !== NO_FINAL) {
      const t = fn.variadic && numIn > fixed ? fn.variadic : fn.params[fixed - 1];
      argv.push(this.validateType(final, t));
    }
    try {
      if (name === "call") {
        // Data holds no functions.
        if (argv[0] === undefined || argv[0] === null) throw new Error("call of nil");
        const callee = argNodes.length ? nodeString(argNodes[0]) : "";
        throw new Error(`non-function ${callee} of type ${goTypeName(argv[0])}`);
      }
      return fn.call(...argv);
    } catch (e) {
      if (e instanceof TemplateExecError) throw e;
      this.at(cmd);
      this.errorf(`error calling ${name}: ${(e as Error).message}`);
    }
  }

  private validateType(value: unknown, typ: ParamType): unknown {
    if (value === undefined) {
      if (typ === "any") return null;
      if (typ === "value") return undefined;
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === "string" && typeof value !== "string") {
      const got = value === null ? "interface {}" : goTypeName(value);
      this.errorf(`wrong type for value; expected string; got ${got}`);
    }
    return value;
  }

  private evalArg(dot: unknown, typ: ParamType, n: Node, untyped = false): unknown {
    this.at(n);
    const check = (v: unknown) => untyped ? v : this.validateType(v, typ);
    switch (n.type) {
      case "dot":
        return check(dot);
      case "nil":
        if (untyped) this.errorf("evalEmptyInterface: nil (can't happen)");
        if (typ === "any") return null;
        this.errorf(`cannot assign nil to ${typ === "value" ? "reflect.Value" : typ}`);
        break;
      case "field":
        return check(this.evalFieldChain(dot, this.dotIface, n.ident, [n], NO_FINAL));
      case "variable":
        return check(this.evalVariable(n, null, NO_FINAL));
      case "pipe":
        return check(this.evalPipeline(dot, n));
      case "identifier":
        return check(this.evalFunction(dot, n, n, null, NO_FINAL));
      case "chain":
        return check(this.evalChain(dot, n, null, NO_FINAL));
    }
    if (typ === "string" && !untyped) {
      if (n.type === "string") return n.text;
      this.errorf(`expected string; found ${nodeString(n)}`);
    }
    switch (n.type) {
      case "bool":
        return n.value;
      case "number":
        return this.idealConstant(n);
      case "string":
        return n.text;
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
  }
}
