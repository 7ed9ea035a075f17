/**
 * Validation of `default` values in a structural schema: kube's
 * `structuraldefaulting.ValidateDefaults` — a default must survive pruning
 * unchanged ("must not have unknown fields"), embedded resources in it must
 * have valid type metadata, and the value must validate against the schema at
 * that point (the latter through an injected callback).
 *
 * @module
 */
import { field, type FieldError } from "../../apimachinery/errors.ts";
import { isDNS1035Label } from "../../apimachinery/validation.ts";
import {
  child,
  flag,
  index,
  isNode,
  itemsOf,
  jsonEqual,
  key,
  propertiesOf,
  type SchemaNode,
  schemaOrBool,
} from "./props.ts";

/** Validates a default value against the schema node it sits on (kube's `ValidateCustomResource` and CEL). */
export type DefaultValidator = (
  value: unknown,
  schemaAtThatPoint: Record<string, unknown>,
  path: string,
) => FieldError[];

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

function deepCopy<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

function prune(x: unknown, s: SchemaNode | undefined, embedded: boolean): void {
  if (s && s["x-kubernetes-preserve-unknown-fields"] === true) {
    skipPrune(x, s, embedded);
    return;
  }
  if (Array.isArray(x)) {
    const items = s ? itemsOf(s)?.schema : undefined;
    for (const v of x) prune(v, items, flag(items ?? {}, "x-kubernetes-embedded-resource"));
    return;
  }
  if (!isNode(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) delete x[k];
    return;
  }
  const props = new Map(propertiesOf(s));
  const ap = schemaOrBool(s, "additionalProperties");
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const p = props.get(k);
    if (p) prune(x[k], p, flag(p, "x-kubernetes-embedded-resource"));
    else if (ap) prune(x[k], ap.schema, flag(ap.schema ?? {}, "x-kubernetes-embedded-resource"));
    else delete x[k];
  }
}

function skipPrune(x: unknown, s: SchemaNode | undefined, embedded: boolean): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = itemsOf(s)?.schema;
    for (const v of x) skipPrune(v, items, flag(items ?? {}, "x-kubernetes-embedded-resource"));
    return;
  }
  if (!isNode(x)) return;
  const props = new Map(propertiesOf(s));
  const ap = schemaOrBool(s, "additionalProperties");
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const p = props.get(k);
    if (p) prune(x[k], p, flag(p, "x-kubernetes-embedded-resource"));
    else if (ap) prune(x[k], ap.schema, flag(ap.schema ?? {}, "x-kubernetes-embedded-resource"));
  }
}

/**
 * Whether pruning `value` with the schema node (kube's `pruning.Prune`, the
 * node treated as a resource root when it is an embedded resource) would
 * change it.
 *
 * @example
 * ```ts
 * import { defaultIsPruned } from "./defaults.ts";
 * import assert from "node:assert/strict";
 * const s = { type: "object", properties: { a: { type: "string" } } };
 * assert.equal(defaultIsPruned({ a: "x" }, s), true);
 * assert.equal(defaultIsPruned({ b: "x" }, s), false);
 * ```
 */
export function defaultIsPruned(value: unknown, s: SchemaNode): boolean {
  const pruned = deepCopy(value);
  prune(pruned, s, flag(s, "x-kubernetes-embedded-resource"));
  return jsonEqual(pruned, value);
}

function goJSONType(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}

function validateEmbeddedResource(path: string, x: SchemaNode): FieldError[] {
  const errs: FieldError[] = [];
  if (!("apiVersion" in x)) errs.push(field.required(child(path, "apiVersion"), ""));
  if (!("kind" in x)) errs.push(field.required(child(path, "kind"), ""));
  for (const [k, v] of Object.entries(x)) {
    if (k === "apiVersion") {
      const p = child(path, "apiVersion");
      if (typeof v !== "string") errs.push(field.invalid(p, v, "must be a string"));
      else if (v.length === 0) errs.push(field.invalid(p, v, "must not be empty"));
      else if (v.split("/").length > 2) {
        errs.push(field.invalid(p, v, `unexpected GroupVersion string: ${v}`));
      }
    } else if (k === "kind") {
      const p = child(path, "kind");
      if (typeof v !== "string") errs.push(field.invalid(p, v, "must be a string"));
      else if (v.length === 0) errs.push(field.invalid(p, v, "must not be empty"));
      else {
        const msgs = isDNS1035Label(v.toLowerCase());
        if (msgs.length) {
          errs.push(
            field.invalid(
              p,
              v,
              `may have mixed case, but should otherwise match: ${msgs.join(",")}`,
            ),
          );
        }
      }
    } else if (k === "metadata" && !isNode(v) && v !== null) {
      errs.push(
        field.invalid(
          child(path, "metadata"),
          v,
          `json: cannot unmarshal ${goJSONType(v)} into Go value of type v1.ObjectMeta`,
        ),
      );
    }
  }
  return errs;
}

