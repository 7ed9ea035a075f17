/**
 * HTTP plumbing of the API server: Status responses, media types, bounded
 * body reads, query parameters decoded as kube-apiserver decodes them, and
 * `Warning` headers.
 *
 * @module
 */
import { ApiError, type Status } from "../apimachinery/errors.ts";
import { goQuote } from "../apimachinery/json_value.ts";

/** kube-apiserver's default limit on a request body (`--max-request-body-bytes`). */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

/** The Content-Type of every JSON answer. */
export const JSON_TYPE = "application/json";

/** Extra response headers, as name-value pairs. */
export type HeaderList = [string, string][];

/** A JSON response with `status` and optional extra headers. */
export function jsonResponse(body: unknown, status = 200, headers?: HeaderList): Response {
  // A header list costs the server less than a Headers object.
  const h: HeaderList = [["content-type", JSON_TYPE], ["cache-control", "no-cache, private"]];
  if (headers) h.push(...headers);
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
export function errorResponse(err: unknown, headers?: HeaderList): Response {
  const status = statusOf(err);
  const h: HeaderList = headers ? [...headers] : [];
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined && retry > 0) h.push(["retry-after", String(retry)]);
  return jsonResponse(status, status.code, h);
}

/** 404 for a path the server does not serve, as kube-apiserver answers it. */
export function notFoundPath(): ApiError {
  return ApiError.of(404, "NotFound", "the server could not find the requested resource", {});
}

/** One media range of an Accept header (or the media type of a Content-Type). */
export interface MediaRange {
  /** Type, lower-cased (`application`, `*`). */
  type: string;
  /** Subtype, lower-cased (`json`, `*`). */
  subtype: string;
  /** Parameters other than `q`, names lower-cased, values unquoted. */
  params: Record<string, string>;
  /** Quality, 0 < q ≤ 1 (0 when unreadable or zero). */
  q: number;
}

/** Splits at `sep` outside double-quoted strings. */
function splitUnquoted(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === "\\" && i + 1 < text.length) {
      cur += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"')
    ? v.slice(1, -1).replace(/\\(.)/g, "$1")
    : v;
}

