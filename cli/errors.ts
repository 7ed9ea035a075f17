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
