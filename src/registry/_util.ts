// Internal helpers of the registry.
import { field, type FieldError } from "../apimachinery/errors.ts";

/** Formats a zod issue path the way Kubernetes prints field paths. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (typeof p === "string" && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) {
      out += out ? `.${p}` : p;
    } else out += `[${String(p)}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  values?: unknown[];
  maximum?: number | bigint;
  minimum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  keys?: string[];
  format?: string;
  pattern?: string;
}

/** Converts zod issues into Kubernetes field errors. */
export function zodIssuesToFieldErrors(issues: readonly unknown[], input: unknown): FieldError[] {
  return (issues as ZodIssueLike[]).map((issue) => {
    const path = formatPath("", issue.path);
    const bad = valueAt(input, issue.path);
    switch (issue.code) {
      case "invalid_type":
        if (bad === undefined) return field.required(path);
        return field.typeInvalid(path, bad, `must be of type ${issue.expected}`);
      case "invalid_value":
        return field.notSupported(path, bad, (issue.values ?? []).map(String));
      case "too_big": {
        const max = String(issue.maximum);
        if (issue.origin === "string") {
          return field.tooLong(path, `may not be more than ${max} bytes`);
        }
        if (issue.origin === "array" || issue.origin === "set") {
          return field.tooMany(path, Array.isArray(bad) ? bad.length : undefined, Number(max));
        }
        return field.invalid(
          path,
          bad,
          `must be less than ${issue.inclusive === false ? "" : "or equal to "}${max}`,
        );
      }
      case "too_small": {
        const min = String(issue.minimum);
        if (issue.origin === "string") {
          return field.invalid(path, bad, `must be at least ${min} characters long`);
        }
        if (issue.origin === "array" || issue.origin === "set") {
          return field.invalid(path, bad, `must have at least ${min} items`);
        }
        return field.invalid(
          path,
          bad,
          `must be greater than ${issue.inclusive === false ? "" : "or equal to "}${min}`,
        );
      }
      case "unrecognized_keys":
        return field.invalid(
          path,
          issue.keys,
          `unknown field${(issue.keys?.length ?? 0) > 1 ? "s" : ""} ${
            (issue.keys ?? []).map((k) => JSON.stringify(k)).join(", ")
          }`,
        );
      case "invalid_format":
        return field.invalid(
          path,
          bad,
          issue.pattern ? `must match the pattern ${issue.pattern}` : issue.message,
        );
      default:
        return field.invalid(path, bad, issue.message);
    }
  });
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

/** Five random characters from Kubernetes' name-suffix alphabet. */
export function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  let s = "";
  for (const b of bytes) s += NAME_CHARS[b % NAME_CHARS.length];
  return s;
}
