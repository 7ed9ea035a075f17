/**
 * `apply -f FILE|DIR|-` (`-R`): kubectl's client-side apply with the
 * last-applied-configuration annotation and a three-way merge.
 *
 * @module
 */
import { VALIDATE_OPTIONS } from "../validate.ts";
import { CliError } from "../errors.ts";
import type { Command } from "../kit.ts";
import { applyFromFiles } from "./files.ts";
import { DRY_RUN_FLAG } from "../kit.ts";

/** The `apply` command. */
export const applyCommand: Command = {
  name: "apply",
  summary: "Apply a configuration to a resource by file name or stdin",
  usage:
    "  apply (-f FILENAME) [-R] [--dry-run=none|client|server] [--validate=strict|warn|ignore]\n" +
    "        [-o json|yaml|name|jsonpath=...] [--field-manager=kubectl-client-side-apply]",
  options: {
    filename: { type: "string", short: "f", multiple: true },
    recursive: { type: "boolean", short: "R" },
    "dry-run": DRY_RUN_FLAG,
    ...VALIDATE_OPTIONS,
    output: { type: "string", short: "o" },
    "field-manager": { type: "string" },
    prune: { type: "boolean" },
    force: { type: "boolean" },
    "prune-allowlist": { type: "string", multiple: true },
    all: { type: "boolean" },
    selector: { type: "string", short: "l" },
  },
  mutates: true,
  async run(ctx) {
    if (!ctx.flags.filename) {
      throw new CliError("must specify one of -f and -k", {
        hint: `See '${ctx.cli.name} apply -h' for help and examples`,
      });
    }
    if (ctx.args.length) {
      throw new CliError(`Unexpected args: [${ctx.args.join(" ")}]`, {
        hint: `See '${ctx.cli.name} apply -h' for help and examples`,
      });
    }
    return await applyFromFiles(ctx);
  },
};
