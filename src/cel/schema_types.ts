/**
 * Structural schema to CEL types (kube's `SchemaDeclType`), property-name
 * escaping (`apiservercel.Escape`) and unstructured values to CEL values.
 *
 * @module
 */
import type { Environment } from "@marcbachmann/cel-js";

type Schema = Record<string, unknown>;

/** CEL's reserved words (escaped as `__word__` in property names, refused as names). */
export const CEL_RESERVED_WORDS: ReadonlySet<string> = new Set([
  "true",
  "false",
  "null",
  "in",
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

/**
 * Escapes a property name for CEL as kube does; undefined when the name
 * cannot be accessed from CEL.
 *
 * @example
 * ```ts
 * import { escapeName } from "./schema_types.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeName("x-y.z/w"), "x__dash__y__dot__z__slash__w");
 * assert.equal(escapeName("namespace"), "__namespace__");
 * ```
 */
export function escapeName(name: string): string | undefined {
  if (CEL_RESERVED_WORDS.has(name)) return `__${name}__`;
  if (!/^[_a-zA-Z][-._a-zA-Z0-9/]*$/.test(name)) return undefined;
  let out = "";
  for (let i = 0; i < name.length; i++) {
    if (name.startsWith("__", i)) {
      out += "__underscores__";
      i++;
    } else if (name[i] === ".") out += "__dot__";
    else if (name[i] === "-") out += "__dash__";
    else if (name[i] === "/") out += "__slash__";
    else out += name[i];
  }
  return out;
}

/** The 3 MiB request limit kube sizes unbounded values by. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

/** The CEL view of one schema node, with kube's size estimates. */
export interface DeclType {
  /** CEL type name as declared to the environment. */
  cel: string;
  /** `list`, `map`, `object`, `string`, `bytes`, `int`, `double`, `bool`, `dyn`. */
  kind: string;
  /** Max elements (list items, map entries, string length estimate). */
  maxElements: number;
  /** Minimal serialized size (for estimating unbounded lists and maps). */
  minSize: number;
  /** Element type of lists and maps. */
  elem?: DeclType;
  /** Fields of objects, by escaped name: [original name, type]. */
  fields?: Map<string, [string, DeclType]>;
}

function props(s: Schema): Record<string, Schema> {
  return (s.properties ?? {}) as Record<string, Schema>;
}

function withTypeAndObjectMeta(s: Schema): Schema {
  const str = { type: "string" };
  return {
    ...s,
    properties: {
      ...props(s),
      kind: str,
      apiVersion: str,
      metadata: { type: "object", properties: { name: str, generateName: str } },
    },
  };
}

const UNBOUNDED_STR = MAX_REQUEST_SIZE_BYTES - 2;

/**
 * Builds the CEL type of a schema node and registers its object types into
 * `env` (names `prefix.path`). Returns undefined for nodes kube drops.
 *
 * @example
 * ```ts
 * import { declType } from "./schema_types.ts";
 * import assert from "node:assert/strict";
 * assert.equal(declType({ type: "array", items: { type: "string" } })?.cel, "list<string>");
 * ```
 */
export function declType(
  s: Schema,
  env?: Environment,
  name = "selfType0",
  isResourceRoot = false,
): DeclType | undefined {
  if (s["x-kubernetes-int-or-string"] === true) {
    const max = typeof s.maxLength === "number" ? s.maxLength * 4 : UNBOUNDED_STR;
    return { cel: "dyn", kind: "dyn", maxElements: max, minSize: 1 };
  }
  if (isResourceRoot) s = withTypeAndObjectMeta(s);
  switch (s.type) {
    case "array": {
      const items = s.items as Schema | undefined;
      if (!items) return undefined;
      const it = declType(
        items,
        env,
        `${name}.@idx`,
        items["x-kubernetes-embedded-resource"] === true,
      );
      if (!it) return undefined;
      const max = typeof s.maxItems === "number"
        ? Math.max(0, s.maxItems)
        : Math.floor(UNBOUNDED_STR / (it.minSize + 1));
      return { cel: `list<${it.cel}>`, kind: "list", maxElements: max, minSize: 2, elem: it };
    }
    case "object": {
      const ap = s.additionalProperties;
      if (ap && typeof ap === "object") {
        const apS = ap as Schema;
        const vt = declType(
          apS,
          env,
          `${name}.@elem`,
          apS["x-kubernetes-embedded-resource"] === true,
        );
        if (!vt) return undefined;
        const max = typeof s.maxProperties === "number"
          ? Math.max(0, s.maxProperties)
          : Math.floor(UNBOUNDED_STR / (vt.minSize + 6));
        return {
          cel: `map<string, ${vt.cel}>`,
          kind: "map",
          maxElements: max,
          minSize: 2,
          elem: vt,
        };
      }
      const required = new Set((s.required ?? []) as string[]);
      const fields = new Map<string, [string, DeclType]>();
      let minSize = 2;
      for (const [k, p] of Object.entries(props(s))) {
        const esc = escapeName(k);
        const ft = declType(
          p,
          env,
          `${name}.${esc ?? "_"}`,
          p["x-kubernetes-embedded-resource"] === true,
        );
        if (!ft) continue;
        if (esc) fields.set(esc, [k, ft]);
        if (required.has(k) && p.default === undefined) minSize += k.length + ft.minSize + 4;
      }
      const cel = name.replace(/@/g, "").replace(/[^A-Za-z0-9_.]/g, "_");
      if (env) {
        const f: Record<string, string> = {};
        for (const [esc, [, t]] of fields) f[esc] = t.cel;
        env.registerType(cel, { fields: f } as any);
      }
      return { cel, kind: "object", maxElements: fields.size, minSize, fields };
    }
    case "string": {
      let max = UNBOUNDED_STR;
      if (s.format === "byte") {
        max = typeof s.maxLength === "number" ? Math.max(0, s.maxLength) : UNBOUNDED_STR;
        return { cel: "string", kind: "string", maxElements: max, minSize: 2 };
      }
      if (s.format === "duration" || s.format === "date-time") max = 32;
      else if (s.format === "date") max = 12;
      else if (typeof s.maxLength === "number") max = Math.max(0, s.maxLength) * 4;
      else if (Array.isArray(s.enum) && s.enum.length > 0) {
        max = Math.max(0, ...s.enum.map((e) => typeof e === "string" ? e.length : 0));
      }
      return { cel: "string", kind: "string", maxElements: max, minSize: 2 };
    }
    case "boolean":
      return { cel: "bool", kind: "bool", maxElements: 0, minSize: 4 };
    case "number":
      return { cel: "double", kind: "double", maxElements: 0, minSize: 1 };
    case "integer":
      return { cel: "int", kind: "int", maxElements: 0, minSize: 1 };
  }
  return undefined;
}

/**
 * Converts an unstructured (JSON) value to its CEL value for a declared type:
 * integers become bigint, declared object properties get escaped names,
 * undeclared ones are dropped.
 *
 * @example
 * ```ts
 * import { declType, toCel } from "./schema_types.ts";
 * import assert from "node:assert/strict";
 * const t = declType({ type: "object", properties: { "a-b": { type: "integer" } } })!;
 * assert.deepEqual(toCel({ "a-b": 1 }, t), { a__dash__b: 1n });
 * ```
 */
export function toCel(v: unknown, t: DeclType | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (!t || t.kind === "dyn") return dynToCel(v);
  switch (t.kind) {
    case "int":
      return typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v;
    case "double":
      return typeof v === "number" ? v : v;
    case "list":
      return Array.isArray(v) ? v.map((x) => toCel(x, t.elem)) : v;
    case "map": {
      if (typeof v !== "object" || Array.isArray(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = toCel(x, t.elem);
      return out;
    }
    case "object": {
      if (typeof v !== "object" || Array.isArray(v)) return v;
      const out: Record<string, unknown> = {};
      const o = v as Record<string, unknown>;
      for (const [esc, [orig, ft]] of t.fields!) {
        const x = o[orig];
        if (x !== undefined) out[esc] = toCel(x, ft);
      }
      return out;
    }
  }
  return v;
}

function dynToCel(v: unknown): unknown {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(dynToCel);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = dynToCel(x);
    return out;
  }
  return v;
}
