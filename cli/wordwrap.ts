/**
 * Word wrapping as kubectl does it (mitchellh/go-wordwrap): for help on a
 * terminal and for `explain`'s descriptions.
 *
 * @module
 */

/**
 * Word-wraps `text` at `limit` characters a line, as kubectl's help does (its
 * go-wordwrap): lines break only at white space, a run of spaces where a line
 * breaks is dropped, existing line breaks stay, and a word longer than the
 * limit is left whole. A limit of 0 leaves the text as it is.
 *
 * @example
 * ```ts
 * import { wrapText } from "./wordwrap.ts";
 * import assert from "node:assert/strict";
 * assert.equal(wrapText("one two three", 8), "one two\nthree");
 * ```
 */
export function wrapText(text: string, limit: number): string {
  if (limit <= 0) return text;
  let out = "";
  let current = 0;
  let word = "";
  let space = "";
  // Lengths in code points, as go-wordwrap counts runes.
  let wordLen = 0;
  let spaceLen = 0;
  const flush = () => {
    current += spaceLen + wordLen;
    out += space + word;
    space = word = "";
    spaceLen = wordLen = 0;
  };
  for (const ch of text) {
    if (ch === "\n") {
      if (wordLen === 0) {
        if (current + spaceLen <= limit) out += space;
        space = "";
        spaceLen = 0;
      } else flush();
      out += ch;
      current = 0;
    } else if (/\s/.test(ch) && ch !== "\u00a0") {
      if (spaceLen === 0 || wordLen > 0) flush();
      space += ch;
      spaceLen++;
    } else {
      word += ch;
      wordLen++;
      if (current + spaceLen + wordLen > limit && wordLen < limit) {
        out += "\n";
        current = 0;
        space = "";
        spaceLen = 0;
      }
    }
  }
  if (wordLen === 0) {
    if (current + spaceLen <= limit) out += space;
  } else out += space + word;
  return out;
}
