/**
 * Structural schemas: kube's `NewStructural` conversion errors and
 * `ValidateStructural` (k8s.io/apiextensions-apiserver/pkg/apiserver/schema),
 * computed directly on the JSON schema.
 *
 * @module
 */
import { field, type FieldError, formatFieldError } from "../../apimachinery/errors.ts";
import {
  child,
  flag,
  index,
  isNode,
  isSet,
  itemsOf,
  key,
  mapLen,
  propertiesOf,
  schemaList,
  type SchemaNode,
  schemaOrBool,
  typeOf,
} from "./props.ts";
import { goRegexpError } from "./go_regexp.ts";

function unsupportedField(s: SchemaNode): string | undefined {
  if (isSet(s, "id")) return "OpenAPIV3Schema 'id' is not supported";
  if (isSet(s, "$schema")) return "OpenAPIV3Schema 'schema' is not supported";
  if (typeof s.$ref === "string" && s.$ref.length > 0) {
    return "OpenAPIV3Schema '$ref' is not supported";
  }
  if (mapLen(s, "patternProperties") > 0) {
    return "OpenAPIV3Schema 'patternProperties' is not supported";
  }
  if (mapLen(s, "dependencies") > 0) return "OpenAPIV3Schema 'dependencies' is not supported";
  if (isSet(s, "additionalItems")) return "OpenAPIV3Schema 'additionalItems' is not supported";
  if (mapLen(s, "definitions") > 0) return "OpenAPIV3Schema 'definitions' is not supported";
  return undefined;
}

function nodeError(s: SchemaNode): string | undefined {
  const u = unsupportedField(s);
  if (u) return u;
  // newValueValidation: not, allOf, anyOf, oneOf
  if (isNode(s.not)) {
    const e = nodeError(s.not);
    if (e) return e;
  }
  for (const k of ["allOf", "anyOf", "oneOf"]) {
    for (const x of schemaList(s, k)) {
      const e = nodeError(x);
      if (e) return e;
    }
  }
  // newExtensions
  if (s["x-kubernetes-preserve-unknown-fields"] === false) {
    return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
  }
  const items = itemsOf(s);
  if (items) {
    if (items.schemas.length > 0) {
      return "OpenAPIV3Schema 'items' must be a schema, but is an array";
    }
    if (items.schema) {
      const e = nodeError(items.schema);
      if (e) return e;
    }
  }
  for (const [, p] of propertiesOf(s)) {
    const e = nodeError(p);
    if (e) return e;
  }
  const ap = schemaOrBool(s, "additionalProperties");
  if (ap?.schema) return nodeError(ap.schema);
  return undefined;
}

/**
 * The error `NewStructural` gives when a schema cannot be made structural
 * (unsupported fields, `items` as an array), or undefined.
 *
 * @example
 * ```ts
 * import { structuralConversionError } from "./structural.ts";
 * import assert from "node:assert/strict";
 * assert.equal(structuralConversionError({ $schema: "x" }), "OpenAPIV3Schema 'schema' is not supported");
 * assert.equal(structuralConversionError({ type: "object" }), undefined);
 * ```
 */
export function structuralConversionError(schema: SchemaNode): string | undefined {
  return nodeError(schema);
}

type Level = "root" | "item" | "field";

/** A nested value validation equal to `{type: t}` and nothing else. */
function onlyType(s: SchemaNode, t: string): boolean {
  for (const k of Object.keys(s)) {
    if (k === "type") continue;
    if (k === "properties" ? s[k] !== undefined && s[k] !== null : isSet(s, k)) return false;
  }
  return typeOf(s) === t;
}

function isIntOrStringAnyOf(l: SchemaNode[]): boolean {
  return l.length === 2 && onlyType(l[0], "integer") && onlyType(l[1], "string");
}

