import assert from "node:assert/strict";
import { rejects, tempDir } from "./_test_helpers.ts";
import { bearerTokenMatches, ensureToken, timingSafeEqualString } from "./token.ts";

Deno.test("ensureToken creates a 0600 base64url token of 32 bytes and reads it back trimmed", async () => {
  await using dir = await tempDir("k1s-token-");
  const path = `${dir.path}/token`;
  const token = await ensureToken(path);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(await ensureToken(path), token);
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.notEqual(await ensureToken(`${dir.path}/token2`), token);

  await Deno.writeTextFile(path, "  mine\n\n");
  assert.equal(await ensureToken(path), "mine");
});

Deno.test("ensureToken refuses an empty token file and a token a header cannot carry", async () => {
  await using dir = await tempDir("k1s-token-");
  const path = `${dir.path}/token`;
  await Deno.writeTextFile(path, "");
  await rejects(ensureToken(path), `Cannot use token file "${path}": it is empty`);
  await Deno.writeTextFile(path, " \n\t\n");
  await rejects(ensureToken(path), "it is empty");
  await Deno.writeTextFile(path, "two words\n");
  await rejects(ensureToken(path), "one word");
  await Deno.writeTextFile(path, "a\nb\n");
  await rejects(ensureToken(path), "one word");
  await Deno.mkdir(`${dir.path}/dir`);
  await rejects(ensureToken(`${dir.path}/dir`), `"${dir.path}/dir"`);
  await rejects(
    ensureToken(`${dir.path}/missing/token`),
    `Cannot write token file "${dir.path}/missing/token"`,
  );
});

Deno.test("Authorization headers are checked as kube-apiserver parses them", () => {
  assert.equal(bearerTokenMatches("Bearer abc", "abc"), true);
  assert.equal(bearerTokenMatches("bearer abc", "abc"), true);
  assert.equal(bearerTokenMatches("  Bearer abc  ", "abc"), true);
  assert.equal(bearerTokenMatches("Bearer abc extra", "abc"), true); // SplitN(…, " ", 3)
  assert.equal(bearerTokenMatches("Bearer  abc", "abc"), false);
  assert.equal(bearerTokenMatches("Bearer abcd", "abc"), false);
  assert.equal(bearerTokenMatches("Bearer ab", "abc"), false);
  assert.equal(bearerTokenMatches("Bearer", "abc"), false);
  assert.equal(bearerTokenMatches("Basic abc", "abc"), false);
  assert.equal(bearerTokenMatches(null, "abc"), false);
  assert.equal(bearerTokenMatches("Bearer ", ""), false);
  assert.equal(timingSafeEqualString("", ""), true);
  assert.equal(timingSafeEqualString("é", "é"), true);
  assert.equal(timingSafeEqualString("é", "e"), false);
  assert.equal(timingSafeEqualString("abc", "abc\0"), false);
});
