/**
 * Table columns from a kind's printer columns (a CRD's additionalPrinterColumns): a JSONPath per
 * column, typed as the API server's table convertor types them. Loaded only when a table of such
 * a kind is printed (`loadPrinterColumns`).
 *
 * @module
 */
import type { PrinterColumn } from "../../src/scheme/kind.ts";
import { goFormatFloat, goFormatNumber, parseJsonPath } from "../jsonpath.ts";
import { age } from "./age.ts";
import type { TableColumn } from "./columns.ts";

/** A column from a CRD-style printer column, typed as the API server's table convertor does. */
export function printerColumn(col: PrinterColumn): TableColumn {
  let path: ReturnType<typeof parseJsonPath> | undefined;
  try {
    path = parseJsonPath(`{${col.jsonPath}}`);
  } catch {
    path = undefined;
  }
  return {
    name: col.name,
    priority: col.priority ?? 0,
    cell(obj, now) {
      if (!path) return undefined;
      let value: unknown;
      try {
        const results = path.results(obj);
        if (results.length === 0 || results[0].length === 0) return undefined;
        value = results[0][0];
      } catch {
        return undefined;
      }
      if (value === null || value === undefined) return undefined;
      switch (col.type) {
        case "string":
          return parseJsonPathPrint(value);
        case "integer":
          return typeof value === "number" ? goFormatNumber(Math.trunc(value)) : undefined;
        case "number":
          return typeof value === "number" ? goFormatFloat(value) : undefined;
        case "boolean":
          return typeof value === "boolean" ? String(value) : undefined;
        case "date": {
          if (typeof value !== "string") return undefined;
          if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
            return "<invalid>";
          }
          return age(value, now);
        }
      }
      return undefined;
    },
  };
}

/** Prints one value as a JSONPath result (JSON for maps and lists, text otherwise). */
function parseJsonPathPrint(value: unknown): string {
  return parseJsonPath("{@}").execute(value);
}
