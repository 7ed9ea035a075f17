/**
 * Opening a store by URL: `memory:`, `sqlite:PATH`, `kv:PATH`,
 * `etcd://HOST:PORT[,HOST:PORT…]/PREFIX`, `postgres://…`.
 *
 * @example
 * ```ts
 * import { openStore } from "./url.ts";
 *
 * await using store = await openStore("memory:");
 * await store.create("/a", "1");
 * ```
 *
 * @module
 */

import type { Store } from "./types.ts";
import { withTenant } from "./tenant.ts";

/** Options for {@linkcode openStore}; they override the URL's query parameters. */
export interface OpenStoreOptions {
  /** Wrap the store with {@linkcode withTenant} for this tenant. */
  tenant?: string;
  /** SQLite: fsync every commit (`synchronous=FULL`). */
  durable?: boolean;
  /** Revisions of history kept watchable by automatic compaction; 0 turns it off. */
  compactKeep?: number;
  /**
   * For a process that only reads: never create the store. A `sqlite:` file
   * opens read-only (and can be read in a read-only directory); a `kv:` file
   * must exist. A missing file is an `unavailable` StoreError.
   */
  readOnly?: boolean;
}

const SUPPORTED = "memory:, sqlite:PATH (e.g. sqlite:./data.db, sqlite::memory:), " +
  "kv:PATH (e.g. kv:./data.kv, kv::memory:), etcd://HOST:PORT[,HOST:PORT...]/PREFIX, " +
  "postgres://USER:PASSWORD@HOST:PORT/DATABASE";

const PARAMS: Record<string, string[]> = {
  memory: ["tenant", "compactKeep"],
  sqlite: ["tenant", "durable", "pollIntervalMs", "compactKeep"],
  kv: ["tenant", "pollIntervalMs", "compactKeep"],
  // The engine's own module checks the rest of its parameters.
  etcd: [],
  postgres: [],
  postgresql: [],
};

function parseBool(url: string, name: string, v: string | null): boolean | undefined {
  if (v === null) return undefined;
  if (v === "" || v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new TypeError(`invalid ${name}=${v} in store URL ${url}: use true or false`);
}

function parseInt(url: string, name: string, v: string | null): number | undefined {
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new TypeError(`invalid ${name}=${v} in store URL ${url}: use a non-negative integer`);
  }
  return n;
}

