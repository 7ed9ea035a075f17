/**
 * Validation of `x-kubernetes-embedded-resource` objects' apiVersion, kind and
 * metadata, as apiextensions-apiserver's `objectmeta.Validate` with
 * isResourceRoot=false (schema/objectmeta/validation.go).
 *
 * @module
 */

import type { FieldError } from "../../apimachinery/errors.ts";
import { field } from "../../apimachinery/errors.ts";
import {
  isDNS1035Label,
  isDNS1123Label,
  validateAnnotations,
  validateLabels,
  validateObjectName,
} from "../../apimachinery/validation.ts";
import type { CompiledSchema } from "./compile.ts";

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function child(path: string, k: string): string {
  return path ? `${path}.${k}` : k;
}

// content.IsPathSegmentName / IsPathSegmentPrefix
function pathSegment(name: string, prefix = false): string[] {
  const errs: string[] = [];
  if (!prefix) {
    if (name === ".") return ["may not be '.'"];
    if (name === "..") return ["may not be '..'"];
  }
  if (name.includes("/")) errs.push("may not contain '/'");
  if (name.includes("%")) errs.push("may not contain '%'");
  return errs;
}

const META_STRING_FIELDS = [
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
];

// The decode errors of json.Unmarshal into metav1.ObjectMeta, for the common cases.
function metaDecodeError(md: unknown): string | undefined {
  if (!isObj(md)) {
    const t = Array.isArray(md) ? "array" : typeof md === "string" ? "string" : typeof md;
    return `json: cannot unmarshal ${t} into Go value of type v1.ObjectMeta`;
  }
  const jsonType = (v: unknown) =>
    Array.isArray(v) ? "array" : v === null ? "null" : typeof v === "object" ? "object" : typeof v;
  for (const k of META_STRING_FIELDS) {
    const v = md[k];
    if (v !== undefined && v !== null && typeof v !== "string") {
      return `json: cannot unmarshal ${
        jsonType(v)
      } into Go struct field ObjectMeta.${k} of type string`;
    }
  }
  for (const k of ["labels", "annotations"]) {
    const v = md[k];
    if (v === undefined || v === null) continue;
    if (!isObj(v)) {
      return `json: cannot unmarshal ${
        jsonType(v)
      } into Go struct field ObjectMeta.${k} of type map[string]string`;
    }
    for (const vv of Object.values(v)) {
      if (vv !== null && typeof vv !== "string") {
        return `json: cannot unmarshal ${
          jsonType(vv)
        } into Go struct field ObjectMeta.${k} of type string`;
      }
    }
  }
  const fin = md.finalizers;
  if (fin !== undefined && fin !== null && !Array.isArray(fin)) {
    return `json: cannot unmarshal ${
      jsonType(fin)
    } into Go struct field ObjectMeta.finalizers of type []string`;
  }
  return undefined;
}

function validateEmbedded(path: string, x: Obj, out: FieldError[]): void {
  if (!("apiVersion" in x)) out.push(field.required(child(path, "apiVersion"), ""));
  if (!("kind" in x)) out.push(field.required(child(path, "kind"), ""));
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (k === "apiVersion") {
      const p = child(path, k);
      if (typeof v !== "string") out.push(field.invalid(p, v, "must be a string"));
      else if (v.length === 0) out.push(field.invalid(p, v, "must not be empty"));
      else if (v !== "/" && v.split("/").length > 2) {
        out.push(field.invalid(p, v, `unexpected GroupVersion string: ${v}`));
      }
    } else if (k === "kind") {
      const p = child(path, k);
      if (typeof v !== "string") out.push(field.invalid(p, v, "must be a string"));
      else if (v.length === 0) out.push(field.invalid(p, v, "must not be empty"));
      else {
        const errs = isDNS1035Label(v.toLowerCase());
        if (errs.length > 0) {
          out.push(
            field.invalid(
              p,
              v,
              "may have mixed case, but should otherwise match: " + errs.join(","),
            ),
          );
        }
      }
    } else if (k === "metadata") {
      const p = child(path, "metadata");
      const err = metaDecodeError(v);
      if (err) {
        out.push(field.invalid(p, v, err));
        continue;
      }
      const md = (v ?? {}) as Obj;
      const name = typeof md.name === "string" && md.name !== "" ? md.name : "fakename";
      out.push(
        ...validateObjectName(
          { name, generateName: (md.generateName as string) || undefined },
          { path: p, nameFn: pathSegment },
        ),
      );
      if (typeof md.namespace === "string" && md.namespace !== "") {
        for (const msg of isDNS1123Label(md.namespace)) {
          out.push(field.invalid(`${p}.namespace`, md.namespace, msg));
        }
      }
      if (isObj(md.labels)) {
        out.push(...validateLabels(md.labels as Record<string, string>, `${p}.labels`));
      }
      if (isObj(md.annotations)) {
        out.push(
          ...validateAnnotations(md.annotations as Record<string, string>, `${p}.annotations`),
        );
      }
    }
  }
}

function walk(path: string, x: unknown, s: CompiledSchema | undefined, out: FieldError[]): void {
  if (!s || s.hasEmbedded === false) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) walk(`${path}[${i}]`, x[i], s.items, out);
    return;
  }
  if (!isObj(x)) return;
  if (s.embeddedResource) validateEmbedded(path, x, out);
  for (const k of Object.keys(x)) {
    const prop = s.properties?.get(k);
    if (prop) walk(child(path, k), x[k], prop, out);
    else if (typeof s.additionalProperties === "object") {
      walk(`${path}[${k}]`, x[k], s.additionalProperties, out);
    }
  }
}

/**
 * Validates apiVersion, kind and metadata of every embedded resource below the
 * root (the root object's own are validated by the registry). Messages as
 * kube: `spec.template.kind: Required value`, `must not be empty`,
 * `may have mixed case, but should otherwise match: ...`.
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import { validateEmbeddedResources } from "./embedded_resource.ts";
 * import { formatFieldError } from "../../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { t: { type: "object",
 *   "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } } });
 * const errs = validateEmbeddedResources({ t: { apiVersion: "v1" } }, s);
 * assert.equal(formatFieldError(errs[0]), "t.kind: Required value");
 * ```
 */
export function validateEmbeddedResources(obj: unknown, schema: CompiledSchema): FieldError[] {
  const out: FieldError[] = [];
  // isResourceRoot=false: the root is walked with its own schema.
  walk("", obj, schema, out);
  return out;
}
