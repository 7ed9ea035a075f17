/**
 * kube's `ValidateCustomResourceDefinitionOpenAPISchema` and its
 * `specStandardValidatorV3`: the per-node rules of a CRD's OpenAPI v3 schema
 * (forbidden JSON-schema features, `x-kubernetes-*` combinations, list and
 * map types, the non-CEL checks of `x-kubernetes-validations`).
 *
 * @module
 */
import { field, type FieldError } from "../../apimachinery/errors.ts";
import { fieldPathError } from "./field_path.ts";
import {
  child,
  flag,
  index,
  isNode,
  isSet,
  itemsOf,
  key,
  mapLen,
  optString,
  propertiesOf,
  schemaList,
  type SchemaNode,
  schemaOrBool,
  stringList,
  typeOf,
} from "./props.ts";
import { structuralConversionError } from "./structural.ts";

/** The OpenAPI v3 types kube accepts (`openapiV3Types`, sorted). */
export const OPENAPI_V3_TYPES = ["array", "boolean", "integer", "number", "object", "string"];

/** `supportedValidationReason`, sorted. */
export const SUPPORTED_VALIDATION_REASONS = [
  "FieldValueDuplicate",
  "FieldValueForbidden",
  "FieldValueInvalid",
  "FieldValueRequired",
];

/** Context of a node that a CEL compiler needs from the walk. */
export interface CELNodeContext {
  /**
   * The path of the first ancestor that cannot be correlated between two
   * revisions (kube's `forbidOldSelfValidations`): rules using `oldSelf` are
   * invalid there ("oldSelf cannot be used on the uncorrelatable portion of
   * the schema within <path>").
   */
  uncorrelatablePath?: string;
}

/** Compiles the `x-kubernetes-validations` of one node (CEL errors). */
export type CELValidator = (
  schemaNode: Record<string, unknown>,
  path: string,
  context?: CELNodeContext,
) => FieldError[];

/** The switches of the per-node walk (a subset of kube's `validationOptions`). */
export interface OpenAPISchemaWalkOptions {
  /** `allowDefaults`. */
  allowDefaults: boolean;
  /** `disallowDefaultsReason`. */
  disallowDefaultsReason?: string;
  /** `requireValidPropertyType`. */
  requireValidPropertyType: boolean;
  /** `requireAtomicSetType`. */
  requireAtomicSetType: boolean;
  /** `requireMapListKeysMapSetValidation`. */
  requireMapListKeysMapSetValidation: boolean;
  /** Called where kube compiles CEL (only when `celEnabled`). */
  validateCEL?: CELValidator;
  /** kube's `celContext != nil`: the schema is structural with valid defaults. */
  celEnabled: boolean;
}

interface Ssv {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
  uncorrelatablePath?: string;
}

interface Result {
  schema: FieldError[];
  cel: FieldError[];
}

function ssvValidate(
  s: SchemaNode,
  path: string,
  v: Ssv,
  o: OpenAPISchemaWalkOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeOf(s);
  if (o.requireValidPropertyType && type !== "" && !OPENAPI_V3_TYPES.includes(type)) {
    errs.push(field.notSupported(child(path, "type"), type, OPENAPI_V3_TYPES));
  }
  if (isSet(s, "default") && !v.allowDefaults) {
    let detail = "must not be set";
    if (v.disallowDefaultsReason) detail += " " + v.disallowDefaultsReason;
    errs.push(field.forbidden(child(path, "default"), detail));
  }
  if (isSet(s, "id")) errs.push(field.forbidden(child(path, "id"), "id is not supported"));
  if (isSet(s, "additionalItems")) {
    errs.push(field.forbidden(child(path, "additionalItems"), "additionalItems is not supported"));
  }
  if (mapLen(s, "patternProperties") !== 0) {
    errs.push(
      field.forbidden(child(path, "patternProperties"), "patternProperties is not supported"),
    );
  }
  if (mapLen(s, "definitions") !== 0) {
    errs.push(field.forbidden(child(path, "definitions"), "definitions is not supported"));
  }
  if (isSet(s, "dependencies")) {
    errs.push(field.forbidden(child(path, "dependencies"), "dependencies is not supported"));
  }
  if (isSet(s, "$ref")) errs.push(field.forbidden(child(path, "$ref"), "$ref is not supported"));
  if (type === "null") {
    errs.push(
      field.forbidden(
        child(path, "type"),
        "type cannot be set to null, use nullable as an alternative",
      ),
    );
  }
  const items = itemsOf(s);
  if (items && items.schemas.length !== 0) {
    errs.push(
      field.forbidden(child(path, "items"), "items must be a schema object and not an array"),
    );
  }
  if (v.insideResourceMeta && flag(s, "x-kubernetes-embedded-resource")) {
    errs.push(
      field.forbidden(
        child(path, "x-kubernetes-embedded-resource"),
        "must not be used inside of resource meta",
      ),
    );
  }
  return errs;
}

