// Black-box harness: runs the k1s CLI as a real process on a temporary store, the way a shell
// user would. The CLI under test is, in order of preference:
//   - K1S_BIN ending in `.js`: a single file made by `deno bundle cli/main.ts`, run with
//     `deno run --no-config` and the permissions `deno task compile` grants;
//   - K1S_BIN otherwise: an executable (the binary `deno task compile` builds);
//   - else cli/main.ts from source with the repository's deno.json.
// Every run starts in an empty working directory with HOME and XDG_DATA_HOME pointing into the
// temporary directory, so nothing outside it is touched.
//
// With K1S_BLACKBOX_REMOTE=server (or =context), each sandbox serves its store with `k1s serve`
// in a process of its own and every run talks to it with `--server URL` (or `--kubeconfig F
// --context k1s`) instead of opening the store: the same suite, against a server.
import assert from "node:assert/strict";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
// The permissions `deno task compile` grants (run: `edit` starts the editor; net: serve and --server).
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env", "--allow-run", "--allow-net"];

/** What one CLI process printed and returned. */
export interface Run {
  /** Exit code. */
  code: number;
  /** Standard output. */
  out: string;
  /** Standard error. */
  err: string;
}

/** Options of one run. */
export interface RunOptions {
  /** Text written to the process's standard input (closed afterwards). */
  stdin?: string;
  /** Extra environment variables (they override the store's). */
  env?: Record<string, string>;
  /** Working directory; default the store's empty `cwd` directory. */
  cwd?: string;
}

/** How the CLI under test is started: the command and the arguments before the CLI's own. */
export function launcher(): { command: string; prefix: string[]; label: string } {
  const bin = Deno.env.get("K1S_BIN");
  if (bin && bin.endsWith(".js")) {
    return {
      command: Deno.execPath(),
      // `deno task compile` also enables Deno KV (the kv: store).
      prefix: ["run", "--no-config", "--unstable-kv", ...PERMISSIONS, bin],
      label: `bundle ${bin}`,
    };
  }
  if (bin) return { command: bin, prefix: [], label: `binary ${bin}` };
  return {
    command: Deno.execPath(),
    prefix: ["run", ...PERMISSIONS, "--config", CONFIG, MAIN],
    label: "source",
  };
}

let denoDir: Promise<string> | undefined;

/** Deno's cache directory of this test process, kept for the CLI when HOME changes. */
function cacheDir(): Promise<string> {
  denoDir ??= (async () => {
    const fromEnv = Deno.env.get("DENO_DIR");
    if (fromEnv) return fromEnv;
    const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
    return JSON.parse(new TextDecoder().decode(info.stdout)).denoDir as string;
  })();
  return denoDir;
}

