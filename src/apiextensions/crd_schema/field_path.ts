/**
 * The `fieldPath` of an `x-kubernetes-validations` rule: kube's
 * `cel.ValidFieldPath` (field and map accessors valid for the schema).
 *
 * @module
 */
import { propertiesOf, type SchemaNode, schemaOrBool } from "./props.ts";

function tokenize(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === "'") {
      let j = i + 1;
      while (j < s.length && !(s[j] === "'" && s[j - 1] !== "\\")) j++;
      out.push(s.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (s[i] === "." || s[i] === "[" || s[i] === "]") {
      out.push(s[i]);
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== "." && s[j] !== "[" && s[j] !== "]") j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "'": "'",
  "\\": "\\",
};

function unescapeSingleQuote(s: string): string | undefined {
  let bad = false;
  const r = s.replace(/\\[\s\S]/g, (m) => {
    const e = ESCAPES[m[1]];
    if (e === undefined) bad = true;
    return e ?? "";
  });
  return bad ? undefined : r;
}

/**
 * Resolves `jsonPath` (e.g. `.spec.foo` or `['a.b'].c`) against the schema;
 * returns an error message as kube's `ValidFieldPath` gives, or undefined
 * when the path is valid.
 *
 * @example
 * ```ts
 * import { fieldPathError } from "./field_path.ts";
 * import assert from "node:assert/strict";
 * const schema = { type: "object", properties: { a: { type: "string" } } };
 * assert.equal(fieldPathError(".a", schema), undefined);
 * assert.equal(fieldPathError(".b", schema), "does not refer to a valid field");
 * ```
 */
export function fieldPathError(jsonPath: string, schema: SchemaNode): string | undefined {
  let s: SchemaNode | undefined = schema;
  const toks = tokenize(jsonPath);
  let i = 0;
  const step = (name: string): string | undefined => {
    if (!s) return "does not refer to a valid field";
    const props = propertiesOf(s);
    if (props.length > 0) {
      const found = props.find(([k]) => k === name);
      if (!found) return "does not refer to a valid field";
      s = found[1];
      return undefined;
    }
    const ap = schemaOrBool(s, "additionalProperties");
    if (ap) {
      s = ap.schema;
      return undefined;
    }
    return "does not refer to a valid field";
  };
  while (i < toks.length) {
    const tok = toks[i++];
    if (tok === "[") {
      if (i >= toks.length) return "unexpected end of JSON path";
      const q = toks[i++];
      if (q.length < 2 || q[0] !== "'" || q[q.length - 1] !== "'") {
        return `expected single quoted string but got ${q}`;
      }
      const name = unescapeSingleQuote(q.slice(1, -1));
      if (name === undefined) return "invalid string literal";
      const e = step(name);
      if (e) return e;
      if (i >= toks.length) return "unexpected end of JSON path";
      const close = toks[i++];
      if (close !== "]") return `expected ] but got ${close}`;
    } else if (tok === ".") {
      if (i >= toks.length) return "unexpected end of JSON path";
      const e = step(toks[i++]);
      if (e) return e;
    } else {
      return `expected [ or . but got: ${tok}`;
    }
  }
  return undefined;
}
