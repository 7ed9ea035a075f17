/**
 * Where the CLI's store is: `--store URL`, else `$K1S_STORE`, else the store
 * of the context in use (see `config.ts`), else a SQLite
 * file in the user's data directory (`$XDG_DATA_HOME/<name>/store.db`, or
 * `~/.local/share/<name>/store.db`).
 *
 * @module
 */
import type { CliIO } from "./io.ts";

/** Resolves the store URL for CLI `name` (e.g. `k1s`). */
export function resolveStoreUrl(
  name: string,
  flag: string | undefined,
  io: Pick<CliIO, "env">,
  options: { envVar?: string; fallback?: string; context?: string } = {},
): string {
  if (flag) return flag;
  const fromEnv = io.env(options.envVar ?? "K1S_STORE");
  if (fromEnv) return fromEnv;
  if (options.context) return options.context;
  if (options.fallback) return options.fallback;
  const xdg = io.env("XDG_DATA_HOME");
  const home = io.env("HOME");
  const base = xdg || (home ? `${home}/.local/share` : undefined);
  if (!base) return "memory:";
  return `sqlite:${base}/${name}/store.db`;
}

/** The file of a `sqlite:` or `kv:` URL, if it names one (not `:memory:`). */
export function storeFile(url: string): string | undefined {
  const m = /^(sqlite|kv):(?:\/\/)?([^?]*)/.exec(url);
  if (!m) return undefined;
  const path = m[2];
  return path === "" || path === ":memory:" ? undefined : path;
}

/** The directory a `sqlite:` or `kv:` file URL needs, if any. */
export function storeDirectory(url: string): string | undefined {
  const path = storeFile(url);
  if (path === undefined) return undefined;
  const slash = path.lastIndexOf("/");
  return slash > 0 ? path.slice(0, slash) : undefined;
}
