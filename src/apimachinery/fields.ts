/**
 * Field selectors as in Kubernetes `k8s.io/apimachinery/pkg/fields`:
 * `key=value`, `key==value` and `key!=value` terms separated by commas, with
 * `\`, `,` and `=` escaped by a backslash in values.
 *
 * @module
 */

import { SelectorParseError } from "./labels.ts";

/** One term of a field selector. `==` is recorded as `=`. */
export interface FieldRequirement {
  /** The field path, e.g. `metadata.name` or `spec.nodeName`. */
  field: string;
  /** Equality or inequality. */
  operator: "=" | "!=";
  /** The (unescaped) value. */
  value: string;
}

/** A parsed field selector: the AND of its requirements. */
export interface FieldSelector {
  /** The terms, in the order Kubernetes keeps them (sorted by their text). */
  readonly requirements: readonly FieldRequirement[];
  /**
   * True if the fields satisfy every term. A missing field has the value `""`,
   * so `x!=a` matches objects without `x`.
   */
  matches(fields: Record<string, string>): boolean;
  /** True if the selector restricts nothing. */
  empty(): boolean;
  /** The Kubernetes string form, values escaped. */
  toString(): string;
  /** The value a `=` term requires for the field, if any. */
  requiresExactMatch(field: string): string | undefined;
}

class TermsSelector implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  constructor(reqs: FieldRequirement[]) {
    this.requirements = Object.freeze(reqs);
  }
  matches(fields: Record<string, string>): boolean {
    return this.requirements.every((r) => {
      const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : "";
      return r.operator === "=" ? v === r.value : v !== r.value;
    });
  }
  empty(): boolean {
    return this.requirements.length === 0;
  }
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`)
      .join(",");
  }
  requiresExactMatch(field: string): string | undefined {
    for (const r of this.requirements) {
      if (r.field === field && r.operator === "=") return r.value;
    }
    return undefined;
  }
}

/**
 * Escapes `\`, `,` and `=` in a field selector value (`fields.EscapeValue`).
 *
 * @example
 * ```ts
 * import { escapeFieldValue } from "./fields.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeFieldValue("a,b=c\\d"), "a\\,b\\=c\\\\d");
 * ```
 */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => "\\" + c);
}

/**
 * Unescapes a field selector value (`fields.UnescapeValue`).
 *
 * @throws {SelectorParseError} `invalid field selector: invalid escape sequence: \x`
 *   or `invalid field selector: unescaped character in value: 61` (Go prints the
 *   code point of the unescaped `,` or `=`).
 *
 * @example
 * ```ts
 * import { unescapeFieldValue } from "./fields.ts";
 * import assert from "node:assert/strict";
 * assert.equal(unescapeFieldValue("a\\,b"), "a,b");
 * assert.throws(() => unescapeFieldValue("a\\x"), /invalid escape sequence: \\x/);
 * ```
 */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === "\\" || c === "," || c === "=") {
        out += c;
      } else {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      inSlash = false;
      continue;
    }
    if (c === "\\") {
      inSlash = true;
    } else if (c === "," || c === "=") {
      throw new SelectorParseError(
        `invalid field selector: unescaped character in value: ${c.codePointAt(0)}`,
      );
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorParseError("invalid field selector: invalid escape sequence: \\");
  return out;
}

function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const TERM_OPERATORS = ["!=", "==", "="] as const;

function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * Parses a field selector exactly like Kubernetes `fields.ParseSelector`.
 * Terms are sorted by their text; empty terms are skipped, and a term with
 * both an empty field and an empty value (`=`) selects everything.
 *
 * @throws {SelectorParseError} e.g. `invalid selector: 'a'; can't understand 'a'`.
 *
 * @example
 * ```ts
 * import { parseFieldSelector } from "./fields.ts";
 * import assert from "node:assert/strict";
 * const s = parseFieldSelector("status.phase!=Failed,metadata.name=web");
 * assert.equal(s.toString(), "metadata.name=web,status.phase!=Failed");
 * assert.ok(s.matches({ "metadata.name": "web", "status.phase": "Running" }));
 * ```
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const split = splitTerm(part);
    if (!split) {
      throw new SelectorParseError(`invalid selector: '${selector}'; can't understand '${part}'`);
    }
    const [lhs, op, rhs] = split;
    const value = unescapeFieldValue(rhs);
    if (lhs === "" && value === "") continue;
    reqs.push({ field: lhs, operator: op === "!=" ? "!=" : "=", value });
  }
  return new TermsSelector(reqs);
}

