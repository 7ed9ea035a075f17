/**
 * kubectl's `--validate` flag: what the server does with unknown and
 * duplicate fields (`strict`, the default, or `true`; `warn`; `ignore` or
 * `false`), and the warnings it returns, printed as kubectl prints them.
 *
 * @module
 */
import type { FieldValidation } from "../src/registry/options.ts";
import { CliError } from "./errors.ts";
import { BOOL_VALUES, type FlagsConfig } from "./flags.ts";
import type { CliIO } from "./io.ts";

/** The `--validate` flag (alone, it means `strict`). */
export const VALIDATE_OPTIONS: FlagsConfig = { validate: { type: "string", noValue: "strict" } };

/**
 * The write options `--validate` asks for: the field validation, and a
 * warning handler printing `Warning: <message>` on stderr.
 *
 * @example
 * ```ts
 * import { validateOptions } from "./validate.ts";
 * import { captureIO } from "./io.ts";
 * import assert from "node:assert/strict";
 *
 * const io = captureIO();
 * assert.equal(validateOptions({ validate: "false" }, io).fieldValidation, "Ignore");
 * assert.equal(validateOptions({}, io).fieldValidation, "Strict");
 * assert.throws(() => validateOptions({ validate: "maybe" }, io), /invalid - validate option/);
 * ```
 */
export function validateOptions(
  flags: Record<string, unknown>,
  io: Pick<CliIO, "stderr">,
): { fieldValidation: FieldValidation; onWarning: (message: string) => void } {
  const v = flags.validate === undefined ? "strict" : String(flags.validate);
  let fieldValidation: FieldValidation;
  if (v in BOOL_VALUES) fieldValidation = BOOL_VALUES[v] ? "Strict" : "Ignore";
  else if (v === "strict") fieldValidation = "Strict";
  else if (v === "warn") fieldValidation = "Warn";
  else if (v === "ignore") fieldValidation = "Ignore";
  else {
    throw new CliError(
      `invalid - validate option ${
        JSON.stringify(v)
      }; must be one of: strict (or true), warn, ignore (or false)`,
    );
  }
  return { fieldValidation, onWarning: (message) => io.stderr(`Warning: ${message}\n`) };
}

/**
 * True when kubectl validates `-f` objects itself before sending them (`error validating
 * "F": error validating data: kind not set; …`): create, apply and replace do unless
 * `--validate=false` (or `ignore`).
 */
export function clientValidates(flags: Record<string, unknown>): boolean {
  return validateOptions(flags, { stderr: () => {} }).fieldValidation !== "Ignore";
}
