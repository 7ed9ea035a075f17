/**
 * The `k1s` command, built with the kit.
 *
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };
import { type Cli, defineCli } from "./kit.ts";
import { standardCommands } from "./commands/mod.ts";

/** The k1s CLI. */
export const k1s: Cli = defineCli({
  name: "k1s",
  version: denoJson.version,
  commands: standardCommands(),
});
