/**
 * Test helper: a throwaway PostgreSQL server on a free loopback port, started
 * once per test file (lazily, on first use) and stopped when the process
 * exits.
 *
 * The server runs from a temp directory with `fsync=off` and trust
 * authentication (plus one password-protected role, `k1s_pw`, whose password
 * is `right`, for authentication-failure tests). When the process runs as
 * root, `initdb` and `pg_ctl` run as the `postgres` system user. A watchdog
 * shell stops the server if the test process dies without running its
 * `unload` handler.
 *
 * The binaries are taken from `K1S_POSTGRES_BIN` if set, else from the newest
 * version under /usr/lib/postgresql, else from PATH. When PostgreSQL is not
 * installed, {@linkcode postgresMissing} says what is
 * missing: tests then skip (one console line), except with `CI=true`, where
 * they fail with that message.
 *
 * @module
 */

/** A running throwaway server. */
export interface PgServer {
  /** `postgres://` URL of database `db` (default `postgres`), with query `params`. */
  url(params?: Record<string, string>, db?: string): string;
  /** Host and port, e.g. `127.0.0.1:5433`. */
  readonly address: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Where the PostgreSQL binaries are (newest version under /usr/lib/postgresql), if anywhere. */
function findBinDir(): string | undefined {
  // K1S_POSTGRES_BIN names the directory explicitly (a wrong one simulates a missing install).
  const given = Deno.env.get("K1S_POSTGRES_BIN");
  if (given !== undefined) {
    return exists(`${given}/postgres`) && exists(`${given}/initdb`) && exists(`${given}/pg_ctl`)
      ? given
      : undefined;
  }
  const root = "/usr/lib/postgresql";
  const versions: number[] = [];
  try {
    for (const e of Deno.readDirSync(root)) {
      const v = Number(e.name);
      if (e.isDirectory && Number.isFinite(v)) versions.push(v);
    }
  } catch {
    // not installed there
  }
  versions.sort((a, b) => b - a);
  for (const v of versions) {
    const bin = `${root}/${v}/bin`;
    if (exists(`${bin}/postgres`) && exists(`${bin}/initdb`) && exists(`${bin}/pg_ctl`)) {
      return bin;
    }
  }
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && exists(`${dir}/postgres`) && exists(`${dir}/initdb`) && exists(`${dir}/pg_ctl`)) {
      return dir;
    }
  }
  return undefined;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

const BIN = findBinDir();
const AS_ROOT = Deno.uid() === 0;

function missing(): string | undefined {
  if (BIN === undefined) return "postgres not found (apt-get install postgresql)";
  if (AS_ROOT) {
    try {
      const out = new Deno.Command("id", {
        args: ["-u", "postgres"],
        stdout: "null",
        stderr: "null",
      })
        .outputSync();
      if (!out.success) {
        return "running as root and there is no postgres system user to run the server as";
      }
    } catch {
      return "running as root and cannot check for the postgres system user";
    }
  }
  return undefined;
}

/**
 * Why PostgreSQL tests cannot run here (undefined when they can). With
 * `CI=true` this is never used to skip: {@linkcode pgTest} fails instead.
 */
export const postgresMissing: string | undefined = missing();

let skipNoted = false;

/**
 * Registers a test that needs the server: skipped (with one console line per
 * file) when PostgreSQL is missing, failed instead when `CI=true`. Resource
 * and op sanitizers are off: the server and its connections are shared.
 */
export function pgTest(name: string, fn: (pg: PgServer) => Promise<void>): void {
  const ci = Deno.env.get("CI") === "true";
  if (postgresMissing !== undefined && !ci) {
    if (!skipNoted) {
      skipNoted = true;
      console.log(`skipping PostgreSQL tests: ${postgresMissing}`);
    }
    Deno.test({ name, ignore: true, fn: () => {} });
    return;
  }
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      if (postgresMissing !== undefined) {
        throw new Error(`PostgreSQL tests cannot run (CI=true): ${postgresMissing}`);
      }
      await fn(await postgres());
    },
  });
}

