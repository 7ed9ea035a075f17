/**
 * The bearer token `k1s serve` checks: kept in a file (created with 32
 * random bytes when missing) and compared with an `Authorization` header as
 * kube-apiserver's bearer-token authenticator parses it.
 *
 * @example
 * ```ts
 * import { bearerTokenMatches, ensureToken } from "./token.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const token = await ensureToken(`${dir}/token`);
 * assert.equal(bearerTokenMatches(`Bearer ${token}`, token), true);
 * assert.equal(bearerTokenMatches("Bearer guess", token), false);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import { toBase64 } from "./der.ts";

const ENC = new TextEncoder();

/** The text of the file at `path`, or undefined when there is none (for the server's files). */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`Cannot read "${path}": ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Returns the bearer token kept in the file at `path`, creating the file
 * (mode 0600) with 32 random bytes, base64url, when it does not exist.
 * Surrounding whitespace in the file is ignored.
 *
 * Errors: an empty file, or a token with whitespace or control characters
 * inside (kube-apiserver reads `Authorization: Bearer X` up to the first
 * space, so such a token could never be presented).
 *
 * @example
 * ```ts
 * import { ensureToken } from "./token.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const token = await ensureToken(`${dir}/token`);
 * assert.match(token, /^[A-Za-z0-9_-]{43}$/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function ensureToken(path: string): Promise<string> {
  for (let attempt = 0;; attempt++) {
    const text = await readOptional(path);
    if (text !== undefined) {
      const token = text.trim();
      if (token === "") {
        throw new Error(
          `Cannot use token file "${path}": it is empty; write a token into it, or delete it to have k1s generate one`,
        );
      }
      if (/[\s\p{Cc}]/u.test(token)) {
        throw new Error(
          `Cannot use token file "${path}": the token must be one word, without whitespace or control characters`,
        );
      }
      return token;
    }
    const token = toBase64(crypto.getRandomValues(new Uint8Array(32)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    try {
      await Deno.writeTextFile(path, token + "\n", { mode: 0o600, createNew: true });
      return token;
    } catch (e) {
      // Another process created it first: read theirs.
      if (e instanceof Deno.errors.AlreadyExists && attempt === 0) continue;
      throw new Error(`Cannot write token file "${path}": ${(e as Error).message}`, { cause: e });
    }
  }
}

/**
 * Compares two strings without stopping at the first difference, so the
 * time taken does not tell how much of a guessed token was right. (The
 * lengths may still show; JavaScript gives no hard constant-time promise.)
 *
 * @example
 * ```ts
 * import { timingSafeEqualString } from "./token.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(timingSafeEqualString("s3cret", "s3cret"), true);
 * assert.equal(timingSafeEqualString("s3cret", "s3creT"), false);
 * ```
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  const x = ENC.encode(a);
  const y = ENC.encode(b);
  const n = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < n; i++) diff |= (x[i] | 0) ^ (y[i] | 0);
  return diff === 0;
}

/**
 * Whether an `Authorization` header value carries `Bearer <token>`, parsed
 * as kube-apiserver's bearer-token authenticator parses it (scheme case
 * insensitive, surrounding spaces ignored) and compared with
 * {@linkcode timingSafeEqualString}. An empty expected token matches nothing.
 *
 * @example
 * ```ts
 * import { bearerTokenMatches } from "./token.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(bearerTokenMatches("Bearer s3cret", "s3cret"), true);
 * assert.equal(bearerTokenMatches("Basic czNjcmV0", "s3cret"), false);
 * assert.equal(bearerTokenMatches(null, "s3cret"), false);
 * ```
 */
export function bearerTokenMatches(authorization: string | null, token: string): boolean {
  if (authorization === null || token === "") return false;
  // k8s.io/apiserver/pkg/authentication/request/bearertoken: SplitN(TrimSpace(h), " ", 3).
  const parts = authorization.trim().split(" ");
  if (parts.length < 2 || parts[0].toLowerCase() !== "bearer" || parts[1] === "") return false;
  return timingSafeEqualString(parts[1], token);
}