function forbidDefaults(v: Ssv, reason: string): Ssv {
  return { ...v, allowDefaults: false, disallowDefaultsReason: reason };
}

function forbidOldSelf(v: Ssv, path: string): Ssv {
  return v.uncorrelatablePath !== undefined ? v : { ...v, uncorrelatablePath: path };
}

const META_FIELDS = new Set(["metadata", "kind", "apiVersion"]);

/** `validateMapListKeysMapSet`. */
export function validateMapListKeysMapSet(s: SchemaNode, path: string): FieldError[] {
  const items = itemsOf(s)?.schema;
  const listType = optString(s, "x-kubernetes-list-type");
  if (!items || listType === undefined || (listType !== "set" && listType !== "map")) return [];
  const errs: FieldError[] = [];
  if (flag(items, "nullable")) {
    errs.push(
      field.forbidden(
        child(child(path, "items"), "nullable"),
        "cannot be nullable when x-kubernetes-list-type is " + listType,
      ),
    );
  }
  if (listType === "map") {
    const required = new Set(stringList(items, "required"));
    const props = new Map(propertiesOf(items));
    for (const k of stringList(s, "x-kubernetes-list-map-keys")) {
      const p = props.get(k);
      if (!p) continue;
      const kp = key(child(child(path, "items"), "properties"), k);
      if (!required.has(k) && !isSet(p, "default")) {
        errs.push(
          field.required(
            child(kp, "default"),
            "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
          ),
        );
      }
      if (flag(p, "nullable")) {
        errs.push(
          field.forbidden(
            child(kp, "nullable"),
            "this property is in x-kubernetes-list-map-keys, so it cannot be nullable",
          ),
        );
      }
    }
  }
  return errs;
}

function hasNewlines(s: string): boolean {
  return /[\n\r]/.test(s);
}

/** Go's `strings.TrimSpace`. */
function trimSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r \x85\xA0]+|[\t\n\v\f\r \x85\xA0]+$/g, "");
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function validateRules(s: SchemaNode, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = Array.isArray(s["x-kubernetes-validations"]) ? s["x-kubernetes-validations"] : [];
  rules.forEach((r: unknown, i: number) => {
    const rule = isNode(r) ? r : {};
    const p = index(child(path, "x-kubernetes-validations"), i);
    const ruleText = str(rule.rule);
    const msg = str(rule.message);
    const msgExpr = str(rule.messageExpression);
    const fieldPath = str(rule.fieldPath);
    const trimmedRule = trimSpace(ruleText);
    const trimmedMsg = trimSpace(msg);
    if (trimmedRule.length === 0) {
      errs.push(field.required(child(p, "rule"), "rule is not specified"));
    } else if (msg.length > 0 && trimmedMsg.length === 0) {
      errs.push(field.invalid(child(p, "message"), msg, "must be non-empty if specified"));
    } else if (hasNewlines(trimmedMsg)) {
      errs.push(field.invalid(child(p, "message"), msg, "must not contain line breaks"));
    } else if (hasNewlines(trimmedRule) && trimmedMsg.length === 0) {
      errs.push(
        field.required(
          child(p, "message"),
          "message must be specified if rule contains line breaks",
        ),
      );
    }
    if (msgExpr.length > 0 && trimSpace(msgExpr).length === 0) {
      errs.push(
        field.required(
          child(p, "messageExpression"),
          "messageExpression must be non-empty if specified",
        ),
      );
    }
    if (
      rule.reason !== undefined && rule.reason !== null &&
      !SUPPORTED_VALIDATION_REASONS.includes(String(rule.reason))
    ) {
      errs.push(
        field.notSupported(child(p, "reason"), String(rule.reason), SUPPORTED_VALIDATION_REASONS),
      );
    }
    if (fieldPath.length > 0 && trimSpace(fieldPath).length === 0) {
      errs.push(field.invalid(child(p, "fieldPath"), fieldPath, "must be non-empty if specified"));
    }
    if (hasNewlines(fieldPath)) {
      errs.push(field.invalid(child(p, "fieldPath"), fieldPath, "must not contain line breaks"));
    }
    if (
      fieldPath.length > 0 && structuralConversionError(s) === undefined &&
      fieldPathError(fieldPath, s)
    ) {
      errs.push(field.invalid(child(p, "fieldPath"), fieldPath, "must be a valid path"));
    }
  });
  return errs;
}

