/**
 * The main demo: applies the sample inventory to a fresh default store (a new
 * data directory) and shows what `get` and `describe` print, as a shell
 * session would.
 *
 *   npx --yes deno@2.9.6 task demo
 *
 * @module
 */
import type { CliIO } from "@k1s/k1s/cli";
import { inventory } from "./cli.ts";

const dataHome = await Deno.makeTempDir({ prefix: "inventory-demo-" });
const sample = new URL("./sample/", import.meta.url).pathname;
const enc = new TextEncoder();
const io: CliIO = {
  stdout: (t) => void Deno.stdout.writeSync(enc.encode(t)),
  stderr: (t) => void Deno.stdout.writeSync(enc.encode(t)),
  readStdin: () => Promise.resolve(""),
  env: (
    n,
  ) => (n === "XDG_DATA_HOME" ? dataHome : n === "INVENTORY_STORE" ? undefined : Deno.env.get(n)),
  isTerminal: false,
  now: () => Date.now(),
  cwd: () => Deno.cwd(),
};

async function run(...args: string[]): Promise<void> {
  const shown = args.map((a) => (/[\s{}"]/.test(a) ? `'${a}'` : a)).join(" ");
  console.log(`\n$ inventory ${shown.replaceAll(sample, "sample/")}`);
  const code = await inventory.run(args, io);
  if (code !== 0) console.log(`(exit status ${code})`);
}

console.log(`A fresh default store: ${dataHome}/inventory/store.db`);
try {
  await run("apply", "-f", `${sample}categories.yaml`);
  await run("apply", "-f", `${sample}items.yaml`);
  await run("get", "categories");
  await run("get", "items", "-o", "wide");
  await run("get", "itm", "--field-selector", "spec.category=writing", "-o", "name");
  await run("create", "-f", `${sample}../sample-bad/item-without-category.yaml`);
  await run("get", "itm", "blue-pen", "-o", 'jsonpath={.spec.quantity}{"\\n"}');
  await run("delete", "item", "stapler");
  await run("get", "cat", "office");
  await run("describe", "category", "office");
} finally {
  await Deno.remove(dataHome, { recursive: true });
}
