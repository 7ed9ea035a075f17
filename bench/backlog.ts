/**
 * `cli_write_after_backlog_ms` for `deno task bench` (section `backlog`):
 * the time of one `k1s label` on a SQLite store after a live manager
 * (bench/backlog_manager.ts, holding the controllers' lease) handled 300
 * creates and 300 deletes with an operator and the built-in controllers,
 * against the same `label` on an idle store (`cli_write_idle_ms`, the raw
 * figure; target <= 2x). Also, for information, the first `label` after the
 * manager stopped (`cli_write_after_backlog_no_manager_ms`: that command's
 * controllers work through the backlog within their budget).
 *
 * @module
 */
import type { Reporters } from "./serve.ts";

const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;
const MANAGER = new URL("./backlog_manager.ts", import.meta.url).pathname;
const PERMS = [
  "--v8-flags=--min-semi-space-size=16",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-net",
];

async function k1s(db: string, ...args: string[]): Promise<number> {
  const t = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, "--config", CONFIG, MAIN, `--store=sqlite:${db}`, ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t;
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return ms;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** Runs the section. */
export async function benchBacklog(r: Reporters): Promise<void> {
  const dir = await r.tempDir();
  const runs = r.scale(10) < 5 ? 3 : 7;
  // The idle store: the same labels, nothing else happening.
  const idle = `${dir}/idle.db`;
  await k1s(idle, "create", "configmap", "target");
  await k1s(idle, "label", "configmap", "target", "warm=1");
  const idleMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    idleMs.push(await k1s(idle, "label", "configmap", "target", `run=${i}`, "--overwrite"));
  }
  // The backlog: a live manager handles a burst.
  const busy = `${dir}/busy.db`;
  await k1s(busy, "create", "configmap", "target");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MANAGER, busy, String(300)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("handled\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the bench manager exited before handling its burst");
    seen += value;
  }
  const busyMs: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      busyMs.push(await k1s(busy, "label", "configmap", "target", `run=${i}`, "--overwrite"));
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
    lines.releaseLock();
    await child.stdout.cancel().catch(() => {});
  }
  const afterStop = await k1s(busy, "label", "configmap", "target", "stopped=1");
  const idleMedian = median(idleMs);
  const busyMedian = median(busyMs);
  r.ms(
    "cli_write_idle_ms",
    idleMedian,
    undefined,
    `  (k1s label on an idle sqlite store, median of ${runs})`,
  );
  r.ms(
    "cli_write_after_backlog_ms",
    busyMedian,
    undefined,
    `  (ratio ${(busyMedian / idleMedian).toFixed(2)}, target <= 2: ${
      busyMedian <= 2 * idleMedian ? "ok" : "MISS"
    }; after 300 creates and deletes handled by a live manager, median of ${runs})`,
  );
  r.ms(
    "cli_write_after_backlog_no_manager_ms",
    afterStop,
    undefined,
    "  (the first label after that manager stopped: its controllers work through the backlog)",
  );
}