/** `objectmeta.Validate`: type metadata of embedded resources inside a value. */
function validateObjectMeta(
  path: string,
  x: unknown,
  s: SchemaNode | undefined,
  embedded: boolean,
): FieldError[] {
  if (!s) return [];
  const errs: FieldError[] = [];
  if (isNode(x)) {
    if (embedded) errs.push(...validateEmbeddedResource(path, x));
    const props = new Map(propertiesOf(s));
    const ap = schemaOrBool(s, "additionalProperties");
    for (const [k, v] of Object.entries(x)) {
      const p = props.get(k);
      if (p) {
        errs.push(
          ...validateObjectMeta(child(path, k), v, p, flag(p, "x-kubernetes-embedded-resource")),
        );
      } else if (ap?.schema) {
        errs.push(
          ...validateObjectMeta(
            key(path, k),
            v,
            ap.schema,
            flag(ap.schema, "x-kubernetes-embedded-resource"),
          ),
        );
      }
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s)?.schema;
    x.forEach((v, i) => {
      errs.push(
        ...validateObjectMeta(
          index(path, i),
          v,
          items,
          flag(items ?? {}, "x-kubernetes-embedded-resource"),
        ),
      );
    });
  }
  return errs;
}

function walk(
  path: string,
  s: SchemaNode,
  isRoot: boolean,
  insideMeta: boolean,
  requirePrunedDefaults: boolean,
  validateDefault: DefaultValidator | undefined,
): FieldError[] {
  const errs: FieldError[] = [];
  const embedded = isRoot || flag(s, "x-kubernetes-embedded-resource");
  if (embedded) insideMeta = false;
  const def = s.default;
  if (def !== undefined && def !== null) {
    const p = child(path, "default");
    if (insideMeta) {
      // kube validates this inside a surrounding object's metadata; the
      // schema validation of the value is delegated.
      if (validateDefault) errs.push(...validateDefault(def, s, p));
    } else {
      if (requirePrunedDefaults) {
        const pruned = deepCopy(def);
        prune(pruned, s, embedded);
        if (!jsonEqual(pruned, def)) {
          errs.push(field.invalid(p, def, "must not have unknown fields"));
        }
      }
      const metaErrs = validateObjectMeta(p, def, s, embedded);
      if (metaErrs.length) errs.push(...metaErrs);
      else if (validateDefault) errs.push(...validateDefault(def, s, p));
    }
  }
  // additionalProperties are not followed: defaults are forbidden there
  const items = itemsOf(s)?.schema;
  if (items) {
    errs.push(
      ...walk(
        child(path, "items"),
        items,
        false,
        insideMeta,
        requirePrunedDefaults,
        validateDefault,
      ),
    );
  }
  for (const [k, p] of propertiesOf(s)) {
    const subInsideMeta = insideMeta || (embedded && META_FIELDS.has(k));
    errs.push(
      ...walk(
        key(child(path, "properties"), k),
        p,
        false,
        subInsideMeta,
        requirePrunedDefaults,
        validateDefault,
      ),
    );
  }
  return errs;
}

/**
 * kube's `ValidateDefaults` on a structural schema whose root is a resource
 * root: errors at `<path>...default`.
 *
 * @example
 * ```ts
 * import { validateDefaults } from "./defaults.ts";
 * import { formatFieldError } from "../../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const schema = {
 *   type: "object",
 *   properties: { spec: { type: "object", properties: { a: { type: "string" } }, default: { b: "x" } } },
 * };
 * assert.deepEqual(validateDefaults(schema, "spec.validation.openAPIV3Schema", true).map(formatFieldError), [
 *   'spec.validation.openAPIV3Schema.properties[spec].default: Invalid value: {"b":"x"}: must not have unknown fields',
 * ]);
 * ```
 */
export function validateDefaults(
  schema: SchemaNode,
  path: string,
  requirePrunedDefaults: boolean,
  validateDefault?: DefaultValidator,
): FieldError[] {
  return walk(path, schema, true, false, requirePrunedDefaults, validateDefault);
}
