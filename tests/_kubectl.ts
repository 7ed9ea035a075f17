// Runs the installed kubectl binaries (kubectl.1.27 ... kubectl.1.33, beside the dispatcher that
// `kubectl` links to) against a k1s API server started by the test, each server with its own
// kubeconfig and kubectl cache directory. Where kubectl is not installed, tests say so in one line
// and skip; with CI=true they fail instead.

import { createRuntime, type Runtime } from "../mod.ts";
import { type ApiServer, serve } from "../src/server/server.ts";

/** The directory holding the versioned kubectl binaries, or undefined. */
function kubectlDir(): string | undefined {
  try {
    const out = new Deno.Command("sh", {
      args: ["-c", 'dirname "$(readlink -f "$(command -v kubectl)")"'],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const dir = new TextDecoder().decode(out.stdout).trim();
    return out.success && dir ? dir : undefined;
  } catch {
    return undefined;
  }
}

const DIR = kubectlDir();

/** The path of `kubectl.1.<minor>`, or undefined when it is not installed. */
export function kubectlPath(minor: number): string | undefined {
  if (!DIR) return undefined;
  const path = `${DIR}/kubectl.1.${minor}`;
  try {
    Deno.statSync(path);
    return path;
  } catch {
    return undefined;
  }
}

/**
 * True when `kubectl.1.<minor>` can run. Otherwise prints one line naming
 * what is missing (and throws under CI=true, where it must be installed).
 */
export function haveKubectl(minor: number): boolean {
  if (kubectlPath(minor)) return true;
  const why = `skipped: kubectl.1.${minor} is not installed (install kubectl to run this test)`;
  if (Deno.env.get("CI") === "true") throw new Error(why);
  console.log(why);
  return false;
}

/** What one kubectl run printed. */
export interface KubectlRun {
  /** Exit code. */
  code: number;
  /** Standard output. */
  out: string;
  /** Standard error. */
  err: string;
}

/** A kubectl bound to one server: its kubeconfig and a cache directory of its own. */
export class Kubectl {
  readonly #bin: string;
  readonly kubeconfig: string;
  readonly cacheDir: string;

  constructor(minor: number, kubeconfig: string, cacheDir: string) {
    const bin = kubectlPath(minor);
    if (!bin) throw new Error(`kubectl.1.${minor} is not installed`);
    this.#bin = bin;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  /** Runs kubectl with `args`; `stdin` is written to it; `env` adds variables. */
  async run(
    args: string[],
    options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
  ): Promise<KubectlRun> {
    const child = new Deno.Command(this.#bin, {
      args: [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${this.cacheDir}`, ...args],
      cwd: options.cwd,
      env: { HOME: this.cacheDir, ...options.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    if (options.stdin) await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
    const out = await child.output();
    const dec = new TextDecoder();
    return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
  }

  /** Starts kubectl without waiting (for `-w`); the caller kills it. */
  spawn(args: string[]): Deno.ChildProcess {
    return new Deno.Command(this.#bin, {
      args: [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${this.cacheDir}`, ...args],
      env: { HOME: this.cacheDir },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  }
}

/** Writes a plain-http kubeconfig for `url` (no credentials: kubectl sends none over http). */
export async function httpKubeconfig(dir: string, url: string): Promise<string> {
  const path = `${dir}/kubeconfig`;
  await Deno.writeTextFile(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: k1s, cluster: {server: "${url}"}}]
users: [{name: k1s, user: {}}]
contexts: [{name: k1s, context: {cluster: k1s, user: k1s, namespace: default}}]
current-context: k1s
`,
  );
  return path;
}

/** A memory-store runtime served on a free port, with a kubectl of its own; disposed together. */
export interface KubectlFixture extends AsyncDisposable {
  /** The runtime served. */
  rt: Runtime;
  /** The server. */
  server: ApiServer;
  /** A temporary directory (files for `-f` may go here). */
  dir: string;
  /** kubectl bound to the server. */
  kubectl: Kubectl;
}

/** Serves a fresh memory-store runtime and binds `kubectl.1.<minor>` (default 1.32) to it. */
export async function kubectlFixture(minor = 32): Promise<KubectlFixture> {
  const dir = await Deno.makeTempDir({ prefix: "k1s-kubectl-" });
  const rt = await createRuntime({ store: "memory:" });
  const server = await serve(rt, { port: 0 });
  const kubeconfig = await httpKubeconfig(dir, server.url);
  await Deno.mkdir(`${dir}/cache`);
  return {
    rt,
    server,
    dir,
    kubectl: new Kubectl(minor, kubeconfig, `${dir}/cache`),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await rt.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** kubectl 1.32 for offline comparisons: `$K1S_KUBECTL` if set, else the installed one. */
export const KUBECTL_132: string | undefined = Deno.env.get("K1S_KUBECTL") ?? kubectlPath(32);

/**
 * Runs kubectl 1.32 offline (`--dry-run=client`, `--local`, flag errors) in `dir`, with a clean
 * environment: PATH, a HOME and KUBECONFIG inside `dir`, and `env`.
 */
export async function kubectlOffline(
  args: string[],
  dir: string,
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(KUBECTL_132!, {
    args,
    cwd: dir,
    clearEnv: true,
    env: {
      ...env,
      PATH: Deno.env.get("PATH") ?? "",
      HOME: `${dir}/kubectl-home`,
      KUBECONFIG: `${dir}/kubectl-home/config`,
    },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/**
 * Runs kubectl 1.32 offline as {@linkcode kubectlOffline} does (in `dir`, with a home that does not
 * exist), but with its standard output on a terminal `columns` wide (a pseudo-terminal from util-linux's `script`), where kubectl wraps its
 * help. Undefined when `script` is not installed.
 */
export async function kubectlOnTerminal(
  args: string[],
  dir: string,
  columns: number,
): Promise<string | undefined> {
  const quoted = args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  let r: Deno.CommandOutput;
  try {
    r = await new Deno.Command("script", {
      args: ["-qec", `stty cols ${columns} rows 50; exec '${KUBECTL_132}' ${quoted}`, "/dev/null"],
      cwd: dir,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        // A fixed home, never created: `options` prints the cache directory under it.
        HOME: "/k1s-help-home",
        KUBECONFIG: "/k1s-help-home/config",
      },
      stdin: "null",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  if (!r.success) throw new Error(`script: ${new TextDecoder().decode(r.stderr)}`);
  return new TextDecoder().decode(r.stdout).replaceAll("\r\n", "\n");
}
