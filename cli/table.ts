/**
 * kubectl's column layout: left-aligned cells padded to the widest, three
 * spaces between columns, no trailing spaces.
 *
 * @module
 */

/** Lays out `rows` under `headers` (no header line when empty). */
export function formatTable(headers: string[], rows: string[][]): string {
  const all = headers.length ? [headers, ...rows] : rows;
  if (!all.length) return "";
  const cols = Math.max(...all.map((r) => r.length));
  const widths = Array.from(
    { length: cols },
    (_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)),
  );
  return all.map((r) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join("").trimEnd() + "\n"
  ).join("");
}
