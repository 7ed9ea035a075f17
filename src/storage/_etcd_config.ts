/**
 * The etcd store's configuration and its reading of etcd's errors: the
 * `etcd://` URL, the options, and which failures are worth retrying.
 * Internal to `./etcd.ts`, which re-exports the public part.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { StoreError } from "./types.ts";

/** Options for {@linkcode openEtcdStore}; they override the URL's query parameters. */
export interface EtcdStoreOptions {
  /**
   * Automatic compaction: about once a minute, when more than twice this
   * many revisions are retained, history is compacted down to the newest
   * `compactKeep` revisions (of the whole etcd, which compacts globally).
   * 0 disables it. Default 10,000.
   */
  compactKeep?: number;
  /** How long transient failures (no leader, a member down) are retried. Default 30 s. */
  retryMs?: number;
  /** Deadline of one request to etcd. Default 10 s. */
  requestTimeoutMs?: number;
  /** How long opening waits for etcd to answer. Default 5 s. */
  dialTimeoutMs?: number;
  /** Client TLS: CA certificate (PEM) of the etcd servers. */
  caCert?: string;
  /** Client TLS: the client's certificate (PEM). */
  cert?: string;
  /** Client TLS: the client's private key (PEM). */
  key?: string;
  /** etcd user name (auth enabled). */
  username?: string;
  /** etcd password (auth enabled). */
  password?: string;
}

export const PARAMS = [
  "tenant",
  "compactKeep",
  "retryMs",
  "requestTimeoutMs",
  "dialTimeoutMs",
  "cacert",
  "cert",
  "key",
  "username",
  "password",
];

/** A parsed `etcd://` URL. */
export interface EtcdUrl {
  /** `host:port` of each member. */
  endpoints: string[];
  /** The key prefix (the URL's path without a trailing `/`; may be empty). */
  prefix: string;
  /** Query parameters. */
  params: URLSearchParams;
  /** User name and password from the URL's user info. */
  username?: string;
  /** Password from the URL's user info. */
  password?: string;
}

/**
 * Parses `etcd://[user:pass@]host:port[,host:port…][/prefix][?params]`.
 *
 * @throws {TypeError} for a malformed URL or an unknown parameter
 *
 * @example
 * ```ts
 * import { parseEtcdUrl } from "./etcd.ts";
 *
 * const u = parseEtcdUrl("etcd://10.0.0.1:2379,10.0.0.2:2379/k1s");
 * console.assert(u.endpoints.length === 2 && u.prefix === "/k1s");
 * ```
 */
export function parseEtcdUrl(url: string): EtcdUrl {
  const m = /^etcd:\/\/([^/?]*)([^?]*)(?:\?(.*))?$/i.exec(url);
  if (!m) {
    throw new TypeError(
      `invalid etcd store URL ${safeUrl(url)}: use etcd://HOST:PORT[,HOST:PORT...]/PREFIX`,
    );
  }
  let hosts = m[1];
  let username: string | undefined;
  let password: string | undefined;
  const at = hosts.lastIndexOf("@");
  if (at >= 0) {
    const info = hosts.slice(0, at);
    hosts = hosts.slice(at + 1);
    const colon = info.indexOf(":");
    username = decodeURIComponent(colon >= 0 ? info.slice(0, colon) : info);
    password = colon >= 0 ? decodeURIComponent(info.slice(colon + 1)) : undefined;
  }
  const endpoints = hosts.split(",").filter((h) => h !== "");
  if (endpoints.length === 0) {
    throw new TypeError(
      `etcd store URL ${
        safeUrl(url)
      } names no endpoint: use etcd://HOST:PORT[,HOST:PORT...]/PREFIX`,
    );
  }
  for (const e of endpoints) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/.test(e)) {
      throw new TypeError(`invalid etcd endpoint ${e} in store URL ${safeUrl(url)}: use HOST:PORT`);
    }
  }
  let prefix = decodeURIComponent(m[2]);
  while (prefix.endsWith("/")) prefix = prefix.slice(0, -1);
  const params = new URLSearchParams(m[3] ?? "");
  for (const name of params.keys()) {
    if (!PARAMS.includes(name)) {
      throw new TypeError(
        `unknown parameter ${name} in store URL ${safeUrl(url)}; etcd: supports ` +
          PARAMS.join(", "),
      );
    }
  }
  return { endpoints, prefix, params, username, password };
}

/** The URL with any password replaced by `***`, for messages. */
export function safeUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@").replace(/(password=)[^&]*/, "$1***");
}

/** Why a failed etcd call failed. */
export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True for failures after which the same request may succeed (and a write may have been applied). */
export function transient(err: unknown): boolean {
  if (err instanceof StoreError) return false;
  const m = message(err);
  return /leader changed|no leader|timed out|unavailable|ECONNREFUSED|ECONNRESET|circuit|stream removed|deadline|No connection established|too many requests|not capable|Connection dropped|GOAWAY|Call cancelled|connection reset|RST_STREAM|unhealthy cluster|etcdserver: request cancelled/i
    .test(m) ||
    (err instanceof Error && err.constructor?.name === "GRPCUnavailableError");
}

/** Maps etcd's answers that the contract names to StoreErrors. */
export function storeFailure(err: unknown, endpoints: string[]): unknown {
  if (err instanceof StoreError) return err;
  const m = message(err);
  // etcd refuses a request over --max-request-bytes (1.5 MiB), and gRPC one over 2 MiB.
  if (/request is too large|grpc: received message larger than max/.test(m)) {
    return new StoreError(
      "too-large",
      `the value is too large for etcd (its request limit, 1.5 MiB by default): ${m}`,
    );
  }
  if (/permission denied|authentication failed|invalid auth token|user name is empty/i.test(m)) {
    return new StoreError(
      "unavailable",
      `etcd at ${endpoints.join(",")} refused the request: ${m}; check the user name, password ` +
        `and certificates in the store URL`,
    );
  }
  if (transient(err)) {
    return new StoreError(
      "unavailable",
      `etcd at ${endpoints.join(",")} is unavailable: ${m}; check that the members are running ` +
        `and reachable, and that a majority of them is up`,
    );
  }
  return err;
}

export async function readPem(what: string, path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return Buffer.from(await Deno.readFile(path));
  } catch (err) {
    throw new StoreError(
      "unavailable",
      `cannot read the etcd ${what} at ${path}: ${message(err)}`,
    );
  }
}
