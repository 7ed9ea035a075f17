// tests/fixtures/storage_worker.ts as a child process, for the storage tests of every engine.
import assert from "node:assert/strict";

const worker = new URL("./fixtures/storage_worker.ts", import.meta.url).pathname;

/** Starts the storage worker with `args` (see the fixture for its modes); stdout/stderr piped. */
export function spawnWorker(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", worker, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Waits for a worker to exit 0 and returns what it printed. */
export async function finish(p: Deno.ChildProcess): Promise<string> {
  const out = await p.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}
