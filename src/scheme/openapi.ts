/**
 * Schemas written as OpenAPI v3 (the structural subset CustomResourceDefinitions
 * use in `openAPIV3Schema`), validated without any library. Built-in kinds use
 * them so that opening a store or running a CLI verb does not load zod; user
 * kinds may use them too, or zod.
 *
 * Validation follows the API server's structural-schema rules: unknown
 * properties are dropped (pruning), `null` for a property counts as absent,
 * defaults fill absent properties, and problems are reported as issues with a
 * `code` and a `path` (the same shape zod reports, so both kinds of schema
 * produce the same field errors).
 *
 * @module
 */
import type { Schema, SchemaParseResult } from "./kind.ts";

/** An OpenAPI v3 schema node (structural subset). */
export interface OpenAPISchema {
  /** The JSON type; absent means any value is kept as given. */
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  /** Shown by `explain`. */
  description?: string;
  /** Type name `explain` shows for an object (`<ObjectReference>`), as kubectl shows Go types. */
  title?: string;
  /** Object properties. */
  properties?: Record<string, OpenAPISchema>;
  /** Properties that must be present. */
  required?: readonly string[];
  /** Schema of map values (an object with arbitrary keys). */
  additionalProperties?: OpenAPISchema;
  /** Schema of array items. */
  items?: OpenAPISchema;
  /** Allowed values. */
  enum?: readonly (string | number | boolean)[];
  /** Value used when the property is absent. */
  default?: unknown;
  /** Smallest allowed number. */
  minimum?: number;
  /** Largest allowed number. */
  maximum?: number;
  /** Shortest allowed string (in characters). */
  minLength?: number;
  /** Longest allowed string (in characters). */
  maxLength?: number;
  /** Most array items. */
  maxItems?: number;
  /** Regular expression strings must match. */
  pattern?: string;
  /** `byte` (base64 data, Go `[]byte`), `int32` (default for integers) or `int64`. */
  format?: "byte" | "int32" | "int64";
}

/** A validation problem: where, and what (zod's issue shape). */
export interface SchemaIssue {
  /** `invalid_type`, `invalid_value`, `too_big`, `too_small` or `invalid_format`. */
  code: string;
  /** Path of the bad value. */
  path: (string | number)[];
  /** Human-readable description. */
  message: string;
  /** Expected type, for `invalid_type`. */
  expected?: string;
  /** Allowed values, for `invalid_value`. */
  values?: unknown[];
  /** What was measured, for `too_big`/`too_small` (`string`, `number`, `array`). */
  origin?: string;
  /** The limit, for `too_big`. */
  maximum?: number;
  /** The limit, for `too_small`. */
  minimum?: number;
  /** Whether the limit itself is allowed. */
  inclusive?: boolean;
  /** The pattern, for `invalid_format`. */
  pattern?: string;
  /**
   * For `invalid_type`: the error Go's JSON decoder gives when it decodes the
   * value into the API's Go types (`cannot unmarshal number into Go struct
   * field ConfigMap.data of type string`), as kube-apiserver reports wrong
   * types in built-in kinds.
   */
  decodeError?: string;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeMatches(type: OpenAPISchema["type"], v: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "boolean":
      return typeof v === "boolean";
    case "integer":
      return Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    default:
      return true;
  }
}

/**
 * Where a value is: a parent chain, turned into a path only when an issue is
 * reported. `owner` is the type name of the object whose property this step
 * is (map keys and array indices have none).
 */
type At = { parent: At; key: string | number; owner?: string } | undefined;

function pathOf(at: At): (string | number)[] {
  const out: (string | number)[] = [];
  for (let a = at; a; a = a.parent) out.push(a.key);
  return out.reverse();
}

/** The Go type an API type decodes a node into (`v1.ObjectReference`, `map[string]string`). */
function goType(s: OpenAPISchema): string {
  switch (s.type) {
    case "string":
      return s.format === "byte" ? "[]uint8" : "string";
    case "boolean":
      return "bool";
    case "integer":
      return s.format === "int64" ? "int64" : "int32";
    case "number":
      return "float64";
    case "array":
      return `[]${s.items ? goType(s.items) : "interface {}"}`;
    case "object":
      if (s.title) return `v1.${s.title}`;
      return `map[string]${
        s.additionalProperties ? goType(s.additionalProperties) : "interface {}"
      }`;
    default:
      return "interface {}";
  }
}