function validateInvariants(s: SchemaNode, lvl: Level, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeOf(s);
  const items = itemsOf(s)?.schema;
  if (type === "array" && !items) {
    errs.push(field.required(child(path, "items"), "must be specified"));
  }
  if (items) errs.push(...validateInvariants(items, "item", child(path, "items")));
  const props = propertiesOf(s);
  for (const [k, p] of props) {
    errs.push(...validateInvariants(p, "field", key(child(path, "properties"), k)));
  }
  const ap = schemaOrBool(s, "additionalProperties");
  if (ap) {
    if (lvl === "root") {
      errs.push(
        field.forbidden(child(path, "additionalProperties"), "must not be used at the root"),
      );
    }
    if (ap.schema) {
      errs.push(...validateInvariants(ap.schema, "field", child(path, "additionalProperties")));
    }
  }
  const embedded = flag(s, "x-kubernetes-embedded-resource");
  const intOrString = flag(s, "x-kubernetes-int-or-string");
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  // validateExtensions
  if (intOrString && preserve) {
    errs.push(
      field.invalid(
        child(path, "x-kubernetes-preserve-unknown-fields"),
        true,
        "must be false if x-kubernetes-int-or-string is true",
      ),
    );
  }
  if (intOrString && embedded) {
    errs.push(
      field.invalid(
        child(path, "x-kubernetes-embedded-resource"),
        true,
        "must be false if x-kubernetes-int-or-string is true",
      ),
    );
  }
  const skipAnyOf = isIntOrStringAnyOf(schemaList(s, "anyOf"));
  const allOf = schemaList(s, "allOf");
  const skipFirstAllOfAnyOf = allOf.length >= 1 &&
    isIntOrStringAnyOf(schemaList(allOf[0], "anyOf"));
  errs.push(...validateValueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, path));

  const checkMetadata = lvl === "root" || embedded;
  if (embedded && type !== "object") {
    const p = child(path, "type");
    const d = "must be object if x-kubernetes-embedded-resource is true";
    errs.push(type === "" ? field.required(p, d) : field.invalid(p, type, d));
  } else if (type === "" && !intOrString && !preserve) {
    const d = lvl === "root"
      ? "must not be empty at the root"
      : lvl === "item"
      ? "must not be empty for specified array items"
      : "must not be empty for specified object fields";
    errs.push(field.required(child(path, "type"), d));
  }
  if (embedded && ap) {
    errs.push(
      field.forbidden(
        child(path, "additionalProperties"),
        "must not be used if x-kubernetes-embedded-resource is set",
      ),
    );
  }
  if (lvl === "root" && type !== "" && type !== "object") {
    errs.push(field.invalid(child(path, "type"), type, "must be object at the root"));
  }
  const propMap = new Map(props);
  for (const meta of ["kind", "apiVersion"]) {
    const p = propMap.get(meta);
    if (p && checkMetadata && typeOf(p) !== "string") {
      errs.push(
        field.invalid(
          child(key(child(path, "properties"), meta), "type"),
          typeOf(p),
          "must be string",
        ),
      );
    }
  }
  const metadata = propMap.get("metadata");
  if (metadata) {
    errs.push(
      ...validateMetadataInvariants(
        metadata,
        checkMetadata,
        lvl,
        key(child(path, "properties"), "metadata"),
      ),
    );
  }
  if (embedded && !preserve && props.length === 0) {
    errs.push(
      field.required(
        child(path, "properties"),
        "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
      ),
    );
  }
  return errs;
}

function validateMetadataInvariants(
  s: SchemaNode,
  checkMetadata: boolean,
  lvl: Level,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (checkMetadata && typeOf(s) !== "object") {
    errs.push(field.invalid(child(path, "type"), typeOf(s), "must be object"));
  }
  if (lvl === "root") {
    const names = propertiesOf(s).map(([k]) => k);
    const onlyNames = names.every((k) => k === "name" || k === "generateName");
    let extra = false;
    for (const k of Object.keys(s)) {
      if (k === "type" || k === "default") continue;
      if (k === "properties") {
        if (!onlyNames) extra = true;
        continue;
      }
      if (isSet(s, k)) extra = true;
    }
    if (extra) {
      errs.push(
        field.forbidden(
          path,
          "must not specify anything other than name and generateName, but metadata is implicitly specified",
        ),
      );
    }
  }
  return errs;
}

function validateValueValidation(
  v: SchemaNode,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) {
    schemaList(v, "anyOf").forEach((x, i) => {
      errs.push(...validateNested(x, false, index(child(path, "anyOf"), i)));
    });
  }
  schemaList(v, "allOf").forEach((x, i) => {
    errs.push(...validateNested(x, skipFirstAllOfAnyOf && i === 0, index(child(path, "allOf"), i)));
  });
  schemaList(v, "oneOf").forEach((x, i) => {
    errs.push(...validateNested(x, false, index(child(path, "oneOf"), i)));
  });
  if (isNode(v.not)) errs.push(...validateNested(v.not, false, child(path, "not")));
  if (typeof v.pattern === "string" && v.pattern.length > 0) {
    const msg = goRegexpError(v.pattern);
    if (msg) {
      errs.push(
        field.invalid(
          child(path, "pattern"),
          v.pattern,
          `must be a valid regular expression, but isn't: ${msg}`,
        ),
      );
    }
  }
  return errs;
}

