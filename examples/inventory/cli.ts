/**
 * The `inventory` command: k1s's CLI kit over the inventory kinds and
 * controllers, shipped as its own binary (`deno task inventory:compile`).
 *
 * @module
 */
import { defineCli } from "../../cli/kit.ts";
import { standardCommands } from "../../cli/commands/mod.ts";
import { processIO } from "../../cli/io.ts";
import { Category, Item } from "./kinds.ts";
import { inventoryControllers } from "./controllers.ts";

/** The inventory CLI. */
export const inventory = defineCli({
  name: "inventory",
  version: "0.1.0",
  kinds: [Category, Item],
  controllers: inventoryControllers,
  storeEnv: "INVENTORY_STORE",
  commands: standardCommands(),
});

if (import.meta.main) Deno.exit(await inventory.run(Deno.args, processIO()));
