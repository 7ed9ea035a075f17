/**
 * The `inventory` command: k1s's CLI kit over the inventory kinds and
 * controllers, shipped as its own binary (`deno task inventory:compile`).
 *
 * @module
 */
import { defineCli, processIO, standardCommands } from "@k1s/k1s/cli";
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
