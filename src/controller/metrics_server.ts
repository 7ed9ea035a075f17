/**
 * The manager's metrics and health endpoint, after controller-runtime's metrics server and
 * healthz handlers: `GET /metrics` (Prometheus text 0.0.4), `GET /healthz` and `GET /readyz`.
 *
 * Health checks answer as Kubernetes' healthz does: `200 ok` when every check passes; with
 * `?verbose`, or when a check fails (then `500`), one line a check (`[+]name ok`,
 * `[-]name failed: reason`) and `healthz check passed` / `healthz check failed`.
 * `GET /healthz/<name>` runs one check. Other paths answer `404`, other methods than GET and
 * HEAD `405`. The server logs one line when it starts and one when it stops, none per request.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { serveMetrics } from "./metrics_server.ts";
 * import { nopLogger } from "./logger.ts";
 * import assert from "node:assert/strict";
 * const stop = new AbortController();
 * const server = serveMetrics({ port: 0, metrics: new Metrics(), signal: stop.signal, logger: nopLogger });
 * const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
 * assert.equal(await res.text(), "ok");
 * stop.abort();
 * await server.finished;
 * ```
 *
 * @module
 */
import { defaultLogger, type Logger } from "./logger.ts";
import { PROMETHEUS_CONTENT_TYPE } from "./metrics_registry.ts";

/** A health check: passes when it returns (or resolves) `true`; fails on `false` or a throw. */
export type HealthCheck = () => boolean | Promise<boolean>;

/** One check, or named checks (the name is shown by `?verbose` and selects `/healthz/<name>`). */
export type HealthChecks = HealthCheck | Record<string, HealthCheck>;

/** What the server needs of the metrics: their exposition text. */
export interface MetricsSource {
  /** The Prometheus text exposition. */
  text(): Promise<string>;
}

/** Options of {@linkcode serveMetrics}. */
export interface ServeMetricsOptions {
  /** TCP port; `0` picks a free one. */
  port: number;
  /** Address to bind. Default `127.0.0.1`. */
  hostname?: string;
  /** What `/metrics` serves. */
  metrics: MetricsSource;
  /** Liveness checks of `/healthz`. Default: one check, `ping`, that always passes. */
  healthz?: HealthChecks;
  /** Readiness checks of `/readyz`. Default: one check, `ping`, that always passes. */
  readyz?: HealthChecks;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Where the start and stop lines go. Default: JSON lines on standard error. */
  logger?: Logger;
}

/** A running metrics server. */
export interface MetricsServer {
  /** The port listened on (the one picked when `port` was 0). */
  port: number;
  /** The address listened on. */
  hostname: string;
  /** Resolves once the server has stopped. */
  finished: Promise<void>;
}

const TEXT = "text/plain; charset=utf-8";

function normalize(checks: HealthChecks | undefined): [string, HealthCheck][] {
  if (checks === undefined) return [["ping", () => true]];
  if (typeof checks === "function") return [["check", checks]];
  return Object.entries(checks);
}

async function runCheck(check: HealthCheck): Promise<string | undefined> {
  try {
    return (await check()) ? undefined : "check returned false";
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Answers a healthz-style endpoint: every check, or the one named by the sub-path. */
async function health(
  endpoint: string,
  checks: [string, HealthCheck][],
  sub: string,
  verbose: boolean,
): Promise<Response> {
  const selected = sub ? checks.filter(([name]) => name === sub) : checks;
  if (sub && selected.length === 0) {
    return new Response(`404 page not found: no ${endpoint} check "${sub}"\n`, {
      status: 404,
      headers: { "content-type": TEXT },
    });
  }
  const results = await Promise.all(
    selected.map(async ([name, check]) => [name, await runCheck(check)] as const),
  );
  const failed = results.some(([, reason]) => reason !== undefined);
  if (!failed && !verbose) {
    return new Response("ok", { status: 200, headers: { "content-type": TEXT } });
  }
  const lines = results.map(([name, reason]) =>
    reason === undefined ? `[+]${name} ok` : `[-]${name} failed: ${reason.replace(/\n/g, " ")}`
  );
  lines.push(`${endpoint} check ${failed ? "failed" : "passed"}`);
  return new Response(lines.join("\n") + "\n", {
    status: failed ? 500 : 200,
    headers: { "content-type": TEXT },
  });
}

/**
 * Serves `/metrics`, `/healthz` and `/readyz` with `Deno.serve` until `signal` aborts.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { serveMetrics } from "./metrics_server.ts";
 * import { nopLogger } from "./logger.ts";
 * import assert from "node:assert/strict";
 * const stop = new AbortController();
 * const server = serveMetrics({
 *   port: 0,
 *   metrics: new Metrics(),
 *   readyz: { informers: () => false },
 *   signal: stop.signal,
 *   logger: nopLogger,
 * });
 * const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
 * assert.equal(res.status, 500);
 * assert.equal(await res.text(), "[-]informers failed: check returned false\nreadyz check failed\n");
 * stop.abort();
 * await server.finished;
 * ```
 */
export function serveMetrics(options: ServeMetricsOptions): MetricsServer {
  const hostname = options.hostname ?? "127.0.0.1";
  const log = (options.logger ?? defaultLogger).with({ logger: "metrics" });
  const healthz = normalize(options.healthz);
  const readyz = normalize(options.readyz);
  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const head = req.method === "HEAD";
    const answer = (res: Response): Response =>
      head ? new Response(null, { status: res.status, headers: res.headers }) : res;
    const known = url.pathname === "/metrics" ||
      /^\/(healthz|readyz)(\/[^/]+)?$/.test(url.pathname);
    if (!known) {
      return new Response("404 page not found\n", {
        status: 404,
        headers: { "content-type": TEXT },
      });
    }
    if (req.method !== "GET" && !head) {
      return new Response(`405 method ${req.method} not allowed\n`, {
        status: 405,
        headers: { "content-type": TEXT, allow: "GET, HEAD" },
      });
    }
    if (url.pathname === "/metrics") {
      try {
        const body = await options.metrics.text();
        return answer(
          new Response(body, { status: 200, headers: { "content-type": PROMETHEUS_CONTENT_TYPE } }),
        );
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return answer(
          new Response(`Cannot collect metrics: ${reason}\n`, {
            status: 500,
            headers: { "content-type": TEXT },
          }),
        );
      }
    }
    const [, endpoint, sub = ""] = url.pathname.split("/");
    const verbose = url.searchParams.has("verbose");
    return answer(
      await health(endpoint, endpoint === "healthz" ? healthz : readyz, sub, verbose),
    );
  };
  const server = Deno.serve({
    port: options.port,
    hostname,
    signal: options.signal,
    onListen: () => {},
  }, handler);
  const addr = server.addr as Deno.NetAddr;
  const bindAddress = `${addr.hostname}:${addr.port}`;
  log.info("Serving metrics server", { bindAddress, secure: false });
  const finished = server.finished.then(() => {
    log.info("Stopped metrics server", { bindAddress });
  });
  return { port: addr.port, hostname: addr.hostname, finished };
}
