/**
 * Errors as kubectl prints them, and its exit codes.
 *
 * @module
 */
import { ApiError } from "../src/apimachinery/errors.ts";

/** An error the CLI reports as `error: <message>` with an exit code (default 1). */
export class CliError extends Error {
  /** Process exit code. */
  readonly exitCode: number;
  /** Extra line printed after the message (e.g. a usage hint). */
  readonly hint?: string;
  /** A CLI error. */
  constructor(message: string, options: { exitCode?: number; hint?: string } = {}) {
    super(message);
    this.name = "CliError";
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/**
 * A command that only reads was pointed at a store that does not exist: it
 * says so instead of creating an empty one.
 */
export class NoStoreError extends CliError {
  /** The absolute path where no store is. */
  readonly path: string;
  /** No store at `path`. */
  constructor(path: string) {
    super(
      `there is no store at ${path}: nothing has been stored there yet (create objects with ` +
        `'k1s apply -f FILE' or 'k1s create', or choose another store with --store)`,
    );
    this.name = "NoStoreError";
    this.path = path;
  }
}

/** The lines kubectl prints for an error, without the trailing newline. */
export function formatError(err: unknown): string {
  if (err instanceof KlogExitError) return err.message;
  if (err instanceof ApiError) {
    const details = err.status.details;
    if (err.reason === "Invalid" && details) {
      // kubectl's StandardErrorMessage for Invalid: "The <Kind> "<name>" is invalid: <causes>".
      let s = details.kind || details.name
        ? `The ${details.kind ?? ""} "${details.name ?? ""}" is invalid`
        : "The request is invalid";
      const causes = (details.causes ?? []).map((c) => `${c.field}: ${c.message}`);
      // Without kind, name or causes, kubectl adds the server's message.
      if (!details.kind && !details.name && causes.length === 0 && err.message) {
        s += `: ${err.message}`;
      }
      // MultilineError: one cause on the line, several as "* cause" lines after "invalid: ".
      if (causes.length === 1) s += `: ${causes[0]}`;
      else if (causes.length > 1) s += `: \n${causes.map((c) => `* ${c}`).join("\n")}`;
      return s;
    }
    // kubectl leaves the parentheses out when the Status has no reason.
    return err.reason
      ? `Error from server (${err.reason}): ${err.message}`
      : `Error from server: ${err.message}`;
  }
  const many = (err as { messages?: unknown }).messages;
  if (
    err instanceof Error && err.name === "ManifestError" && Array.isArray(many) && many.length > 1
  ) {
    return many.join("\n"); // kubectl prints several problems as bare lines
  }
  if (err instanceof CliError) return `error: ${err.message}${err.hint ? `\n${err.hint}` : ""}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * A line as klog writes it: severity (`W`, `F`), month and day, time with microseconds, the
 * process id, the Go source file and line kubectl logs from, then the message.
 *
 * @example
 * ```ts
 * import { klogLine } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const line = klogLine("W", "helpers.go:702", "careful", new Date(2026, 0, 2, 3, 4, 5, 6));
 * assert.match(line, /^W0102 03:04:05\.006000 +\d+ helpers\.go:702\] careful\n$/);
 * ```
 */
export function klogLine(
  severity: "W" | "F",
  source: string,
  message: string,
  now = new Date(),
): string {
  const p2 = (n: number) => String(n).padStart(2, "0");
  const micros = String(now.getMilliseconds() * 1000).padStart(6, "0");
  const stamp = `${p2(now.getMonth() + 1)}${p2(now.getDate())} ` +
    `${p2(now.getHours())}:${p2(now.getMinutes())}:${p2(now.getSeconds())}.${micros}`;
  return `${severity}${stamp} ${String(Deno.pid).padStart(7)} ${source}] ${message}\n`;
}

/**
 * What kubectl reports with klog.Exitf: its `F…` line as it is (no `error: `), exit code 1.
 */
export class KlogExitError extends Error {
  /** Creates the error for `source` (e.g. `sorter.go:375`) and `message`. */
  constructor(source: string, message: string) {
    super(klogLine("F", source, message));
    this.name = "KlogExitError";
  }
}
