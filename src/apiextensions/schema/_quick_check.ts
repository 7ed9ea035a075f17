// The quick check in front of the kube-openapi validator: most objects are valid, and saying so
// needs no paths, messages or allocations. Internal.
import type { CompiledSchema } from "./compile.ts";
import { outOfRange } from "./compile.ts";
import { enumMatches, type Kind, kindOf, type Obj } from "./_values.ts";

/** Whether the schema's type admits a value of `kind` (kube-openapi's type check, no format). */
function typeAdmits(s: CompiledSchema, kind: Kind): boolean {
  if (s.type.length === 0) return true;
  const single = s.singleType;
  if (single !== "") {
    switch (kind) {
      case "string":
        return single === "string";
      case "int":
        return single === "integer" || single === "number";
      case "float":
        return single === "number";
      case "bool":
        return single === "boolean";
      case "slice":
        return single === "array";
      default:
        return single === "object";
    }
  }
  switch (kind) {
    case "string":
      return s.type.includes("string");
    case "int":
      return s.type.includes("integer") || s.type.includes("number");
    case "float":
      return s.type.includes("number");
    case "bool":
      return s.type.includes("boolean");
    case "slice":
      return s.type.includes("array");
    default:
      return s.type.includes("object");
  }
}

/**
 * True only when the full validator would find nothing wrong with `data`:
 * checked without paths, messages or allocations. Anything it does not model
 * (`allOf`/`anyOf`/`oneOf`/`not`, `multipleOf`, `uniqueItems`, formats on
 * other than strings and numbers, bounds that fail their own range check)
 * answers false, and the full validator decides.
 */
export function surelyValid(s: CompiledSchema, data: unknown): boolean {
  if (s.anyOf || s.oneOf || s.allOf || s.not) return false;
  if (data === null || data === undefined) {
    return (s.type.length === 0 || s.nullable) && !s.enum;
  }
  const kind = kindOf(data);
  if (s.format !== "") {
    if (kind === "string") {
      if (s.type.includes("number") || s.type.includes("integer")) return false;
      if (s.formatCheck && !s.formatCheck(data as string)) return false;
    } else if (kind !== "int" && kind !== "float") return false;
  }
  if (!typeAdmits(s, kind) && !(kind === "string" && s.format !== "")) return false;
  if (s.enum) {
    let found = false;
    for (const e of s.enum) {
      if (enumMatches(data, e)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  switch (kind) {
    case "string": {
      const str = data as string;
      // Characters are counted as code points: never more than UTF-16 units, nor fewer than half.
      const max = s.maxLength, min = s.minLength;
      if (
        (max !== undefined && str.length > max) || (min !== undefined && str.length < min * 2)
      ) {
        let n = 0;
        for (const _ of str) n++;
        if (max !== undefined && n > max) return false;
        if (min !== undefined && n < min) return false;
      }
      if (s.pattern !== undefined && !(s.patternRe && s.patternRe.test(str))) return false;
      return true;
    }
    case "int":
    case "float": {
      const n = data as number;
      const rangeType = s.singleType === "integer" || s.singleType === "number" ? s.singleType : "";
      if (s.multipleOf || outOfRange(n, rangeType, s.numberFormat)) return false;
      const min = s.minimum, max = s.maximum;
      if (min && (min.outOfRange || (s.exclusiveMinimum ? n <= min.value : n < min.value))) {
        return false;
      }
      if (max && (max.outOfRange || (s.exclusiveMaximum ? n >= max.value : n > max.value))) {
        return false;
      }
      return true;
    }
    case "bool":
      return true;
    case "slice": {
      const a = data as unknown[];
      if (s.uniqueItems) return false;
      if (s.minItems !== undefined && a.length < s.minItems) return false;
      if (s.maxItems !== undefined && a.length > s.maxItems) return false;
      if (s.items) { for (const x of a) if (!surelyValid(s.items, x)) return false; }
      return true;
    }
    default: {
      const o = data as Obj;
      const props = s.properties;
      const ap = s.additionalProperties;
      let count = 0;
      for (const k in o) {
        count++;
        const ps = props?.get(k);
        if (ps) {
          if (!surelyValid(ps, o[k])) return false;
        } else if (ap === false) return false;
        else if (typeof ap === "object" && !surelyValid(ap, o[k])) return false;
      }
      if (s.minProperties !== undefined && count < s.minProperties) return false;
      if (s.maxProperties !== undefined && count > s.maxProperties) return false;
      for (const k of s.required) if (!(k in o)) return false;
      return true;
    }
  }
}
