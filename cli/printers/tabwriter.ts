/**
 * Column alignment as kubectl's tab writer does it (Go text/tabwriter with minimum width 6,
 * padding 3, padded with spaces): every cell but the last of a line is padded to its column's
 * width; the last cell is written as is.
 *
 * @module
 */

const MIN_WIDTH = 6;
const PADDING = 3;

/**
 * Aligns rows of cells into text, one line per row, each ending with a newline.
 *
 * @example
 * ```ts
 * import { alignColumns } from "./tabwriter.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(alignColumns([["NAME", "AGE"], ["a", "5s"]]), "NAME   AGE\na      5s\n");
 * ```
 */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (let j = 0; j < row.length - 1; j++) {
      const w = Math.max(cellWidth(row[j]) + PADDING, MIN_WIDTH);
      if (!(widths[j] >= w)) widths[j] = w;
    }
  }
  let out = "";
  for (const row of rows) {
    for (let j = 0; j < row.length; j++) {
      const cell = row[j];
      out += j < row.length - 1 ? cell + " ".repeat(widths[j] - cellWidth(cell)) : cell;
    }
    out += "\n";
  }
  return out;
}

/** Width in characters (code points), as tabwriter counts UTF-8 runes. */
function cellWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
