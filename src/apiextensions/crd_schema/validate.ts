/**
 * The validation kube-apiserver gives the `openAPIV3Schema` of a
 * CustomResourceDefinition (the schema part of
 * `validateCustomResourceDefinitionValidation` in apiextensions-apiserver).
 *
 * @module
 */
import { field, type FieldError } from "../../apimachinery/errors.ts";
import { type DefaultValidator, validateDefaults } from "./defaults.ts";
import { type CELValidator, validateOpenAPISchemaNodes } from "./openapi_schema.ts";
import { isSet, type SchemaNode, typeOf } from "./props.ts";
import { structuralConversionError, validateStructural } from "./structural.ts";

/**
 * The options of kube's `validationOptions` that concern a schema. Every
 * `require*` switch defaults to true and `allowDefaults` to true (kube's
 * create); on update pass the ratcheted values from
 * {@linkcode ratchetedSchemaOptions}.
 */
export interface SchemaValidationOptions {
  /** `allowDefaults`: `default` may be set (true for v1). */
  allowDefaults?: boolean;
  /** `disallowDefaultsReason`: appended to "must not be set" when defaults are refused. */
  disallowDefaultsReason?: string;
  /** `requireValidPropertyType`: `type` must be an OpenAPI v3 type. */
  requireValidPropertyType?: boolean;
  /** `requireStructuralSchema`: the schema must be structural (and defaults then validated). */
  requireStructuralSchema?: boolean;
  /** `requirePrunedDefaults`: defaults must not contain fields pruning would drop. */
  requirePrunedDefaults?: boolean;
  /** `requireAtomicSetType`: items of `x-kubernetes-list-type: set` must be atomic. */
  requireAtomicSetType?: boolean;
  /** `requireMapListKeysMapSetValidation`: map keys required/defaulted, set/map items not nullable. */
  requireMapListKeysMapSetValidation?: boolean;
  /**
   * The status subresource is enabled for this version: the root may only
   * use a restricted set of fields and must be `type: object`.
   */
  statusSubresourceEnabled?: boolean;
  /**
   * Validates a default value against its schema node (kube's
   * `ValidateCustomResource` plus CEL on the default); errors at `path`
   * (`...default`). Called only when the schema is structural.
   */
  validateDefault?: DefaultValidator;
  /**
   * Compiles a node's `x-kubernetes-validations`; called, as kube compiles,
   * only for structural schemas with valid defaults and for nodes without
   * schema errors at or below them. The third argument carries the
   * `oldSelf` correlation context.
   */
  validateCEL?: CELValidator;
}

/** kube's `allowedFieldsAtRootSchema` (Go field names, as kube prints them). */
export const ALLOWED_FIELDS_AT_ROOT_SCHEMA = [
  "Description",
  "Type",
  "Format",
  "Title",
  "Maximum",
  "ExclusiveMaximum",
  "Minimum",
  "ExclusiveMinimum",
  "MaxLength",
  "MinLength",
  "Pattern",
  "MaxItems",
  "MinItems",
  "UniqueItems",
  "MultipleOf",
  "Required",
  "Items",
  "Properties",
  "ExternalDocs",
  "Example",
  "XPreserveUnknownFields",
  "XValidations",
];

/** JSON names of the internal `JSONSchemaProps` fields, in Go declaration order. */
const GO_FIELDS: [string, string][] = [
  ["id", "ID"],
  ["$schema", "Schema"],
  ["$ref", "Ref"],
  ["description", "Description"],
  ["type", "Type"],
  ["nullable", "Nullable"],
  ["format", "Format"],
  ["title", "Title"],
  ["default", "Default"],
  ["maximum", "Maximum"],
  ["exclusiveMaximum", "ExclusiveMaximum"],
  ["minimum", "Minimum"],
  ["exclusiveMinimum", "ExclusiveMinimum"],
  ["maxLength", "MaxLength"],
  ["minLength", "MinLength"],
  ["pattern", "Pattern"],
  ["maxItems", "MaxItems"],
  ["minItems", "MinItems"],
  ["uniqueItems", "UniqueItems"],
  ["multipleOf", "MultipleOf"],
  ["enum", "Enum"],
  ["maxProperties", "MaxProperties"],
  ["minProperties", "MinProperties"],
  ["required", "Required"],
  ["items", "Items"],
  ["allOf", "AllOf"],
  ["oneOf", "OneOf"],
  ["anyOf", "AnyOf"],
  ["not", "Not"],
  ["properties", "Properties"],
  ["additionalProperties", "AdditionalProperties"],
  ["patternProperties", "PatternProperties"],
  ["dependencies", "Dependencies"],
  ["additionalItems", "AdditionalItems"],
  ["definitions", "Definitions"],
  ["externalDocs", "ExternalDocs"],
  ["example", "Example"],
  ["x-kubernetes-preserve-unknown-fields", "XPreserveUnknownFields"],
  ["x-kubernetes-embedded-resource", "XEmbeddedResource"],
  ["x-kubernetes-int-or-string", "XIntOrString"],
  ["x-kubernetes-list-map-keys", "XListMapKeys"],
  ["x-kubernetes-list-type", "XListType"],
  ["x-kubernetes-map-type", "XMapType"],
  ["x-kubernetes-validations", "XValidations"],
];

