/**
 * kube-openapi's schema validator (k8s.io/kube-openapi/pkg/validation/validate)
 * as apiextensions-apiserver runs it on custom objects, with ratcheting
 * (validation/ratcheting.go) on update, and the conversion of its result to
 * field errors (`kubeOpenAPIResultToFieldErrors` in validation/validation.go).
 *
 * @module
 */

import type { FieldError } from "../../apimachinery/errors.ts";
import { field } from "../../apimachinery/errors.ts";
import type { CompiledSchema } from "./compile.ts";
import { outOfRange } from "./compile.ts";
import { goFloat, goQuote } from "./go_format.ts";
import { deepEqual, enumMatches, isObj, kindOf, type Obj } from "./_values.ts";
import { surelyValid } from "./_quick_check.ts";

const enum Code {
  Composite = 422,
  InvalidType = 600,
  Required,
  TooLong,
  TooShort,
  Pattern,
  Enum,
  MultipleOf,
  Max,
  Min,
  Unique,
  MaxItems,
  MinItems,
  NoAdditionalItems,
  TooFewProperties,
  TooManyProperties,
  UnallowedProperty,
  FailedAllPatternProps,
  MultipleOfMustBePositive,
  /** A plain Go error (fmt.Errorf), not an errors.Validation. */
  Plain = 0,
}

interface VErr {
  code: Code;
  name: string;
  value?: unknown;
  valid?: number;
  values?: unknown[];
  message: string;
}

interface Result {
  errors: VErr[];
  matchCount: number;
}

function newResult(): Result {
  return { errors: [], matchCount: 0 };
}

function addError(r: Result, e: VErr): void {
  for (const x of r.errors) if (x.message === e.message) return;
  r.errors.push(e);
}

function merge(r: Result, o: Result | undefined): void {
  if (!o) return;
  for (const e of o.errors) addError(r, e);
  r.matchCount += o.matchCount;
}

/** A passing result with one match, shared (frozen: merged, never changed). */
const OK1: Result = Object.freeze({
  errors: Object.freeze([]) as unknown as VErr[],
  matchCount: 1,
}) as Result;

function errResult(e: VErr): Result {
  return { errors: [e], matchCount: 0 };
}

function invalidType(path: string, typeName: string, value: unknown): VErr {
  const message = typeof value === "string"
    ? `${path} in body must be of type ${typeName}: ${goQuote(value)}`
    : `${path} in body must be of type ${typeName}`;
  return { code: Code.InvalidType, name: path, value, message };
}

// ---- ratcheting correlation (k8s.io/apiserver/pkg/cel/common/equality.go) ----

/** Correlation of a new value with its old counterpart, for ratcheting. */
class Corr {
  private eq?: boolean;
  private children?: Map<string | number, Corr | null>;
  private mapList?: Map<string, unknown> | null;
  private mapListPending?: unknown[];
  constructor(readonly value: unknown, readonly old: unknown, readonly schema: CompiledSchema) {}

  key(k: string): Corr | null {
    const cached = this.children?.get(k);
    if (cached !== undefined) return cached;
    const o = this.old, n = this.value;
    if (!isObj(o) || !isObj(n) || !(k in o) || !(k in n)) return null;
    let ps = this.schema.properties?.get(k);
    if (!ps && typeof this.schema.additionalProperties === "object") {
      ps = this.schema.additionalProperties;
    }
    if (!ps) return null;
    const c = new Corr(n[k], o[k], ps);
    (this.children ??= new Map()).set(k, c);
    return c;
  }

  index(i: number): Corr | null {
    const cached = this.children?.get(i);
    if (cached !== undefined) return cached;
    const o = this.old, n = this.value;
    if (!Array.isArray(o) || !Array.isArray(n) || n.length <= i) return null;
    if (this.schema.listType !== "map") return null;
    const old = this.mapGet(o, n[i]);
    if (old === undefined || old === null || !this.schema.items) return null;
    const c = new Corr(n[i], old, this.schema.items);
    (this.children ??= new Map()).set(i, c);
    return c;
  }

