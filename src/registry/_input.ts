// What a write's body and options must be before any verb works on them (kube-apiserver: the
// handlers' decoding, strict field validation and ValidateCreate/Update/PatchOptions). Internal.
import { ApiError, field, type FieldError } from "../apimachinery/errors.ts";
import { duplicateFields, goQuote, jsonValueProblem } from "../apimachinery/json_value.ts";
import { type KubeObject, OBJECT_META_FIELDS } from "../apimachinery/meta.ts";
import { utf8ByteLength } from "../apimachinery/validation.ts";
import type { Kind } from "../scheme/kind.ts";
import type { FieldValidation, WriteOptions } from "./options.ts";

const FIELD_VALIDATIONS = ["", "Ignore", "Strict", "Warn"];
/** kube's FieldManagerMaxLength. */
const FIELD_MANAGER_MAX = 128;

/** Printable as Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** `%#U` of a code point that is not printable: `U+0007`. */
function goCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Validates the options of a write (kube's ValidateCreateOptions and friends):
 * `fieldManager` at most 128 bytes of printable characters, `fieldValidation`
 * one of kube's values. Returns the field validation in force (kube-apiserver's
 * default is Warn).
 */
export function checkWriteOptions(
  options: WriteOptions & { fieldValidation?: FieldValidation | "" },
  what: "CreateOptions" | "UpdateOptions" | "PatchOptions",
): FieldValidation {
  const errs: FieldError[] = [];
  const manager = options.fieldManager;
  if (manager !== undefined) {
    if (typeof manager !== "string") {
      errs.push(field.typeInvalid("fieldManager", manager, "must be of type string"));
    } else {
      if (utf8ByteLength(manager) > FIELD_MANAGER_MAX) {
        errs.push(field.tooLong("fieldManager", `may not be more than ${FIELD_MANAGER_MAX} bytes`));
      }
      let at = 0;
      for (const ch of manager) {
        const cp = ch.codePointAt(0)!;
        if (!PRINTABLE.test(ch)) {
          errs.push(
            field.invalid(
              "fieldManager",
              manager,
              `invalid character ${goCodePoint(cp)} (at position ${at})`,
            ),
          );
        }
        at += utf8ByteLength(ch);
      }
    }
  }
  const fv = options.fieldValidation ?? "";
  if (!FIELD_VALIDATIONS.includes(fv as string)) {
    errs.push(field.notSupported("fieldValidation", fv, FIELD_VALIDATIONS));
  }
  if (errs.length) throw ApiError.invalid({ group: "meta.k8s.io", kind: what }, "", errs);
  return fv === "" ? "Warn" : fv;
}

/** A decoded body with the strict-decoding problems found in its text. */
export interface DecodedBody {
  /** The body. */
  body: unknown;
  /** `duplicate field "x"` for each member the text gave twice. */
  strict: string[];
}

/** The first bytes of a body, as kube-apiserver's summarizeData shows them. */
function summarize(text: string): string {
  if (text === "") return "<empty>";
  if (text.startsWith("{")) return text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  const hex = (s: string) =>
    Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, "0")).join("");
  return text.length > 30 ? `${hex(text.slice(0, 30))} ...` : hex(text);
}

/**
 * Reads a body or patch: bytes become text (invalid UTF-8 becomes U+FFFD, as
 * Go's decoder reads it), text is parsed (a syntax error is `syntax(Go's
 * message, text)`), and the result must be JSON data (`notJson(problem)`:
 * cyclic, a function, `NaN`, a `Date`, deeper than the limit), checked before
 * anything recursive touches it. Duplicate members of text are strict errors.
 */
const UTF8 = new TextDecoder();

async function decodeJson(
  input: unknown,
  validation: FieldValidation,
  syntax: (why: string, text: string) => ApiError,
  notJson: (problem: string) => ApiError,
): Promise<DecodedBody> {
  let value = input instanceof Uint8Array ? UTF8.decode(input) : input;
  const strict: string[] = [];
  if (typeof value === "string") {
    const text = value;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const { jsonSyntaxError } = await import("../apimachinery/json_syntax.ts");
      throw syntax(
        jsonSyntaxError(text)?.message ?? (err instanceof Error ? err.message : String(err)),
        text,
      );
    }
    if (validation !== "Ignore") {
      for (const path of duplicateFields(text)) strict.push(`duplicate field ${goQuote(path)}`);
    }
  }
  const problem = jsonValueProblem(value);
  if (problem) throw notJson(problem);
  return { body: value, strict };
}

/** Decodes a write's body (an object, or its JSON as text or bytes), with kube's 400s. */
export function decodeBody(
  kind: Kind,
  input: unknown,
  validation: FieldValidation,
): Promise<DecodedBody> {
  return decodeJson(
    input,
    validation,
    (why, text) =>
      ApiError.badRequest(
        `the object provided is unrecognized (must be of type ${kind.kind}): couldn't get ` +
          `version/kind; json parse error: ${why} (${summarize(text)})`,
      ),
    (problem) => cannotBeHandled(kind, problem),
  );
}

/**
 * Decodes a patch (a value, or JSON text or bytes). kube-apiserver's patch
 * handler prefixes Go's syntax errors with `prefix` ("error decoding patch: "
 * except for strategic merge patches).
 */
