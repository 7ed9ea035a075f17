/**
 * Name, label, annotation, finalizer and owner-reference validation with the
 * exact messages of Kubernetes (`k8s.io/apimachinery/pkg/util/validation`,
 * `pkg/api/validate/content` and `pkg/api/validation`, release 1.36; where
 * 1.32, the kubectl release k1s is checked against, words a message
 * differently, as the two spaces in RegexError's examples, 1.32 is followed).
 *
 * Length limits count UTF-8 bytes, as Go's `len` does.
 *
 * @module
 */

import { field, type FieldError } from "./errors.ts";
import type { OwnerReference } from "./meta.ts";

/** Maximum length of an RFC 1123 label. */
export const DNS1123_LABEL_MAX_LENGTH = 63;
/** Maximum length of an RFC 1123 subdomain. */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
/** Maximum length of an RFC 1035 label. */
export const DNS1035_LABEL_MAX_LENGTH = 63;
/** Maximum length of a label value and of a qualified name's name part. */
export const LABEL_VALUE_MAX_LENGTH = 63;
/** Maximum total size in bytes of all annotation keys and values: 256 KiB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

/**
 * The UTF-8 length of a string in bytes, without encoding it.
 *
 * @example
 * ```ts
 * import { utf8ByteLength } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(utf8ByteLength("héllo"), 6);
 * assert.equal(utf8ByteLength("😀"), 4);
 * ```
 */
export function utf8ByteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // the pair (2 UTF-16 units) is 4 bytes
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

const byteLength = utf8ByteLength;

const dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const labelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const labelKeyErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKeyRe = new RegExp(`^${labelKeyFmt}$`);
const labelValueFmt = `(${labelKeyFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

/**
 * `validation.MaxLenError` (util/validation, Kubernetes 1.32): "characters", though Go's `len`
 * counts the bytes.
 */
function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

/** apimachinery's RegexError: each example is followed by ", ", and " or " joins them (two spaces). */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${
    examples.map((e) => `'${e}', `).join(" or ")
  }regex used for validation is '${fmt}')`;
}

function subdomainMessages(value: string, lenErr: (n: number) => string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errs.push(lenErr(DNS1123_SUBDOMAIN_MAX_LENGTH));
  }
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, "example.com"));
  }
  return errs;
}

/**
 * Checks an RFC 1123 subdomain (lower case, dots allowed, at most 253
 * characters), as `validation.IsDNS1123Subdomain`.
 *
 * @returns The error messages; empty when valid.
 *
 * @example
 * ```ts
 * import { isDNS1123Subdomain } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isDNS1123Subdomain("example.com"), []);
 * assert.equal(isDNS1123Subdomain("Example").length, 1);
 * ```
 */
export function isDNS1123Subdomain(value: string): string[] {
  return subdomainMessages(value, maxLenError);
}

/**
 * Checks an RFC 1123 label (lower case, no dots, at most 63 characters), as
 * `validation.IsDNS1123Label`.
 *
 * @returns The error messages; empty when valid.
 *
 * @example
 * ```ts
 * import { isDNS1123Label } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isDNS1123Label("my-name"), []);
 * assert.deepEqual(isDNS1123Label("a.b"), ["must not contain dots"]);
 * ```
 */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) {
    errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  }
  if (!dns1123LabelRe.test(value)) {
    if (dns1123SubdomainRe.test(value)) {
      errs.push("must not contain dots");
    } else {
      errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, "my-name", "123-abc"));
    }
  }
  return errs;
}

/**
 * Checks an RFC 1035 label (starts with a letter, at most 63 characters), as
 * `validation.IsDNS1035Label`.
 *
 * @returns The error messages; empty when valid.
 *
 * @example
 * ```ts
 * import { isDNS1035Label } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isDNS1035Label("abc-123"), []);
 * assert.equal(isDNS1035Label("123-abc").length, 1);
 * ```
 */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1035_LABEL_MAX_LENGTH) {
    errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  }
  if (!dns1035LabelRe.test(value)) {
    errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, "my-name", "abc-123"));
  }
  return errs;
}

/**
 * Checks a qualified name (a label key): an optional DNS subdomain prefix and
 * `/`, then a name part of at most 63 bytes of alphanumerics, `-`, `_`, `.`,
 * as `content.IsLabelKey` (`validation.IsQualifiedName`).
 *
 * @returns The error messages; empty when valid.
 *
 * @example
 * ```ts
 * import { isQualifiedName } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isQualifiedName("app.kubernetes.io/name"), []);
 * assert.deepEqual(isQualifiedName("/name"), ["prefix part must be non-empty"]);
 * ```
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) {
      errs.push("prefix part must be non-empty");
    } else {
      for (const m of subdomainMessages(prefix, maxLenError)) errs.push(`prefix part ${m}`);
    }
  } else {
    return [
      "a valid label key " +
      regexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc") +
      " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) {
    errs.push("name part must be non-empty");
  } else if (byteLength(name) > LABEL_VALUE_MAX_LENGTH) {
    errs.push(`name part ${maxLenError(LABEL_VALUE_MAX_LENGTH)}`);
  }
  if (!labelKeyRe.test(name)) {
    errs.push(
      `name part ${regexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc")}`,
    );
  }
  return errs;
}

/**
 * Checks a label value: empty, or at most 63 bytes of alphanumerics, `-`,
 * `_`, `.` starting and ending alphanumeric, as `content.IsLabelValue`.
 *
 * @returns The error messages; empty when valid.
 *
 * @example
 * ```ts
 * import { isValidLabelValue } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isValidLabelValue(""), []);
 * assert.equal(isValidLabelValue("-bad").length, 1);
 * ```
 */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) {
    errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  }
  if (!labelValueRe.test(value)) {
    errs.push(regexError(labelValueErrMsg, labelValueFmt, "MyValue", "my_value", "12345"));
  }
  return errs;
}

