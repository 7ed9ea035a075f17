/**
 * The CLI kit: build a kubectl-style command over your own kinds and
 * controllers. Declare a name, kinds, controllers, a default store and extra
 * commands; the kit provides get, describe, create, apply, edit, delete,
 * patch, label, annotate, wait, api-resources, explain, events, completion
 * and version over those kinds, help text, kubectl's error format and exit
 * codes, and runs your controllers (with the built-in ones) in triggered mode
 * after every mutating command. The `k1s` command is built with it.
 *
 * @example
 * ```ts ignore
 * import { defineCli, processIO, standardCommands } from "@k1s/k1s/cli";
 * import { Item } from "./kinds.ts";
 *
 * const cli = defineCli({
 *   name: "inventory",
 *   version: "0.1.0",
 *   kinds: [Item],
 *   storeEnv: "INVENTORY_STORE",
 *   commands: standardCommands(),
 * });
 * Deno.exit(await cli.run(Deno.args, processIO()));
 * ```
 *
 * @module
 */
export {
  type Cli,
  type CliCore,
  type CliRuntime,
  type CliSpec,
  type Command,
  type CommandContext,
  type CommandDoc,
  defineCli,
  embeddedCliRuntime,
  lazyCommand,
  loadCommands,
} from "./kit.ts";
export { standardCommands } from "./commands/mod.ts";
export { type CapturedIO, captureIO, type CliIO, processIO } from "./io.ts";
export { CliError, formatError } from "./errors.ts";
export {
  FlagError,
  type FlagsConfig,
  type FlagSpec,
  type FlagValues,
  parseFlags,
} from "./flags.ts";
