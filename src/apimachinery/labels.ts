/**
 * Label selectors as in Kubernetes `k8s.io/apimachinery/pkg/labels`: the
 * string syntax parser (`labels.Parse`), matching, canonical string form, and
 * conversion of `metav1.LabelSelector` objects (`LabelSelectorAsSelector`).
 * Parse errors carry the exact Kubernetes messages.
 *
 * @module
 */

import { field, type FieldError, formatFieldError } from "./errors.ts";
import { isQualifiedName, isValidLabelValue } from "./validation.ts";

/** The operator of a {@linkcode Requirement}. */
export type Operator =
  | "In"
  | "NotIn"
  | "Exists"
  | "DoesNotExist"
  | "Equals"
  | "DoubleEquals"
  | "NotEquals"
  | "GreaterThan"
  | "LessThan";

/** One condition of a label selector: a key, an operator and values. */
export interface Requirement {
  /** The label key. */
  key: string;
  /** How the label's value relates to `values`. */
  operator: Operator;
  /** Values: one for (Double)Equals/NotEquals/GreaterThan/LessThan, none for (DoesNot)Exists. */
  values: string[];
}

/** A parsed label selector: the AND of its requirements. */
export interface Selector {
  /** The requirements, sorted by key. Empty for {@linkcode everything} and {@linkcode nothing}. */
  readonly requirements: readonly Requirement[];
  /** True if the labels satisfy every requirement. `undefined` labels are the empty set. */
  matches(labels: Record<string, string> | undefined): boolean;
  /** True if the selector does not restrict anything (it selects everything). */
  empty(): boolean;
  /** The canonical Kubernetes string form, requirements sorted by key. */
  toString(): string;
  /**
   * If the selector requires the label to have one specific value
   * (`=`, `==`, or `in` with a single value), that value.
   */
  requiresExactMatch(label: string): string | undefined;
}

/**
 * A label selector string that could not be parsed, or a requirement that is
 * invalid. The message is the Kubernetes one; the API layer reports it as a
 * 400 BadRequest.
 *
 * @example
 * ```ts
 * import { parseLabelSelector, SelectorParseError } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => parseLabelSelector("a in b"), SelectorParseError);
 * ```
 */
export class SelectorParseError extends Error {
  /** Creates the error with a Kubernetes-formatted message. */
  constructor(message: string) {
    super(message);
    this.name = "SelectorParseError";
  }
}

const OP_TEXT: Record<Operator, string> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
  Equals: "=",
  DoubleEquals: "==",
  NotEquals: "!=",
  GreaterThan: "gt",
  LessThan: "lt",
};
const BINARY_OPERATORS = ["in", "notin", "=", "==", "!=", "gt", "lt"];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses like Go `strconv.ParseInt(s, 10, 64)`; undefined when invalid. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** Joins errors like `utilerrors.NewAggregate(...).Error()`. */
function aggregate(errs: FieldError[]): string {
  const seen: string[] = [];
  for (const e of errs) {
    const m = formatFieldError(e);
    if (!seen.includes(m)) seen.push(m);
  }
  return seen.length === 1 ? seen[0] : `[${seen.join(", ")}]`;
}

function validateRequirement(
  key: string,
  operator: string,
  values: string[] | null,
  badValues: unknown,
): FieldError[] {
  const errs: FieldError[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(field.invalid("key", key, keyErrs.join("; ")));
  const vals = values ?? [];
  switch (operator) {
    case "In":
    case "NotIn":
      if (vals.length === 0) {
        errs.push(
          field.invalid(
            "values",
            badValues,
            "for 'in', 'notin' operators, values set can't be empty",
          ),
        );
      }
      break;
    case "Equals":
    case "DoubleEquals":
    case "NotEquals":
      if (vals.length !== 1) {
        errs.push(
          field.invalid("values", badValues, "exact-match compatibility requires one single value"),
        );
      }
      break;
    case "Exists":
    case "DoesNotExist":
      if (vals.length !== 0) {
        errs.push(
          field.invalid(
            "values",
            badValues,
            "values set must be empty for exists and does not exist",
          ),
        );
      }
      break;
    case "GreaterThan":
    case "LessThan":
      if (vals.length !== 1) {
        errs.push(
          field.invalid(
            "values",
            badValues,
            "for 'Gt', 'Lt' operators, exactly one value is required",
          ),
        );
      }
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(
            field.invalid(
              `values[${i}]`,
              v,
              "for 'Gt', 'Lt' operators, the value must be an integer",
            ),
          );
        }
      });
      break;
    default:
      errs.push(field.notSupported("operator", operator, [...BINARY_OPERATORS, "exists", "!"]));
  }
  vals.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(field.invalid(`values[${i}][${key}]`, v, ve.join("; ")));
  });
  return errs;
}

