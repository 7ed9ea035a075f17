// Helpers shared by the server module's tests.
import assert from "node:assert/strict";

/** A temporary directory removed when disposed. */
export async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Awaits `p`, which must fail with a message containing every fragment; returns the message. */
export async function rejects(p: Promise<unknown>, ...fragments: string[]): Promise<string> {
  try {
    await p;
  } catch (e) {
    const msg = (e as Error).message;
    for (const f of fragments) assert.ok(msg.includes(f), `expected "${f}" in: ${msg}`);
    return msg;
  }
  assert.fail(`expected an error with ${fragments.join(", ")}`);
}
