/**
 * Compilation of a CRD version's structural `openAPIV3Schema` into the form the
 * validator, pruner and defaulter walk. Mirrors what apiextensions-apiserver
 * does once per CRD: `ConvertJSONSchemaPropsWithPostProcess` with the
 * unsupported-format stripping of `StripUnsupportedFormatsPostProcessorForVersion`
 * (validation/formats.go), `NewStructural`, and `PruneDefaults`.
 *
 * @module
 */

import { formatChecker } from "./formats.ts";
import { pruneDefaultValue } from "./pruning.ts";

/** A JSON schema as found in a CRD (`apiextensions.k8s.io/v1` JSONSchemaProps). */
export type JSONSchemaProps = Record<string, unknown>;

/** A range-check failure of a schema bound, precomputed (kube's `IsValueValidAgainstRange`). */
export interface BoundCheck {
  /** The bound value. */
  value: number;
  /** True when the bound itself fails `IsValueValidAgainstRange` for the schema's type/format. */
  outOfRange: boolean;
}

/** One node of a compiled schema. */
export interface CompiledSchema {
  /** The types as kube-openapi sees them (`["integer","string"]` for int-or-string). */
  type: string[];
  /** The single type when `type` has exactly one entry, else "". */
  singleType: string;
  /** `nullable`. */
  nullable: boolean;
  /** The format after kube's unsupported-format stripping ("" when none). */
  format: string;
  /** The format validator when the (string) format is known to kube-openapi's registry. */
  formatCheck?: (s: string) => boolean;
  /** Range-check format for numbers: int32/int64/float/double or "". */
  numberFormat: string;
  /** `maximum`. */
  maximum?: BoundCheck;
  /** `exclusiveMaximum`. */
  exclusiveMaximum: boolean;
  /** `minimum`. */
  minimum?: BoundCheck;
  /** `exclusiveMinimum`. */
  exclusiveMinimum: boolean;
  /** `multipleOf`. */
  multipleOf?: BoundCheck;
  /** `maxLength`. */
  maxLength?: number;
  /** `minLength`. */
  minLength?: number;
  /** `pattern` as written. */
  pattern?: string;
  /** The compiled pattern; undefined when it did not compile. */
  patternRe?: RegExp;
  /** The compile error of the pattern. */
  patternError?: string;
  /** `maxItems`. */
  maxItems?: number;
  /** `minItems`. */
  minItems?: number;
  /** `uniqueItems`. */
  uniqueItems: boolean;
  /** `maxProperties`. */
  maxProperties?: number;
  /** `minProperties`. */
  minProperties?: number;
  /** `required`. */
  required: string[];
  /** `properties`, in schema order. */
  properties?: Map<string, CompiledSchema>;
  /** `additionalProperties`: a schema, `true`/`false`, or undefined when absent. */
  additionalProperties?: CompiledSchema | boolean;
  /** `items` (a single schema; tuple items are not structural). */
  items?: CompiledSchema;
  /** `allOf`. */
  allOf?: CompiledSchema[];
  /** `anyOf`. */
  anyOf?: CompiledSchema[];
  /** `oneOf`. */
  oneOf?: CompiledSchema[];
  /** `not`. */
  not?: CompiledSchema;
  /** `enum`. */
  enum?: unknown[];
  /** `default` (already pruned like `PruneDefaults`); undefined when absent or null. */
  default?: unknown;
  /** `x-kubernetes-preserve-unknown-fields`. */
  preserveUnknownFields: boolean;
  /** `x-kubernetes-embedded-resource`. */
  embeddedResource: boolean;
  /** `x-kubernetes-int-or-string`. */
  intOrString: boolean;
  /** `x-kubernetes-list-type`. */
  listType?: string;
  /** `x-kubernetes-list-map-keys`. */
  listMapKeys?: string[];
  /** `x-kubernetes-map-type`. */
  mapType?: string;
  /** Some node at or below this one has a default (defaulting skips subtrees without). */
  hasDefaults?: boolean;
  /** Some node at or below this one is an embedded resource. */
  hasEmbedded?: boolean;
  /** Some node at or below this one is a `set` or `map` list. */
  hasListTypes?: boolean;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}

/**
 * kube-openapi's `IsValueValidAgainstRange` without the message: whether `v`
 * (formatted with `swag.FormatFloat64`) fails to parse as `typeName`/`format`.
 *
 * @example
 * ```ts
 * import { outOfRange } from "./compile.ts";
 * import assert from "node:assert/strict";
 * assert.equal(outOfRange(1.5, "integer", ""), true);
 * assert.equal(outOfRange(2 ** 31, "integer", "int32"), true);
 * ```
 */
