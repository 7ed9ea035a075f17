/**
 * Turns the selectors of a list or watch request into one predicate, with
 * kube-apiserver's BadRequest errors for bad syntax and unknown fields.
 *
 * @module
 */
import { ApiError } from "../apimachinery/errors.ts";
import {
  getFieldValue,
  parseFieldSelector,
  validateFieldSelectorFields,
} from "../apimachinery/fields.ts";
import {
  labelSelectorAsSelector,
  type LabelSelectorObject,
  parseLabelSelector,
  type Selector,
} from "../apimachinery/labels.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";

/** A label selector given as a string, a LabelSelector object, or a label set. */
export type LabelSelectorInput = string | LabelSelectorObject | Record<string, string>;

/** A field selector given as a string or as a set of exact matches. */
export type FieldSelectorInput = string | Record<string, string>;

/** A compiled predicate over objects of one kind. */
export type ObjectPredicate = (obj: KubeObject) => boolean;

function isLabelSelectorObject(v: object): v is LabelSelectorObject {
  const o = v as { matchLabels?: unknown; matchExpressions?: unknown };
  return (o.matchLabels !== null && typeof o.matchLabels === "object" &&
    !Array.isArray(o.matchLabels)) || Array.isArray(o.matchExpressions);
}

/**
 * Compiles a label selector input, throwing BadRequest on bad syntax. A label
 * set is read as a client sends it: written `k=v,k2=v2` and parsed, so its
 * keys and values get the parser's errors.
 */
export function compileLabelSelector(
  input: LabelSelectorInput | null | undefined,
): Selector | undefined {
  if (input === undefined || input === null || input === "") return undefined;
  try {
    if (typeof input === "string") return parseLabelSelector(input);
    if (typeof input !== "object" || Array.isArray(input)) {
      throw new TypeError(
        `invalid label selector: a string, a LabelSelector or a label set, not ${
          Array.isArray(input) ? "an array" : typeof input
        }`,
      );
    }
    if (isLabelSelectorObject(input)) return labelSelectorAsSelector(input);
    const set = input as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(set).sort()) {
      const value = set[key];
      if (typeof value !== "string") {
        throw new TypeError(
          `invalid label selector: the value of ${JSON.stringify(key)} is not a string`,
        );
      }
      parts.push(`${key}=${value}`);
    }
    return parseLabelSelector(parts.join(","));
  } catch (err) {
    throw ApiError.badRequest(err instanceof Error ? err.message : String(err));
  }
}

/** The fields every kind can be selected by, plus those the kind declares. */
export function selectableFields(kind: Kind): string[] {
  const base = kind.scope === "Namespaced"
    ? ["metadata.name", "metadata.namespace"]
    : ["metadata.name"];
  return [...base, ...kind.selectableFields, ...Object.keys(kind.fieldLabels ?? {})];
}

/**
 * Compiles label and field selectors into one predicate (undefined when
 * both are empty). Unknown field selector keys are refused with
 * kube-apiserver's messages (see `validateFieldSelectorFields`).
 */
export function compileSelectors(
  kind: Kind,
  labelSelector: LabelSelectorInput | undefined,
  fieldSelector: FieldSelectorInput | undefined,
): ObjectPredicate | undefined {
  const labels = compileLabelSelector(labelSelector);
  let fieldReqs: readonly { field: string; operator: string; value: string }[] = [];
  if (fieldSelector !== undefined && fieldSelector !== "") {
    if (typeof fieldSelector === "string") {
      try {
        fieldReqs = parseFieldSelector(fieldSelector).requirements;
      } catch (err) {
        throw ApiError.badRequest(err instanceof Error ? err.message : String(err));
      }
    } else {
      fieldReqs = Object.entries(fieldSelector).map(([f, v]) => ({
        field: f,
        operator: "=",
        value: v,
      }));
    }
    // Built-in kinds without field selectors of their own use the API server's default
    // (metadata-only) conversion, whose message differs from that of kinds with a field list.
    const style = kind.group === "" && selectableFields(kind).length === 2
      ? "notKnown"
      : "notSupported";
    try {
      validateFieldSelectorFields({ requirements: fieldReqs }, selectableFields(kind), { style });
    } catch (err) {
      throw ApiError.badRequest(err instanceof Error ? err.message : String(err));
    }
  }
  const labelPred = labels && !labels.empty() ? labels : undefined;
  if (!labelPred && fieldReqs.length === 0) return undefined;
  return (obj) => {
    if (labelPred && !labelPred.matches(obj.metadata.labels ?? {})) return false;
    for (const r of fieldReqs) {
      const computed = kind.fieldLabels?.[r.field];
      const v = (computed ? computed(obj) : getFieldValue(obj, r.field)) ?? "";
      const eq = v === r.value;
      if (r.operator === "!=" ? eq : !eq) return false;
    }
    return true;
  };
}