function validateNested(v: SchemaNode, skipAnyOf: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateValueValidation(v, skipAnyOf, false, path));
  const items = itemsOf(v)?.schema;
  if (items) errs.push(...validateNested(items, false, child(path, "items")));
  const props = propertiesOf(v);
  for (const [k, p] of props) {
    errs.push(...validateNested(p, false, key(child(path, "properties"), k)));
  }
  if (isSet(v, "type")) {
    errs.push(field.forbidden(child(path, "type"), "must be empty to be structural"));
  }
  const ap = schemaOrBool(v, "additionalProperties");
  if (ap && (ap.schema || ap.allows)) {
    errs.push(
      field.forbidden(child(path, "additionalProperties"), "must be undefined to be structural"),
    );
  }
  if (isSet(v, "default")) {
    errs.push(field.forbidden(child(path, "default"), "must be undefined to be structural"));
  }
  if (isSet(v, "title")) {
    errs.push(field.forbidden(child(path, "title"), "must be empty to be structural"));
  }
  if (isSet(v, "description")) {
    errs.push(field.forbidden(child(path, "description"), "must be empty to be structural"));
  }
  if (isSet(v, "nullable")) {
    errs.push(field.forbidden(child(path, "nullable"), "must be false to be structural"));
  }
  for (
    const x of [
      "x-kubernetes-preserve-unknown-fields",
      "x-kubernetes-embedded-resource",
      "x-kubernetes-int-or-string",
    ]
  ) {
    if (v[x] === true) errs.push(field.forbidden(child(path, x), "must be false to be structural"));
  }
  if (
    Array.isArray(v["x-kubernetes-list-map-keys"]) && v["x-kubernetes-list-map-keys"].length > 0
  ) {
    errs.push(
      field.forbidden(child(path, "x-kubernetes-list-map-keys"), "must be empty to be structural"),
    );
  }
  for (const x of ["x-kubernetes-list-type", "x-kubernetes-map-type"]) {
    if (isSet(v, x)) {
      errs.push(field.forbidden(child(path, x), "must be undefined to be structural"));
    }
  }
  if (Array.isArray(v["x-kubernetes-validations"]) && v["x-kubernetes-validations"].length > 0) {
    errs.push(
      field.forbidden(child(path, "x-kubernetes-validations"), "must be empty to be structural"),
    );
  }
  if (props.some(([k]) => k === "metadata")) {
    errs.push(
      field.forbidden(
        key(child(path, "properties"), "metadata"),
        "must not be specified in a nested context",
      ),
    );
  }
  return errs;
}

// ---------------------------------------------------------------- completeness

function completenessValue(
  v: SchemaNode,
  s: SchemaNode | undefined,
  sPath: string,
  vPath: string,
): FieldError[] {
  if (!s) return [field.required(sPath, `because it is defined in ${vPath}`)];
  const errs: FieldError[] = [];
  if (isNode(v.not)) errs.push(...completenessNested(v.not, s, sPath, child(vPath, "not")));
  for (const k of ["allOf", "anyOf", "oneOf"]) {
    schemaList(v, k).forEach((x, i) => {
      errs.push(...completenessNested(x, s, sPath, index(child(vPath, k), i)));
    });
  }
  return errs;
}

function completenessNested(
  v: SchemaNode,
  s: SchemaNode | undefined,
  sPath: string,
  vPath: string,
): FieldError[] {
  if (!s) return [field.required(sPath, `because it is defined in ${vPath}`)];
  const errs: FieldError[] = [];
  errs.push(...completenessValue(v, s, sPath, vPath));
  const vItems = itemsOf(v)?.schema;
  if (vItems) {
    errs.push(
      ...completenessNested(
        vItems,
        itemsOf(s)?.schema,
        child(sPath, "items"),
        child(vPath, "items"),
      ),
    );
  }
  const sProps = new Map(propertiesOf(s));
  for (const [k, vf] of propertiesOf(v)) {
    const sf = sProps.get(k);
    const sp = key(child(sPath, "properties"), k);
    const vp = key(child(vPath, "properties"), k);
    if (!sf) errs.push(field.required(sp, `because it is defined in ${vp}`));
    else errs.push(...completenessNested(vf, sf, sp, vp));
  }
  return errs;
}

/**
 * kube's `ValidateStructural`: the invariants of a structural schema and the
 * completeness of its value validations, sorted by their message as kube does.
 * The schema must convert (see {@linkcode structuralConversionError}).
 *
 * @example
 * ```ts
 * import { validateStructural } from "./structural.ts";
 * import { formatFieldError } from "../../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const errs = validateStructural({ type: "object", properties: { a: {} } }, "spec.validation.openAPIV3Schema");
 * assert.deepEqual(errs.map(formatFieldError), [
 *   "spec.validation.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields",
 * ]);
 * ```
 */
export function validateStructural(schema: SchemaNode, path: string): FieldError[] {
  const errs = [
    ...validateInvariants(schema, "root", path),
    ...completenessValue(schema, schema, path, path),
  ];
  const keyed = errs.map((e) => [formatFieldError(e), e] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map(([, e]) => e);
}