  private compositeKey(x: unknown): string | undefined {
    if (!isObj(x)) return undefined;
    const keys = this.schema.listMapKeys ?? [];
    if (keys.length === 0) return undefined;
    let out = "";
    for (const k of keys) {
      const v = x[k];
      if (!(k in x)) return undefined;
      if (typeof v === "string") out += "\0s" + v;
      else if (typeof v === "number" || typeof v === "boolean") out += "\0" + typeof v + v;
      else return undefined;
    }
    return out;
  }

  private mapGet(oldList: unknown[], item: unknown): unknown {
    if (this.schema.type[0] !== "array" || !this.schema.listMapKeys?.length) return undefined;
    if (this.mapList === undefined) {
      this.mapList = new Map();
      this.mapListPending = oldList.slice();
    }
    const key = this.compositeKey(item);
    if (key === undefined) return undefined;
    const m = this.mapList!;
    if (m.has(key)) return m.get(key);
    while (this.mapListPending!.length > 0) {
      const it = this.mapListPending!.shift();
      const ik = this.compositeKey(it);
      if (ik === undefined) continue;
      if (!m.has(ik)) m.set(ik, it);
      if (ik === key) return it;
    }
    return undefined;
  }

  deepEqual(): boolean {
    if (this.eq !== undefined) return this.eq;
    return (this.eq = this.computeEqual());
  }

  private computeEqual(): boolean {
    const o = this.old, n = this.value;
    if (n === null && o === null) return true;
    if (n === null || o === null || n === undefined || o === undefined) return false;
    const oa = Array.isArray(o), na = Array.isArray(n);
    const om = isObj(o), nm = isObj(n);
    if (oa !== na || om !== nm) return false;
    if (oa) {
      const ol = o as unknown[], nl = n as unknown[];
      if (ol.length !== nl.length) return false;
      for (let i = 0; i < nl.length; i++) {
        const c = this.index(i);
        if (!c) {
          if (this.mapList === undefined || this.mapList === null) return deepEqual(ol, nl);
          return false;
        }
        if (!c.deepEqual()) return false;
      }
      return true;
    }
    if (om) {
      const ok = Object.keys(o as Obj), nk = Object.keys(n as Obj);
      if (ok.length !== nk.length) return false;
      for (const k of nk) {
        const c = this.key(k);
        if (!c || !c.deepEqual()) return false;
      }
      return true;
    }
    return o === n;
  }
}

// ---- the validators, in kube-openapi's order ----

function typeValidate(s: CompiledSchema, data: unknown, path: string): Result {
  if (data === null || data === undefined) {
    if (s.type.length > 0 && !s.nullable) {
      return errResult(invalidType(path, s.type.join(","), "null"));
    }
    return OK1;
  }
  const kind = kindOf(data);
  let schType: string, format = "";
  switch (kind) {
    case "string":
      schType = "string";
      break;
    case "int":
      schType = "integer";
      format = "int64";
      break;
    case "float":
      schType = "number";
      format = "float64";
      break;
    case "bool":
      schType = "boolean";
      break;
    case "slice":
      schType = "array";
      break;
    default:
      schType = "object";
  }
  const has = (t: string) => s.type.includes(t);
  const isIntFloat = schType === "integer" && has("number");
  if (
    kind !== "string" && kind !== "slice" && s.format !== "" &&
    !(has(schType) || format === s.format || isIntFloat)
  ) {
    return errResult(invalidType(path, s.format, format));
  }
  if (
    !(has("number") || has("integer")) && s.format !== "" && (kind === "string" || kind === "slice")
  ) {
    return OK1;
  }
  if (!(has(schType) || isIntFloat)) return errResult(invalidType(path, s.type.join(","), schType));
  return OK1;
}