function statusRootErrors(schema: SchemaNode, path: string): FieldError[] {
  for (const [json, goName] of GO_FIELDS) {
    if (!isSet(schema, json)) continue;
    if (goName === "Type") {
      if (typeOf(schema) !== "object") {
        return [
          field.invalid(
            `${path}.type`,
            typeOf(schema),
            `only "object" is allowed as the type at the root of the schema if the status subresource is enabled`,
          ),
        ];
      }
      continue;
    }
    if (!ALLOWED_FIELDS_AT_ROOT_SCHEMA.includes(goName)) {
      return [
        field.invalid(
          path,
          schema,
          `only [${
            ALLOWED_FIELDS_AT_ROOT_SCHEMA.join(" ")
          }] fields are allowed at the root of the schema if the status subresource is enabled`,
        ),
      ];
    }
  }
  return [];
}

/**
 * Validates one CRD version's `openAPIV3Schema` the way kube-apiserver does
 * on create and update; `path` is where the schema sits in kube's internal
 * form (`spec.validation.openAPIV3Schema` when all versions share a schema,
 * else `spec.versions[i].schema.openAPIV3Schema`).
 *
 * A non-structural schema is refused (on create, and on update unless the old
 * CRD already had one) with the `ValidateStructural` errors, e.g.
 * `...properties[foo].type: Required value: must not be empty for specified object fields`.
 *
 * @example
 * ```ts
 * import { validateOpenAPISchema } from "./validate.ts";
 * import { formatFieldError } from "../../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const errs = validateOpenAPISchema(
 *   { type: "object", properties: { spec: { properties: { a: { type: "string" } } } } },
 *   "spec.versions[0].schema.openAPIV3Schema",
 *   {},
 * );
 * assert.deepEqual(errs.map(formatFieldError), [
 *   "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
 * ]);
 * ```
 */
export function validateOpenAPISchema(
  schema: Record<string, unknown>,
  path: string,
  options: SchemaValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  if (options.statusSubresourceEnabled) errs.push(...statusRootErrors(schema, path));
  if (schema.nullable === true) {
    errs.push(field.forbidden(`${path}.nullable`, "nullable cannot be true at the root"));
  }
  let celEnabled = false;
  const initErrs: FieldError[] = [];
  if (options.requireStructuralSchema ?? true) {
    const conv = structuralConversionError(schema);
    if (conv !== undefined) initErrs.push(field.invalid(path, "", conv));
    else {
      const serrs = validateStructural(schema, path);
      if (serrs.length) errs.push(...serrs);
      else {
        const derrs = validateDefaults(
          schema,
          path,
          options.requirePrunedDefaults ?? true,
          options.validateDefault,
        );
        if (derrs.length) errs.push(...derrs);
        else celEnabled = true;
      }
    }
  }
  errs.push(
    ...validateOpenAPISchemaNodes(schema, path, {
      allowDefaults: options.allowDefaults ?? true,
      disallowDefaultsReason: options.disallowDefaultsReason,
      requireValidPropertyType: options.requireValidPropertyType ?? true,
      requireAtomicSetType: options.requireAtomicSetType ?? true,
      requireMapListKeysMapSetValidation: options.requireMapListKeysMapSetValidation ?? true,
      validateCEL: options.validateCEL,
      celEnabled,
    }),
  );
  if (errs.length === 0) errs.push(...initErrs);
  return errs;
}
