// Black-box: top-level behaviour of the k1s process (help, version, unknown verbs and flags).
import assert from "node:assert/strict";
import { assertFails, run, sandbox } from "./_harness.ts";

Deno.test("k1s version prints the client version and exits 0", async () => {
  await using s = await sandbox();
  const r = await s.k1s(["version"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /^Client Version: v\d+\.\d+\.\d+/);
  assert.equal(r.err, "");
});

Deno.test("an unknown verb fails as kubectl does", async () => {
  // Without flags before the verb (those would make it a plugin name, as in kubectl).
  await using s = await sandbox();
  const r = await run(["frobnicate"], { env: { K1S_STORE: s.store } });
  assertFails(r, /^error: unknown command "frobnicate" for "k1s"\n$/);
});
