/**
 * Kubernetes-style API errors: every failure of the API layer is an
 * {@linkcode ApiError} carrying a `meta/v1` Status, with the same reasons,
 * codes and message shapes kube-apiserver uses.
 *
 * @module
 */

/** A machine-readable reason, as in `metav1.StatusReason`. */
export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "Gone"
  | "Expired"
  | "Forbidden"
  | "Unauthorized"
  | "RequestEntityTooLarge"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "UnsupportedMediaType"
  | "Timeout"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "";

/** One cause of a failure; for Invalid, one per invalid field. */
export interface StatusCause {
  /** Machine-readable cause, e.g. `FieldValueInvalid`. */
  reason?: string;
  /** Human-readable description of the cause. */
  message?: string;
  /** The field path, e.g. `metadata.name`. */
  field?: string;
}

/** Extra details of a Status. */
export interface StatusDetails {
  /** Name of the object the error is about. */
  name?: string;
  /** API group of the object. */
  group?: string;
  /** Kind (for Invalid) or resource (for NotFound etc.) of the object. */
  kind?: string;
  /** UID of the object, when known. */
  uid?: string;
  /** Individual causes. */
  causes?: StatusCause[];
  /** Seconds after which a client may retry. */
  retryAfterSeconds?: number;
}

/** The `meta/v1` Status object returned for failed API calls. */
export interface Status {
  /** Always `Status`. */
  kind: "Status";
  /** Always `v1`. */
  apiVersion: "v1";
  /** Metadata; may carry a resourceVersion. */
  metadata: { resourceVersion?: string; continue?: string };
  /** `Success` or `Failure`. */
  status: "Success" | "Failure";
  /** Human-readable message. */
  message: string;
  /** Machine-readable reason. */
  reason: StatusReason;
  /** Extra details. */
  details?: StatusDetails;
  /** HTTP status code. */
  code: number;
}

/** The kind of a field validation error, as in `field.ErrorType`. */
export type FieldErrorType =
  | "FieldValueInvalid"
  | "FieldValueRequired"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueDuplicate"
  | "FieldValueNotSupported"
  | "FieldValueTypeInvalid"
  | "InternalError";

const FIELD_ERROR_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: "Invalid value",
  FieldValueRequired: "Required value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  FieldValueDuplicate: "Duplicate value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueTypeInvalid: "Invalid value",
  InternalError: "Internal error",
};

/** One field validation error, as in `field.Error`. */
export interface FieldError {
  /** What is wrong with the field. */
  type: FieldErrorType;
  /** Path of the field, e.g. `metadata.labels`. */
  field: string;
  /**
   * The offending value, if it is to be shown: strings quoted, numbers and
   * objects as JSON, a bigint as Go prints an unsigned integer (`0x0`).
   */
  badValue?: unknown;
  /** Explanation. */
  detail?: string;
}

function formatBadValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  // Go's %#v of an unsigned integer (a resourceVersion), e.g. 0x0.
  if (typeof v === "bigint") return `0x${v.toString(16)}`;
  if (v === null) return "null";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * Formats a field error the way `field.Error.Error()` does.
 *
 * @example
 * ```ts
 * import { formatFieldError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   formatFieldError({ type: "FieldValueRequired", field: "metadata.name", detail: "name is required" }),
 *   "metadata.name: Required value: name is required",
 * );
 * ```
 */
