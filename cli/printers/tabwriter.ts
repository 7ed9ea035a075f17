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
  const cellWidths = rows.map((row) => row.map(cellWidth));
  for (const row of cellWidths) {
    for (let j = 0; j < row.length - 1; j++) {
      const w = Math.max(row[j] + PADDING, MIN_WIDTH);
      if (!(widths[j] >= w)) widths[j] = w;
    }
  }
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let line = "";
    for (let j = 0; j < row.length - 1; j++) {
      line += row[j] + " ".repeat(widths[j] - cellWidths[i][j]);
    }
    lines[i] = line + (row.length > 0 ? row[row.length - 1] : "");
  }
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** Width in characters (code points), as tabwriter counts UTF-8 runes. */
const SURROGATE = /[\uD800-\uDBFF]/;

/** Width in runes (code points), as Go's tabwriter counts; most cells have no surrogate pairs. */
function cellWidth(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}
