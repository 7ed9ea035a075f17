/**
 * What a command may touch: output streams, standard input, environment,
 * time. Commands take it as a parameter so tests run them in-process.
 *
 * @module
 */

/** The CLI's view of its process. */
export interface CliIO {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
  /** Environment variables. */
  env(name: string): string | undefined;
  /** True when standard error is a terminal (progress is shown only then). */
  isTerminal: boolean;
  /** The width of the terminal standard output is, in columns; 0 when it is not a terminal. */
  columns?(): number;
  /** Current time in ms. */
  now(): number;
  /** Current directory. */
  cwd(): string;
}

/** The real process. */
export function processIO(): CliIO {
  const enc = new TextEncoder();
  return {
    stdout: (t) => void Deno.stdout.writeSync(enc.encode(t)),
    stderr: (t) => void Deno.stderr.writeSync(enc.encode(t)),
    readStdin: () => new Response(Deno.stdin.readable).text(),
    env: (n) => Deno.env.get(n),
    isTerminal: Deno.stderr.isTerminal(),
    columns: () => {
      if (!Deno.stdout.isTerminal()) return 0;
      try {
        return Deno.consoleSize().columns;
      } catch {
        return 0;
      }
    },
    now: () => Date.now(),
    cwd: () => Deno.cwd(),
  };
}

/** An in-memory IO for tests: collects output. */
export interface CapturedIO extends CliIO {
  /** Everything written to stdout. */
  out: string;
  /** Everything written to stderr. */
  err: string;
}

/** Builds an in-memory IO with the given stdin, environment and time. */
export function captureIO(
  options: {
    stdin?: string;
    env?: Record<string, string>;
    now?: number;
    cwd?: string;
    /** The terminal width standard output pretends to have (none: not a terminal). */
    columns?: number;
  } = {},
): CapturedIO {
  const io: CapturedIO = {
    out: "",
    err: "",
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
    readStdin: () => Promise.resolve(options.stdin ?? ""),
    env: (n) => options.env?.[n],
    isTerminal: false,
    columns: () => options.columns ?? 0,
    now: () => options.now ?? Date.now(),
    cwd: () => options.cwd ?? Deno.cwd(),
  };
  return io;
}
