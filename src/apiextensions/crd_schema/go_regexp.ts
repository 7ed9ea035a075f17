/**
 * A best-effort check of a `pattern` against Go's RE2 syntax
 * (`regexp.Compile`), with Go's error text for the common failures.
 *
 * @module
 */

/**
 * The message `regexp.Compile` gives for `pattern`, or undefined when the
 * pattern compiles. Covers Go's most common errors (unbalanced parentheses
 * and brackets, Perl look-arounds, back-references, bad repetition); other
 * patterns are checked with the JavaScript engine as a fallback.
 *
 * @example
 * ```ts
 * import { goRegexpError } from "./go_regexp.ts";
 * import assert from "node:assert/strict";
 * assert.equal(goRegexpError("^[a-z]+$"), undefined);
 * assert.equal(goRegexpError("(abc"), "error parsing regexp: missing closing ): `(abc`");
 * ```
 */
export function goRegexpError(pattern: string): string | undefined {
  const fail = (code: string, arg: string) => `error parsing regexp: ${code}: \`${arg}\``;
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const n = pattern[i + 1];
      if (n === undefined) return fail("trailing backslash at end of expression", "");
      if (/[1-9]/.test(n)) return fail("invalid escape sequence", `\\${n}`);
      i++;
      continue;
    }
    if (c === "[") {
      // find the closing bracket
      let j = i + 1;
      if (pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      for (; j < pattern.length; j++) {
        if (pattern[j] === "\\") j++;
        else if (pattern[j] === "[" && pattern[j + 1] === ":") {
          const end = pattern.indexOf(":]", j + 2);
          if (end >= 0) j = end + 1;
        } else if (pattern[j] === "]") break;
      }
      if (j >= pattern.length) return fail("missing closing ]", pattern.slice(i));
      i = j;
      continue;
    }
    if (c === "(") {
      if (pattern[i + 1] === "?") {
        const rest = pattern.slice(i);
        const m = /^\(\?(P?<[A-Za-z0-9_]+>|[imsU-]*:|[imsU-]+\))/.exec(rest);
        if (!m) {
          const bad = /^\(\?[=!<]?.?/.exec(rest)?.[0] ?? "(?";
          return fail(
            "invalid or unsupported Perl syntax",
            bad.startsWith("(?<") && bad.length > 3 ? bad.slice(0, 4) : bad.slice(0, 3),
          );
        }
        if (m[1].endsWith(")")) {
          i += m[0].length - 1;
          continue;
        }
      }
      depth++;
      continue;
    }
    if (c === ")") {
      if (depth === 0) return fail("unexpected )", pattern);
      depth--;
      continue;
    }
    if (c === "*" || c === "+" || c === "?") {
      const prev = pattern[i - 1];
      if (i === 0 || prev === "(" || prev === "|") {
        return fail("missing argument to repetition operator", c);
      }
      if ((prev === "*" || prev === "+" || prev === "?") && pattern[i - 2] !== "\\") {
        if (c !== "?") return fail("invalid nested repetition operator", `${prev}${c}`);
      }
    }
  }
  if (depth > 0) return fail("missing closing )", pattern);
  try {
    new RegExp(pattern);
  } catch (e) {
    return `error parsing regexp: ${(e as Error).message}`;
  }
  return undefined;
}