/**
 * The field selector that selects everything (`fields.Everything`).
 *
 * @example
 * ```ts
 * import { everythingFields } from "./fields.ts";
 * import assert from "node:assert/strict";
 * assert.ok(everythingFields().empty());
 * ```
 */
export function everythingFields(): FieldSelector {
  return new TermsSelector([]);
}

/**
 * A selector requiring each field to equal the given value
 * (`fields.SelectorFromSet`), sorted by field.
 *
 * @example
 * ```ts
 * import { fieldSelectorFromSet } from "./fields.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fieldSelectorFromSet({ "metadata.name": "a,b" }).toString(), "metadata.name=a\\,b");
 * ```
 */
export function fieldSelectorFromSet(fields: Record<string, string> | undefined): FieldSelector {
  const keys = Object.keys(fields ?? {}).sort();
  return new TermsSelector(keys.map((k) => ({ field: k, operator: "=", value: fields![k] })));
}

/** Options of {@linkcode validateFieldSelectorFields}. */
export interface ValidateFieldSelectorOptions {
  /**
   * Which kube-apiserver message to use for an unsupported field:
   * `"notSupported"` (default; built-in kinds with their own field list such as
   * Pods, and custom resources): `field label not supported: spec.foo`;
   * `"notKnown"` (kinds using the default metadata-only conversion):
   * `"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`.
   */
  style?: "notSupported" | "notKnown";
}

/**
 * Checks that a field selector only uses supported fields, as the field label
 * conversion of kube-apiserver does on list and watch. The API answers a
 * failure with 400 BadRequest and this message.
 *
 * @param selector The parsed selector.
 * @param allowed The supported fields, e.g. `["metadata.name", "metadata.namespace", "spec.nodeName"]`.
 * @param options Message style; see {@linkcode ValidateFieldSelectorOptions}.
 * @throws {SelectorParseError} for the first unsupported field.
 *
 * @example
 * ```ts
 * import { parseFieldSelector, validateFieldSelectorFields } from "./fields.ts";
 * import assert from "node:assert/strict";
 * const sel = parseFieldSelector("spec.foo=bar");
 * assert.throws(
 *   () => validateFieldSelectorFields(sel, ["metadata.name", "metadata.namespace"]),
 *   { message: "field label not supported: spec.foo" },
 * );
 * ```
 */
export function validateFieldSelectorFields(
  selector: { readonly requirements: readonly { readonly field: string }[] },
  allowed: readonly string[],
  options: ValidateFieldSelectorOptions = {},
): void {
  for (const r of selector.requirements) {
    if (allowed.includes(r.field)) continue;
    if (options.style === "notKnown") {
      throw new SelectorParseError(
        `"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    throw new SelectorParseError(`field label not supported: ${r.field}`);
  }
}

/**
 * Resolves a dotted field path (`spec.category`, `metadata.labels.app`, or a
 * CRD selectableFields JSONPath like `.spec.size`) in an object and returns the
 * string form Kubernetes matches field selectors against: strings as is,
 * numbers in decimal, booleans as `true`/`false`. Missing, null, object and
 * array values yield `undefined` (which field selectors treat as `""`).
 *
 * @example
 * ```ts
 * import { getFieldValue } from "./fields.ts";
 * import assert from "node:assert/strict";
 * const obj = { metadata: { labels: { app: "web" } }, spec: { replicas: 3, paused: false } };
 * assert.equal(getFieldValue(obj, "metadata.labels.app"), "web");
 * assert.equal(getFieldValue(obj, ".spec.replicas"), "3");
 * assert.equal(getFieldValue(obj, "spec.paused"), "false");
 * assert.equal(getFieldValue(obj, "spec.missing"), undefined);
 * ```
 */
export function getFieldValue(obj: unknown, path: string): string | undefined {
  const p = path.startsWith(".") ? path.slice(1) : path;
  if (p === "") return undefined;
  let cur: unknown = obj;
  for (const seg of p.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  switch (typeof cur) {
    case "string":
      return cur;
    case "number":
      return Number.isFinite(cur) ? String(cur) : undefined;
    case "bigint":
      return cur.toString();
    case "boolean":
      return cur ? "true" : "false";
    default:
      return undefined;
  }
}