let shared: Promise<PgServer> | undefined;

/** The file's shared server, started on first call. */
export function postgres(): Promise<PgServer> {
  shared ??= startPostgres();
  return shared;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return AS_ROOT ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

async function run(cmd: string, args: string[]): Promise<void> {
  const [c, a] = asPostgres(cmd, args);
  const out = await new Deno.Command(c, { args: a, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const dec = new TextDecoder();
    throw new Error(
      `${cmd} ${args.join(" ")} failed: ${dec.decode(out.stdout)}${dec.decode(out.stderr)}`,
    );
  }
}

/** Starts a new server (most tests want the shared one: {@linkcode postgres}). */
export async function startPostgres(): Promise<PgServer> {
  if (postgresMissing !== undefined) throw new Error(`cannot start PostgreSQL: ${postgresMissing}`);
  const bin = BIN!;
  const dir = await Deno.makeTempDir({ prefix: "k1s-pg-" });
  if (AS_ROOT) {
    await Deno.chmod(dir, 0o755);
    const out = await new Deno.Command("chown", { args: ["postgres:postgres", dir] }).output();
    if (!out.success) throw new Error(`cannot chown ${dir} to postgres`);
  }
  const data = `${dir}/data`;
  const pwfile = `${dir}/pw`;
  await Deno.writeTextFile(pwfile, "postgres\n");
  if (AS_ROOT) await Deno.chmod(pwfile, 0o644);
  await run(`${bin}/initdb`, [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--no-sync",
    "--locale=C",
  ]);
  // A password-checked role first, trust for everything else.
  const hba = `${data}/pg_hba.conf`;
  const [hc, ha] = asPostgres("sh", [
    "-c",
    `printf 'host all k1s_pw 127.0.0.1/32 scram-sha-256\\nhost all all 127.0.0.1/32 trust\\nlocal all all trust\\n' > ${hba}`,
  ]);
  await new Deno.Command(hc, { args: ha }).output();
  const port = freePort();
  const opts = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
    "-c shared_buffers=64MB",
  ].join(" ");
  await run(`${bin}/pg_ctl`, [
    "-D",
    data,
    "-l",
    `${dir}/log`,
    "-o",
    opts,
    "-w",
    "-t",
    "30",
    "start",
  ]);
  const stopArgs = ["-D", data, "-m", "immediate", "-w", "stop"];
  // Stops the server if this process dies without unloading.
  const [sc, sa] = asPostgres(`${bin}/pg_ctl`, stopArgs);
  const stopCmd = [sc, ...sa].map((s) => `'${s}'`).join(" ");
  await new Deno.Command("sh", {
    args: [
      "-c",
      `(while kill -0 ${Deno.pid} 2>/dev/null; do sleep 1; done; ${stopCmd}; rm -rf '${dir}') ` +
      `</dev/null >/dev/null 2>&1 &`,
    ],
  }).output();
  await run(`${bin}/psql`, [
    "-h",
    dir,
    "-p",
    String(port),
    "-U",
    "postgres",
    "-d",
    "postgres",
    "-qc",
    "CREATE ROLE k1s_pw LOGIN SUPERUSER PASSWORD 'right'",
  ]);
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    const [c, a] = asPostgres(`${bin}/pg_ctl`, stopArgs);
    try {
      new Deno.Command(c, { args: a, stdout: "null", stderr: "null" }).outputSync();
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // the watchdog cleans up
    }
  };
  globalThis.addEventListener("unload", stopSync);
  const address = `127.0.0.1:${port}`;
  return {
    address,
    url(params = {}, db = "postgres") {
      const q = new URLSearchParams(params).toString();
      return `postgres://postgres@${address}/${db}${q ? `?${q}` : ""}`;
    },
    stop() {
      globalThis.removeEventListener("unload", stopSync);
      stopSync();
      return Promise.resolve();
    },
  };
}

let schemas = 0;

/** A fresh schema name, unique in this process. */
export function freshSchema(): string {
  return `t${Deno.pid}_${++schemas}`;
}
