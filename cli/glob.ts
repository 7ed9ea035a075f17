/**
 * File name patterns as kubectl expands `-f` arguments that name no file:
 * Go's `filepath.Glob`. `*` matches any run of characters but `/`, `?` one
 * character, `[a-z]` and `[^a-z]` a class, and `\` escapes the next character.
 * Each path component is matched on its own; dot files match too (unlike a
 * shell's); matches come sorted within each directory.
 *
 * @module
 */
import { join } from "node:path";

/** A pattern Go's `filepath.Match` refuses (`syntax error in pattern`). */
export class GlobPatternError extends Error {
  /** Creates the error for `pattern`. */
  constructor(readonly pattern: string) {
    super("syntax error in pattern");
    this.name = "GlobPatternError";
  }
}

const META = /[*?[\\]/;

/** True when `pattern` has characters a glob expands. */
export function hasGlobMeta(pattern: string): boolean {
  return META.test(pattern);
}

/** `ch` outside a class of a unicode regular expression, and inside one. */
const escape = (ch: string) => ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
const escapeInClass = (ch: string) => ch.replace(/[\\\]^-]/g, "\\$&");

/**
 * The regular expression matching the path component `pattern`, as Go's
 * `filepath.Match` would; throws {@linkcode GlobPatternError} for a malformed
 * one (an unclosed or empty class, a class starting with `-` or `]`, a
 * trailing `\`).
 *
 * @example
 * ```ts
 * import { componentRegExp } from "./glob.ts";
 * import assert from "node:assert/strict";
 * assert.ok(componentRegExp("[^a].y*ml").test("b.yml"));
 * assert.ok(!componentRegExp("*.yaml").test("a.yml"));
 * ```
 */
export function componentRegExp(pattern: string): RegExp {
  const chars = [...pattern];
  let i = 0;
  let source = "";
  const bad = () => new GlobPatternError(pattern);
  // One character of a class: itself, or the one a backslash escapes.
  const classChar = (): string => {
    let ch = chars[i];
    if (ch === undefined || ch === "-" || ch === "]") throw bad();
    if (ch === "\\") {
      ch = chars[++i];
      if (ch === undefined) throw bad();
    }
    i++;
    return ch;
  };
  while (i < chars.length) {
    const ch = chars[i];
    if (ch === "*") {
      source += "[^/]*";
      i++;
    } else if (ch === "?") {
      source += "[^/]";
      i++;
    } else if (ch === "\\") {
      if (i + 1 >= chars.length) throw bad();
      source += escape(chars[i + 1]);
      i += 2;
    } else if (ch === "[") {
      i++;
      let negated = false;
      if (chars[i] === "^") {
        negated = true;
        i++;
      }
      let ranges = "";
      let count = 0;
      for (;;) {
        if (chars[i] === "]" && count > 0) {
          i++;
          break;
        }
        const lo = classChar();
        let hi = lo;
        if (chars[i] === "-") {
          i++;
          hi = classChar();
        }
        // (A range whose ends are reversed matches nothing, as Go's.)
        if (lo.codePointAt(0)! <= hi.codePointAt(0)!) {
          ranges += lo === hi ? escapeInClass(lo) : `${escapeInClass(lo)}-${escapeInClass(hi)}`;
        }
        count++;
      }
      source += negated ? `[^/${ranges}]` : ranges ? `[${ranges}]` : "(?!)";
    } else {
      source += escape(ch);
      i++;
    }
  }
  return new RegExp(`^${source}$`, "u");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The names in `dir` matching `re`, joined to `dir`, sorted; none when `dir` is not a directory. */
async function matchIn(dir: string, re: RegExp): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch {
    return [];
  }
  return names.sort().filter((n) => re.test(n)).map((n) => join(dir, n));
}

/**
 * The paths matching `pattern`, as Go's `filepath.Glob` finds them: a pattern
 * without metacharacters matches itself if it exists. Throws
 * {@linkcode GlobPatternError} for a malformed pattern, whatever exists.
 */
export async function glob(pattern: string): Promise<string[]> {
  // Go checks the whole pattern before looking at the disk.
  for (const part of pattern.split("/")) componentRegExp(part);
  if (!hasGlobMeta(pattern)) return await exists(pattern) ? [pattern] : [];
  const cut = pattern.lastIndexOf("/");
  let dir = cut < 0 ? "" : pattern.slice(0, cut + 1);
  const file = pattern.slice(cut + 1);
  dir = dir === "" ? "." : dir === "/" ? dir : dir.replace(/\/+$/, "") || "/";
  const re = componentRegExp(file);
  if (!hasGlobMeta(dir)) return await matchIn(dir, re);
  const out: string[] = [];
  for (const d of await glob(dir)) out.push(...await matchIn(d, re));
  return out;
}
