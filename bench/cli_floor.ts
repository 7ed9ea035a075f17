// The floor for `k1s get configmaps`: the same reads and a three-column table with bare
// node:sqlite, one file, no k1s code. bench/run.ts times it beside the CLI (cli_floor_ms).
import { DatabaseSync } from "node:sqlite";

const db = new DatabaseSync(Deno.args[0]);
db.exec("PRAGMA busy_timeout = 30000");
const rows = db.prepare(
  "SELECT l.value AS value FROM current c JOIN log l ON l.id = c.rev " +
    "WHERE c.key >= ? AND c.key < ? ORDER BY c.key",
).all("/registry/configmaps/default/", "/registry/configmaps/default0") as { value: string }[];
const now = Date.now();
const lines = ["NAME   DATA   AGE"];
for (const r of rows) {
  const o = JSON.parse(r.value);
  const age = Math.floor((now - Date.parse(o.metadata.creationTimestamp)) / 60_000);
  lines.push(`${o.metadata.name}   ${Object.keys(o.data ?? {}).length}   ${age}m`);
}
await Deno.stdout.write(new TextEncoder().encode(lines.join("\n") + "\n"));
db.close();
