/**
 * Structured logging for controllers, after controller-runtime's logr/zap setup.
 *
 * A {@linkcode Logger} carries key/value fields; {@linkcode Logger.with} makes a child with more
 * of them. The controller gives each reconcile a logger with `controller`, `controllerGroup`,
 * `controllerKind`, the object reference under the kind's name, `namespace`, `name` and
 * `reconcileID`, as controller-runtime does, in `context.log`.
 *
 * The default, {@linkcode jsonLogger}, writes what controller-runtime's zap logger writes in its
 * production mode (`zap.New()` without `UseDevMode`): one JSON object a line with `level`, `ts`
 * (RFC 3339), `msg`, then the fields, and `error` for errors, at level info and above. The
 * development mode's console encoder is meant for eyes, not tools, so it is not copied.
 * {@linkcode nopLogger} drops everything.
 *
 * @example
 * ```ts
 * import { jsonLogger } from "./logger.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * const log = jsonLogger({ write: (line) => lines.push(line), now: () => 0 });
 * log.with({ controller: "app" }).info("Starting workers", { count: 2 });
 * assert.deepEqual(JSON.parse(lines[0]), {
 *   level: "info", ts: "1970-01-01T00:00:00.000Z", msg: "Starting workers", controller: "app", count: 2,
 * });
 * ```
 *
 * @module
 */

/** Key/value pairs attached to a log line. */
export type LogFields = Record<string, unknown>;

/** Levels of a {@linkcode Logger}, least severe first. */
export type LogLevel = "debug" | "info" | "error";

/** A structured logger (controller-runtime's `logr.Logger`, trimmed). */
export interface Logger {
  /** Logs a debug line (controller-runtime's `V(5).Info`); dropped at the default level. */
  debug(msg: string, fields?: LogFields): void;
  /** Logs an informational line. */
  info(msg: string, fields?: LogFields): void;
  /** Logs an error with its message under `error`. */
  error(err: unknown, msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (later fields win over earlier ones). */
  with(fields: LogFields): Logger;
  /**
   * Whether lines of `level` are written; callers skip building what a
   * dropped line would carry. Absent: assume they are.
   */
  enabled?(level: LogLevel): boolean;
}

/** Options of {@linkcode jsonLogger}. */
export interface JsonLoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Where each line goes (without its newline). Default: standard error. */
  write?: (line: string) => void;
  /** Clock of the `ts` field, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, error: 2 };

const encoder = new TextEncoder();

function writeStderr(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

/** A value as JSON can hold it: errors by message, bigints as strings. */
function jsonable(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === "bigint") return value.toString();
  return value;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : String(err);
}

function stringify(record: LogFields): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(record, (_key, value) => {
    const v = jsonable(value);
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) return "[Circular]";
      seen.add(v);
    }
    return v;
  });
}

/**
 * A logger writing one JSON object a line, as controller-runtime's production zap logger:
 * `{"level":"error","ts":"…","msg":"Reconciler error","controller":"app",…,"error":"boom"}`.
 * The fields `level`, `ts` and `msg` come first and cannot be overridden by fields.
 *
 * @example
 * ```ts
 * import { jsonLogger } from "./logger.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * const log = jsonLogger({ write: (line) => lines.push(line), now: () => 0 });
 * log.debug("hidden");
 * log.error(new Error("boom"), "Reconciler error", { name: "a" });
 * assert.equal(lines.length, 1);
 * assert.equal(JSON.parse(lines[0]).error, "boom");
 * ```
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? "info"];
  const write = options.write ?? writeStderr;
  const now = options.now ?? Date.now;
  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields: LogFields | undefined, err?: unknown) => {
      if (RANK[level] < min) return;
      const record: LogFields = { level, ts: new Date(now()).toISOString(), msg };
      const extra = fields ? { ...base, ...fields } : base;
      for (const [k, v] of Object.entries(extra)) if (!(k in record)) record[k] = v;
      if (level === "error" && err !== undefined) record.error = errorMessage(err);
      write(stringify(record));
    };
    return {
      debug: (msg, fields) => emit("debug", msg, fields),
      info: (msg, fields) => emit("info", msg, fields),
      error: (err, msg, fields) => emit("error", msg, fields, err),
      with: (fields) => make({ ...base, ...fields }),
      enabled: (level) => RANK[level] >= min,
    };
  };
  return make({});
}

/**
 * A logger that writes nothing.
 *
 * @example
 * ```ts
 * import { nopLogger } from "./logger.ts";
 * nopLogger.with({ a: 1 }).info("dropped");
 * ```
 */
export const nopLogger: Logger = {
  debug() {},
  info() {},
  error() {},
  with() {
    return nopLogger;
  },
  enabled() {
    return false;
  },
};

/** The logger used when none is given: {@linkcode jsonLogger} at level info to standard error. */
export const defaultLogger: Logger = jsonLogger();