function walk(
  s: SchemaNode,
  path: string,
  v: Ssv,
  isRoot: boolean,
  o: OpenAPISchemaWalkOptions,
  cel: boolean,
): Result {
  const out: Result = { schema: [], cel: [] };
  const add = (r: Result) => {
    out.schema.push(...r.schema);
    out.cel.push(...r.cel);
  };
  out.schema.push(...ssvValidate(s, path, v, o));
  const type = typeOf(s);
  const props = propertiesOf(s);

  if (flag(s, "uniqueItems")) {
    out.schema.push(
      field.forbidden(
        child(path, "uniqueItems"),
        "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
      ),
    );
  }
  const ap = schemaOrBool(s, "additionalProperties");
  if (ap) {
    if (props.length !== 0 && (!ap.allows || ap.schema)) {
      out.schema.push(
        field.forbidden(
          child(path, "additionalProperties"),
          "additionalProperties and properties are mutual exclusive",
        ),
      );
    }
    const sub = v.insideResourceMeta
      ? forbidDefaults(v, "inside additionalProperties applying to object metadata")
      : v;
    if (ap.schema) add(walk(ap.schema, child(path, "additionalProperties"), sub, false, o, cel));
  }
  const mapType = optString(s, "x-kubernetes-map-type");
  for (const [k, p] of props) {
    let sub = v;
    // cel.MapIsCorrelatable: unset, granular and atomic maps correlate
    if (mapType !== undefined && mapType !== "granular" && mapType !== "atomic") {
      sub = forbidOldSelf(sub, path);
    }
    if ((isRoot || flag(s, "x-kubernetes-embedded-resource")) && META_FIELDS.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = forbidDefaults(sub, `in top-level ${k}`);
    }
    add(walk(p, key(child(path, "properties"), k), sub, false, o, cel));
  }
  if (isNode(s.not)) add(walk(s.not, child(path, "not"), v, false, o, false));
  for (const k of ["allOf", "oneOf", "anyOf"]) {
    schemaList(s, k).forEach((x, i) => add(walk(x, index(child(path, k), i), v, false, o, false)));
  }
  if (isNode(s.definitions)) {
    for (const [k, d] of Object.entries(s.definitions)) {
      if (isNode(d)) add(walk(d, key(child(path, "definitions"), k), v, false, o, false));
    }
  }
  const items = itemsOf(s);
  const listType = optString(s, "x-kubernetes-list-type");
  if (items) {
    const sub = listType !== "map" ? forbidOldSelf(v, path) : v;
    if (items.schema) add(walk(items.schema, child(path, "items"), sub, false, o, cel));
    items.schemas.forEach((x, i) =>
      add(walk(x, index(child(path, "items"), i), sub, false, o, cel))
    );
  }
  if (isNode(s.dependencies)) {
    for (const [k, d] of Object.entries(s.dependencies)) {
      if (isNode(d)) add(walk(d, key(child(path, "dependencies"), k), v, false, o, false));
    }
  }
  if (s["x-kubernetes-preserve-unknown-fields"] === false) {
    out.schema.push(
      field.invalid(
        child(path, "x-kubernetes-preserve-unknown-fields"),
        false,
        "must be true or undefined",
      ),
    );
  }
  if (mapType !== undefined && type !== "object") {
    const d = "must be object if x-kubernetes-map-type is specified";
    out.schema.push(
      type === ""
        ? field.required(child(path, "type"), d)
        : field.invalid(child(path, "type"), type, d),
    );
  }
  if (mapType !== undefined && mapType !== "atomic" && mapType !== "granular") {
    out.schema.push(
      field.notSupported(child(path, "x-kubernetes-map-type"), mapType, ["atomic", "granular"]),
    );
  }
  const itemSchema = items?.schema;
  if (listType !== undefined && type !== "array") {
    const d = "must be array if x-kubernetes-list-type is specified";
    out.schema.push(
      type === ""
        ? field.required(child(path, "type"), d)
        : field.invalid(child(path, "type"), type, d),
    );
  } else if (o.requireAtomicSetType && listType === "set" && itemSchema) {
    const it = typeOf(itemSchema);
    const itemList = optString(itemSchema, "x-kubernetes-list-type");
    const itemMap = optString(itemSchema, "x-kubernetes-map-type");
    const d = "must be atomic as item of a list with x-kubernetes-list-type=set";
    if (it === "array" && itemList !== undefined && itemList !== "atomic") {
      out.schema.push(
        field.invalid(child(child(path, "items"), "x-kubernetes-list-type"), itemList, d),
      );
    } else if (it === "object" && itemMap !== "atomic") {
      // kube reports the item's list type here (nil prints as null)
      out.schema.push(
        field.invalid(child(child(path, "items"), "x-kubernetes-map-type"), itemList ?? null, d),
      );
    }
  }
  if (listType !== undefined && listType !== "atomic" && listType !== "set" && listType !== "map") {
    out.schema.push(
      field.notSupported(child(path, "x-kubernetes-list-type"), listType, ["atomic", "set", "map"]),
    );
  }
  const mapKeys = stringList(s, "x-kubernetes-list-map-keys");
  if (mapKeys.length > 0) {
    const d = "must be map if x-kubernetes-list-map-keys is non-empty";
    if (listType === undefined) {
      out.schema.push(field.required(child(path, "x-kubernetes-list-type"), d));
    } else if (listType !== "map") {
      out.schema.push(field.invalid(child(path, "x-kubernetes-list-type"), listType, d));
    }
  }
  if (listType === "map") {
    if (mapKeys.length === 0) {
      out.schema.push(
        field.required(
          child(path, "x-kubernetes-list-map-keys"),
          "must not be empty if x-kubernetes-list-type is map",
        ),
      );
    }
    if (!items) {
      out.schema.push(
        field.required(child(path, "items"), "must have a schema if x-kubernetes-list-type is map"),
      );
    }
    if (items && !itemSchema) {
      out.schema.push(
        field.invalid(
          child(path, "items"),
          s.items,
          "must only have a single schema if x-kubernetes-list-type is map",
        ),
      );
    }
    if (itemSchema && typeOf(itemSchema) !== "object") {
      out.schema.push(
        field.invalid(
          child(child(path, "items"), "type"),
          typeOf(itemSchema),
          "must be object if parent array's x-kubernetes-list-type is map",
        ),
      );
    }
    if (itemSchema && typeOf(itemSchema) === "object") {
      const itemProps = new Map(propertiesOf(itemSchema));
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const p = itemProps.get(k);
        if (p) {
          const t = typeOf(p);
          if (t === "array" || t === "object") {
            // kube reports the item's type (object) as the value
            out.schema.push(
              field.invalid(
                child(key(child(child(path, "items"), "properties"), k), "type"),
                typeOf(itemSchema),
                "must be a scalar type if parent array's x-kubernetes-list-type is map",
              ),
            );
          }
        } else {
          out.schema.push(
            field.invalid(
              child(path, "x-kubernetes-list-map-keys"),
              mapKeys,
              "entries must all be names of item properties",
            ),
          );
        }
        if (seen.has(k)) {
          out.schema.push(
            field.invalid(
              child(path, "x-kubernetes-list-map-keys"),
              mapKeys,
              "must not contain duplicate entries",
            ),
          );
        }
        seen.add(k);
      }
    }
  }
  if (o.requireMapListKeysMapSetValidation) out.schema.push(...validateMapListKeysMapSet(s, path));
  const rules = s["x-kubernetes-validations"];
  if (Array.isArray(rules) && rules.length > 0) {
    out.schema.push(...validateRules(s, path));
    if (out.schema.length === 0 && cel && o.validateCEL) {
      out.cel.push(...o.validateCEL(s, path, { uncorrelatablePath: v.uncorrelatablePath }));
    }
  }
  return out;
}

/**
 * kube's `ValidateCustomResourceDefinitionOpenAPISchema` from the root of an
 * `openAPIV3Schema`: the schema errors, then the CEL errors.
 *
 * @example
 * ```ts
 * import { validateOpenAPISchemaNodes } from "./openapi_schema.ts";
 * import { formatFieldError } from "../../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const errs = validateOpenAPISchemaNodes({ type: "object", uniqueItems: true }, "spec.validation.openAPIV3Schema", {
 *   allowDefaults: true, requireValidPropertyType: true, requireAtomicSetType: true,
 *   requireMapListKeysMapSetValidation: true, celEnabled: false,
 * });
 * assert.deepEqual(errs.map(formatFieldError), [
 *   "spec.validation.openAPIV3Schema.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
 * ]);
 * ```
 */
export function validateOpenAPISchemaNodes(
  schema: SchemaNode,
  path: string,
  options: OpenAPISchemaWalkOptions,
): FieldError[] {
  const v: Ssv = {
    allowDefaults: options.allowDefaults,
    disallowDefaultsReason: options.disallowDefaultsReason ?? "",
    insideResourceMeta: false,
  };
  const r = walk(schema, path, v, true, options, options.celEnabled);
  return [...r.schema, ...r.cel];
}
