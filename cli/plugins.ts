/**
 * Plugins as kubectl has them: `k1s foo bar` runs `k1s-foo-bar` (or else
 * `k1s-foo bar`) from PATH when `foo` is not a verb, and `plugin list` lists
 * the executables named `k1s-*` on PATH, with kubectl's warnings. A CLI built
 * with the kit gets the same for its own name.
 *
 * @module
 */
import type { Command } from "./kit.ts";
import type { CliIO } from "./io.ts";

/** An executable file (any execute bit), not a directory. */
async function executable(path: string): Promise<boolean | undefined> {
  try {
    const st = await Deno.stat(path);
    if (!st.isFile) return undefined;
    return ((st.mode ?? 0o755) & 0o111) !== 0;
  } catch {
    return undefined;
  }
}

function pathDirs(io: Pick<CliIO, "env">): string[] {
  return (io.env("PATH") ?? "").split(":").map((d) => d === "" ? "." : d);
}

/** `exec.LookPath`: the first executable named `name` in a PATH directory. */
async function lookPath(name: string, io: Pick<CliIO, "env">): Promise<string | undefined> {
  for (const dir of pathDirs(io)) {
    const path = `${dir}/${name}`;
    if (await executable(path)) return path;
  }
  return undefined;
}

/**
 * kubectl's `HandlePluginCommand`: the longest `NAME-a-b` on PATH made of the
 * leading non-flag arguments (their dashes read as underscores) runs with the
 * rest of the arguments, standard streams and environment; its exit code is
 * returned. Undefined when there is no such plugin. Flags before the plugin's
 * name are an error, as in kubectl.
 */
export async function runPlugin(
  name: string,
  args: string[],
  io: Pick<CliIO, "env" | "stderr">,
): Promise<number | undefined> {
  const pieces: string[] = [];
  for (const arg of args) {
    if (arg.startsWith("-")) break;
    pieces.push(arg.replaceAll("-", "_"));
  }
  if (pieces.length === 0) {
    io.stderr(`Error: flags cannot be placed before plugin name: ${args[0]}\n`);
    return 1;
  }
  for (let n = pieces.length; n >= 1; n--) {
    const path = await lookPath(`${name}-${pieces.slice(0, n).join("-")}`, io);
    if (path === undefined) continue;
    const child = new Deno.Command(path, {
      args: args.slice(n),
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    const status = await child.status;
    return status.signal ? 128 + signalNumber(status.signal) : status.code;
  }
  return undefined;
}

function signalNumber(signal: Deno.Signal): number {
  const numbers: Partial<Record<Deno.Signal, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGSEGV: 11,
    SIGPIPE: 13,
    SIGTERM: 15,
  };
  return numbers[signal] ?? 1;
}

const USAGE = `  plugin list [--name-only]

Provides utilities for interacting with plugins.

Plugins provide extended functionality that is not part of the major command-line distribution.

Available Commands:
  list          List all visible plugin executables on a user's PATH
`;

/** The `plugin` command: `plugin list [--name-only]`. */
export const pluginCommand: Command = {
  name: "plugin",
  summary: "Provides utilities for interacting with plugins",
  usage: USAGE,
  options: { "name-only": { type: "boolean" } },
  async run(ctx) {
    const [sub, ...extra] = ctx.args;
    const cli = ctx.cli.name;
    if (sub !== "list") {
      if (sub === undefined) {
        ctx.io.stdout(await ctx.help());
        return 0;
      }
      ctx.io.stderr(`error: unknown command "${sub}" for "${cli} plugin"\n`);
      return 1;
    }
    if (extra.length > 0) {
      ctx.io.stderr(`error: unknown command "${extra[0]}" for "${cli} plugin list"\n`);
      return 1;
    }
    const prefix = `${cli}-`;
    const seen = new Map<string, string>();
    const verbs = new Set(ctx.cli.commands.map((c) => c.name));
    const found: string[] = [];
    const warnings: string[] = [];
    for (const dir of pathDirs(ctx.io)) {
      let entries: string[];
      try {
        entries = [];
        for await (const e of Deno.readDir(dir)) entries.push(e.name);
      } catch {
        continue;
      }
      for (const file of entries.sort()) {
        if (!file.startsWith(prefix) || file.length === prefix.length) continue;
        const path = `${dir}/${file}`;
        const exec = await executable(path);
        if (exec === undefined) continue;
        found.push(ctx.flags["name-only"] ? file : path);
        // kubectl's verifier: a plugin named like a verb, not executable, or hidden by an earlier one.
        const verb = file.slice(prefix.length).split("-")[0];
        if (verbs.has(verb)) {
          warnings.push(`${file} overwrites existing command: "${cli} ${verb}"`);
        }
        if (!exec) warnings.push(`${path} identified as a ${cli} plugin, but it is not executable`);
        const earlier = seen.get(file);
        if (earlier !== undefined) {
          warnings.push(`${path} is overshadowed by a similarly named plugin: ${earlier}`);
        } else seen.set(file, path);
      }
    }
    if (found.length === 0) {
      ctx.io.stderr(`error: unable to find any ${cli} plugins in your PATH\n`);
      return 1;
    }
    ctx.io.stdout(
      `The following compatible plugins are available:\n\n${found.map((f) => `${f}\n`).join("")}`,
    );
    if (warnings.length === 0) return 0;
    ctx.io.stderr(warnings.map((w) => `  - warning: ${w}\n`).join(""));
    ctx.io.stderr(
      warnings.length === 1
        ? "error: one plugin warning was found\n"
        : `error: ${warnings.length} plugin warnings were found\n`,
    );
    return 1;
  },
};
