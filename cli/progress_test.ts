import assert from "node:assert/strict";
import { captureIO } from "./io.ts";
import { progress } from "./progress.ts";

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
