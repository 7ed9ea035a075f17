// Helpers shared by the CLI tests: a temporary store, and a CLI run in-process.
import { captureIO } from "./io.ts";
import type { Cli } from "./kit.ts";

/** A temporary directory with a SQLite store URL in it, removed on dispose. */
export interface TempStore extends AsyncDisposable {
  /** `sqlite:<dir>/store.db`. */
  store: string;
  /** The directory. */
  dir: string;
}

/** Makes a temporary store. */
export async function tempStore(prefix = "k1s-cli-"): Promise<TempStore> {
  const dir = await Deno.makeTempDir({ prefix });
  return {
    store: `sqlite:${dir}/store.db`,
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** What one CLI run printed and returned. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  out: string;
  /** Standard error. */
  err: string;
}

/** Runs `cli` in-process with `args`, optional stdin and time. */
export async function runCli(
  cli: Cli,
  args: string[],
  options: { stdin?: string; now?: number } = {},
): Promise<CliResult> {
  const io = captureIO(options);
  const code = await cli.run(args, io);
  return { code, out: io.out, err: io.err };
}