/**
 * A name validator as `ValidateNameFunc`: `prefix` is true when validating a
 * `generateName`, which gets a random suffix appended (so a trailing `-` is allowed).
 */
export type NameValidator = (name: string, prefix?: boolean) => string[];

function maskTrailingDash(name: string): string {
  if (name.length > 1 && name.endsWith("-")) return name.slice(0, -2) + "a";
  return name;
}

/**
 * Validates an object name that must be a DNS subdomain (most kinds), as
 * `NameIsDNSSubdomain`. With `prefix` (a generateName) a trailing `-` is allowed.
 *
 * @example
 * ```ts
 * import { nameIsDNSSubdomain } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(nameIsDNSSubdomain("web-").length, 1);
 * assert.deepEqual(nameIsDNSSubdomain("web-", true), []);
 * ```
 */
export function nameIsDNSSubdomain(name: string, prefix = false): string[] {
  return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
}

/**
 * Validates an object name that must be a DNS label (namespaces, services), as
 * `NameIsDNSLabel`. With `prefix` (a generateName) a trailing `-` is allowed.
 *
 * @example
 * ```ts
 * import { nameIsDNSLabel } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(nameIsDNSLabel("kube-system"), []);
 * assert.deepEqual(nameIsDNSLabel("team-", true), []);
 * assert.deepEqual(nameIsDNSLabel("a.b"), ["must not contain dots"]);
 * ```
 */
export function nameIsDNSLabel(name: string, prefix = false): string[] {
  return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
}

/**
 * Validates an object name that must be a DNS-1035 label, as `NameIsDNS1035Label`.
 *
 * @example
 * ```ts
 * import { nameIsDNS1035Label } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(nameIsDNS1035Label("svc-"), nameIsDNS1035Label("-"));
 * assert.deepEqual(nameIsDNS1035Label("svc-", true), []);
 * ```
 */
export function nameIsDNS1035Label(name: string, prefix = false): string[] {
  return isDNS1035Label(prefix ? maskTrailingDash(name) : name);
}

/**
 * Validates `name` and `generateName` of an object on create, as the name part
 * of `ValidateObjectMetaAccessor`: a non-empty generateName is checked with the
 * validator in prefix mode (errors on `<path>.generateName`), and the name is
 * required (`name or generateName is required`) and checked (errors on `<path>.name`).
 * Call it after a name has been generated, as kube-apiserver does.
 *
 * @param meta The object's metadata (only `name` and `generateName` are read).
 * @param options `path` of the metadata (default `metadata`) and the name validator
 *   (default {@linkcode nameIsDNSSubdomain}).
 *
 * @example
 * ```ts
 * import { validateObjectName } from "./validation.ts";
 * import { formatFieldError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const errs = validateObjectName({});
 * assert.equal(formatFieldError(errs[0]), "metadata.name: Required value: name or generateName is required");
 * ```
 */
export function validateObjectName(
  meta: { name?: string; generateName?: string },
  options: { path?: string; nameFn?: NameValidator } = {},
): FieldError[] {
  const path = options.path ?? "metadata";
  const nameFn = options.nameFn ?? nameIsDNSSubdomain;
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const msg of nameFn(meta.generateName, true)) {
      errs.push(field.invalid(`${path}.generateName`, meta.generateName, msg));
    }
  }
  if (!meta.name) {
    errs.push(field.required(`${path}.name`, "name or generateName is required"));
  } else {
    for (const msg of nameFn(meta.name, false)) {
      errs.push(field.invalid(`${path}.name`, meta.name, msg));
    }
  }
  return errs;
}

function sortedKeys(o: Record<string, string>): string[] {
  return Object.keys(o).sort();
}

/**
 * Validates labels as `ValidateLabels`: every key a qualified name and every
 * value a valid label value. Errors carry `path` as their field. Keys are
 * visited in sorted order so the result is deterministic.
 *
 * @example
 * ```ts
 * import { validateLabels } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(validateLabels({ app: "web" }, "metadata.labels"), []);
 * assert.equal(validateLabels({ app: "no spaces" }, "metadata.labels")[0].badValue, "no spaces");
 * ```
 */