/** Runs the CLI once with `args`. */
export async function run(args: string[], options: RunOptions = {}): Promise<Run> {
  const l = launcher();
  const child = new Deno.Command(l.command, {
    args: [...l.prefix, ...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", DENO_DIR: await cacheDir(), ...options.env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  try {
    await w.write(new TextEncoder().encode(options.stdin ?? ""));
    await w.close();
  } catch {
    // The CLI may exit without reading its input; that is not a failure of the harness.
  }
  const result = await child.output();
  const dec = new TextDecoder();
  return { code: result.code, out: dec.decode(result.stdout), err: dec.decode(result.stderr) };
}

/** The environment every run on a sandbox gets (store, HOME and XDG inside it, no colour). */
async function sandboxEnv(s: Pick<Sandbox, "dir" | "store">): Promise<Record<string, string>> {
  return {
    NO_COLOR: "1",
    DENO_DIR: await cacheDir(),
    K1S_STORE: s.store,
    HOME: `${s.dir}/home`,
    XDG_DATA_HOME: `${s.dir}/xdg`,
  };
}

/**
 * Starts `k1s ARGS` on a sandbox's store without waiting for it (for watches and waits that
 * run while other processes write); stdout and stderr are piped, stdin is closed.
 */
export async function spawn(
  s: Pick<Sandbox, "dir" | "store" | "cwd">,
  args: string[],
  env: Record<string, string> = {},
): Promise<Deno.ChildProcess> {
  const l = launcher();
  return new Deno.Command(l.command, {
    args: [...l.prefix, ...args],
    cwd: s.cwd,
    env: { ...await sandboxEnv(s), ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** A temporary store with an empty working directory, removed on dispose. */
export interface Sandbox extends AsyncDisposable {
  /** The temporary directory (files for `-f` may be written here). */
  dir: string;
  /** The store URL (`sqlite:<dir>/store.db`) passed to every run as K1S_STORE. */
  store: string;
  /** The empty working directory of every run. */
  cwd: string;
  /** Runs the CLI on this sandbox's store. */
  k1s(args: string[], options?: RunOptions): Promise<Run>;
  /** Writes `text` to `<dir>/<name>` and returns the path. */
  file(name: string, text: string): Promise<string>;
}

/** `server` or `context` when the suite runs against `k1s serve` (see the top of this file). */
export const REMOTE: "server" | "context" | undefined = (() => {
  const v = Deno.env.get("K1S_BLACKBOX_REMOTE");
  return v === "server" || v === "context" ? v : undefined;
})();

/**
 * `k1s serve --insecure-http` on a sandbox's store, in a process of its own, once it answers
 * `/readyz`: its URL, the kubeconfig it wrote (context `k1s`), and the arguments that make a run
 * use it (`--server` or, with K1S_BLACKBOX_REMOTE=context, `--kubeconfig --context`).
 */
export async function serveSandbox(s: Pick<Sandbox, "dir" | "store" | "cwd">): Promise<{
  url: string;
  kubeconfig: string;
  args: string[];
  stop(): Promise<void>;
}> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const kubeconfig = `${s.dir}/serve-kubeconfig`;
  const child = await spawn(s, [
    "serve",
    "--insecure-http",
    "--listen",
    `127.0.0.1:${port}`,
    "--write-kubeconfig",
    kubeconfig,
  ]);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0;; i++) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.text()).then(
      (t) => t === "ok",
      () => false,
    );
    if (ok) break;
    if (i > 1500) {
      child.kill("SIGTERM");
      throw new Error(
        `k1s serve did not start: ${new TextDecoder().decode((await child.output()).stderr)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    kubeconfig,
    args: REMOTE === "context"
      ? ["--kubeconfig", kubeconfig, "--context", "k1s"]
      : ["--server", url],
    async stop() {
      child.kill("SIGTERM");
      const out = await child.output();
      assert.ok(out.success, `k1s serve: ${new TextDecoder().decode(out.stderr)}`);
    },
  };
}

/** Makes a sandbox. `store` defaults to a SQLite file; pass e.g. `kv:` to use another backend. */
export async function sandbox(store?: (dir: string) => string): Promise<Sandbox> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-bb-" });
  const cwd = `${dir}/cwd`;
  await Deno.mkdir(cwd);
  const url = store ? store(dir) : `sqlite:${dir}/store.db`;
  const baseEnv = await sandboxEnv({ dir, store: url });
  const server = REMOTE ? await serveSandbox({ dir, store: url, cwd }) : undefined;
  return {
    dir,
    store: url,
    cwd,
    k1s: (args, options = {}) =>
      run([...server?.args ?? [], ...args], {
        ...options,
        cwd: options.cwd ?? cwd,
        env: { ...baseEnv, ...options.env },
      }),
    async file(name, text) {
      const path = `${dir}/${name}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(path, text);
      return path;
    },
    async [Symbol.asyncDispose]() {
      await server?.stop();
      // The CLI must not write into its working directory.
      assert.deepEqual([...Deno.readDirSync(cwd)].map((e) => e.name), [], "files left in cwd");
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Asserts a run succeeded with exactly `out` on stdout and nothing on stderr. */
export function assertOk(r: Run, out: string): void {
  assert.deepEqual(r, { code: 0, out, err: "" });
}

/** Asserts a run failed with `code` (default 1), nothing on stdout and exactly `err` on stderr. */
export function assertFails(r: Run, err: string | RegExp, code = 1): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.err}`);
  assert.equal(r.out, "", "stdout of a failed run");
  if (typeof err === "string") assert.equal(r.err, err);
  else assert.match(r.err, err);
}

/**
 * A run of `api-resources` or `api-versions` without what a server serves beside the stored
 * kinds: through `k1s serve` they list the self-subject reviews too (as kubectl does against
 * it; tests/api_resources_kubectl_test.ts checks those lines), which a local store has not.
 */
export function withoutServedReviews(r: Run): Run {
  if (!REMOTE) return r;
  return {
    ...r,
    out: r.out.replace(
      /^(selfsubject.*|authentication\.k8s\.io\/v1|authorization\.k8s\.io\/v1)\n/gm,
      "",
    ),
  };
}

/**
 * Makes ages of freshly created objects stable: a seconds cell (`0s` … `59s`) or a minutes and
 * seconds one (`2m5s`), what kubectl prints for objects created in the last minutes, becomes
 * `0s`. A loaded CI machine can take more than ten seconds between a sandbox's seeding and a
 * table. A cell followed by more columns is padded to its width so the columns after it stay
 * where they were; golden tables do not depend on how long the runs took.
 */
export function freshAges(text: string): string {
  return text.replace(
    /(?<=\s|^)(?:[0-9]+m)?[0-9]+s(?=( |\n|$))/gm,
    (cell: string, next: string) => next === " " ? "0s".padEnd(cell.length) : "0s",
  );
}
