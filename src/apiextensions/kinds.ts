/**
 * The kinds a CustomResourceDefinition serves: one {@linkcode Kind} per
 * served version, under the CRD's accepted names, with the version's
 * structural schema (pruning and defaulting on write and defaults on read),
 * its validation (schema, list types, embedded resources, CEL rules),
 * printer columns, selectable fields and status subresource, and, when the
 * CRD has several versions, storage in the storage version with conversion
 * strategy `None` (only `apiVersion` changes).
 *
 * @module
 */
import { ApiError, type FieldError } from "../apimachinery/errors.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionVersion,
} from "../resources/apiextensions_v1.ts";
import type {
  Kind,
  KindConversion,
  PrinterColumn,
  Schema,
  SchemaParseResult,
} from "../scheme/kind.ts";
import { defineObjectKind } from "../scheme/kind.ts";
import { compareKubeVersions } from "../apimachinery/gvk.ts";
import { valueAtPath } from "../apimachinery/json_value.ts";
import { compileSchemaRules } from "../cel/mod.ts";
import { runRulesAfter } from "../cel/after_schema.ts";
import { markCRDKind } from "./crd.ts";
import {
  applyDefaults,
  type CompiledSchema,
  compileSchema,
  prune,
  validateListSetsAndMaps,
  validateObject,
  validateSchema,
} from "./schema/mod.ts";

const COLUMN_TYPES = new Set(["string", "integer", "number", "boolean", "date"]);

/** The CRD's names as served: the accepted ones, else (not yet accepted) the requested ones. */
function servedNames(crd: CustomResourceDefinition): CustomResourceDefinitionNames {
  const accepted = crd.status?.acceptedNames;
  return accepted?.plural && accepted.kind ? accepted : crd.spec.names;
}

/** A deep copy of JSON data (several times faster than a JSON round trip). */
function copyJson(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = copyJson(x);
  }
  return out;
}

/**
 * The structural schema of one version as the registry's {@linkcode Schema}:
 * parsing prunes unknown fields and fills defaults (it never fails; the
 * schema's rules are checked by the kind's `validate`).
 */
class CustomResourceSchema implements Schema {
  declare readonly _zod: { readonly output: unknown; readonly input: unknown };
  readonly #compiled: CompiledSchema;
  readonly #raw: Record<string, unknown>;

  constructor(compiled: CompiledSchema, raw: Record<string, unknown>) {
    this.#compiled = compiled;
    this.#raw = raw;
  }

