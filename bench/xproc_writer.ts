/**
 * Writer half of the cross-process watch benchmark (see run.ts).
 *
 * Usage: `deno run -A --config deno.json bench/xproc_writer.ts STORE_URL N [SPACING_MS]`
 *
 * Opens the store, creates N ConfigMaps `xp-0..xp-N-1` in `default`, one
 * every SPACING_MS (default 5) ms on an absolute schedule, each carrying its
 * wall-clock send time (`performance.timeOrigin + performance.now()`) in
 * `data.t`, then prints `done N` and exits.
 *
 * @module
 */
import { ConfigMap, createRuntime } from "@k1s/k1s";

const [url, nText, spacingText] = Deno.args;
if (!url || !nText) {
  console.error("usage: xproc_writer.ts STORE_URL N [SPACING_MS]");
  Deno.exit(2);
}
const n = Number(nText);
const spacing = Number(spacingText ?? "5");

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

await using rt = await createRuntime({ store: url, compaction: false });
const c = rt.client;
// Warm the create path (JIT, prepared statements) on a throwaway object.
await c.create(ConfigMap, { metadata: { name: "xp-warmup" }, data: { t: "0" } }, {
  namespace: "default",
});
const start = performance.now() + spacing;
for (let i = 0; i < n; i++) {
  const wait = start + i * spacing - performance.now();
  if (wait > 0) await sleep(wait);
  await c.create(ConfigMap, {
    metadata: { name: `xp-${i}` },
    data: { t: String(now()), i: String(i) },
  }, { namespace: "default" });
}
console.log(`done ${n}`);
