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
  validateOpenAPISchema,
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
      // CEL rules compile only on a schema without other errors, as kube compiles them.
      if (errs.length === 0) errs.push(...compileSchemaRules(schema, path).errors);
      return errs;
    };
  },
};