/**
 * Builds a validated requirement, as `labels.NewRequirement`: the key must be a
 * qualified name, values valid label values, and the number of values must
 * suit the operator.
 *
 * @throws {SelectorParseError} with the aggregated field errors, e.g.
 *   `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`.
 *
 * @example
 * ```ts
 * import { newRequirement } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(newRequirement("env", "In", ["prod"]), {
 *   key: "env",
 *   operator: "In",
 *   values: ["prod"],
 * });
 * assert.throws(() => newRequirement("env", "In", []), /values set can't be empty/);
 * ```
 */
export function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs = validateRequirement(key, operator, values, values);
  if (errs.length) throw new SelectorParseError(aggregate(errs));
  return { key, operator, values: [...values] };
}

function hasOwn(labels: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/**
 * Whether labels satisfy one requirement, as `Requirement.Matches`. `NotIn`
 * and `NotEquals` match when the label is absent; `GreaterThan`/`LessThan`
 * need the label to be present and an integer.
 *
 * @example
 * ```ts
 * import { requirementMatches } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.ok(requirementMatches({ key: "tier", operator: "NotIn", values: ["db"] }, {}));
 * assert.ok(requirementMatches({ key: "n", operator: "GreaterThan", values: ["2"] }, { n: "3" }));
 * ```
 */
export function requirementMatches(
  r: Requirement,
  labels: Record<string, string> | undefined,
): boolean {
  const ls = labels ?? {};
  const has = hasOwn(ls, r.key);
  switch (r.operator) {
    case "In":
    case "Equals":
    case "DoubleEquals":
      return has && r.values.includes(ls[r.key]);
    case "NotIn":
    case "NotEquals":
      return !has || !r.values.includes(ls[r.key]);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "GreaterThan":
    case "LessThan": {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(ls[r.key]);
      const rv = parseInt64(r.values[0]);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === "GreaterThan" ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

/**
 * The Kubernetes string form of one requirement (`Requirement.String`):
 * `key=v`, `key!=v`, `key in (a,b)`, `!key`, `key>5`. Multiple values print sorted.
 *
 * @example
 * ```ts
 * import { formatRequirement } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatRequirement({ key: "env", operator: "In", values: ["qa", "dev"] }), "env in (dev,qa)");
 * ```
 */
export function formatRequirement(r: Requirement): string {
  let s = r.operator === "DoesNotExist" ? "!" + r.key : r.key;
  switch (r.operator) {
    case "Exists":
    case "DoesNotExist":
      return s;
    case "Equals":
      s += "=";
      break;
    case "DoubleEquals":
      s += "==";
      break;
    case "NotEquals":
      s += "!=";
      break;
    case "In":
      s += " in ";
      break;
    case "NotIn":
      s += " notin ";
      break;
    case "GreaterThan":
      s += ">";
      break;
    case "LessThan":
      s += "<";
      break;
  }
  const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort(compareStrings).join(",");
  return r.operator === "In" || r.operator === "NotIn" ? `${s}(${vals})` : s + vals;
}

/** Byte-order (Go) string comparison; identical to UTF-16 order for ASCII. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortByKey(reqs: Requirement[]): Requirement[] {
  // Array.prototype.sort is stable, like Go's sort for the small slices here.
  return reqs.sort((a, b) => compareStrings(a.key, b.key));
}

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];
  constructor(reqs: Requirement[]) {
    this.requirements = Object.freeze(sortByKey(reqs));
  }
  matches(labels: Record<string, string> | undefined): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels));
  }
  empty(): boolean {
    return this.requirements.length === 0;
  }
  toString(): string {
    return this.requirements.map(formatRequirement).join(",");
  }
  requiresExactMatch(label: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== label) continue;
      if (
        (r.operator === "Equals" || r.operator === "DoubleEquals" || r.operator === "In") &&
        r.values.length === 1
      ) {
        return r.values[0];
      }
      return undefined;
    }
    return undefined;
  }
}

class NothingSelector implements Selector {
  readonly requirements: readonly Requirement[] = Object.freeze([]);
  matches(): boolean {
    return false;
  }
  empty(): boolean {
    return false;
  }
  toString(): string {
    return "";
  }
  requiresExactMatch(): string | undefined {
    return undefined;
  }
}

const EVERYTHING: Selector = new RequirementsSelector([]);
const NOTHING: Selector = new NothingSelector();

/**
 * The selector that matches all labels (`labels.Everything`).
 *
 * @example
 * ```ts
 * import { everything } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.ok(everything().matches({ any: "thing" }));
 * assert.ok(everything().empty());
 * ```
 */
export function everything(): Selector {
  return EVERYTHING;
}

/**
 * The selector that matches nothing (`labels.Nothing`); what a null
 * `metav1.LabelSelector` converts to. It is not `empty()` and prints as `""`.
 *
 * @example
 * ```ts
 * import { nothing } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.equal(nothing().matches({}), false);
 * ```
 */
export function nothing(): Selector {
  return NOTHING;
}

/**
 * True only for the {@linkcode nothing} selector (`labels.MatchesNothing`).
 *
 * @example
 * ```ts
 * import { matchesNothing, nothing, everything } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.ok(matchesNothing(nothing()));
 * assert.ok(!matchesNothing(everything()));
 * ```
 */
export function matchesNothing(selector: Selector): boolean {
  return selector === NOTHING;
}

/**
 * A selector from a set of requirements, sorted by key.
 *
 * @example
 * ```ts
 * import { newSelector } from "./labels.ts";
 * import assert from "node:assert/strict";
 * const s = newSelector([{ key: "b", operator: "Exists", values: [] }, { key: "a", operator: "Equals", values: ["1"] }]);
 * assert.equal(s.toString(), "a=1,b");
 * ```
 */
export function newSelector(requirements: Requirement[]): Selector {
  return requirements.length === 0 ? EVERYTHING : new RequirementsSelector([...requirements]);
}

/**
 * A selector matching exactly the given labels (`labels.SelectorFromSet`);
 * empty or undefined sets select everything. Not validated.
 *
 * @example
 * ```ts
 * import { selectorFromSet } from "./labels.ts";
 * import assert from "node:assert/strict";
 * const s = selectorFromSet({ app: "web", tier: "front" });
 * assert.equal(s.toString(), "app=web,tier=front");
 * assert.ok(s.matches({ app: "web", tier: "front", extra: "x" }));
 * ```
 */
export function selectorFromSet(labels: Record<string, string> | undefined): Selector {
  if (!labels) return EVERYTHING;
  return newSelector(
    Object.keys(labels).map((k) => ({ key: k, operator: "Equals", values: [labels[k]] })),
  );
}

/**
 * Like {@linkcode selectorFromSet} but validates keys and values
 * (`labels.ValidatedSelectorFromSet`).
 *
 * @throws {SelectorParseError} for an invalid key or value.
 *
 * @example
 * ```ts
 * import { validatedSelectorFromSet } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => validatedSelectorFromSet({ "bad key": "x" }), /key: Invalid value: "bad key"/);
 * ```
 */
export function validatedSelectorFromSet(labels: Record<string, string> | undefined): Selector {
  if (!labels) return EVERYTHING;
  return newSelector(
    Object.keys(labels).sort().map((k) => newRequirement(k, "Equals", [labels[k]])),
  );
}

// ---------------------------------------------------------------------------
// Lexer and parser (a port of the grammar of labels.Parse).

const enum Tok {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const STRING_TO_TOKEN: Record<string, Tok> = {
  ")": Tok.ClosedPar,
  ",": Tok.Comma,
  "!": Tok.DoesNotExist,
  "==": Tok.DoubleEquals,
  "=": Tok.Equals,
  ">": Tok.GreaterThan,
  "in": Tok.In,
  "<": Tok.LessThan,
  "!=": Tok.NotEquals,
  "notin": Tok.NotIn,
  "(": Tok.OpenPar,
};

function tokenOf(s: string): Tok | undefined {
  return Object.prototype.hasOwnProperty.call(STRING_TO_TOKEN, s) ? STRING_TO_TOKEN[s] : undefined;
}

function isWhitespace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
}

function isSpecialSymbol(ch: string): boolean {
  return "=!(),><".includes(ch) && ch.length === 1;
}

interface Item {
  tok: Tok;
  lit: string;
}

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: Tok.EndOfString, lit: "" });
      return items;
    }
    if (isSpecialSymbol(s[pos])) {
      let buf = "";
      let last: Item | undefined;
      while (pos < s.length && isSpecialSymbol(s[pos])) {
        const next = buf + s[pos];
        const t = tokenOf(next);
        if (t !== undefined) {
          last = { tok: t, lit: next };
        } else if (last) {
          break;
        }
        buf = next;
        pos++;
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = "";
      while (pos < s.length && !isSpecialSymbol(s[pos]) && !isWhitespace(s[pos])) buf += s[pos++];
      items.push({ tok: tokenOf(buf) ?? Tok.Identifier, lit: buf });
    }
  }
}

