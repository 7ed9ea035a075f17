import assert from "node:assert/strict";
import { humanDuration } from "./duration.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

Deno.test("humanDuration: negative and seconds", () => {
  assert.equal(humanDuration(-2 * S), "<invalid>");
  assert.equal(humanDuration(-1999), "0s");
  assert.equal(humanDuration(-1 * S), "0s");
  assert.equal(humanDuration(0), "0s");
  assert.equal(humanDuration(999), "0s");
  assert.equal(humanDuration(S), "1s");
  assert.equal(humanDuration(119 * S), "119s");
});

Deno.test("humanDuration: minutes", () => {
  assert.equal(humanDuration(2 * M), "2m");
  assert.equal(humanDuration(2 * M + S), "2m1s");
  assert.equal(humanDuration(200 * S), "3m20s");
  assert.equal(humanDuration(10 * M - S), "9m59s");
  assert.equal(humanDuration(10 * M), "10m");
  assert.equal(humanDuration(10 * M + 59 * S), "10m");
  assert.equal(humanDuration(3 * H - S), "179m");
});

Deno.test("humanDuration: hours", () => {
  assert.equal(humanDuration(3 * H), "3h");
  assert.equal(humanDuration(3 * H + 5 * M), "3h5m");
  assert.equal(humanDuration(8 * H - M), "7h59m");
  assert.equal(humanDuration(8 * H), "8h");
  assert.equal(humanDuration(48 * H - S), "47h");
});

Deno.test("humanDuration: days and years", () => {
  assert.equal(humanDuration(48 * H), "2d");
  assert.equal(humanDuration(2 * D + 3 * H), "2d3h");
  assert.equal(humanDuration(8 * D - H), "7d23h");
  assert.equal(humanDuration(8 * D), "8d");
  assert.equal(humanDuration(365 * 2 * D - H), "729d");
  assert.equal(humanDuration(365 * 2 * D), "2y");
  assert.equal(humanDuration(365 * 3 * D + 45 * D), "3y45d");
  assert.equal(humanDuration(365 * 8 * D - D), "7y364d");
  assert.equal(humanDuration(365 * 8 * D), "8y");
  assert.equal(humanDuration(365 * 20 * D + 100 * D), "20y");
});
