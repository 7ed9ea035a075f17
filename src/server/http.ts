/**
 * HTTP plumbing of the API server: Status responses, media types, bounded
 * body reads, query parameters decoded as kube-apiserver decodes them, and
 * `Warning` headers.
 *
 * @module
 */
import { ApiError, type Status } from "../apimachinery/errors.ts";

/** kube-apiserver's default limit on a request body (`--max-request-body-bytes`). */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

/** The Content-Type of every JSON answer. */
export const JSON_TYPE = "application/json";

/** A JSON response with `status` and optional extra headers. */
export function jsonResponse(body: unknown, status = 200, headers?: Headers): Response {
  const h = headers ?? new Headers();
  h.set("content-type", JSON_TYPE);
  h.set("cache-control", "no-cache, private");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** The Status an error becomes: an ApiError's own, else a 500 InternalError. */
export function statusOf(err: unknown): Status {
  if (err instanceof ApiError) return err.status;
  const code = (err as { code?: unknown })?.code;
  // The store's "unavailable" (a locked, read-only or vanished store) is a 503.
  if (code === "unavailable") {
    return ApiError.of(503, "ServiceUnavailable", (err as Error).message).status;
  }
  const message = err instanceof Error ? err.message : String(err);
  return ApiError.internal(message).status;
}

/** A Status response for an error. */
export function errorResponse(err: unknown, headers?: Headers): Response {
  const status = statusOf(err);
  const h = headers ?? new Headers();
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined && retry > 0) h.set("retry-after", String(retry));
  return jsonResponse(status, status.code, h);
}

/** 404 for a path the server does not serve, as kube-apiserver answers it. */
export function notFoundPath(): ApiError {
  return ApiError.of(404, "NotFound", "the server could not find the requested resource", {});
}

/** A parsed media type: `type/subtype` lower-cased and its parameters. */
export interface MediaType {
  /** e.g. `application/json`. */
  type: string;
  /** Parameters, names lower-cased. */
  params: Record<string, string>;
}

/** Parses one media type (`application/json;as=Table;v=v1`); undefined when malformed. */
export function parseMediaType(text: string): MediaType | undefined {
  const parts = text.split(";");
  const type = parts[0].trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+*-]+\/[a-z0-9!#$&^_.+*-]+$/.test(type)) return undefined;
  const params: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type, params };
}

/** The media ranges of an Accept header, in the client's order of preference (q=0 dropped). */
export function acceptList(accept: string | null): MediaType[] {
  if (!accept) return [];
  const out: { m: MediaType; q: number; i: number }[] = [];
  accept.split(",").forEach((part, i) => {
    const m = parseMediaType(part);
    if (!m) return;
    const q = m.params.q === undefined ? 1 : Number(m.params.q);
    if (!(q > 0)) return;
    out.push({ m, q, i });
  });
  return out.sort((a, b) => b.q - a.q || a.i - b.i).map((x) => x.m);
}

/** True when the Accept header asks for a meta.k8s.io/v1 (or v1beta1) Table before plain JSON. */
export function wantsTable(accept: string | null): boolean {
  for (const m of acceptList(accept)) {
    if (m.params.as === "Table" && m.params.g === "meta.k8s.io") {
      if (m.type === "application/json" && (m.params.v === "v1" || m.params.v === "v1beta1")) {
        return true;
      }
      continue;
    }
    if (m.params.as !== undefined) continue; // another conversion we do not serve
    if (matches(m.type, JSON_TYPE) || m.type === "application/vnd.kubernetes.protobuf") {
      return false;
    }
  }
  return false;
}

function matches(range: string, type: string): boolean {
  if (range === "*/*") return true;
  if (range.endsWith("/*")) return type.startsWith(range.slice(0, -1));
  return range === type;
}

/**
 * Checks that the answer can be JSON (or a Table as JSON): kube answers 406
 * NotAcceptable when no acceptable media type is served.
 */
export function checkAcceptable(accept: string | null): void {
  const list = acceptList(accept);
  if (list.length === 0) return;
  for (const m of list) {
    if (
      matches(m.type, JSON_TYPE) || m.type === "application/vnd.kubernetes.protobuf" ||
      m.type === "application/yaml" || m.type === "application/json;stream=watch"
    ) return;
  }
  throw ApiError.of(
    406,
    "NotAcceptable",
    "only the following media types are accepted: application/json, application/yaml, " +
      "application/vnd.kubernetes.protobuf",
  );
}

/**
 * Reads a request body, refusing more than `limit` bytes with kube's 413
 * before reading it all (by Content-Length when given, else while reading).
 */
export async function readBody(req: Request, limit = MAX_REQUEST_BYTES): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await req.body?.cancel().catch(() => {});
    throw ApiError.tooLarge(limit);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw ApiError.tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Query parameters decoded the way kube-apiserver's parameter codec decodes them. */
export class Query {
  readonly #params: URLSearchParams;

  /** Wraps a request's query. */
  constructor(params: URLSearchParams) {
    this.#params = params;
  }

  /** A string parameter (the first value); undefined when absent. */
  string(name: string): string | undefined {
    return this.#params.get(name) ?? undefined;
  }

  /** Every value of a repeated parameter (e.g. `dryRun`). */
  all(name: string): string[] {
    return this.#params.getAll(name);
  }

  /** True when the parameter is present. */
  has(name: string): boolean {
    return this.#params.has(name);
  }

  /** A boolean parameter, parsed as Go's strconv.ParseBool; "" counts as absent. */
  bool(name: string): boolean | undefined {
    const v = this.#params.get(name);
    if (v === null || v === "") return undefined;
    if (["1", "t", "T", "TRUE", "true", "True"].includes(v)) return true;
    if (["0", "f", "F", "FALSE", "false", "False"].includes(v)) return false;
    throw ApiError.badRequest(`strconv.ParseBool: parsing ${goQuote(v)}: invalid syntax`);
  }

  /** An int64 parameter, parsed as Go's strconv.ParseInt; "" counts as absent. */
  int(name: string): number | undefined {
    const v = this.#params.get(name);
    if (v === null || v === "") return undefined;
    if (!/^[+-]?\d+$/.test(v)) {
      throw ApiError.badRequest(`strconv.ParseInt: parsing ${goQuote(v)}: invalid syntax`);
    }
    const n = Number(v);
    if (!Number.isSafeInteger(n)) {
      throw ApiError.badRequest(`strconv.ParseInt: parsing ${goQuote(v)}: value out of range`);
    }
    return n;
  }
}

/** Go's %q of a string (JSON escaping is close enough for what clients send). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Collects warnings for `Warning: 299 - "text"` headers (kubectl prints them
 * as `Warning: text`), deduplicated as kube-apiserver does.
 */
export class Warnings {
  readonly #seen = new Set<string>();

  /** Adds a warning (use as a registry `onWarning`). */
  readonly add = (message: string): void => {
    this.#seen.add(message);
  };

  /** Headers carrying the warnings, or a fresh empty set. */
  headers(): Headers {
    const h = new Headers();
    for (const w of this.#seen) h.append("warning", `299 - ${warningText(w)}`);
    return h;
  }
}

/** RFC 7234 warn-text: a quoted string with `"` and `\` escaped; control characters dropped. */
function warningText(s: string): string {
  // deno-lint-ignore no-control-regex
  const clean = s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, " ");
  return `"${clean.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
