// The schema part of a CRD's validation, loaded on the first CRD write: kube's
// ValidateCustomResourceDefinitionOpenAPISchema and structural-schema rules (crd_schema/),
// defaults checked against their schema (schema/), and the CEL rules compiled with their cost
// (cel/). Internal to crd.ts.
import type { FieldError } from "../apimachinery/errors.ts";
import type { CustomResourceDefinition } from "../resources/apiextensions_v1.ts";
import type { CRDSchemaCheck } from "../resources/apiextensions_v1_validation.ts";
import { compileSchemaRules } from "../cel/mod.ts";
import {
  CREATE_SCHEMA_OPTIONS,
  ratchetedSchemaOptions,
  type SchemaValidationOptions,
  structuralConversionError,
  validateOpenAPISchema,
  validateStructural,
} from "./crd_schema/mod.ts";
import {
  compileSchema,
  validateEmbeddedResources,
  validateListSetsAndMaps,
  validateSchema,
} from "./schema/mod.ts";

/** kube's ValidateDefaults for one default: the schema, embedded resources, list types. */
function validateDefault(
  value: unknown,
  node: Record<string, unknown>,
  path: string,
): FieldError[] {
  const compiled = compileSchema(node);
  const errs = validateSchema(value, compiled, undefined, path);
  if (errs.length) return errs;
  const embedded = validateEmbeddedResources(value, compiled);
  if (embedded.length) return embedded.map((e) => ({ ...e, field: join(path, e.field) }));
  return validateListSetsAndMaps(value, compiled).map((e) => ({
    ...e,
    field: join(path, e.field),
  }));
}

function join(path: string, field: string): string {
  if (field === "") return path;
  return field.startsWith("[") ? `${path}${field}` : `${path}.${field}`;
}

function statusEnabled(crd: CustomResourceDefinition, path: string, version: string): boolean {
  const versions = crd.spec?.versions ?? [];
  // A schema shared by every version sees a status subresource if any version has one.
  if (path.startsWith("spec.validation")) return versions.some((v) => v.subresources?.status);
  return versions.some((v) => v.name === version && v.subresources?.status);
}

/**
 * The errors of the CEL rules kube compiles: none on a schema that is not
 * structural; otherwise the rules of every node with no schema error at or
 * below it (`if len(allErrs.SchemaErrors) == 0 && celContext != nil` in
 * kube's ValidateCustomResourceDefinitionOpenAPISchema), after the schema's
 * errors. The CRD-wide cost total stands when one of those rules contributed
 * to it (kube sums only the rules it compiled; k1s sums them all).
 */
function celErrors(
  schema: Record<string, unknown>,
  path: string,
  schemaErrors: FieldError[],
): FieldError[] {
  if (structuralConversionError(schema) !== undefined) return [];
  if (validateStructural(schema, path).length > 0) return [];
  const compiled = compileSchemaRules(schema, path).errors;
  if (schemaErrors.length === 0) return compiled;
  const broken = (node: string) =>
    schemaErrors.some((e) =>
      e.field === node || e.field.startsWith(`${node}.`) || e.field.startsWith(`${node}[`)
    );
  const kept = compiled.filter((e) => {
    const at = e.field.indexOf(".x-kubernetes-validations");
    return at >= 0 && !broken(e.field.slice(0, at));
  });
  // The CRD-wide total (at the root) stands when a rule kube compiled contributed to it.
  const contributed = kept.some((e) => e.detail?.includes("contributed to estimated rule cost"));
  return contributed ? [...kept, ...compiled.filter((e) => !kept.includes(e) && !isRule(e))] : kept;
}

function isRule(e: FieldError): boolean {
  return e.field.includes(".x-kubernetes-validations");
}

/** What crd.ts calls: the schema check of one CRD write (`old` for an update). */
export const crdSchemaSupport = {
  check(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): CRDSchemaCheck {
    const base: SchemaValidationOptions = old
      ? ratchetedSchemaOptions(
        (old.spec?.versions ?? []).map((v) => v.schema?.openAPIV3Schema)
          .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null),
      )
      : { ...CREATE_SCHEMA_OPTIONS };
    return (schema, path, version) => {
      const errs = validateOpenAPISchema(schema, path, {
        ...base,
        statusSubresourceEnabled: statusEnabled(crd, path, version),
        validateDefault,
      });
      errs.push(...celErrors(schema, path, errs));
      return errs;
    };
  },
};