/** Go's UnmarshalTypeError text: the innermost struct and the struct-field path to the value. */
function decodeError(s: OpenAPISchema, v: unknown, at: At): string | undefined {
  const fields: string[] = [];
  let owner: string | undefined;
  for (let a = at; a; a = a.parent) {
    if (a.owner === undefined) continue;
    owner ??= a.owner;
    fields.push(String(a.key));
  }
  if (owner === undefined) return undefined;
  const value = typeof v === "number"
    ? (s.type === "integer" ? `number ${v}` : "number")
    : typeof v === "boolean"
    ? "bool"
    : Array.isArray(v)
    ? "array"
    : typeof v === "object"
    ? "object"
    : "string";
  return `json: cannot unmarshal ${value} into Go struct field ${owner}.${
    fields.reverse().join(".")
  } of type ${goType(s)}`;
}

function walk(
  s: OpenAPISchema,
  v: unknown,
  at: At,
  issues: SchemaIssue[],
): unknown {
  if (!typeMatches(s.type, v)) {
    issues.push({
      code: "invalid_type",
      expected: s.type,
      path: pathOf(at),
      message: `Invalid input: expected ${s.type}, received ${typeOf(v)}`,
      decodeError: decodeError(s, v, at),
    });
    return v;
  }
  if (s.enum && !s.enum.includes(v as string)) {
    issues.push({
      code: "invalid_value",
      values: [...s.enum],
      path: pathOf(at),
      message: `Invalid option: expected one of ${s.enum.map((e) => JSON.stringify(e)).join("|")}`,
    });
  }
  if (typeof v === "string") checkString(s, v, at, issues);
  else if (typeof v === "number") checkNumber(s, v, at, issues);
  else if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) {
      issues.push(
        tooBig("array", s.maxItems, at, `Too big: expected array to have <=${s.maxItems} items`),
      );
    }
    if (!s.items) return [...v];
    return v.map((item, i) => walk(s.items!, item, { parent: at, key: i }, issues));
  } else if (isObject(v) && (s.properties || s.additionalProperties)) {
    return walkObject(s, v, at, issues);
  }
  return v;
}

function walkObject(
  s: OpenAPISchema,
  v: Record<string, unknown>,
  at: At,
  issues: SchemaIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = s.properties ?? {};
  for (const [key, child] of Object.entries(props)) {
    const value = v[key];
    if (value === undefined || value === null) {
      if (child.default !== undefined) out[key] = structuredClone(child.default);
      else if (s.required?.includes(key)) {
        issues.push({
          code: "invalid_type",
          expected: child.type,
          path: [...pathOf(at), key],
          message: `Invalid input: expected ${child.type}, received ${typeOf(value)}`,
        });
      }
      continue;
    }
    out[key] = walk(child, value, { parent: at, key, owner: s.title ?? "" }, issues);
  }
  if (s.additionalProperties) {
    for (const [key, value] of Object.entries(v)) {
      if (key in props) continue;
      out[key] = walk(s.additionalProperties, value, { parent: at, key }, issues);
    }
  }
  return out;
}

function tooBig(origin: string, maximum: number, at: At, message: string): SchemaIssue {
  return { code: "too_big", origin, maximum, inclusive: true, path: pathOf(at), message };
}

function tooSmall(origin: string, minimum: number, at: At, message: string): SchemaIssue {
  return { code: "too_small", origin, minimum, inclusive: true, path: pathOf(at), message };
}

/**
 * Where Go's `base64.StdEncoding` fails on `v` (the offset its CorruptInputError
 * names), or -1 when it decodes. Newlines are skipped, as Go's decoder skips them.
 */
function base64ErrorOffset(v: string): number {
  let quantum = 0; // characters of the current 4-character group
  let start = 0; // offset of the group
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === "\n" || c === "\r") continue;
    if (c === "=") {
      // Padding: after 2 characters `==`, after 3 `=`; then only newlines to the end.
      if (quantum < 2) return i;
      let si = i + 1;
      const skipNewlines = () => {
        while (si < v.length && (v[si] === "\n" || v[si] === "\r")) si++;
      };
      if (quantum === 2) {
        skipNewlines();
        if (si === v.length) return v.length;
        if (v[si] !== "=") return si - 1;
        si++;
      }
      skipNewlines();
      return si < v.length ? si : -1;
    }
    if (!/[A-Za-z0-9+/]/.test(c)) return i;
    if (quantum === 0) start = i;
    quantum = (quantum + 1) % 4;
  }
  return quantum === 0 ? -1 : start;
}

