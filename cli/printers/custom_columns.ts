/**
 * `-o custom-columns=HEADER:PATH,…` and `-o custom-columns-file=FILE`, as kubectl prints them.
 *
 * @module
 */

import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { goSprint, type JsonPathTemplate, parseJsonPath, relaxedJsonPath } from "../jsonpath.ts";
import { PrintError } from "./errors.ts";
import { alignColumns } from "./tabwriter.ts";
import { escapeTerminal } from "./table.ts";

/** A parsed column: its header and its template. */
export interface CustomColumn {
  /** Header, printed as given. */
  header: string;
  /** The column's JSONPath. */
  path: JsonPathTemplate;
}

/**
 * Parses `NAME:.metadata.name,DATA:.data` into columns. Throws {@linkcode PrintError} with
 * kubectl's messages for an empty or malformed spec.
 *
 * @example
 * ```ts
 * import { parseCustomColumns } from "./custom_columns.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseCustomColumns("NAME:.metadata.name").map((c) => c.header), ["NAME"]);
 * ```
 */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.length === 0) {
    throw new PrintError("custom-columns format specified but no custom columns given");
  }
  return spec.split(",").map((part) => {
    const col = part.split(":");
    if (col.length !== 2) {
      throw new PrintError(
        `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`,
      );
    }
    return { header: col[0], path: columnPath(col[1]) };
  });
}

/**
 * Parses a custom-columns file: a line of headers and a line of paths, separated by
 * whitespace, as kubectl's `custom-columns-file` reads it.
 */
export function parseCustomColumnsFile(text: string): CustomColumn[] {
  const lines = text.split(/\r?\n/);
  const headers = (lines[0] ?? "").split(/\s+/).filter((s) => s !== "");
  const specs = (lines[1] ?? "").split(/\s+/).filter((s) => s !== "");
  if (headers.length !== specs.length) {
    throw new PrintError(
      `mismatched number of columns in headers (${headers.length}) and spec (${specs.length})`,
    );
  }
  return headers.map((header, i) => ({ header, path: columnPath(specs[i]) }));
}

function columnPath(spec: string): JsonPathTemplate {
  try {
    return parseJsonPath(relaxedJsonPath(spec));
  } catch (e) {
    throw new PrintError((e as Error & { reason?: string }).reason ?? (e as Error).message);
  }
}

/** Prints objects in custom columns: the headers (unless `noHeaders`), then one row each. */
export function printCustomColumns(
  objects: readonly KubeObject[],
  columns: readonly CustomColumn[],
  noHeaders: boolean,
): string {
  const rows: string[][] = [];
  if (!noHeaders) rows.push(columns.map((c) => c.header));
  for (const obj of objects) {
    rows.push(columns.map((c) => {
      const results = c.path.results(obj);
      const values: string[] = [];
      if (results.length === 0 || results[0].length === 0) values.push("<none>");
      for (const list of results) {
        for (const v of list) values.push(escapeTerminal(v === null ? "<nil>" : goSprint(v)));
      }
      return values.join(",");
    }));
  }
  return alignColumns(rows);
}
