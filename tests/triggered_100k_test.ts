// A short-lived process changes 10 of 100,000 objects; the next triggered run reconciles exactly those.
import assert from "node:assert/strict";
import { ConfigMap, createRuntime } from "@k1s/k1s";

const worker = new URL("./fixtures/triggered_worker.ts", import.meta.url).pathname;
const config = new URL("../deno.json", import.meta.url).pathname;

async function run(args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", config, worker, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("triggered run after 10 of 100,000 objects changed reconciles exactly those 10", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-100k-" });
  const url = `sqlite:${dir}/store.db`;
  try {
    {
      await using rt = await createRuntime({ store: url, compaction: false });
      for (let i = 0; i < 100_000; i++) {
        await rt.client.create(ConfigMap, { metadata: { name: `c${String(i).padStart(6, "0")}` } });
      }
    }
    const first = JSON.parse(await run(["run", url]));
    assert.equal(first.report.fullResync, true);
    assert.equal(first.seen.length, 100_000);
    await run(["touch", url, "10"]);
    const second = JSON.parse(await run(["run", url]));
    assert.equal(second.report.fullResync, false);
    assert.equal(second.report.idle, true);
    assert.deepEqual(
      second.seen.sort(),
      Array.from({ length: 10 }, (_, i) => `c${String(i * 997).padStart(6, "0")}`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