function checkString(s: OpenAPISchema, v: string, at: At, out: SchemaIssue[]) {
  if (s.format === "byte") {
    // A built-in kind's []byte field: Go's JSON decoder refuses bad base64 with a 400.
    const offset = base64ErrorOffset(v);
    if (offset >= 0 && decodeError(s, v, at) !== undefined) {
      out.push({
        code: "invalid_format",
        path: pathOf(at),
        message: "Invalid base64 data",
        decodeError: `illegal base64 data at input byte ${offset}`,
      });
    }
  }
  if (s.maxLength !== undefined && v.length > s.maxLength) {
    out.push(
      tooBig(
        "string",
        s.maxLength,
        at,
        `Too big: expected string to have <=${s.maxLength} characters`,
      ),
    );
  }
  if (s.minLength !== undefined && v.length < s.minLength) {
    out.push(
      tooSmall(
        "string",
        s.minLength,
        at,
        `Too small: expected string to have >=${s.minLength} characters`,
      ),
    );
  }
  if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) {
    out.push({
      code: "invalid_format",
      pattern: s.pattern,
      path: pathOf(at),
      message: `Invalid string: must match pattern /${s.pattern}/`,
    });
  }
}

function checkNumber(s: OpenAPISchema, v: number, at: At, out: SchemaIssue[]) {
  if (s.maximum !== undefined && v > s.maximum) {
    out.push(tooBig("number", s.maximum, at, `Too big: expected number to be <=${s.maximum}`));
  }
  if (s.minimum !== undefined && v < s.minimum) {
    out.push(
      tooSmall("number", s.minimum, at, `Too small: expected number to be >=${s.minimum}`),
    );
  }
}

/** A {@linkcode Schema} backed by an OpenAPI v3 document; see {@linkcode openAPISchema}. */
export class OpenAPIObjectSchema<O = unknown, I = O> implements Schema<O, I> {
  /** Type-level carrier of the output and input types (never set at run time). */
  declare readonly _zod: { readonly output: O; readonly input: I };
  /** The OpenAPI document, as a CRD's `openAPIV3Schema`. */
  readonly openAPIV3Schema: OpenAPISchema;

  /** Wraps `schema`. */
  constructor(schema: OpenAPISchema) {
    this.openAPIV3Schema = schema;
  }

  /** Validates `data`, dropping unknown properties and filling defaults. */
  safeParse(data: unknown): SchemaParseResult<O> {
    const issues: SchemaIssue[] = [];
    const out = walk(this.openAPIV3Schema, data, undefined, issues);
    return issues.length === 0
      ? { success: true, data: out as O }
      : { success: false, error: { issues } };
  }

  /** The schema as JSON Schema (what `explain` reads). */
  toJSONSchema(): Record<string, unknown> {
    return structuredClone(this.openAPIV3Schema) as Record<string, unknown>;
  }
}

/**
 * A schema written as OpenAPI v3, validated without zod. `O` is the type of
 * valid (defaulted) values, `I` what writers may send.
 *
 * @example
 * ```ts
 * import { openAPISchema } from "./openapi.ts";
 * import assert from "node:assert/strict";
 *
 * const spec = openAPISchema<{ replicas: number; image?: string }>({
 *   type: "object",
 *   properties: {
 *     replicas: { type: "integer", minimum: 0, default: 1 },
 *     image: { type: "string", description: "Container image." },
 *   },
 * });
 * assert.deepEqual(spec.safeParse({ image: "nginx", extra: true }), {
 *   success: true,
 *   data: { replicas: 1, image: "nginx" },
 * });
 * assert.equal(spec.safeParse({ replicas: "two" }).success, false);
 * ```
 */
export function openAPISchema<O = unknown, I = O>(
  schema: OpenAPISchema,
): OpenAPIObjectSchema<O, I> {
  return new OpenAPIObjectSchema<O, I>(schema);
}
