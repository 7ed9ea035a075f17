/**
 * The HTTP transport of the typed client: the same {@linkcode Client} as the
 * in-process one, speaking the Kubernetes REST API to `k1s serve` or to any
 * Kubernetes API server, as client-go's REST client does:
 *
 * - a kind's URL from its group, version, plural and scope;
 * - errors as {@linkcode ApiError} carrying the server's Status (or, for an
 *   answer that is not a Status, client-go's generic error for its code);
 * - `Warning` headers to the write's `onWarning`;
 * - retries of answers carrying `Retry-After` (429 and 5xx), up to 10, and of
 *   GETs whose connection failed, with backoff;
 * - watches as a stream of JSON lines, ended by the caller's signal.
 *
 * Credentials and TLS are the caller's: `connect()` builds them from a
 * kubeconfig and passes a `fetch` and an `authorization` source.
 *
 * @module
 */
import {
  ApiError,
  type Status,
  type StatusDetails,
  type StatusReason,
} from "../apimachinery/errors.ts";
import { fieldSelectorFromSet } from "../apimachinery/fields.ts";
import type { KubeList, KubeObject, Stored, WatchEvent } from "../apimachinery/meta.ts";
import {
  compileLabelSelector,
  type FieldSelectorInput,
  type LabelSelectorInput,
} from "../registry/selection.ts";
import type { Kind } from "../scheme/kind.ts";
import {
  bindResource,
  type Client,
  type CreateOptions,
  type DeleteCollectionOptions,
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type PatchOptions,
  type PatchType,
  type ResourceClient,
  type ScaleClient,
  type StatusWriter,
  type UpdateOptions,
  type WatchOptions,
} from "./client.ts";
import type { Scale } from "../registry/scale.ts";

/** One resource the server serves, as discovery describes it. */
export interface DiscoveredResource {
  /** API group ("" for core). */
  group: string;
  /** Version. */
  version: string;
  /** True for the group's preferred version. */
  preferred: boolean;
  /** Plural name. */
  resource: string;
  /** Singular name. */
  singular: string;
  /** Kind. */
  kind: string;
  /** `Namespaced` or `Cluster`. */
  scope: "Namespaced" | "Cluster";
  /** Short names. */
  shortNames: string[];
  /** Categories. */
  categories: string[];
  /** Verbs. */
  verbs: string[];
  /** Subresources (`status`, `scale`, ...). */
  subresources: string[];
}

/** The parts of an aggregated discovery document read here. */
interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: {
      version: string;
      resources?: {
        resource: string;
        singularResource: string;
        responseKind?: { kind: string };
        scope: "Namespaced" | "Cluster";
        shortNames?: string[];
        categories?: string[];
        verbs?: string[];
        subresources?: { subresource: string }[];
      }[];
    }[];
  }[];
}

/** Options of {@linkcode HttpClient}. */
export interface HttpClientOptions {
  /** The server's base URL, `https://host:port` (a path prefix is kept). */
  server: string;
  /** The fetch to use (one bound to a `Deno.HttpClient` for TLS settings). Default: global fetch. */
  fetch?: typeof fetch;
  /**
   * The `Authorization` header for the next request (read before each one, so
   * rotated tokens are picked up); undefined for none.
   */
  authorization?: () => string | undefined | Promise<string | undefined>;
  /**
   * Called once when a request is answered 401: true when credentials were
   * renewed (an exec plugin run again) and the request should be sent again.
   */
  onUnauthorized?: () => Promise<boolean>;
  /** Retries of answers with `Retry-After` and of failed GET connections. Default 10, as client-go. */
  maxRetries?: number;
  /** Longest wait between retries, in ms. Default 30,000. */
  maxRetryDelayMs?: number;
  /** The `User-Agent` header. Default `k1s`. */
  userAgent?: string;
  /**
   * The namespace of namespaced requests that name none (a kubeconfig context's, as kubectl
   * uses it). Default `default`, as in-process.
   */
  namespace?: string;
  /** Headers sent with every request (e.g. `Impersonate-User`). */
  headers?: [string, string][];
}