/**
 * Opens a store from a URL:
 * - `memory:`: a new per-process in-memory store;
 * - `sqlite:PATH`: a SQLite file (`sqlite:./data.db`, `sqlite:/abs/data.db`,
 *   `sqlite::memory:`; `sqlite:///abs/data.db` also works);
 * - `kv:PATH`: a Deno KV database (`kv:./data.kv`, `kv::memory:`; `kv:` alone
 *   uses Deno's default location). Needs `--unstable-kv`.
 * - `etcd://HOST:PORT[,HOST:PORT…]/PREFIX`: etcd v3 (see `openEtcdStore` in
 *   `./etcd.ts` for its parameters: TLS, auth, timeouts);
 * - `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (or `postgresql://`):
 *   PostgreSQL ≥ 13 (see `openPostgresStore` in `./postgres.ts`: `schema`,
 *   `pollIntervalMs`).
 *
 * Query parameters: `tenant=NAME` (all schemes), `durable=true` (sqlite),
 * `pollIntervalMs=N` (sqlite, kv), `compactKeep=N` (all). Backends are loaded
 * with dynamic `import()`, so opening a memory store never loads `node:sqlite`.
 *
 * @throws {TypeError} for an unknown scheme, a missing path or a bad parameter
 *
 * @example
 * ```ts
 * import { openStore } from "./url.ts";
 *
 * const store = await openStore("memory:", { tenant: "demo" });
 * const rev = await store.create("/hello", "world");
 * console.assert((await store.get("/hello"))?.revision === rev);
 * await store.close();
 * ```
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (typeof url !== "string") throw new TypeError("store URL must be a string");
  const colon = url.indexOf(":");
  const scheme = colon > 0 ? url.slice(0, colon).toLowerCase() : "";
  if (!(scheme in PARAMS)) {
    throw new TypeError(
      `unsupported store URL ${JSON.stringify(url)}; supported schemes: ${SUPPORTED}`,
    );
  }
  let rest = url.slice(colon + 1);
  let query = new URLSearchParams();
  const qm = rest.indexOf("?");
  if (qm >= 0) {
    query = new URLSearchParams(rest.slice(qm + 1));
    rest = rest.slice(0, qm);
  }
  const own = PARAMS[scheme].length === 0;
  for (const name of query.keys()) {
    if (!own && !PARAMS[scheme].includes(name)) {
      throw new TypeError(
        `unknown parameter ${name} in store URL ${url}; ${scheme}: supports ` +
          PARAMS[scheme].join(", "),
      );
    }
  }
  if (rest.startsWith("//")) rest = rest.slice(2);
  const tenant = options.tenant ?? query.get("tenant") ?? undefined;
  const compactKeep = options.compactKeep ??
    parseInt(url, "compactKeep", query.get("compactKeep"));
  const pollIntervalMs = own
    ? undefined
    : parseInt(url, "pollIntervalMs", query.get("pollIntervalMs"));
  // Validate the tenant before opening anything.
  if (tenant !== undefined) withTenant({} as Store, tenant);

  let store: Store;
  switch (scheme) {
    case "memory": {
      if (rest !== "") {
        throw new TypeError(`store URL ${url}: memory: takes no path`);
      }
      const { openMemoryStore } = await backend("memory");
      store = openMemoryStore({ compactKeep });
      break;
    }
    case "sqlite": {
      if (rest === "") {
        throw new TypeError(
          `store URL ${url}: sqlite: needs a path, e.g. sqlite:./data.db or sqlite::memory:`,
        );
      }
      const durable = options.durable ?? parseBool(url, "durable", query.get("durable"));
      const { openSqliteStore } = await backend("sqlite");
      store = openSqliteStore(rest, {
        durable,
        pollIntervalMs,
        compactKeep,
        readOnly: options.readOnly,
      });
      break;
    }
    case "etcd": {
      const { openEtcdStore } = await backend("etcd");
      store = await openEtcdStore(withoutParam(url, "tenant"), { compactKeep });
      break;
    }
    case "postgres":
    case "postgresql": {
      const { openPostgresStore } = await backend("postgres");
      store = await openPostgresStore(withoutParam(url, "tenant"), { compactKeep });
      break;
    }
    default: {
      const { openKvStore } = await backend("kv");
      store = await openKvStore(rest === "" ? undefined : rest, {
        pollIntervalMs,
        compactKeep,
        mustExist: options.readOnly,
      });
    }
  }
  return tenant !== undefined ? withTenant(store, tenant) : store;
}

const backends = {
  memory: () => import("./memory.ts"),
  sqlite: () => import("./sqlite.ts"),
  kv: () => import("./kv.ts"),
  etcd: () => import("./etcd.ts"),
  postgres: () => import("./postgres.ts"),
};

/** The URL without one query parameter (k1s's own, which an engine's module does not know). */
function withoutParam(url: string, name: string): string {
  const qm = url.indexOf("?");
  if (qm < 0) return url;
  const q = new URLSearchParams(url.slice(qm + 1));
  q.delete(name);
  const rest = q.toString();
  return url.slice(0, qm) + (rest ? `?${rest}` : "");
}
const loading = new Map<string, Promise<unknown>>();

function backend<K extends keyof typeof backends>(
  scheme: K,
): ReturnType<(typeof backends)[K]> {
  let p = loading.get(scheme);
  if (!p) loading.set(scheme, p = backends[scheme]());
  return p as ReturnType<(typeof backends)[K]>;
}

/**
 * Starts loading the backend module a store URL needs, without opening
 * anything, so a process that will open the store can overlap that load with
 * other start-up work. Unknown URLs are ignored (opening reports them).
 *
 * @example
 * ```ts
 * import { openStore, preloadStoreBackend } from "./url.ts";
 *
 * preloadStoreBackend("memory:");
 * await using store = await openStore("memory:");
 * ```
 */
export function preloadStoreBackend(url: string): void {
  const m = /^(memory|sqlite|kv|etcd|postgres|postgresql):/.exec(url)?.[1];
  const scheme = (m === "postgresql" ? "postgres" : m) as keyof typeof backends | undefined;
  if (scheme) backend(scheme).catch(() => {});
}