export function outOfRange(v: number, typeName: string, format: string): boolean {
  let bad = false;
  if (typeName === "integer") {
    if (!Number.isInteger(v)) bad = true;
    else if (format === "int32") bad = v < -2147483648 || v > 2147483647;
    else bad = v < -9223372036854775808 || v > 9223372036854775807;
  } else if (format === "float") {
    bad = Math.abs(v) > 3.4028234663852886e38 && isFinite(v);
  }
  return bad;
}

/** Supported string formats (normalized without dashes), as of kube 1.34. */
const SUPPORTED_STRING_FORMATS = new Set([
  "bsonobjectid",
  "uri",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "cidr",
  "mac",
  "uuid",
  "uuid3",
  "uuid4",
  "uuid5",
  "isbn",
  "isbn10",
  "isbn13",
  "creditcard",
  "ssn",
  "hexcolor",
  "rgbcolor",
  "byte",
  "password",
  "date",
  "duration",
  "datetime",
  "k8sshortname",
  "k8slongname",
]);

/**
 * Whether kube keeps `format` on a string (kube-openapi's format registry,
 * compared without dashes: `date-time` is `datetime`).
 *
 * @example
 * ```ts
 * import { isSupportedStringFormat } from "./compile.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isSupportedStringFormat("date-time"), true);
 * assert.equal(isSupportedStringFormat("not-a-format"), false);
 * ```
 */
export function isSupportedStringFormat(format: string): boolean {
  return SUPPORTED_STRING_FORMATS.has(format.replaceAll("-", ""));
}

// StripUnsupportedFormatsPostProcessorForVersion.
function stripFormat(format: string, type: string[]): string {
  if (!format) return "";
  const t = type.length === 1 ? type[0] : "";
  switch (t) {
    case "":
    case "string":
      return isSupportedStringFormat(format) ? format : "";
    case "integer":
      return format === "int32" || format === "int64" ? format : "";
    case "number":
      return format === "float" || format === "double" ? format : "";
    default:
      return "";
  }
}

/**
 * Translates a Go RE2 pattern to an ECMAScript one, as far as the common
 * differences go: leading inline flags `(?i)`, `(?s)`, `(?m)`, `\A`, `\z`,
 * `\pL`-style one-letter classes and POSIX bracket classes.
 */