  safeParse(data: unknown): SchemaParseResult<unknown> {
    // A copy: the caller's values stay as given. The fields are the object without apiVersion,
    // kind and metadata, which pruning keeps at the root and defaults never touch.
    const fields = copyJson(data ?? {}) as Record<string, unknown>;
    const dropped = prune(fields, this.#compiled);
    applyDefaults(fields, this.#compiled);
    return { success: true, data: fields, dropped };
  }

  toJSONSchema(): Record<string, unknown> {
    const copy = structuredClone(this.#raw);
    const props = copy.properties as Record<string, unknown> | undefined;
    if (props) {
      delete props.apiVersion;
      delete props.kind;
      delete props.metadata;
    }
    return copy;
  }
}

function columns(v: CustomResourceDefinitionVersion): PrinterColumn[] {
  return (v.additionalPrinterColumns ?? []).map((c) => ({
    name: c.name,
    type: (COLUMN_TYPES.has(c.type) ? c.type : "string") as PrinterColumn["type"],
    jsonPath: c.jsonPath,
    priority: c.priority,
    description: c.description,
    format: c.format,
  }));
}

/**
 * The kinds `crd` serves, by kube's version priority (v2 before v1 before
 * v1beta1): the first is the preferred version.
 *
 * @example
 * ```ts
 * import { kindsFromCRD } from "./kinds.ts";
 * import assert from "node:assert/strict";
 *
 * const [kind] = kindsFromCRD({
 *   apiVersion: "apiextensions.k8s.io/v1",
 *   kind: "CustomResourceDefinition",
 *   metadata: { name: "widgets.example.com" },
 *   spec: {
 *     group: "example.com",
 *     scope: "Namespaced",
 *     names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
 *     versions: [{
 *       name: "v1",
 *       served: true,
 *       storage: true,
 *       schema: {
 *         openAPIV3Schema: {
 *           type: "object",
 *           properties: { spec: { type: "object", properties: { size: { type: "integer", default: 1 } } } },
 *         },
 *       },
 *     }],
 *   },
 * });
 * assert.equal(kind.apiVersion, "example.com/v1");
 * assert.deepEqual(kind.schema.safeParse({ spec: { x: 1 } }), {
 *   success: true,
 *   data: { spec: { size: 1 } },
 *   dropped: ["spec.x"],
 * });
 * ```
 */
export function kindsFromCRD(crd: CustomResourceDefinition): Kind[] {
  const spec = crd.spec;
  const names = servedNames(crd);
  const versions = [...spec.versions].filter((v) => v.served);
  versions.sort((a, b) => compareKubeVersions(b.name, a.name));
  const storage = spec.versions.find((v) => v.storage)?.name ?? versions[0]?.name;
  // Even one version declares its storage: a later second version then shares it.
  const conversion: KindConversion | undefined = storage
    ? {
      storageVersion: storage,
      convert(obj: KubeObject, apiVersion: string): KubeObject {
        if (obj.apiVersion === apiVersion) return obj;
        return { ...obj, apiVersion };
      },
    }
    : undefined;
  const terminating = crd.metadata.deletionTimestamp !== undefined;
  const kinds: Kind[] = [];
  for (const v of versions) {
    const raw = (v.schema?.openAPIV3Schema ?? { type: "object" }) as Record<string, unknown>;
    const compiled = compileSchema(raw);
    const path = `spec.versions[${spec.versions.indexOf(v)}].schema.openAPIV3Schema`;
    const cel = compileSchemaRules(raw, path).validator;
    const kind = defineObjectKind({
      group: spec.group,
      version: v.name,
      kind: names.kind,
      plural: names.plural,
      singular: names.singular || names.kind.toLowerCase(),
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      scope: spec.scope === "Cluster" ? "Cluster" : "Namespaced",
      statusSubresource: v.subresources?.status !== undefined,
      generation: true,
      allowUnconditionalUpdate: false,
      printerColumns: columns(v),
      selectableFields: (v.selectableFields ?? []).map((f) => f.jsonPath.replace(/^\./, "")),
      schema: new CustomResourceSchema(compiled, raw),
      deprecationWarning: v.deprecated
        ? (v.deprecationWarning ?? defaultDeprecationWarning(crd, v.name))
        : undefined,
      scale: v.subresources?.scale
        ? {
          specReplicasPath: v.subresources.scale.specReplicasPath,
          statusReplicasPath: v.subresources.scale.statusReplicasPath,
          labelSelectorPath: v.subresources.scale.labelSelectorPath,
        }
        : undefined,
      conversion,
      prepare: terminating
        ? (_obj, old) => {
          // kube's CRD handler: nothing new while the CRD's objects are being deleted.
          if (!old) {
            throw ApiError.methodNotAllowed(
              "create not allowed while custom resource definition is terminating",
            );
          }
        }
        : undefined,
      // As kube's storage codec: what the schema does not know is dropped, defaults filled.
      defaultOnRead(obj) {
        prune(obj, compiled);
        applyDefaults(obj, compiled);
      },
      validateStatus: v.subresources?.status !== undefined
        ? statusValidator(raw, compiled, v.subresources.scale, cel)
        : undefined,
      validate(obj, old): FieldError[] {
        const errs = validateObject(obj, compiled, old);
        // CEL rules run unless an error says the object is not what they expect (then kube says so).
        if (cel) runRulesAfter(errs, () => cel.validate(obj, old));
        return errs;
      },
    });
    kinds.push(markCRDKind(kind as unknown as Kind));
  }
  return kinds;
}

/**
 * kube's warning for a deprecated version without its own text: the newest
 * served version that is not deprecated (and newer) is suggested.
 */
function defaultDeprecationWarning(crd: CustomResourceDefinition, version: string): string {
  const { group, names } = crd.spec;
  const msg = `${group}/${version} ${names.kind} is deprecated`;
  const newer = crd.spec.versions
    .filter((v) => v.served && !v.deprecated && compareKubeVersions(version, v.name) < 0)
    .map((v) => v.name)
    .sort((a, b) => compareKubeVersions(b, a));
  return newer.length ? `${msg}; use ${group}/${newer[0]} ${names.kind}` : msg;
}

/** A JSON value as Go's `%v` and `%T` show it in kube's accessor errors. */
function goValueAndType(v: unknown): [string, string] {
  if (typeof v === "string") return [v, "string"];
  if (typeof v === "number") return [String(v), Number.isInteger(v) ? "int64" : "float64"];
  if (typeof v === "boolean") return [String(v), "bool"];
  if (Array.isArray(v)) return [JSON.stringify(v), "[]interface {}"];
  return [JSON.stringify(v), "map[string]interface {}"];
}

/** kube's `ValidateScaleStatus`: the status replica count and the selector are what scale reads. */
function scaleStatusErrors(
  obj: KubeObject,
  scale: { statusReplicasPath: string; labelSelectorPath?: string },
): FieldError[] {
  const errs: FieldError[] = [];
  const path = scale.statusReplicasPath;
  const replicas = valueAtPath(obj, path);
  if (replicas !== undefined && replicas !== null) {
    if (!Number.isInteger(replicas)) {
      const [value, type] = goValueAndType(replicas);
      errs.push({
        type: "FieldValueInvalid",
        field: path,
        badValue: 0,
        detail: `${path} accessor error: ${value} is of the type ${type}, expected int64`,
      });
    } else if ((replicas as number) < 0) {
      errs.push({
        type: "FieldValueInvalid",
        field: path,
        badValue: replicas,
        detail: "should be a non-negative integer",
      });
    } else if ((replicas as number) > 2147483647) {
      errs.push({
        type: "FieldValueInvalid",
        field: path,
        badValue: replicas,
        detail: "should be less than or equal to 2147483647",
      });
    }
  }
  const selPath = scale.labelSelectorPath;
  const selector = selPath ? valueAtPath(obj, selPath) : undefined;
  if (selPath && selector !== undefined && selector !== null && typeof selector !== "string") {
    const [value, type] = goValueAndType(selector);
    errs.push({
      type: "FieldValueInvalid",
      field: selPath,
      badValue: "",
      detail: `${selPath} accessor error: ${value} is of the type ${type}, expected string`,
    });
  }
  return errs;
}

/**
 * kube's status strategy: the status checked against the status schema alone
 * (messages name fields from the status down, paths from the object), the
 * scale fields, list types (unless the old object already broke them), then
 * the CEL rules of the whole object.
 */
function statusValidator(
  raw: Record<string, unknown>,
  compiled: CompiledSchema,
  scale: { statusReplicasPath: string; labelSelectorPath?: string } | undefined,
  cel: { validate(obj: unknown, old?: unknown): FieldError[] } | undefined,
): (obj: KubeObject, old: KubeObject) => FieldError[] {
  const statusSchema = (raw.properties as Record<string, unknown> | undefined)?.status;
  const status = typeof statusSchema === "object" && statusSchema !== null
    ? compileSchema(statusSchema as Record<string, unknown>)
    : undefined;
  return (obj, old) => {
    const errs: FieldError[] = [];
    if (status && obj.status !== undefined) {
      for (const e of validateSchema(obj.status, status, old.status)) {
        const f = e.field;
        errs.push({
          ...e,
          field: f === ""
            ? "status"
            : f === "<nil>"
            ? f
            : f.startsWith("[")
            ? `status${f}`
            : `status.${f}`,
        });
      }
    }
    if (scale) errs.push(...scaleStatusErrors(obj, scale));
    const lists = validateListSetsAndMaps(obj, compiled);
    if (lists.length > 0 && validateListSetsAndMaps(old, compiled).length === 0) {
      errs.push(...lists);
    }
    if (cel) runRulesAfter(errs, () => cel.validate(obj, old));
    return errs;
  };
}