/** The path of a kind's collection or object: `/api/v1/namespaces/ns/configmaps/name/status`. */
export function resourcePath(
  kind: Kind,
  where: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  // A call that names an object must name one: an undefined name is client-go's empty one,
  // refused; it would otherwise address the collection (a DELETE of every object).
  const named = Object.hasOwn(where, "name");
  if (named) checkSegment("resource name", where.name ?? "");
  if (kind.scope === "Namespaced" && where.namespace !== undefined) {
    checkSegment("namespace", where.namespace);
  }
  let path = kind.group === "" ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`;
  if (kind.scope === "Namespaced" && where.namespace !== undefined) {
    path += `/namespaces/${encodeURIComponent(where.namespace)}`;
  }
  path += `/${kind.plural}`;
  if (named) path += `/${encodeURIComponent(where.name!)}`;
  if (where.subresource !== undefined) path += `/${where.subresource}`;
  return path;
}

/**
 * Refuses a name or namespace that cannot be one path segment, with client-go's texts
 * (`rest.Request.Name`/`Namespace`): "" would address the collection and "." or ".." another
 * path once the URL is resolved.
 */
function checkSegment(what: "resource name" | "namespace", value: string): void {
  if (value === "") throw new Error(`${what} may not be empty`);
  const msgs: string[] = [];
  if (value === "." || value === "..") msgs.push(`may not be '${value}'`);
  if (value.includes("/")) msgs.push("may not contain '/'");
  if (value.includes("%")) msgs.push("may not contain '%'");
  if (msgs.length) {
    throw new Error(`invalid ${what} ${JSON.stringify(value)}: [${msgs.join(", ")}]`);
  }
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

/** A label selector in the string form a request carries. */
function labelSelectorText(input: LabelSelectorInput | undefined): string | undefined {
  if (input === undefined || input === "") return undefined;
  if (typeof input === "string") return input;
  return compileLabelSelector(input)?.toString();
}

/** A field selector in the string form a request carries. */
function fieldSelectorText(input: FieldSelectorInput | undefined): string | undefined {
  if (input === undefined || input === "") return undefined;
  if (typeof input === "string") return input;
  return fieldSelectorFromSet(input).toString();
}

/** A query with the label and field selectors of a list, watch or deleteCollection. */
function selectorQuery(
  options?: { labelSelector?: LabelSelectorInput; fieldSelector?: FieldSelectorInput },
): URLSearchParams {
  const q = new URLSearchParams();
  const label = labelSelectorText(options?.labelSelector);
  if (label) q.set("labelSelector", label);
  const fields = fieldSelectorText(options?.fieldSelector);
  if (fields) q.set("fieldSelector", fields);
  return q;
}

/** client-go's generic error for an answer without a Status (NewGenericServerResponse). */
function genericError(
  code: number,
  method: string,
  target: { group: string; resource: string },
  name: string | undefined,
  body: { text: string; contentType: string | null },
  retryAfter?: number,
): ApiError {
  let reason: StatusReason = "";
  let message =
    `the server responded with the status code ${code} but did not return more information`;
  // As client-go: the body only when it is text, and at most 2 KiB of it.
  const isText = body.contentType === null || /^text\//i.test(body.contentType);
  const server = isText ? body.text.trim().slice(0, 2048) : "unknown";
  const resource = target.group ? `${target.resource}.${target.group}` : target.resource;
  switch (code) {
    case 409:
      reason = method === "POST" ? "AlreadyExists" : "Conflict";
      message = "the server reported a conflict";
      break;
    case 404:
      reason = "NotFound";
      message = "the server could not find the requested resource";
      break;
    case 400:
      reason = "BadRequest";
      message = "the server rejected our request for an unknown reason";
      break;
    case 401:
      reason = "Unauthorized";
      message = "the server has asked for the client to provide credentials";
      break;
    case 403:
      reason = "Forbidden";
      message = server;
      break;
    case 406:
      reason = "NotAcceptable";
      message = server && server !== "unknown"
        ? server
        : "the server was unable to respond with a content type that the client supports";
      break;
    case 415:
      reason = "UnsupportedMediaType";
      message = server;
      break;
    case 405:
      reason = "MethodNotAllowed";
      message = "the server does not allow this method on the requested resource";
      break;
    case 422:
      reason = "Invalid";
      message = "the server rejected our request due to an error in our request";
      break;
    case 503:
      reason = "ServiceUnavailable";
      message = "the server is currently unable to handle the request";
      break;
    case 504:
      reason = "Timeout";
      message =
        "the server was unable to return a response in the time allotted, but may still be processing the request";
      break;
    case 429:
      reason = "TooManyRequests";
      message = "the server has received too many requests and has asked us to try again later";
      break;
    default:
      if (code >= 500) {
        reason = "InternalError";
        message = `an error on the server (${
          JSON.stringify(server)
        }) has prevented the request from succeeding`;
      }
  }
  if (resource) {
    message += name
      ? ` (${method.toLowerCase()} ${resource} ${name})`
      : ` (${method.toLowerCase()} ${resource})`;
  }
  const details: StatusDetails = {
    group: target.group || undefined,
    kind: target.resource,
    name,
    causes: [{ reason: "UnexpectedServerResponse", message: server }],
  };
  if (retryAfter !== undefined) details.retryAfterSeconds = retryAfter;
  return ApiError.of(code, reason, message, details);
}

function isStatus(v: unknown): v is Status {
  return v !== null && typeof v === "object" && (v as { kind?: unknown }).kind === "Status";
}

/** Seconds of a `Retry-After` header (delta-seconds only, as client-go reads it). */
function retryAfterSeconds(res: Response): number | undefined {
  const v = res.headers.get("retry-after");
  if (v === null || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number(v);
}

/** The warn-texts of `Warning: 299 - "text"` headers. */
function warningsOf(res: Response): string[] {
  const out: string[] = [];
  const header = res.headers.get("warning");
  if (!header) return out;
  // As client-go: only code 299, and only with text.
  const re = /(\d{3})\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;
  for (const m of header.matchAll(re)) {
    const text = m[2].replace(/\\(.)/g, "$1");
    if (m[1] === "299" && text !== "") out.push(text);
  }
  return out;
}

/**
 * One line of a watch stream; a line that is not an event becomes an ERROR event (as
 * client-go's StreamWatcher reports a decoding failure), which ends the caller's watch.
 */
function decodeEvent<T extends KubeObject>(line: string): WatchEvent<T> {
  try {
    const ev = JSON.parse(line);
    if (ev && typeof ev === "object" && typeof ev.type === "string") return ev;
  } catch {
    // reported below
  }
  const status = ApiError.internal(
    `unable to decode an event from the watch stream: ${line.slice(0, 200)}`,
  ).status;
  return { type: "ERROR", object: status as unknown as T };
}

/** A failure of a connection in flight, which a read may retry. */
const TRANSIENT =
  /connection (reset|closed|aborted)|broken pipe|unexpected eof|incomplete ?message|stream closed|error reading a body from connection/i;

/** Why a fetch failed: its own message is only "fetch failed", the reason is in its cause. */
function causeText(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error && /^fetch failed$/i.test(e.message)) {
    e = e.cause;
  }
  return e instanceof Error ? e.message : String(e);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function callPath(call: Call): string {
  return call.path ?? resourcePath(call.kind!, call.where);
}

interface Call {
  method: string;
  /** The kind addressed, and where: its URL, and what errors without a Status name. */
  kind?: Kind;
  where?: { namespace?: string; name?: string; subresource?: string };
  /** A path that is not a kind's (discovery). */
  path?: string;
  query?: URLSearchParams;
  body?: string | Uint8Array;
  contentType?: string;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * A {@linkcode Client} over HTTP.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { serve } from "../server/server.ts";
 * import { HttpClient } from "./http.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await using server = await serve(rt, { port: 0 });
 * const client = new HttpClient({ server: server.url });
 * await client.create(ConfigMap, { metadata: { name: "app" }, data: { mode: "fast" } });
 * assert.equal((await rt.client.get(ConfigMap, "app")).data?.mode, "fast");
 * ```
 */
export class HttpClient implements Client {
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #authorization: HttpClientOptions["authorization"];
  readonly #onUnauthorized: HttpClientOptions["onUnauthorized"];
  readonly #maxRetries: number;
  readonly #maxDelay: number;
  readonly #userAgent: string;
  readonly #namespace: string;
  readonly #headers: [string, string][];
  /** The status writer. */
  readonly status: StatusWriter;
  /** The scale subresource. */
  readonly scale: ScaleClient;

  /** A client of the server at `options.server`. */
  constructor(options: HttpClientOptions) {
    const url = new URL(options.server);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`server ${options.server}: the URL must be http:// or https://`);
    }
    this.#base = url.origin + url.pathname.replace(/\/+$/, "");
    this.#fetch = options.fetch ?? fetch;
    this.#authorization = options.authorization;
    this.#onUnauthorized = options.onUnauthorized;
    this.#maxRetries = options.maxRetries ?? 10;
    this.#maxDelay = options.maxRetryDelayMs ?? 30_000;
    this.#userAgent = options.userAgent ?? "k1s";
    this.#namespace = options.namespace ?? "default";
    this.#headers = options.headers ?? [];
    this.status = {
      update: (kind, obj, o) => this.#update(kind, obj, o, "status"),
      patch: (kind, name, patch, o) => this.#patch(kind, name, patch, o, "status"),
    };
    this.scale = {
      get: (kind, name, o) =>
        this.#json<Scale>({
          method: "GET",
          kind,
          where: { namespace: this.#namespaceOf(kind, o?.namespace), name, subresource: "scale" },
          query: o?.resourceVersion
            ? new URLSearchParams({ resourceVersion: o.resourceVersion })
            : undefined,
        }),
      update: (kind, name, scale, o) =>
        this.#json<Scale>({
          method: "PUT",
          kind,
          where: { namespace: this.#namespaceOf(kind, o?.namespace), name, subresource: "scale" },
          query: this.#writeQuery(o),
          body: JSON.stringify({
            apiVersion: "autoscaling/v1",
            kind: "Scale",
            ...(scale as object),
          }),
          contentType: "application/json",
          onWarning: o?.onWarning,
        }),
      patch: (kind, name, patch, o) =>
        this.#patch(kind, name, patch, o, "scale") as unknown as Promise<Scale>,
    };
  }

  /** The server's base URL. */
  get server(): string {
    return this.#base;
  }

  /**
   * Sends one request, with retries, and returns the answer when it is a
   * success; failures are thrown as {@linkcode ApiError}s (connection
   * failures as Errors naming the request).
   */
  async #send(call: Call, accept = "application/json"): Promise<Response> {
    const path = callPath(call);
    const url = this.#base + path + (call.query?.size ? `?${call.query}` : "");
    let renewed = false;
    let backoff = 100;
    for (let attempt = 0;; attempt++) {
      const headers: [string, string][] = [
        ["accept", accept],
        ["user-agent", this.#userAgent],
        ...this.#headers,
      ];
      if (call.contentType) headers.push(["content-type", call.contentType]);
      const auth = await this.#authorization?.();
      if (auth) headers.push(["authorization", auth]);
      let res: Response;
      try {
        res = await this.#fetch(url, {
          method: call.method,
          headers,
          body: call.body as BodyInit | undefined,
          signal: call.signal,
        });
      } catch (err) {
        if (call.signal?.aborted) throw call.signal.reason;
        const why = causeText(err);
        // As client-go: only a read whose connection broke in flight (reset, closed, EOF) is
        // sent again; a write may have happened, and a refused connection or a certificate
        // that is not trusted will not change by itself.
        if (call.method !== "GET" || attempt >= this.#maxRetries || !TRANSIENT.test(why)) {
          throw new Error(`${call.method} ${JSON.stringify(url)}: ${why}`, { cause: err });
        }
        await sleep(backoff, call.signal);
        backoff = Math.min(backoff * 2, 1000, this.#maxDelay);
        continue;
      }
      for (const w of warningsOf(res)) call.onWarning?.(w);
      if (res.ok) return res;
      const after = retryAfterSeconds(res);
      if (
        (res.status === 429 || res.status >= 500) && after !== undefined &&
        attempt < this.#maxRetries
      ) {
        await res.body?.cancel();
        await sleep(Math.min(after * 1000, this.#maxDelay), call.signal);
        continue;
      }
      const err = await this.#errorOf(call, res, after);
      if (res.status === 401 && !renewed && this.#onUnauthorized) {
        renewed = true;
        // A 401 was not processed, so sending it again with new credentials is safe.
        try {
          if (await this.#onUnauthorized()) continue;
        } catch (renewal) {
          // The server's 401 stays the error; why the credentials were not renewed is its cause.
          Object.defineProperty(err, "cause", { value: renewal });
        }
      }
      throw err;
    }
  }

  async #errorOf(call: Call, res: Response, after?: number): Promise<ApiError> {
    const text = await res.text();
    try {
      const parsed = JSON.parse(text);
      if (isStatus(parsed)) return new ApiError(parsed);
    } catch {
      // not JSON: the generic error below
    }
    const body = { text, contentType: res.headers.get("content-type") };
    const target = { group: call.kind?.group ?? "", resource: call.kind?.plural ?? "" };
    return genericError(res.status, call.method, target, call.where?.name, body, after);
  }

  async #json<T>(call: Call): Promise<T> {
    const res = await this.#send(call);
    const text = await res.text();
    let out: T;
    try {
      out = JSON.parse(text) as T;
    } catch (err) {
      throw new Error(
        `${call.method} ${callPath(call)}: the server's answer is not JSON: ${
          (err as Error).message
        }`,
      );
    }
    // A Status that says Failure is an error whatever the HTTP code (client-go's FromObject).
    if (isStatus(out) && out.status === "Failure") throw new ApiError(out);
    return out;
  }

  #writeQuery(o?: { dryRun?: boolean; fieldManager?: string; fieldValidation?: string }) {
    const q = new URLSearchParams();
    if (o?.dryRun) q.set("dryRun", "All");
    if (o?.fieldManager) q.set("fieldManager", o.fieldManager);
    if (o?.fieldValidation) q.set("fieldValidation", o.fieldValidation);
    return q;
  }

  #namespaceOf(kind: Kind, given: string | undefined, obj?: unknown): string | undefined {
    if (kind.scope !== "Namespaced") return undefined;
    const fromObj = (obj as KubeObject | undefined)?.metadata?.namespace;
    return given ?? fromObj ?? this.#namespace;
  }

  #body(kind: Kind, obj: unknown): string {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return JSON.stringify(obj);
    const o = obj as Record<string, unknown>;
    // Typed clients send the kind's apiVersion and kind; the server fills in nothing else.
    return JSON.stringify({ apiVersion: kind.apiVersion, kind: kind.kind, ...o });
  }

  /** Reads one object; NotFound if absent. */
  async get<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    options?: GetOptions,
  ): Promise<Stored<T>> {
    const q = new URLSearchParams();
    if (options?.resourceVersion) q.set("resourceVersion", options.resourceVersion);
    return await this.#json<Stored<T>>({
      method: "GET",
      kind,
      where: { namespace: this.#namespaceOf(kind, options?.namespace), name },
      query: q,
    });
  }

  /** Lists objects (every namespace when none is given). */
  async list<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: ListOptions,
  ): Promise<KubeList<Stored<T>>> {
    const q = selectorQuery(options);
    if (options?.limit) q.set("limit", String(options.limit));
    if (options?.continue) q.set("continue", options.continue);
    if (options?.resourceVersion !== undefined && options.resourceVersion !== "") {
      q.set("resourceVersion", options.resourceVersion);
    }
    if (options?.resourceVersionMatch) q.set("resourceVersionMatch", options.resourceVersionMatch);
    if (options?.sendInitialEvents !== undefined) {
      q.set("sendInitialEvents", String(options.sendInitialEvents));
    }
    const namespace = kind.scope === "Namespaced" ? options?.namespace : undefined;
    return await this.#json<KubeList<Stored<T>>>({
      method: "GET",
      kind,
      where: { namespace },
      query: q,
    });
  }

  /** Creates an object. */
  async create<T extends KubeObject, In>(
    kind: Kind<T, In>,
    obj: In,
    options?: CreateOptions,
  ): Promise<Stored<T>> {
    return await this.#json<Stored<T>>({
      method: "POST",
      kind,
      where: { namespace: this.#namespaceOf(kind, options?.namespace, obj) },
      query: this.#writeQuery(options),
      body: this.#body(kind, obj),
      contentType: "application/json",
      onWarning: options?.onWarning,
    });
  }

  async #update<T extends KubeObject, In>(
    kind: Kind<T, In>,
    obj: T | In,
    options: Omit<UpdateOptions, "subresource"> | undefined,
    subresource?: string,
  ): Promise<Stored<T>> {
    // No name is refused by resourcePath, as client-go refuses it.
    const name = options?.name ?? (obj as KubeObject)?.metadata?.name ?? "";
    return await this.#json<Stored<T>>({
      method: "PUT",
      kind,
      where: {
        namespace: this.#namespaceOf(kind, options?.namespace, obj),
        name,
        subresource,
      },
      query: this.#writeQuery(options),
      body: this.#body(kind, obj),
      contentType: "application/json",
      onWarning: options?.onWarning,
    });
  }

  /** Replaces an object; its resourceVersion, if set, is a precondition. */
  async update<T extends KubeObject, In>(
    kind: Kind<T, In>,
    obj: T | In,
    options?: Omit<UpdateOptions, "subresource">,
  ): Promise<Stored<T>> {
    return await this.#update(kind, obj, options);
  }

  async #patch<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    patch: unknown,
    options: Omit<PatchOptions, "subresource"> | undefined,
    subresource?: string,
  ): Promise<Stored<T>> {
    const body = typeof patch === "string" || patch instanceof Uint8Array
      ? patch
      : JSON.stringify(patch);
    return await this.#json<Stored<T>>({
      method: "PATCH",
      kind,
      where: {
        namespace: this.#namespaceOf(kind, options?.namespace),
        name,
        subresource,
      },
      query: this.#writeQuery(options),
      body,
      contentType: PATCH_CONTENT_TYPES[options?.type ?? "merge"],
      onWarning: options?.onWarning,
    });
  }

  /** Patches an object (merge patch unless `type` says otherwise). */
  async patch<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    patch: unknown,
    options?: Omit<PatchOptions, "subresource">,
  ): Promise<Stored<T>> {
    return await this.#patch(kind, name, patch, options);
  }

  #deleteBody(options?: DeleteOptions): string {
    const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
    if (options?.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
    if (options?.preconditions) body.preconditions = options.preconditions;
    if (options?.dryRun) body.dryRun = ["All"];
    return JSON.stringify(body);
  }

  /**
   * Deletes (or marks for deletion) an object. Where the server answers a
   * finished delete with a Status (kube-apiserver does for most built-in
   * kinds), the object returned carries only what the Status names: its
   * name, namespace and uid.
   */
  async delete<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    options?: DeleteOptions,
  ): Promise<T> {
    const namespace = this.#namespaceOf(kind, options?.namespace);
    const out = await this.#json<T | Status>({
      method: "DELETE",
      kind,
      where: { namespace, name },
      body: this.#deleteBody(options),
      contentType: "application/json",
      onWarning: options?.onWarning,
    });
    if (!isStatus(out)) return out;
    const metadata: KubeObject["metadata"] = { name: out.details?.name ?? name };
    if (namespace !== undefined) metadata.namespace = namespace;
    if (out.details?.uid) metadata.uid = out.details.uid;
    return { apiVersion: kind.apiVersion, kind: kind.kind, metadata } as T;
  }

  /** Deletes every matching object; returns those deleted (or being deleted). */
  async deleteCollection<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: DeleteCollectionOptions,
  ): Promise<KubeList<Stored<T>>> {
    const q = selectorQuery(options);
    // Without a namespace this is the all-namespaces path, where kube-apiserver serves no
    // deletecollection (405).
    const namespace = kind.scope === "Namespaced" ? options?.namespace : undefined;
    const out = await this.#json<KubeList<Stored<T>> | Status>({
      method: "DELETE",
      kind,
      where: { namespace },
      query: q,
      body: this.#deleteBody(options),
      contentType: "application/json",
      onWarning: options?.onWarning,
    });
    if (isStatus(out)) {
      return { apiVersion: kind.apiVersion, kind: `${kind.kind}List`, metadata: {}, items: [] };
    }
    return out;
  }

  /**
   * Streams changes: a long-running GET whose JSON lines are the events.
   * A failure the server reports before streaming is thrown; one while
   * streaming arrives as an ERROR event carrying its Status, as in-process.
   * The watch ends when the server ends it or `signal` aborts.
   */
  async *watch<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: WatchOptions,
  ): AsyncGenerator<WatchEvent<T>> {
    const q = selectorQuery(options);
    q.set("watch", "true");
    if (options?.resourceVersion !== undefined && options.resourceVersion !== "") {
      q.set("resourceVersion", options.resourceVersion);
    }
    if (options?.resourceVersionMatch) q.set("resourceVersionMatch", options.resourceVersionMatch);
    if (options?.sendInitialEvents !== undefined) {
      q.set("sendInitialEvents", String(options.sendInitialEvents));
    }
    if (options?.allowWatchBookmarks) q.set("allowWatchBookmarks", "true");
    if (options?.timeoutSeconds !== undefined) {
      q.set("timeoutSeconds", String(options.timeoutSeconds));
    }
    const namespace = kind.scope === "Namespaced" ? options?.namespace : undefined;
    // The stream is ended by its own controller, so that leaving the loop early also ends it.
    const stop = new AbortController();
    const outer = options?.signal;
    const onAbort = () => stop.abort(outer?.reason);
    if (outer?.aborted) return;
    outer?.addEventListener("abort", onAbort, { once: true });
    try {
      let res: Response;
      try {
        res = await this.#send({
          method: "GET",
          kind,
          where: { namespace },
          query: q,
          signal: stop.signal,
        });
      } catch (err) {
        if (outer?.aborted) return;
        throw err;
      }
      if (!res.body) return;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<string>;
          try {
            chunk = await reader.read();
          } catch (err) {
            if (outer?.aborted || stop.signal.aborted) return;
            // As client-go's StreamWatcher: a stream cut off (EOF, reset) ends the watch
            // quietly; the caller watches again from its last resourceVersion.
            if (TRANSIENT.test(causeText(err))) return;
            throw new Error(`watch ${kind.plural}: the stream broke: ${causeText(err)}`, {
              cause: err,
            });
          }
          if (chunk.done) break;
          buf += chunk.value;
          let nl: number;
          while ((nl = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line === "") continue;
            yield decodeEvent<T>(line);
          }
        }
        // A last line without its newline was cut off: the watch just ends.
      } finally {
        await reader.cancel().catch(() => {});
      }
    } finally {
      outer?.removeEventListener("abort", onAbort);
      stop.abort();
    }
  }

  /**
   * The server's resources, from aggregated discovery (`/api` and `/apis`
   * with `apidiscovery.k8s.io/v2`, else `v2beta1`), preferred version of
   * each group first; subresources are not listed.
   */
  async discover(): Promise<DiscoveredResource[]> {
    const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
    const out: DiscoveredResource[] = [];
    for (const root of ["/api", "/apis"]) {
      const res = await this.#send({ method: "GET", path: root }, accept);
      const list = await res.json() as AggregatedList;
      if (list?.kind !== "APIGroupDiscoveryList") {
        throw new Error(
          `${root}: the server does not serve aggregated discovery (apidiscovery.k8s.io/v2)`,
        );
      }
      for (const g of list.items ?? []) {
        g.versions?.forEach((v, i) => {
          for (const r of v.resources ?? []) {
            out.push({
              group: g.metadata?.name ?? "",
              version: v.version,
              preferred: i === 0,
              resource: r.resource,
              singular: r.singularResource,
              kind: r.responseKind?.kind ?? "",
              scope: r.scope,
              shortNames: r.shortNames ?? [],
              categories: r.categories ?? [],
              verbs: r.verbs ?? [],
              subresources: (r.subresources ?? []).map((s) => s.subresource),
            });
          }
        });
      }
    }
    return out;
  }

  /**
   * The body of GET `uri` (a path, with its query) as the server sends it, as `kubectl get
   * --raw` reads it; a failure is the server's error.
   */
  async raw(uri: string): Promise<Uint8Array> {
    const at = uri.indexOf("?");
    const res = await this.#send({
      method: "GET",
      path: at < 0 ? uri : uri.slice(0, at),
      query: new URLSearchParams(at < 0 ? "" : uri.slice(at + 1)),
    }, "application/json, */*");
    return new Uint8Array(await res.arrayBuffer());
  }

  /** What the server's `/version` says (kube's version.Info: major, minor, gitVersion, …). */
  async serverVersion(): Promise<Record<string, unknown>> {
    return await this.#json<Record<string, unknown>>({ method: "GET", path: "/version" });
  }

  /**
   * The server's OpenAPI v3 document of one group-version, as `kubectl
   * explain` reads it: the index at `/openapi/v3`, then the document the
   * index names for `api/v1` or `apis/GROUP/VERSION`. Undefined when the
   * index does not list the group-version.
   */
  async openAPIV3(
    gv: { group: string; version: string },
  ): Promise<Record<string, unknown> | undefined> {
    const index = await this.#json<{ paths?: Record<string, { serverRelativeURL?: string }> }>({
      method: "GET",
      path: "/openapi/v3",
    });
    const key = gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
    const url = index?.paths?.[key]?.serverRelativeURL;
    if (!url) return undefined;
    const at = url.indexOf("?");
    return await this.#json<Record<string, unknown>>({
      method: "GET",
      path: at < 0 ? url : url.slice(0, at),
      query: new URLSearchParams(at < 0 ? "" : url.slice(at + 1)),
    });
  }

  /** A client bound to one kind and (for namespaced kinds) one namespace. */
  resource<T extends KubeObject, In>(kind: Kind<T, In>, namespace?: string): ResourceClient<T, In> {
    return bindResource(this, kind, namespace);
  }
}