/** One media range (`application/json;as=Table;v=v1;q=0.9`); undefined when malformed. */
function parseRange(text: string): MediaRange | undefined {
  const [head, ...rest] = splitUnquoted(text, ";");
  const m = /^\s*([!#$%&'*+.^_`|~0-9a-z-]+)\/([!#$%&'*+.^_`|~0-9a-z-]+)\s*$/i.exec(head);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  let q = 1;
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    const value = unquote(p.slice(eq + 1).trim());
    if (name === "q") q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : 0;
    else params[name] = value;
  }
  return { type: m[1].toLowerCase(), subtype: m[2].toLowerCase(), params, q };
}

/**
 * Parses an Accept header into media ranges in the client's order of
 * preference: by `q` (highest first), ties in the order written. Ranges with
 * `q=0` (not acceptable) or an unreadable `q`, and malformed ranges, are
 * dropped.
 *
 * @example
 * ```ts
 * import { parseAccept } from "./http.ts";
 * import assert from "node:assert/strict";
 *
 * const ranges = parseAccept('text/plain;q=0.5, application/json;as="Table";v=v1');
 * assert.deepEqual(ranges.map((r) => [r.type, r.subtype, r.params, r.q]), [
 *   ["application", "json", { as: "Table", v: "v1" }, 1],
 *   ["text", "plain", {}, 0.5],
 * ]);
 * ```
 */
export function parseAccept(header: string | null | undefined): MediaRange[] {
  if (!header) return [];
  const ranges: { range: MediaRange; index: number }[] = [];
  splitUnquoted(header, ",").forEach((part, index) => {
    const range = parseRange(part);
    if (range && range.q > 0) ranges.push({ range, index });
  });
  return ranges.sort((a, b) => b.range.q - a.range.q || a.index - b.index).map((r) => r.range);
}

/** A Content-Type's media type, `type/subtype` lower-cased; undefined when malformed. */
export function mediaTypeOf(contentType: string): string | undefined {
  return MEDIA_TYPES.get(contentType, () => {
    const r = parseRange(contentType);
    return r && `${r.type}/${r.subtype}`;
  });
}

/**
 * Answers computed from header values, kept by value: clients send the same
 * few Accept and Content-Type headers, so each is parsed once.
 */
class HeaderMemo<T> {
  readonly #answers = new Map<string, T>();

  get(header: string, compute: () => T): T {
    if (this.#answers.has(header)) return this.#answers.get(header) as T;
    const answer = compute();
    if (this.#answers.size >= 256) this.#answers.clear();
    this.#answers.set(header, answer);
    return answer;
  }
}

const MEDIA_TYPES = new HeaderMemo<string | undefined>();

/** True for a range JSON answers satisfy: `application/json`, `application/*`, `*\/*`. */
export function acceptsJson(r: MediaRange): boolean {
  return (r.type === "application" && (r.subtype === "json" || r.subtype === "*")) ||
    (r.type === "*" && r.subtype === "*");
}

const isProtobuf = (r: MediaRange) =>
  r.type === "application" && r.subtype === "vnd.kubernetes.protobuf";

/**
 * How a resource request is answered, from its Accept header: as a
 * meta.k8s.io/v1 (or v1beta1) Table when the client prefers one to plain
 * JSON, else as JSON (also for protobuf and YAML, whose clients accept
 * JSON); 406 NotAcceptable, as kube answers, when nothing served is
 * acceptable.
 */
export function negotiateOutput(
  accept: string | null,
): { table: boolean; version: "v1" | "v1beta1" } {
  const answer = NEGOTIATED.get(accept ?? "", () => negotiate(accept));
  if (answer instanceof ApiError) throw answer;
  return answer;
}

const NEGOTIATED = new HeaderMemo<{ table: boolean; version: "v1" | "v1beta1" } | ApiError>();

function negotiate(
  accept: string | null,
): { table: boolean; version: "v1" | "v1beta1" } | ApiError {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { table: false, version: "v1" };
  let table: boolean | undefined;
  let version: "v1" | "v1beta1" = "v1";
  let acceptable = false;
  for (const r of ranges) {
    const json = acceptsJson(r);
    if (json || isProtobuf(r) || (r.type === "application" && r.subtype === "yaml")) {
      acceptable = true;
    }
    if (table !== undefined) continue;
    if (r.params.as === "Table" && r.params.g === "meta.k8s.io") {
      const v = r.params.v;
      if (r.type === "application" && r.subtype === "json" && (v === "v1" || v === "v1beta1")) {
        table = true;
        version = v;
      }
    } else if (r.params.as === undefined && (json || isProtobuf(r))) {
      table = false;
    } // a range asking for another conversion (`as=...`) is not served: look further
  }
  if (!acceptable) {
    return ApiError.of(
      406,
      "NotAcceptable",
      "only the following media types are accepted: application/json, application/yaml, " +
        "application/vnd.kubernetes.protobuf",
    );
  }
  return { table: table === true, version };
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
  // With a Content-Length the server reads exactly that much: read it at once
  // (before touching req.body, which makes a stream of it).
  if (declared !== null) {
    const body = await req.bytes();
    if (body.length > limit) throw ApiError.tooLarge(limit);
    return body;
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

  /** Headers carrying the warnings (none when there are none). */
  headers(): HeaderList {
    return [...this.#seen].map((w) => ["warning", `299 - ${warningText(w)}`]);
  }
}

/** RFC 7234 warn-text: a quoted string with `"` and `\` escaped; control characters dropped. */
function warningText(s: string): string {
  // deno-lint-ignore no-control-regex
  const clean = s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, " ");
  return `"${clean.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