function schemaPropsValidate(
  s: CompiledSchema,
  data: unknown,
  path: string,
  ctx: Ctx,
): Result {
  if (!s.anyOf && !s.oneOf && !s.allOf && !s.not) return OK1;
  const main = newResult();
  if (s.anyOf) {
    let best: Result | undefined, first: Result | undefined;
    let ok = false;
    for (const sub of s.anyOf) {
      const r = validateNode(sub, data, path, ctx);
      if (r.errors.length === 0) {
        best = undefined;
        ok = true;
        first ??= r;
        break;
      }
      if (!best || r.matchCount > best.matchCount) best = r;
    }
    if (!ok) {
      addError(
        main,
        plain(Code.Composite, `${goQuote(path)} must validate at least one schema (anyOf)`),
      );
    }
    if (best) merge(main, best);
    else if (first) merge(main, first);
  }
  if (s.oneOf) {
    let best: Result | undefined, first: Result | undefined;
    let validated = 0;
    for (const sub of s.oneOf) {
      const r = validateNode(sub, data, path, ctx);
      if (r.errors.length === 0) {
        validated++;
        best = undefined;
        first ??= r;
        continue;
      }
      if (validated === 0 && (!best || r.matchCount > best.matchCount)) best = r;
    }
    if (validated !== 1) {
      const extra = validated === 0 ? "Found none valid" : `Found ${validated} valid alternatives`;
      addError(
        main,
        plain(
          Code.Composite,
          `${goQuote(path)} must validate one and only one schema (oneOf). ${extra}`,
        ),
      );
      if (best) merge(main, best);
    } else if (first) merge(main, first);
  }
  if (s.allOf) {
    let validated = 0;
    for (const sub of s.allOf) {
      const r = validateNode(sub, data, path, ctx);
      if (r.errors.length === 0) validated++;
      merge(main, r);
    }
    if (validated !== s.allOf.length) {
      const extra = validated === 0 ? ". None validated" : "";
      addError(
        main,
        plain(Code.Composite, `${goQuote(path)} must validate all the schemas (allOf)${extra}`),
      );
    }
  }
  if (s.not) {
    const r = validateNode(s.not, data, path, ctx);
    if (r.errors.length === 0) {
      addError(main, plain(Code.Composite, `${goQuote(path)} must not validate the schema (not)`));
    }
  }
  main.matchCount++;
  return main;
}

function plain(code: Code, message: string): VErr {
  return { code, name: "", message };
}

function stringValidate(s: CompiledSchema, data: string, path: string): Result | undefined {
  if (s.maxLength !== undefined || s.minLength !== undefined) {
    let n = 0;
    for (const _ of data) n++;
    if (s.maxLength !== undefined && n > s.maxLength) {
      return errResult({
        code: Code.TooLong,
        name: path,
        value: data,
        valid: s.maxLength,
        message: `${path} in body should be at most ${s.maxLength} chars long`,
      });
    }
    if (s.minLength !== undefined && n < s.minLength) {
      return errResult({
        code: Code.TooShort,
        name: path,
        value: data,
        valid: s.minLength,
        message: `${path} in body should be at least ${s.minLength} chars long`,
      });
    }
  }
  if (s.pattern !== undefined) {
    if (!s.patternRe) {
      return errResult({
        code: Code.Pattern,
        name: path,
        value: data,
        message:
          `${path} in body should match '${s.pattern}, but pattern is invalid: ${s.patternError}'`,
      });
    }
    if (!s.patternRe.test(data)) {
      return errResult({
        code: Code.Pattern,
        name: path,
        value: data,
        message: `${path} in body should match '${s.pattern}'`,
      });
    }
  }
  return undefined;
}

function rangeMsg(prefix: string, s: CompiledSchema, path: string): VErr {
  const t = s.singleType === "integer" || s.singleType === "number" ? s.singleType : "";
  return plain(
    Code.Plain,
    s.numberFormat !== ""
      ? `${prefix} value must be of type ${t} with format ${s.numberFormat} in ${path}`
      : `${prefix} value must be of type ${t} (default format) in ${path}`,
  );
}

// swag.IsFloat64AJSONInteger
function isFloatAJSONInteger(f: number): boolean {
  if (!Number.isFinite(f)) return false;
  if (Number.isInteger(f)) return true;
  const g = Math.trunc(f);
  if (g === 0) return false;
  const diff = Math.abs(f - g);
  return diff / Math.min(Math.abs(f) + Math.abs(g), Number.MAX_VALUE) < 1e-9;
}