export function validateLabels(
  labels: Record<string, string> | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const k of sortedKeys(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(field.invalid(path, k, msg));
    for (const msg of isValidLabelValue(labels[k])) errs.push(field.invalid(path, labels[k], msg));
  }
  return errs;
}

/**
 * Validates annotations as `ValidateAnnotations`: keys are qualified names
 * compared case-insensitively (lower-cased before checking), and the total
 * size of keys and values must not exceed 256 KiB
 * (`Too long: may not be more than 262144 bytes`).
 *
 * @example
 * ```ts
 * import { validateAnnotations } from "./validation.ts";
 * import { formatFieldError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(validateAnnotations({ "Example.com/Note": "any text" }, "metadata.annotations"), []);
 * const big = { k: "x".repeat(262144) };
 * assert.equal(
 *   formatFieldError(validateAnnotations(big, "metadata.annotations")[0]),
 *   "metadata.annotations: Too long: may not be more than 262144 bytes",
 * );
 * ```
 */
export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const k of sortedKeys(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, msg));
    total += byteLength(k) + byteLength(annotations[k] ?? "");
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) {
    errs.push(field.tooLong(path, `may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes`));
  }
  return errs;
}

/** The finalizer that orphans dependents on delete. */
export const FINALIZER_ORPHAN_DEPENDENTS = "orphan";
/** The finalizer that deletes dependents in the foreground. */
export const FINALIZER_DELETE_DEPENDENTS = "foregroundDeletion";

/**
 * Validates one finalizer name as `ValidateFinalizerName` in apimachinery: it
 * must be a qualified name. (Built-in names such as `kubernetes`, `orphan` and
 * `foregroundDeletion` are qualified names without a prefix; kube-apiserver's
 * core-types validation additionally warns about unprefixed custom names,
 * which is not an error.)
 *
 * @example
 * ```ts
 * import { validateFinalizerName } from "./validation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(validateFinalizerName("example.com/cleanup", "metadata.finalizers"), []);
 * assert.deepEqual(validateFinalizerName("orphan", "metadata.finalizers"), []);
 * assert.equal(validateFinalizerName("a/b/c", "metadata.finalizers").length, 1);
 * ```
 */
export function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => field.invalid(path, name, msg));
}

/**
 * Validates a finalizer list as `ValidateFinalizers`: each name, plus the rule
 * that `orphan` and `foregroundDeletion` cannot both be set.
 *
 * @example
 * ```ts
 * import { validateFinalizers } from "./validation.ts";
 * import { formatFieldError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const errs = validateFinalizers(["orphan", "foregroundDeletion"], "metadata.finalizers");
 * assert.equal(
 *   formatFieldError(errs[0]),
 *   'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
 * );
 * ```
 */
export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!finalizers) return errs;
  let orphan = false;
  let foreground = false;
  for (const f of finalizers) {
    errs.push(...validateFinalizerName(f, path));
    if (f === FINALIZER_ORPHAN_DEPENDENTS) orphan = true;
    if (f === FINALIZER_DELETE_DEPENDENTS) foreground = true;
  }
  if (orphan && foreground) {
    errs.push(
      field.invalid(
        path,
        finalizers,
        `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`,
      ),
    );
  }
  return errs;
}

/** The fields of an owner reference that validation reads (`metav1.OwnerReference`). */
export type OwnerReferenceLike = OwnerReference;

function groupVersionOf(apiVersion: string): { group: string; version: string } {
  if (apiVersion === "" || apiVersion === "/") return { group: "", version: "" };
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { group: "", version: apiVersion };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return { group: "", version: "" };
}

/**
 * Validates owner references as `ValidateOwnerReferences`: apiVersion needs a
 * version, kind, name and uid must be non-empty, core `v1` Events cannot be
 * owners, and at most one reference may have `controller: true`.
 *
 * @example
 * ```ts
 * import { validateOwnerReferences } from "./validation.ts";
 * import { formatFieldError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const errs = validateOwnerReferences(
 *   [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "" }],
 *   "metadata.ownerReferences",
 * );
 * assert.equal(formatFieldError(errs[0]), 'metadata.ownerReferences.uid: Invalid value: "": must not be empty');
 * ```
 */
export function validateOwnerReferences(
  refs: OwnerReferenceLike[] | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!refs) return errs;
  let firstController = "";
  for (const ref of refs) {
    const gv = groupVersionOf(ref.apiVersion ?? "");
    if (!gv.version) {
      errs.push(
        field.invalid(`${path}.apiVersion`, ref.apiVersion ?? "", "version must not be empty"),
      );
    }
    if (!ref.kind) errs.push(field.invalid(`${path}.kind`, ref.kind ?? "", "must not be empty"));
    if (!ref.name) errs.push(field.invalid(`${path}.name`, ref.name ?? "", "must not be empty"));
    if (!ref.uid) errs.push(field.invalid(`${path}.uid`, ref.uid ?? "", "must not be empty"));
    if (gv.group === "" && gv.version === "v1" && ref.kind === "Event") {
      errs.push(field.invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (ref.controller === true) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController !== "") {
        errs.push(
          field.invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}