const enum Ctx {
  KeyAndOperator,
  Values,
}

class Parser {
  #items: Item[];
  #pos = 0;
  constructor(items: Item[]) {
    this.#items = items;
  }

  #adjust(item: Item, ctx: Ctx): Item {
    if (ctx === Ctx.Values && (item.tok === Tok.In || item.tok === Tok.NotIn)) {
      return { tok: Tok.Identifier, lit: item.lit };
    }
    return item;
  }
  lookahead(ctx: Ctx): Item {
    return this.#adjust(this.#items[this.#pos], ctx);
  }
  consume(ctx: Ctx): Item {
    return this.#adjust(this.#items[this.#pos++], ctx);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Ctx.Values);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            if (e instanceof SelectorParseError) {
              throw new SelectorParseError(`unable to parse requirement: ${e.message}`);
            }
            throw e;
          }
          reqs.push(r);
          const t = this.consume(Ctx.Values);
          if (t.tok === Tok.EndOfString) return reqs;
          if (t.tok === Tok.Comma) {
            const t2 = this.lookahead(Ctx.Values);
            if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) {
              throw new SelectorParseError(`found '${t2.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new SelectorParseError(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
        case Tok.EndOfString:
          return reqs;
        default:
          throw new SelectorParseError(
            `found '${lit}', expected: !, identifier, or 'end of string'`,
          );
      }
    }
  }

  parseRequirement(): Requirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred === "Exists" || inferred === "DoesNotExist") {
      return this.build(key, inferred, []);
    }
    const operator = this.parseOperator();
    const values = operator === "In" || operator === "NotIn"
      ? this.parseValues()
      : this.parseExactValue();
    return this.build(key, operator, [...values].sort(compareStrings));
  }

  build(key: string, operator: Operator, values: string[]): Requirement {
    const errs = validateRequirement(key, operator, values, values);
    if (errs.length) throw new SelectorParseError(aggregate(errs));
    return { key, operator, values };
  }

  parseKeyAndInferOperator(): { key: string; operator?: Operator } {
    let operator: Operator | undefined;
    let item = this.consume(Ctx.Values);
    if (item.tok === Tok.DoesNotExist) {
      operator = "DoesNotExist";
      item = this.consume(Ctx.Values);
    }
    if (item.tok !== Tok.Identifier) {
      throw new SelectorParseError(`found '${item.lit}', expected: identifier`);
    }
    const keyErrs = isQualifiedName(item.lit);
    if (keyErrs.length) {
      throw new SelectorParseError(
        formatFieldError(field.invalid("<nil>", item.lit, keyErrs.join("; "))),
      );
    }
    const next = this.lookahead(Ctx.Values).tok;
    if (next === Tok.EndOfString || next === Tok.Comma) {
      if (operator !== "DoesNotExist") operator = "Exists";
    }
    return { key: item.lit, operator };
  }

  parseOperator(): Operator {
    const { tok, lit } = this.consume(Ctx.KeyAndOperator);
    switch (tok) {
      case Tok.In:
        return "In";
      case Tok.Equals:
        return "Equals";
      case Tok.DoubleEquals:
        return "DoubleEquals";
      case Tok.GreaterThan:
        return "GreaterThan";
      case Tok.LessThan:
        return "LessThan";
      case Tok.NotIn:
        return "NotIn";
      case Tok.NotEquals:
        return "NotEquals";
      default:
        throw new SelectorParseError(`found '${lit}', expected: ${BINARY_OPERATORS.join(", ")}`);
    }
  }

  parseValues(): Set<string> {
    const open = this.consume(Ctx.Values);
    if (open.tok !== Tok.OpenPar) {
      throw new SelectorParseError(`found '${open.lit}' expected: '('`);
    }
    const { tok, lit } = this.lookahead(Ctx.Values);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        if (this.consume(Ctx.Values).tok !== Tok.ClosedPar) {
          throw new SelectorParseError(`found '${lit}', expected: ')'`);
        }
        return s;
      }
      case Tok.ClosedPar:
        this.consume(Ctx.Values);
        return new Set([""]);
      default:
        throw new SelectorParseError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(Ctx.Values);
      switch (tok) {
        case Tok.Identifier: {
          s.add(lit);
          const t2 = this.lookahead(Ctx.Values);
          if (t2.tok === Tok.Comma) continue;
          if (t2.tok === Tok.ClosedPar) return s;
          throw new SelectorParseError(`found '${t2.lit}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          if (s.size === 0) s.add("");
          const t2 = this.lookahead(Ctx.Values).tok;
          if (t2 === Tok.ClosedPar) {
            s.add("");
            return s;
          }
          if (t2 === Tok.Comma) s.add("");
          continue;
        }
        default:
          throw new SelectorParseError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  parseExactValue(): Set<string> {
    const t = this.lookahead(Ctx.Values).tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return new Set([""]);
    const { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new SelectorParseError(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses a label selector string exactly like Kubernetes `labels.Parse`.
 *
 * Grammar: comma-separated requirements, each one of `key`, `!key`,
 * `key=value`, `key==value`, `key!=value`, `key in (v1,v2)`,
 * `key notin (v1,v2)`, `key>int`, `key<int`. Whitespace (space, tab, CR, LF)
 * separates tokens. Values may be empty. The empty string selects everything.
 *
 * @throws {SelectorParseError} with the Kubernetes message, e.g.
 *   `unable to parse requirement: found '', expected: in, notin, =, ==, !=, gt, lt`.
 *
 * @example
 * ```ts
 * import { parseLabelSelector } from "./labels.ts";
 * import assert from "node:assert/strict";
 * const s = parseLabelSelector("tier notin (db), env in (prod,qa),app");
 * assert.equal(s.toString(), "app,env in (prod,qa),tier notin (db)");
 * assert.ok(s.matches({ app: "web", env: "qa" }));
 * assert.ok(!s.matches({ app: "web", env: "dev" }));
 * ```
 */
export function parseLabelSelector(selector: string): Selector {
  const reqs = new Parser(lex(selector)).parse();
  return newSelector(reqs);
}

// ---------------------------------------------------------------------------
// metav1.LabelSelector

/** Operators of a `metav1.LabelSelectorRequirement`. */
export type LabelSelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

/** A `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorRequirement {
  /** The label key. */
  key: string;
  /** The operator. */
  operator: LabelSelectorOperator;
  /** Values for In/NotIn; must be empty for Exists/DoesNotExist. */
  values?: string[];
}

/** A `metav1.LabelSelector` object, as found in `spec.selector`. */
export interface LabelSelectorObject {
  /** Exact-match labels (ANDed). */
  matchLabels?: Record<string, string>;
  /** Set-based requirements (ANDed). */
  matchExpressions?: LabelSelectorRequirement[];
}

/**
 * Converts a `metav1.LabelSelector` into a {@linkcode Selector}, as
 * `metav1.LabelSelectorAsSelector`: `null`/`undefined` selects nothing, an
 * empty object selects everything.
 *
 * @throws {SelectorParseError} for an invalid requirement, e.g.
 *   `values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty`
 *   or `"Foo" is not a valid label selector operator`.
 *
 * @example
 * ```ts
 * import { labelSelectorAsSelector } from "./labels.ts";
 * import assert from "node:assert/strict";
 * const s = labelSelectorAsSelector({
 *   matchLabels: { app: "web" },
 *   matchExpressions: [{ key: "env", operator: "NotIn", values: ["dev"] }],
 * });
 * assert.equal(s.toString(), "app=web,env notin (dev)");
 * assert.equal(labelSelectorAsSelector(null).matches({}), false);
 * assert.equal(labelSelectorAsSelector({}).matches({}), true);
 * ```
 */
export function labelSelectorAsSelector(
  ls: LabelSelectorObject | null | undefined,
): Selector {
  if (ls === null || ls === undefined) return NOTHING;
  const matchLabels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  const labelKeys = Object.keys(matchLabels).sort(compareStrings);
  if (labelKeys.length + exprs.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const k of labelKeys) {
    const values = [matchLabels[k]];
    const errs = validateRequirement(k, "Equals", values, values);
    if (errs.length) throw new SelectorParseError(aggregate(errs));
    reqs.push({ key: k, operator: "Equals", values });
  }
  for (const expr of exprs) {
    const op = expr.operator as string;
    if (op !== "In" && op !== "NotIn" && op !== "Exists" && op !== "DoesNotExist") {
      throw new SelectorParseError(`"${op}" is not a valid label selector operator`);
    }
    const values = expr.values && expr.values.length > 0 ? [...expr.values] : null;
    const errs = validateRequirement(expr.key, op, values, values);
    if (errs.length) throw new SelectorParseError(aggregate(errs));
    reqs.push({ key: expr.key, operator: op, values: values ?? [] });
  }
  return newSelector(reqs);
}

/**
 * Formats a `metav1.LabelSelector` for printing (`metav1.FormatLabelSelector`):
 * the selector string, `<none>` when it selects everything or nothing, and
 * `<error>` when it is invalid.
 *
 * @example
 * ```ts
 * import { formatLabelSelector } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatLabelSelector({ matchLabels: { app: "web" } }), "app=web");
 * assert.equal(formatLabelSelector({}), "<none>");
 * ```
 */
export function formatLabelSelector(ls: LabelSelectorObject | null | undefined): string {
  let s: string;
  try {
    s = labelSelectorAsSelector(ls).toString();
  } catch {
    return "<error>";
  }
  return s === "" ? "<none>" : s;
}

/**
 * Formats a label set for printing (`labels.FormatLabels`): `k=v` pairs
 * sorted by key, comma-separated, or `<none>` when empty.
 *
 * @example
 * ```ts
 * import { formatLabels } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatLabels({ tier: "web", app: "shop" }), "app=shop,tier=web");
 * assert.equal(formatLabels(undefined), "<none>");
 * ```
 */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort(compareStrings);
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels![k]}`).join(",");
}

/**
 * The operator spelling Kubernetes uses in messages (`in`, `notin`, `=`, `==`,
 * `!=`, `exists`, `!`, `gt`, `lt`).
 *
 * @example
 * ```ts
 * import { operatorText } from "./labels.ts";
 * import assert from "node:assert/strict";
 * assert.equal(operatorText("GreaterThan"), "gt");
 * ```
 */
export function operatorText(op: Operator): string {
  return OP_TEXT[op];
}