function numberValidate(s: CompiledSchema, data: number, path: string): Result {
  const isInt = Number.isInteger(data);
  const rangeType = s.singleType === "integer" || s.singleType === "number" ? s.singleType : "";
  const checked = outOfRange(data, rangeType, s.numberFormat);
  if (!checked && !s.multipleOf && !s.minimum && !s.maximum) return OK1;
  const res = newResult();
  if (checked) addError(res, rangeMsg("Checked", s, path));
  const resMultiple = newResult(), resMin = newResult(), resMax = newResult();
  if (s.multipleOf) {
    const f = s.multipleOf.value;
    if (s.multipleOf.outOfRange) addError(resMultiple, rangeMsg("MultipleOf", s, path));
    const nativeInt = !s.multipleOf.outOfRange && isInt;
    const factor = nativeInt ? Math.trunc(f) : f;
    if (factor <= 0) {
      addError(resMultiple, {
        code: Code.MultipleOfMustBePositive,
        name: path,
        value: factor,
        message: `factor MultipleOf declared for ${path} must be positive: ${
          nativeInt ? String(factor) : goFloat(factor)
        }`,
      });
    } else {
      const bad = nativeInt
        ? data % factor !== 0
        : !isFloatAJSONInteger(factor < 1 ? (1 / factor) * data : data / factor);
      if (bad) {
        addError(resMultiple, {
          code: Code.MultipleOf,
          name: path,
          value: data,
          message: `${path} in body should be a multiple of ${
            nativeInt ? String(factor) : goFloat(factor)
          }`,
        });
      }
    }
  }
  if (s.minimum) {
    if (s.minimum.outOfRange) addError(resMin, rangeMsg("Minimum boundary", s, path));
    const nativeInt = !s.minimum.outOfRange && isInt;
    const min = nativeInt ? Math.trunc(s.minimum.value) : s.minimum.value;
    const ex = s.exclusiveMinimum;
    if ((!ex && data < min) || (ex && data <= min)) {
      addError(resMin, {
        code: Code.Min,
        name: path,
        value: data,
        message: `${path} in body should be greater than ${ex ? "" : "or equal to "}${
          nativeInt ? String(min) : goFloat(min)
        }`,
      });
    }
  }
  if (s.maximum) {
    if (s.maximum.outOfRange) addError(resMax, rangeMsg("Maximum boundary", s, path));
    const nativeInt = !s.maximum.outOfRange && isInt;
    const max = nativeInt ? Math.trunc(s.maximum.value) : s.maximum.value;
    const ex = s.exclusiveMaximum;
    if ((!ex && data > max) || (ex && data >= max)) {
      addError(resMax, {
        code: Code.Max,
        name: path,
        value: data,
        message: `${path} in body should be less than ${ex ? "" : "or equal to "}${
          nativeInt ? String(max) : goFloat(max)
        }`,
      });
    }
  }
  merge(res, resMultiple);
  merge(res, resMin);
  merge(res, resMax);
  res.matchCount++;
  return res;
}

function sliceValidate(s: CompiledSchema, data: unknown[], path: string, ctx: Ctx): Result {
  const res = newResult();
  if (s.items) {
    for (let i = 0; i < data.length; i++) {
      merge(res, validateChild(s.items, data[i], `${path}[${i}]`, ctx, i));
    }
  }
  if (s.minItems !== undefined && data.length < s.minItems) {
    addError(res, {
      code: Code.MinItems,
      name: path,
      value: data.length,
      valid: s.minItems,
      message: `${path} in body should have at least ${s.minItems} items`,
    });
  }
  if (s.maxItems !== undefined && data.length > s.maxItems) {
    addError(res, {
      code: Code.MaxItems,
      name: path,
      value: data.length,
      valid: s.maxItems,
      message: `${path} in body should have at most ${s.maxItems} items`,
    });
  }
  if (s.uniqueItems) {
    outer: for (let i = 1; i < data.length; i++) {
      for (let j = 0; j < i; j++) {
        if (deepEqual(data[i], data[j])) {
          addError(res, {
            code: Code.Unique,
            name: path,
            message: `${path} in body shouldn't contain duplicates`,
          });
          break outer;
        }
      }
    }
  }
  res.matchCount++;
  return res;
}