export function formatFieldError(e: FieldError): string {
  let s = `${e.field}: ${FIELD_ERROR_TEXT[e.type]}`;
  const showsValue = e.type === "FieldValueInvalid" ||
    e.type === "FieldValueTypeInvalid" || e.type === "FieldValueDuplicate" ||
    e.type === "FieldValueNotSupported" || e.type === "FieldValueTooMany";
  if (showsValue && e.badValue !== undefined) {
    s += `: ${formatBadValue(e.badValue)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** Constructors for field errors, as in `k8s.io/apimachinery/pkg/util/validation/field`. */
export interface FieldErrorConstructors {
  /** An invalid value. */
  invalid(path: string, value: unknown, detail: string): FieldError;
  /** A missing value. */
  required(path: string, detail?: string): FieldError;
  /** A value that may not be set or changed. */
  forbidden(path: string, detail: string): FieldError;
  /** A value that is too long. */
  tooLong(path: string, detail: string): FieldError;
  /** Too many items (`actual` is shown when known): kube's `field.TooMany`. */
  tooMany(path: string, actual: number | undefined, max: number): FieldError;
  /** A duplicated value. */
  duplicate(path: string, value: unknown): FieldError;
  /** A value outside an enumeration. */
  notSupported(path: string, value: unknown, valid: string[]): FieldError;
  /** A value of the wrong type. */
  typeInvalid(path: string, value: unknown, detail: string): FieldError;
}

/** Constructors for field errors. */
export const field: FieldErrorConstructors = {
  /** An invalid value. */
  invalid(path: string, value: unknown, detail: string): FieldError {
    return { type: "FieldValueInvalid", field: path, badValue: value, detail };
  },
  /** A missing value. */
  required(path: string, detail = ""): FieldError {
    return { type: "FieldValueRequired", field: path, detail };
  },
  /** A value that may not be set or changed. */
  forbidden(path: string, detail: string): FieldError {
    return { type: "FieldValueForbidden", field: path, detail };
  },
  /** A value that is too long. */
  tooLong(path: string, detail: string): FieldError {
    return { type: "FieldValueTooLong", field: path, detail };
  },
  /** Too many items (`actual` is shown when known): kube's `field.TooMany`. */
  tooMany(path: string, actual: number | undefined, max: number): FieldError {
    return {
      type: "FieldValueTooMany",
      field: path,
      badValue: actual,
      detail: `must have at most ${max} ${max === 1 ? "item" : "items"}`,
    };
  },
  /** A duplicated value. */
  duplicate(path: string, value: unknown): FieldError {
    return { type: "FieldValueDuplicate", field: path, badValue: value };
  },
  /** A value outside an enumeration. */
  notSupported(path: string, value: unknown, valid: string[]): FieldError {
    return {
      type: "FieldValueNotSupported",
      field: path,
      badValue: value,
      detail: `supported values: ${valid.map((v) => JSON.stringify(v)).join(", ")}`,
    };
  },
  /** A value of the wrong type. */
  typeInvalid(path: string, value: unknown, detail: string): FieldError {
    return { type: "FieldValueTypeInvalid", field: path, badValue: value, detail };
  },
};

/** Options common to the error constructors: which resource is concerned. */
export interface ResourceRef {
  /** API group, "" for core. */
  group?: string;
  /** Plural resource name, e.g. `configmaps`. */
  resource: string;
  /** Object name. */
  name?: string;
}

/** Qualified resource as the API server prints it: `configmaps`, `deployments.apps`. */
export function qualifiedResource(ref: { group?: string; resource: string }): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

/**
 * An error of the API layer. `status` is the Status the HTTP front end sends.
 *
 * @example
 * ```ts
 * import { ApiError, isNotFound } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const err = ApiError.notFound({ resource: "configmaps", name: "app" });
 * assert.equal(err.message, 'configmaps "app" not found');
 * assert.ok(isNotFound(err));
 * ```
 */
export class ApiError extends Error {
  /** The Status carried by this error. */
  readonly status: Status;

  /** Wraps a Status. */
  constructor(status: Status) {
    super(status.message);
    this.name = "ApiError";
    this.status = status;
  }

  /** HTTP code. */
  get code(): number {
    return this.status.code;
  }

  /** Status reason. */
  get reason(): StatusReason {
    return this.status.reason;
  }

  /** Builds an error from its parts. */
  static of(
    code: number,
    reason: StatusReason,
    message: string,
    details?: StatusDetails,
  ): ApiError {
    const status: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      code,
    };
    if (details) status.details = details;
    return new ApiError(status);
  }

  /** 404: `configmaps "x" not found`. */
  static notFound(ref: ResourceRef): ApiError {
    const qr = qualifiedResource(ref);
    const msg = ref.name !== undefined ? `${qr} "${ref.name}" not found` : `${qr} not found`;
    return ApiError.of(404, "NotFound", msg, {
      name: ref.name,
      group: ref.group,
      kind: ref.resource,
    });
  }

  /** 409: `configmaps "x" already exists`. */
  static alreadyExists(ref: ResourceRef): ApiError {
    return ApiError.of(
      409,
      "AlreadyExists",
      `${qualifiedResource(ref)} "${ref.name}" already exists`,
      { name: ref.name, group: ref.group, kind: ref.resource },
    );
  }

  /** 409: `Operation cannot be fulfilled on configmaps "x": <why>`. */
  static conflict(ref: ResourceRef, why: string): ApiError {
    return ApiError.of(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${ref.name}": ${why}`,
      { name: ref.name, group: ref.group, kind: ref.resource },
    );
  }

  /** 422: `ConfigMap "x" is invalid: [...]`. `kind` is the Kind, not the resource. */
  static invalid(
    kind: { group?: string; kind: string },
    name: string,
    errors: FieldError[],
  ): ApiError {
    const parts = errors.map(formatFieldError);
    const qk = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
    const joined = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
    return ApiError.of(422, "Invalid", `${qk} "${name}" is invalid: ${joined}`, {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: errors.map((e) => ({
        reason: e.type,
        message: formatFieldError(e).slice(e.field.length + 2),
        field: e.field,
      })),
    });
  }

  /** 400 BadRequest. */
  static badRequest(message: string): ApiError {
    return ApiError.of(400, "BadRequest", message);
  }

  /** 410 Expired: a resourceVersion older than the compaction point. */
  static expired(message: string): ApiError {
    return ApiError.of(410, "Expired", message);
  }

  /** 410 Gone. */
  static gone(message: string): ApiError {
    return ApiError.of(410, "Gone", message);
  }

  /** 403: `configmaps "x" is forbidden: <why>`. */
  static forbidden(ref: ResourceRef, why: string): ApiError {
    const qr = qualifiedResource(ref);
    const subject = ref.name !== undefined ? `${qr} "${ref.name}"` : qr;
    return ApiError.of(403, "Forbidden", `${subject} is forbidden: ${why}`, {
      name: ref.name,
      group: ref.group,
      kind: ref.resource,
    });
  }

  /** 413: the object is larger than the server accepts. */
  static tooLarge(limit: number): ApiError {
    return ApiError.of(
      413,
      "RequestEntityTooLarge",
      `Request entity too large: limit is ${limit}`,
    );
  }

  /** 405: the verb is not supported on the resource. */
  static methodNotAllowed(
    message = "the server does not allow this method on the requested resource",
  ): ApiError {
    return ApiError.of(405, "MethodNotAllowed", message);
  }

  /** 500: an unexpected failure. */
  static internal(message: string): ApiError {
    return ApiError.of(500, "InternalError", `Internal error occurred: ${message}`);
  }

  /** 504 Timeout. */
  static timeout(message: string): ApiError {
    return ApiError.of(504, "Timeout", message);
  }
}