function compilePattern(p: string): { re?: RegExp; error?: string } {
  let flags = "u";
  let src = p;
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    for (const f of m[1]) if (f !== "U" && !flags.includes(f)) flags += f;
    src = src.slice(m[0].length);
  }
  src = src
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "(?![\\s\\S])")
    .replace(/\\([pP])([A-Za-z])(?![A-Za-z{])/g, "\\$1{$2}")
    .replace(/\[:alpha:\]/g, "A-Za-z")
    .replace(/\[:digit:\]/g, "0-9")
    .replace(/\[:alnum:\]/g, "A-Za-z0-9")
    .replace(/\[:upper:\]/g, "A-Z")
    .replace(/\[:lower:\]/g, "a-z")
    .replace(/\[:space:\]/g, "\\t\\n\\v\\f\\r ")
    .replace(/\[:xdigit:\]/g, "0-9A-Fa-f")
    .replace(/\[:word:\]/g, "\\w")
    .replace(/\[:punct:\]/g, "!-\\/:-@\\[-`{-~");
  try {
    return { re: new RegExp(src, flags) };
  } catch {
    try {
      return { re: new RegExp(src, flags.replace("u", "")) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }
}

function compileNode(
  s: JSONSchemaProps,
  path: string,
  defaults: { node: CompiledSchema; raw: unknown }[],
): CompiledSchema {
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  let type: string[] = typeof s.type === "string" && s.type !== "" ? [s.type] : [];
  if (intOrString) type = ["integer", "string"];
  const singleType = type.length === 1 ? type[0] : "";
  const format = stripFormat(typeof s.format === "string" ? s.format : "", type);
  let numberFormat = "";
  if (singleType === "integer" && (format === "int32" || format === "int64")) numberFormat = format;
  if (singleType === "number" && (format === "float" || format === "double")) numberFormat = format;
  const rangeType = singleType === "integer" || singleType === "number" ? singleType : "";
  const bound = (v: unknown): BoundCheck | undefined => {
    const n = num(v);
    if (n === undefined) return undefined;
    return { value: n, outOfRange: outOfRange(n, rangeType, numberFormat) };
  };
  const c: CompiledSchema = {
    type,
    singleType,
    nullable: s.nullable === true,
    format,
    numberFormat,
    exclusiveMaximum: s.exclusiveMaximum === true,
    exclusiveMinimum: s.exclusiveMinimum === true,
    uniqueItems: s.uniqueItems === true,
    required: Array.isArray(s.required) ? (s.required as string[]) : [],
    preserveUnknownFields: s["x-kubernetes-preserve-unknown-fields"] === true,
    embeddedResource: s["x-kubernetes-embedded-resource"] === true,
    intOrString,
  };
  if (format) {
    const fc = formatChecker(format);
    if (fc) c.formatCheck = fc;
  }
  const max = bound(s.maximum);
  if (max) c.maximum = max;
  const min = bound(s.minimum);
  if (min) c.minimum = min;
  const mult = bound(s.multipleOf);
  if (mult) c.multipleOf = mult;
  if (num(s.maxLength) !== undefined) c.maxLength = s.maxLength as number;
  if (num(s.minLength) !== undefined) c.minLength = s.minLength as number;
  if (typeof s.pattern === "string" && s.pattern !== "") {
    c.pattern = s.pattern;
    const r = compilePattern(s.pattern);
    if (r.re) c.patternRe = r.re;
    else c.patternError = r.error;
  }
  if (num(s.maxItems) !== undefined) c.maxItems = s.maxItems as number;
  if (num(s.minItems) !== undefined) c.minItems = s.minItems as number;
  if (num(s.maxProperties) !== undefined) c.maxProperties = s.maxProperties as number;
  if (num(s.minProperties) !== undefined) c.minProperties = s.minProperties as number;
  if (s.properties && typeof s.properties === "object") {
    c.properties = new Map();
    for (const [k, v] of Object.entries(s.properties as Record<string, JSONSchemaProps>)) {
      c.properties.set(k, compileNode(v, path ? `${path}.${k}` : k, defaults));
    }
  }
  const ap = s.additionalProperties;
  if (typeof ap === "boolean") c.additionalProperties = ap;
  else if (ap && typeof ap === "object") {
    c.additionalProperties = compileNode(ap as JSONSchemaProps, `${path}.*`, defaults);
  }
  if (s.items && typeof s.items === "object" && !Array.isArray(s.items)) {
    c.items = compileNode(s.items as JSONSchemaProps, `${path}[*]`, defaults);
  }
  const list = (v: unknown) =>
    Array.isArray(v) ? v.map((x) => compileNode(x as JSONSchemaProps, path, [])) : undefined;
  const allOf = list(s.allOf);
  if (allOf?.length) c.allOf = allOf;
  const anyOf = list(s.anyOf);
  if (anyOf?.length) c.anyOf = anyOf;
  const oneOf = list(s.oneOf);
  if (oneOf?.length) c.oneOf = oneOf;
  if (s.not && typeof s.not === "object") c.not = compileNode(s.not as JSONSchemaProps, path, []);
  if (Array.isArray(s.enum) && s.enum.length > 0) c.enum = s.enum;
  if (typeof s["x-kubernetes-list-type"] === "string") {
    c.listType = s["x-kubernetes-list-type"] as string;
  }
  if (Array.isArray(s["x-kubernetes-list-map-keys"])) {
    c.listMapKeys = s["x-kubernetes-list-map-keys"] as string[];
  }
  if (typeof s["x-kubernetes-map-type"] === "string") {
    c.mapType = s["x-kubernetes-map-type"] as string;
  }
  if (s.default !== undefined && s.default !== null) defaults.push({ node: c, raw: s.default });
  return c;
}

/**
 * Compiles a CRD version's `openAPIV3Schema` once: strips formats kube ignores,
 * precompiles patterns, range-checks bounds, and prunes every `default` against
 * the schema it sits in (kube's `PruneDefaults`). Value validations inside
 * `allOf`/`anyOf`/`oneOf`/`not` are compiled for validation only: they never
 * take part in pruning or defaulting, as in a structural schema.
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { n: { type: "integer", format: "int32" } } });
 * assert.equal(s.properties?.get("n")?.format, "int32");
 * assert.equal(compileSchema({ type: "string", format: "not-a-format" }).format, "");
 * ```
 */
export function compileSchema(openAPIV3Schema: JSONSchemaProps): CompiledSchema {
  const defaults: { node: CompiledSchema; raw: unknown }[] = [];
  const root = compileNode(openAPIV3Schema ?? {}, "", defaults);
  for (const d of defaults) d.node.default = pruneDefaultValue(d.raw, d.node);
  markSubtrees(root);
  return root;
}

/** Sets the subtree flags (`hasDefaults`, ...) of a node and everything below it. */
function markSubtrees(s: CompiledSchema): void {
  const children: CompiledSchema[] = [];
  if (s.properties) children.push(...s.properties.values());
  if (typeof s.additionalProperties === "object") children.push(s.additionalProperties);
  if (s.items) children.push(s.items);
  let defaults = s.default !== undefined;
  let embedded = s.embeddedResource;
  let lists = s.listType === "set" || s.listType === "map";
  for (const c of children) {
    markSubtrees(c);
    defaults ||= c.hasDefaults === true;
    embedded ||= c.hasEmbedded === true;
    lists ||= c.hasListTypes === true;
  }
  s.hasDefaults = defaults;
  s.hasEmbedded = embedded;
  s.hasListTypes = lists;
}
