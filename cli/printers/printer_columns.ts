/**
 * How kubectl prints the numbers in a kind's printer columns (a CRD's
 * additionalPrinterColumns). The columns themselves, and their typed cells, come from the API
 * server's table convertor (`src/registry/table.ts`): an `integer` column holds an int64, a
 * `number` column a float64, and kubectl prints each with Go's `%v`. Loaded only when a table
 * of such a kind is printed (`loadPrinterColumns`).
 *
 * @module
 */
import { goFormatFloat, goFormatNumber } from "../jsonpath.ts";

/**
 * A number cell of a column of OpenAPI `type` as kubectl prints it: floats of `number`
 * columns as Go's `%v` prints a float64 (`2.5`, `1e+06`), other numbers as an int64.
 *
 * @example
 * ```ts
 * import { numberCellText } from "./printer_columns.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(numberCellText(1e6, "number"), "1e+06");
 * assert.equal(numberCellText(1e6, "integer"), "1000000");
 * ```
 */
export function numberCellText(n: number, type: string): string {
  return type === "number" ? goFormatFloat(n) : goFormatNumber(n);
}
