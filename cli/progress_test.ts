import assert from "node:assert/strict";
import { captureIO } from "./io.ts";
import { progress, waitProgress } from "./progress.ts";

Deno.test("progress draws on a terminal and stays quiet when piped", () => {
  const piped = captureIO();
  const p = progress(piped, "applying", 100);
  for (let i = 0; i < 100; i++) p.tick();
  p.done();
  assert.equal(piped.err, "");
  const tty = { ...captureIO(), isTerminal: true };
  let err = "";
  tty.stderr = (t: string) => void (err += t);
  const q = progress(tty, "applying", 30);
  for (let i = 0; i < 30; i++) q.tick();
  q.done();
  assert.match(err, /applying 0\/30/);
  assert.match(err, /applying 30\/30/);
  assert.ok(err.endsWith("\r\x1b[2K"));
  const small = { ...tty };
  err = "";
  progress(small, "applying", 5).tick();
  assert.equal(err, "");
});

Deno.test("waitProgress says what is waited for on a terminal, clears itself, and is silent when piped", async () => {
  const piped = captureIO();
  const quiet = waitProgress(piped, 2, { delayMs: 0, intervalMs: 1 });
  quiet.waitingFor("configmaps/a");
  await new Promise((r) => setTimeout(r, 20));
  quiet.done();
  assert.equal(piped.err, "");

  let err = "";
  const tty = { ...captureIO(), isTerminal: true, stderr: (t: string) => void (err += t) };
  const p = waitProgress(tty, 2, { delayMs: 0, intervalMs: 1 });
  p.waitingFor("configmaps/a");
  const deadline = Date.now() + 20_000;
  while (!err.includes("waiting for configmaps/a: ")) {
    assert.ok(Date.now() < deadline, "no progress line");
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(err.includes("\r\x1b[2Kwaiting for configmaps/a: "), err);
  assert.match(err, /waiting for configmaps\/a: \d+s \(0\/2 done\)/);
  p.met();
  assert.ok(err.endsWith("\r\x1b[2K"), "met() clears the line before the caller prints");
  p.done();
});