function reasonOf(err: unknown): StatusReason | undefined {
  return err instanceof ApiError ? err.status.reason : undefined;
}

/** True if `err` is an ApiError with reason NotFound. */
export function isNotFound(err: unknown): boolean {
  return reasonOf(err) === "NotFound";
}
/**
 * Returns undefined for a NotFound error and throws anything else, as
 * controller-runtime's `client.IgnoreNotFound`: for reads where absence is
 * an answer, `await client.get(Kind, name).catch(ignoreNotFound)`.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap, ignoreNotFound } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * const cm = await rt.client.get(ConfigMap, "absent").catch(ignoreNotFound);
 * assert.equal(cm, undefined);
 * ```
 */
export function ignoreNotFound(err: unknown): undefined {
  if (isNotFound(err)) return undefined;
  throw err;
}

/** True if `err` is an ApiError with reason AlreadyExists. */
export function isAlreadyExists(err: unknown): boolean {
  return reasonOf(err) === "AlreadyExists";
}
/** True if `err` is an ApiError with reason Conflict. */
export function isConflict(err: unknown): boolean {
  return reasonOf(err) === "Conflict";
}
/** True if `err` is an ApiError with reason Invalid. */
export function isInvalid(err: unknown): boolean {
  return reasonOf(err) === "Invalid";
}
/** True if `err` is an ApiError with reason BadRequest. */
export function isBadRequest(err: unknown): boolean {
  return reasonOf(err) === "BadRequest";
}
/** True if `err` is an ApiError with reason Gone. */
export function isGone(err: unknown): boolean {
  return reasonOf(err) === "Gone";
}
/** True if `err` is an ApiError with reason Expired (or Gone), as `IsResourceExpired`. */
export function isResourceExpired(err: unknown): boolean {
  const r = reasonOf(err);
  return r === "Expired" || r === "Gone";
}
/** True if `err` is an ApiError with reason Forbidden. */
export function isForbidden(err: unknown): boolean {
  return reasonOf(err) === "Forbidden";
}
/** True if `err` is an ApiError with reason RequestEntityTooLarge. */
export function isRequestEntityTooLarge(err: unknown): boolean {
  return reasonOf(err) === "RequestEntityTooLarge";
}
/** True if `err` is an ApiError with reason MethodNotAllowed. */
export function isMethodNotAllowed(err: unknown): boolean {
  return reasonOf(err) === "MethodNotAllowed";
}
/** True if `err` is an ApiError with reason InternalError. */
export function isInternalError(err: unknown): boolean {
  return reasonOf(err) === "InternalError";
}
