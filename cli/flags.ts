/**
 * Command-line flags parsed the way kubectl's (spf13/pflag) parser does:
 * `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`, combined
 * short booleans (`-Aw`), `--bool=true|false`, repeated flags for lists and
 * `--` ending the flags, with pflag's error texts.
 *
 * @module
 */

import { CliError } from "./errors.ts";

/** One flag: its type, optional one-letter shorthand, and whether it repeats. */
export interface FlagSpec {
  /**
   * `string` takes a value; `int` takes an integer (kept as a number);
   * `boolean` takes none (but accepts `=true|false`).
   */
  type: "string" | "int" | "boolean";
  /** One-letter shorthand, e.g. `o` for `-o`. */
  short?: string;
  /** When true, every occurrence is collected into an array. */
  multiple?: boolean;
  /**
   * A string flag's value when it is given without one (pflag's
   * `NoOptDefVal`): `--validate` alone is `--validate=strict`. Such a flag
   * takes a value only with `=`, never from the next argument.
   */
  noValue?: string;
  /** What `--help` says of the flag (kubectl's text where kubectl has the flag). */
  description?: string;
  /**
   * The default as `--help` prints it after `=`, e.g. `'none'` or `30s`.
   * Without it: `false`, `0`, `[]` or `''` by type.
   */
  defaultText?: string;
  /** Accepted but left out of `--help` (as pflag's hidden flags). */
  hidden?: boolean;
}

/** Flags by long name. */
export type FlagsConfig = Record<string, FlagSpec>;

/** Parsed flag values by long name. */
export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

/** A command line the flags do not accept; the message is pflag's. */
export class FlagError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

/** The values Go's strconv.ParseBool reads (pflag's booleans). */
export const BOOL_VALUES: Readonly<Record<string, boolean>> = {
  "1": true,
  t: true,
  T: true,
  true: true,
  TRUE: true,
  True: true,
  "0": false,
  f: false,
  F: false,
  false: false,
  FALSE: false,
  False: false,
};

function flagLabel(name: string, spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${name}` : `--${name}`;
}

function parseInt(name: string, spec: FlagSpec, value: string): number {
  if (!/^[+-]?\d+$/.test(value)) {
    throw new FlagError(
      `invalid argument "${value}" for "${flagLabel(name, spec)}" flag: ` +
        `strconv.ParseInt: parsing "${value}": invalid syntax`,
    );
  }
  return Number(value);
}

function parseBool(name: string, spec: FlagSpec, value: string): boolean {
  const b = BOOL_VALUES[value];
  if (b === undefined) {
    throw new FlagError(
      `invalid argument "${value}" for "${flagLabel(name, spec)}" flag: ` +
        `strconv.ParseBool: parsing "${value}": invalid syntax`,
    );
  }
  return b;
}

/**
 * Parses `args` against `config`. Returns the flag values and the positional
 * arguments in order; throws {@linkcode FlagError} with pflag's message for an
 * unknown flag or a missing value.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./flags.ts";
 * import assert from "node:assert/strict";
 *
 * const config = {
 *   output: { type: "string", short: "o" },
 *   "all-namespaces": { type: "boolean", short: "A" },
 *   filename: { type: "string", short: "f", multiple: true },
 * } as const;
 * const r = parseFlags(["get", "-ojson", "cm", "-A", "-f", "a.yaml", "--filename=b.yaml"], config);
 * assert.deepEqual(r.positionals, ["get", "cm"]);
 * assert.deepEqual(r.values, {
 *   output: "json",
 *   "all-namespaces": true,
 *   filename: ["a.yaml", "b.yaml"],
 * });
 * assert.throws(() => parseFlags(["--bogus"], config), /^FlagError: unknown flag: --bogus$/);
 * ```
 */
export function parseFlags(
  args: readonly string[],
  config: FlagsConfig,
): { values: FlagValues; positionals: string[] } {
  const values: FlagValues = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(config)) if (spec.short) byShort.set(spec.short, name);

  const set = (name: string, spec: FlagSpec, value: string | boolean) => {
    if (spec.type === "int") {
      values[name] = parseInt(name, spec, String(value));
      return;
    }
    if (spec.multiple) {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(String(value));
      values[name] = list;
    } else values[name] = value;
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      // pflag's: a long flag's name neither starts with `-` nor is empty.
      if (arg[2] === "-" || arg[2] === "=") throw new FlagError(`bad flag syntax: ${arg}`);
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = Object.hasOwn(config, name) ? config[name] : undefined;
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (spec.type === "boolean") {
        set(name, spec, eq < 0 ? true : parseBool(name, spec, arg.slice(eq + 1)));
      } else if (eq >= 0) set(name, spec, arg.slice(eq + 1));
      else if (spec.noValue !== undefined) set(name, spec, spec.noValue);
      else if (i + 1 < args.length) set(name, spec, args[++i]);
      else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // A run of shorthands: booleans may be combined; a string flag takes the rest or the next arg.
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j];
        const name = byShort.get(c);
        if (!name) throw new FlagError(`unknown shorthand flag: '${c}' in ${arg}`);
        const spec = config[name];
        let rest = arg.slice(j + 1);
        if (spec.type === "boolean") {
          if (rest.startsWith("=")) {
            set(name, spec, parseBool(name, spec, rest.slice(1)));
            break;
          }
          set(name, spec, true);
          continue;
        }
        if (rest.startsWith("=")) rest = rest.slice(1);
        if (rest !== "" || arg[j + 1] === "=") set(name, spec, rest);
        else if (i + 1 < args.length) set(name, spec, args[++i]);
        else throw new FlagError(`flag needs an argument: '${c}' in ${arg}`);
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}

/** A dry-run mode as kubectl's `--dry-run` names it. */
export type DryRun = "none" | "client" | "server";

/**
 * Reads `--dry-run`, failing with kubectl's message on an unknown value.
 *
 * @example
 * ```ts
 * import { parseDryRun } from "./flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseDryRun(undefined), "none");
 * assert.equal(parseDryRun("server"), "server");
 * assert.throws(() => parseDryRun("maybe"), /Invalid dry-run value \(maybe\)/);
 * ```
 */
export function parseDryRun(value: string | boolean | string[] | undefined): DryRun {
  if (value === undefined) return "none";
  if (value === "none" || value === "client" || value === "server") return value;
  throw new CliError(
    `Invalid dry-run value (${String(value)}). Must be "none", "server", or "client".`,
  );
}

/** The suffix kubectl's printer adds to an operation in a dry run. */
export function dryRunSuffix(dry: DryRun): string {
  return dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
}