export function decodePatchBody(
  input: unknown,
  validation: FieldValidation,
  prefix: string,
): Promise<DecodedBody> {
  return decodeJson(
    input,
    validation,
    (why) => ApiError.badRequest(`${prefix}${why}`),
    (problem) => ApiError.badRequest(`error decoding patch: ${problem}`),
  );
}

/** kube's 400 for a body its decoder cannot read into the kind. */
export function cannotBeHandled(kind: Kind, why: string): ApiError {
  return ApiError.badRequest(
    `${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: ${why}`,
  );
}

/** Members of ObjectMeta (kube's metav1.ObjectMeta JSON names). */
const OBJECT_META = new Set(OBJECT_META_FIELDS);
const OWNER_REFERENCE = new Set([
  "apiVersion",
  "kind",
  "name",
  "uid",
  "controller",
  "blockOwnerDeletion",
]);
const MANAGED_FIELDS_ENTRY = new Set([
  "manager",
  "operation",
  "apiVersion",
  "time",
  "fieldsType",
  "fieldsV1",
  "subresource",
]);

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/**
 * The members of a body its kind does not know, as kube's strict decoder
 * names them (`spec.replicas2`, `metadata.labelz`, `spec.items[0].x`): the
 * members of `fields` (what the schema read) the schema dropped from `built`,
 * and the members of `metadata` ObjectMeta does not have. Members given as
 * null are not reported (a schema may drop them on purpose).
 */
function unknownFields(
  metadata: unknown,
  fields: Record<string, unknown>,
  built: KubeObject,
  dropped: readonly string[] | undefined,
): string[] {
  const found: string[] = [];
  const add = (p: string) => {
    if (found.length < 100) found.push(`unknown field ${goQuote(p)}`);
  };
  if (isPlain(metadata)) unknownMeta(metadata, add);
  if (dropped) {
    for (const p of dropped) add(p);
    return found;
  }
  for (const key in fields) {
    const v = fields[key];
    if (v === null || v === undefined) continue;
    if (!(key in built)) add(key);
    else walk(v, (built as Record<string, unknown>)[key], key, add);
  }
  return found;
}

function unknownMeta(meta: Record<string, unknown>, add: (p: string) => void): void {
  for (const key in meta) {
    const v = meta[key];
    if (v === null || v === undefined) continue;
    if (!OBJECT_META.has(key)) add(`metadata.${key}`);
    else if (key === "ownerReferences" || key === "managedFields") {
      const known = key === "ownerReferences" ? OWNER_REFERENCE : MANAGED_FIELDS_ENTRY;
      if (!Array.isArray(v)) continue;
      v.forEach((item, i) => {
        if (!isPlain(item)) return;
        for (const k in item) {
          if (item[k] !== null && item[k] !== undefined && !known.has(k)) {
            add(`metadata.${key}[${i}].${k}`);
          }
        }
      });
    }
  }
}

/** Reports members of `given` that `kept` (the schema's output for it) does not have. */
function walk(given: unknown, kept: unknown, path: string, add: (p: string) => void): void {
  if (Array.isArray(given)) {
    if (!Array.isArray(kept) || kept.length !== given.length) return;
    for (let i = 0; i < given.length; i++) walk(given[i], kept[i], `${path}[${i}]`, add);
    return;
  }
  if (!isPlain(given) || !isPlain(kept)) return;
  for (const key in given) {
    const v = given[key];
    if (v === null || v === undefined) continue;
    if (!(key in kept)) add(join(path, key));
    else walk(v, kept[key], join(path, key), add);
  }
}

/** What a write built from its body: its metadata as given, what the schema read and made. */
export interface BuiltBody {
  /** `metadata` as the body gave it. */
  metadata: unknown;
  /** The members the schema read. */
  fields: Record<string, unknown>;
  /** The object built from them. */
  built: KubeObject;
  /** Where the schema says it dropped members (then `fields` and `built` are not compared). */
  dropped?: readonly string[];
}

/**
 * Applies the field validation in force to a write: the strict-decoding
 * problems of its text (`strict`) and the unknown fields of what it built.
 * Strict fails with `fail(message)`, Warn hands each to `onWarning`, Ignore
 * drops them (and looks for none).
 */
export function enforceStrict(
  strict: string[],
  body: BuiltBody,
  validation: FieldValidation,
  options: WriteOptions,
  fail: (message: string) => ApiError,
): void {
  if (validation === "Ignore") return;
  const problems = [
    ...strict,
    ...unknownFields(body.metadata, body.fields, body.built, body.dropped),
  ];
  if (problems.length === 0) return;
  if (validation === "Strict") throw fail(`strict decoding error: ${problems.join(", ")}`);
  for (const p of problems) options.onWarning?.(p);
}

/**
 * A decoded JSON value as Go's `fmt` prints it with `%+v` (what kube-apiserver
 * shows of a strategic merge patch): `map[data:map[a:b] kind:ConfigMap]`,
 * `[x y]`, `<nil>`; map keys sorted.
 */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `map[${keys.map((k) => `${k}:${goValue(o[k])}`).join(" ")}]`;
  }
  if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return String(BigInt(v));
    const s = String(v);
    return s.replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(v);
}
