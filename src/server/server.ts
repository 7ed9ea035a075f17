/**
 * `serve`: the registry as a Kubernetes API server over HTTP/1.1 (and TLS),
 * for kubectl, client-go, @kubernetes/client-node and every client of the
 * Kubernetes HTTP API. The handler answers `/version`, health checks,
 * discovery (aggregated and legacy), OpenAPI v3, the self-subject reviews
 * and the REST verbs and watches of every kind the scheme serves.
 *
 * @example
 * ```ts
 * import { serve } from "./server.ts";
 * import { createRuntime } from "../runtime.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await using server = await serve(rt, { port: 0 });
 * const res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ metadata: { name: "app" }, data: { a: "1" } }),
 * });
 * assert.equal(res.status, 201);
 * assert.equal((await res.json()).metadata.name, "app");
 * ```
 *
 * @module
 */
import { ApiError } from "../apimachinery/errors.ts";
import type { Registry } from "../registry/registry.ts";
import type { Scheme } from "../scheme/scheme.ts";
import { discoveryResponse, openAPIResponse } from "./discovery_http.ts";
import { errorResponse, jsonResponse, notFoundPath, Warnings } from "./http.ts";
import { bearerTokenMatches } from "./token.ts";
import { handleResource, parseResourcePath, type RestContext } from "./rest.ts";
import { isReviewPath, serveReview } from "./reviews.ts";

/** What `/version` reports (kubectl's dispatcher picks its binary by `minor`). */
export interface VersionInfo {
  /** Major version, "1". */
  major: string;
  /** Minor version, e.g. "32". */
  minor: string;
  /** e.g. `v1.32.0-k1s`. */
  gitVersion: string;
  /** Commit, if known. */
  gitCommit: string;
  /** Always "clean". */
  gitTreeState: string;
  /** RFC 3339 build date. */
  buildDate: string;
  /** The Go version a Go server would report; k1s reports Deno's. */
  goVersion: string;
  /** "gc". */
  compiler: string;
  /** e.g. `linux/amd64`. */
  platform: string;
}

const GO_ARCH: Record<string, string> = { x86_64: "amd64", aarch64: "arm64" };

/** The Kubernetes version whose API k1s serves. */
export const SERVED_KUBE_MINOR = "32";

function defaultVersion(): VersionInfo {
  return {
    major: "1",
    minor: SERVED_KUBE_MINOR,
    gitVersion: `v1.${SERVED_KUBE_MINOR}.0-k1s`,
    gitCommit: "",
    gitTreeState: "clean",
    buildDate: "1970-01-01T00:00:00Z",
    goVersion: `deno${Deno.version.deno}`,
    compiler: "gc",
    platform: `${Deno.build.os}/${GO_ARCH[Deno.build.arch] ?? Deno.build.arch}`,
  };
}

/** What the handler serves: a runtime's registry and scheme. */
export interface ServedRuntime {
  /** The API semantics. */
  readonly registry: Registry;
  /** The kinds. */
  readonly scheme: Scheme;
  /**
   * Serves the store's CustomResourceDefinitions while the signal lasts (a
   * runtime's `followCRDs`); the server runs it while it runs.
   */
  followCRDs?(signal: AbortSignal): Promise<void>;
}

/** Options of {@linkcode apiHandler}. */
export interface HandlerOptions {
  /** A bearer token every request but `/version` and health checks must carry. */
  token?: string;
  /** Largest request body accepted; kube's 3 MiB by default. */
  maxRequestBytes?: number;
  /** Bytes a watcher may lag before its watch is ended; default 16 MiB. */
  watchLagBytes?: number;
  /** Ends every watch when aborted. */
  signal?: AbortSignal;
  /** What `/version` reports, over the defaults. */
  version?: Partial<VersionInfo>;
  /** The address clients reach the server at, for legacy `/api` discovery. */
  address?: string;
}

const PUBLIC_PATHS = new Set(["/version", "/healthz", "/livez", "/readyz"]);