function enumValidate(s: CompiledSchema, data: unknown, path: string): Result | undefined {
  if (!s.enum) return undefined;
  for (const e of s.enum) if (enumMatches(data, e)) return undefined;
  return errResult({
    code: Code.Enum,
    name: path,
    value: data ?? null,
    values: s.enum,
    message: `${path} in body should be one of ${goSliceV(s.enum)}`,
  });
}

function goV(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return goSliceV(v);
  const keys = Object.keys(v as Obj).sort();
  return `map[${keys.map((k) => `${k}:${goV((v as Obj)[k])}`).join(" ")}]`;
}

function goSliceV(a: unknown[]): string {
  return `[${a.map(goV).join(" ")}]`;
}

function objectValidate(s: CompiledSchema, data: Obj, path: string, ctx: Ctx): Result {
  const res = newResult();
  const keys = Object.keys(data);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    addError(res, {
      code: Code.TooFewProperties,
      name: path,
      value: keys.length,
      valid: s.minProperties,
      message: `${path} in body should have at least ${s.minProperties} properties`,
    });
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    addError(res, {
      code: Code.TooManyProperties,
      name: path,
      value: keys.length,
      valid: s.maxProperties,
      message: `${path} in body should have at most ${s.maxProperties} properties`,
    });
  }
  const ap = s.additionalProperties;
  if (ap === false) {
    for (const k of keys) {
      if (!s.properties?.has(k)) {
        addError(res, {
          code: Code.UnallowedProperty,
          name: path,
          value: k,
          message: `${path}.${k} in body is a forbidden property`,
        });
      }
    }
  } else if (typeof ap === "object") {
    for (const k of keys) {
      if (!s.properties?.has(k)) merge(res, validateChild(ap, data[k], `${path}.${k}`, ctx, k));
    }
  }
  if (s.properties) {
    for (const [k, ps] of s.properties) {
      if (k in data) merge(res, validateChild(ps, data[k], path ? `${path}.${k}` : k, ctx, k));
    }
  }
  for (const k of s.required) {
    if (!(k in data)) {
      addError(res, {
        code: Code.Required,
        name: `${path}.${k}`,
        message: `${path}.${k} in body is required`,
      });
    }
  }
  return res;
}

interface Ctx {
  /** The correlation of the current node, or null when not ratcheting. */
  corr: Corr | null;
  /** True at the resource root (kind/apiVersion are not ratcheted). */
  root: boolean;
}

const PLAIN_CTX: Ctx = { corr: null, root: false };

function validateChild(
  s: CompiledSchema,
  data: unknown,
  path: string,
  ctx: Ctx,
  key: string | number,
): Result {
  if (!ctx.corr) return validateNode(s, data, path, PLAIN_CTX);
  let child: Corr | null;
  if (typeof key === "number") child = ctx.corr.index(key);
  else if (ctx.root && (key === "kind" || key === "apiVersion")) child = null;
  else child = ctx.corr.key(key);
  if (!child) return validateNode(s, data, path, PLAIN_CTX);
  return ratchet(s, data, path, { corr: child, root: false });
}

function ratchet(s: CompiledSchema, data: unknown, path: string, ctx: Ctx): Result {
  const r = validateNode(s, data, path, ctx);
  if (r.errors.length === 0) return r;
  if (ctx.corr!.deepEqual()) return { errors: [], matchCount: r.matchCount };
  return r;
}

