/**
 * The built-in kind CustomResourceDefinition (`apiextensions.k8s.io/v1`) with
 * the strategy kube-apiserver gives it: v1 defaults, `status.storedVersions`
 * bookkeeping, the static validation of `ValidateCustomResourceDefinition`,
 * the structural-schema rules and CEL rules of every version's
 * `openAPIV3Schema` (loaded on the first write), and, on the first request to
 * delete, the `customresourcecleanup.apiextensions.k8s.io` finalizer with
 * the `Terminating` condition, so that the CRD's objects are deleted before
 * it goes.
 *
 * @module
 */
import { rfc3339 } from "../apimachinery/clock.ts";
import { field, type FieldError } from "../apimachinery/errors.ts";
import {
  crdFieldsSchema,
  crdPatchMeta,
  type CustomResourceDefinition as CRD,
  type CustomResourceDefinitionCondition,
  type CustomResourceDefinitionFields,
  type CustomResourceDefinitionInput,
  prepareCRD,
} from "../resources/apiextensions_v1.ts";
import type { CRDSchemaCheck, validateCRD } from "../resources/apiextensions_v1_validation.ts";
import { defineObjectKind, type Kind } from "../scheme/kind.ts";
import { openAPISchema } from "../scheme/openapi.ts";

/** The finalizer that holds a deleted CRD until its objects are gone. */
export const CUSTOM_RESOURCE_CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

/** The condition of type `type`, if the CRD has it. */
export function crdCondition(
  crd: Pick<CRD, "status">,
  type: string,
): CustomResourceDefinitionCondition | undefined {
  return crd.status?.conditions?.find((c) => c.type === type);
}

/** Whether the CRD's condition `type` is `True`. */
export function isCRDConditionTrue(crd: Pick<CRD, "status">, type: string): boolean {
  return crdCondition(crd, type)?.status === "True";
}

/**
 * Sets a condition as kube's `SetCRDCondition` does: the transition time
 * changes only when the status does (or is new).
 *
 * @example
 * ```ts
 * import { crdCondition, setCRDCondition } from "./crd.ts";
 * import assert from "node:assert/strict";
 *
 * const crd = { status: {} };
 * setCRDCondition(crd, { type: "Established", status: "True", reason: "InitialNamesAccepted" }, 0);
 * assert.equal(crdCondition(crd, "Established")?.lastTransitionTime, "1970-01-01T00:00:00Z");
 * ```
 */
export function setCRDCondition(
  crd: Pick<CRD, "status">,
  condition: CustomResourceDefinitionCondition,
  now: number,
): void {
  const status = crd.status ??= {};
  const conditions = status.conditions ??= [];
  const i = conditions.findIndex((c) => c.type === condition.type);
  const next = { ...condition, lastTransitionTime: rfc3339(now) };
  if (i < 0) {
    conditions.push(next);
    return;
  }
  const had = conditions[i];
  if (had.status === condition.status && had.lastTransitionTime) {
    next.lastTransitionTime = had.lastTransitionTime;
  }
  conditions[i] = next;
}

const crdKinds = new WeakSet<object>();

/** Marks a kind as served for a CRD (see {@linkcode isCRDKind}). */
export function markCRDKind<K extends object>(kind: K): K {
  crdKinds.add(kind);
  return kind;
}

/** Whether a kind is served for a CRD rather than defined in code. */
export function isCRDKind(kind: object): boolean {
  return crdKinds.has(kind);
}

/** What validates a CRD's schemas: loaded on the first write of a CRD. */
interface SchemaSupport {
  check(crd: CRD, old: CRD | undefined): CRDSchemaCheck;
}

let support: SchemaSupport | undefined;
let validateStatic: typeof validateCRD | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the validation of CRDs (once): kube's static rules, and the
 * structural-schema and CEL checks. A process that never writes a CRD
 * never loads them.
 */
export function loadCRDValidation(): Promise<void> {
  if (support && validateStatic) return Promise.resolve();
  return loading ??= Promise.all([
    import("./_crd_validation.ts"),
    import("../resources/apiextensions_v1_validation.ts"),
  ]).then(([schema, rules]) => {
    support = schema.crdSchemaSupport;
    validateStatic = rules.validateCRD;
  });
}

function conversionErrors(crd: CRD): FieldError[] {
  const strategy = crd.spec?.conversion?.strategy;
  // With one version nothing is ever converted: the webhook would never be called.
  if (strategy !== "Webhook" || (crd.spec.versions?.length ?? 0) < 2) return [];
  return [
    field.forbidden(
      "spec.conversion.strategy",
      'k1s has no conversion webhooks: use "None" (versions then differ only in apiVersion)',
    ),
  ];
}

/**
 * CustomResourceDefinition (apiextensions.k8s.io/v1, cluster-scoped, short
 * names `crd` and `crds`, category `api-extensions`, status subresource).
 *
 * @example
 * ```ts
 * import { CustomResourceDefinition } from "./crd.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CustomResourceDefinition.plural, "customresourcedefinitions");
 * assert.deepEqual(CustomResourceDefinition.shortNames, ["crd", "crds"]);
 * ```
 */
export const CustomResourceDefinition: Kind<CRD, CustomResourceDefinitionInput> = defineObjectKind({
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  shortNames: ["crd", "crds"],
  categories: ["api-extensions"],
  scope: "Cluster",
  statusSubresource: true,
  generation: true,
  allowUnconditionalUpdate: false,
  schema: openAPISchema<CustomResourceDefinitionFields>(crdFieldsSchema),
  patchMeta: crdPatchMeta,
  load: loadCRDValidation,
  prepare(obj) {
    prepareCRD(obj as CRD);
  },
  validate(obj, old) {
    const crd = obj as CRD;
    const before = old as CRD | undefined;
    // The registry runs `load` before any write, so the rules are here.
    const errs = validateStatic!(crd, before, support?.check(crd, before));
    // k1s's own refusal comes only after kube's checks pass.
    return errs.length ? errs : conversionErrors(crd);
  },
  beforeDelete(obj, now) {
    const crd = obj as CRD;
    const fins = crd.metadata.finalizers ??= [];
    if (!fins.includes(CUSTOM_RESOURCE_CLEANUP_FINALIZER)) {
      fins.push(CUSTOM_RESOURCE_CLEANUP_FINALIZER);
    }
    setCRDCondition(crd, {
      type: "Terminating",
      status: "True",
      reason: "InstanceDeletionPending",
      message:
        "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
    }, now);
  },
}) as unknown as Kind<CRD, CustomResourceDefinitionInput>;

/** A CustomResourceDefinition object (the kind is {@linkcode CustomResourceDefinition}). */
export interface CustomResourceDefinition extends CRD {}

/** Every built-in apiextensions.k8s.io/v1 kind. */
export const apiextensionsV1Kinds: readonly Kind[] = [
  CustomResourceDefinition,
] as unknown as Kind[];