/**
 * The request handler of the API server, usable with any `fetch`-style HTTP
 * server (or called directly in tests).
 */
export function apiHandler(
  rt: ServedRuntime,
  options: HandlerOptions = {},
): (req: Request) => Promise<Response> {
  const version = { ...defaultVersion(), ...options.version };
  const rest: RestContext = {
    registry: rt.registry,
    scheme: rt.scheme,
    maxRequestBytes: options.maxRequestBytes,
    signal: options.signal,
    watchLagBytes: options.watchLagBytes,
  };
  const token = options.token;
  return async (req) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return errorResponse(ApiError.badRequest("malformed request URL"));
    }
    const path = url.pathname;
    const publicPath = PUBLIC_PATHS.has(path) || path.startsWith("/healthz/") ||
      path.startsWith("/livez/") || path.startsWith("/readyz/");
    if (
      token !== undefined && !publicPath &&
      !bearerTokenMatches(req.headers.get("authorization"), token)
    ) {
      await req.body?.cancel().catch(() => {});
      return errorResponse(ApiError.of(401, "Unauthorized", "Unauthorized"));
    }
    try {
      if (path === "/version" || path === "/version/") {
        return jsonResponse(version);
      }
      if (publicPath) {
        return new Response("ok", { headers: { "content-type": "text/plain; charset=utf-8" } });
      }
      const discovery = discoveryResponse(rt.scheme, req, url, options.address);
      if (discovery) return discovery;
      if (path.startsWith("/openapi/")) {
        return await openAPIResponse(rt.scheme, req, url);
      }
      const resource = parseResourcePath(path);
      if (resource === undefined) throw notFoundPath();
      if (isReviewPath(resource)) {
        const warnings = new Warnings();
        return await serveReview(req, resource, rest.maxRequestBytes, warnings);
      }
      return await handleResource(rest, req, resource, url);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Options of {@linkcode serve}. */
export interface ServeOptions extends Omit<HandlerOptions, "signal" | "address"> {
  /** Address to listen on; default 127.0.0.1. */
  hostname?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string; key: string };
  /** Stops the server (as {@linkcode ApiServer.shutdown}) when aborted. */
  signal?: AbortSignal;
}

/** A running API server. */
export interface ApiServer extends AsyncDisposable {
  /** `http(s)://host:port`. */
  readonly url: string;
  /** The address listened on. */
  readonly hostname: string;
  /** The port listened on. */
  readonly port: number;
  /** Settles when the server has stopped. */
  readonly finished: Promise<void>;
  /** Ends every watch, lets requests in flight finish, and stops listening. */
  shutdown(): Promise<void>;
}

/**
 * Serves a runtime's registry over HTTP (or HTTPS with `tls`) until
 * `shutdown()` or the signal. Listening has started when the promise
 * resolves.
 */
export function serve(rt: ServedRuntime, options: ServeOptions = {}): Promise<ApiServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  const stop = new AbortController();
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  let address = "";
  const handler = apiHandler(rt, {
    ...options,
    signal: stop.signal,
    get address() {
      return address;
    },
  });
  const server = Deno.serve({
    hostname,
    port: options.port ?? 0,
    ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
    onListen: (addr) => resolve(addr as Deno.NetAddr),
    onError: (err) => errorResponse(err),
  }, handler);
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      stop.abort();
      await server.shutdown();
    })();
    return stopping;
  };
  options.signal?.addEventListener("abort", () => void shutdown(), { once: true });
  const following = rt.followCRDs?.(stop.signal).catch((err) => {
    if (!stop.signal.aborted) {
      console.error(`k1s serve: stopped following CustomResourceDefinitions: ${err}`);
    }
  });
  return listening.then((addr) => {
    const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    address = `${host}:${addr.port}`;
    const url = `${options.tls ? "https" : "http"}://${address}`;
    return {
      url,
      hostname: addr.hostname,
      port: addr.port,
      finished: Promise.all([server.finished, following]).then(() => {}),
      shutdown,
      [Symbol.asyncDispose]: shutdown,
    };
  });
}