function validateNode(s: CompiledSchema, data: unknown, path: string, ctx: Ctx): Result {
  const res = newResult();
  if (data === null || data === undefined) {
    merge(res, typeValidate(s, null, path));
    merge(res, enumValidate(s, null, path));
    return res;
  }
  const kind = kindOf(data);
  if (s.type.length > 0 || s.format !== "") {
    merge(res, typeValidate(s, data, path));
    res.matchCount++;
  }
  merge(res, schemaPropsValidate(s, data, path, ctx));
  res.matchCount++;
  if (kind === "string") {
    merge(res, stringValidate(s, data as string, path));
    res.matchCount++;
    if (s.formatCheck) {
      if (!s.formatCheck(data as string)) addError(res, invalidType(path, s.format, data));
      res.matchCount++;
    }
  } else if (kind === "int" || kind === "float") {
    merge(res, numberValidate(s, data as number, path));
    res.matchCount++;
  } else if (kind === "slice") {
    merge(res, sliceValidate(s, data as unknown[], path, ctx));
    res.matchCount++;
  }
  merge(res, enumValidate(s, data, path));
  res.matchCount++;
  if (kind === "map") {
    merge(res, objectValidate(s, data as Obj, path, ctx));
    res.matchCount++;
  }
  res.matchCount++;
  return res;
}

function toFieldErrors(r: Result): FieldError[] {
  const out: FieldError[] = [];
  for (const e of r.errors) {
    if (e.code === Code.Composite || e.code === Code.Plain) {
      out.push(field.invalid("<nil>", "", e.message));
      continue;
    }
    const p = e.name && e.name !== "." ? e.name.replace(/^\./, "") : "<nil>";
    switch (e.code) {
      case Code.Required:
        out.push(field.required(p, ""));
        break;
      case Code.Enum:
        out.push(
          field.notSupported(
            p,
            e.value,
            e.values!.map((v) => (typeof v === "string" ? v : JSON.stringify(v))),
          ),
        );
        break;
      case Code.TooLong: {
        const max = e.valid ?? -1;
        out.push(
          field.tooLong(
            p,
            max >= 0
              ? `may not be more than ${max} ${max === 1 ? "byte" : "bytes"}`
              : "value is too long",
          ),
        );
        break;
      }
      case Code.MaxItems:
      case Code.TooManyProperties: {
        const max = e.valid ?? -1;
        out.push({
          type: "FieldValueTooMany",
          field: p,
          badValue: e.value,
          detail: max >= 0
            ? `must have at most ${max} ${max === 1 ? "item" : "items"}`
            : "has too many items",
        });
        break;
      }
      case Code.InvalidType:
        out.push(field.typeInvalid(p, e.value ?? "", e.message));
        break;
      default:
        out.push(field.invalid(p, e.value ?? "", e.message));
    }
  }
  return out;
}

/**
 * Validates a custom object against the schema as kube-openapi's
 * `SchemaValidator` configured by apiextensions-apiserver
 * (`ValidateCustomResource`, `ValidateCustomResourceUpdate`) and converts the
 * result like `kubeOpenAPIResultToFieldErrors`. With `old` (an update),
 * errors of subtrees that did not change are ratcheted away, as
 * CRDValidationRatcheting (GA, always on) does.
 *
 * Property errors come in schema order (Go visits maps in random order).
 * `path` names the value's place (default: the root of an object); a CRD's
 * `default` is validated at its own path, e.g. `spec.validation...default`.
 *
 * @example
 * ```ts
 * import { compileSchema } from "./compile.ts";
 * import { validateSchema } from "./openapi_validate.ts";
 * import { formatFieldError } from "../../apimachinery/errors.ts";
 * import assert from "node:assert/strict";
 * const s = compileSchema({ type: "object", properties: { spec: { type: "object",
 *   properties: { replicas: { type: "integer" } } } } });
 * const errs = validateSchema({ spec: { replicas: "x" } }, s);
 * assert.equal(formatFieldError(errs[0]),
 *   'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
 * ```
 */
export function validateSchema(
  obj: unknown,
  schema: CompiledSchema,
  old?: unknown,
  path = "",
): FieldError[] {
  // Ratcheting only takes errors away: a value that is surely valid is valid either way.
  if (surelyValid(schema, obj)) return [];
  let r: Result;
  if (old === undefined) r = validateNode(schema, obj, path, PLAIN_CTX);
  else r = ratchet(schema, obj, "", { corr: new Corr(obj, old, schema), root: true });
  return r.errors.length === 0 ? [] : toFieldErrors(r);
}
