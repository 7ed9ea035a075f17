/**
 * The columns `get` prints for each kind: the columns of the API server's Table
 * (`src/registry/table.ts`, the same ones `k1s serve` sends kubectl), each typed cell printed
 * as text as kubectl prints it.
 *
 * @module
 */

import type { KubeObject } from "../../src/apimachinery/meta.ts";
import {
  loadPrinterColumns as loadTablePrinterColumns,
  type TableCell,
  type TableColumn as TypedColumn,
  tableColumns,
} from "../../src/registry/table.ts";
import type { PrinterColumn } from "../../src/scheme/kind.ts";
import { age } from "./age.ts";

/** One column of a table. */
export interface TableColumn {
  /** Header as the API defines it (printed upper-cased). */
  name: string;
  /** Shown only with `-o wide` when > 0. */
  priority: number;
  /** True for the column holding the object name (prefixed `kind/` when several kinds print). */
  isName?: boolean;
  /** The cell; `undefined` prints as an empty cell. */
  cell(obj: KubeObject, now: number): string | undefined;
}

/** What the table printer needs to know about a kind. */
export interface KindInfo {
  /** API group; "" for the core group. */
  group: string;
  /** Kind name, e.g. `ConfigMap`. */
  kind: string;
  /** Cluster-scoped kinds get no NAMESPACE column. */
  scope?: "Namespaced" | "Cluster";
  /** A user kind's columns, as in a CRD's additionalPrinterColumns. */
  printerColumns?: readonly PrinterColumn[];
}

/** Columns of an unknown kind: kubectl's client-side `NAME AGE`. */
const unknownKindColumns: TableColumn[] = [
  { name: "Name", priority: 0, isName: true, cell: (o) => o.metadata?.name ?? "" },
  { name: "Age", priority: 0, cell: (o, now) => age(o.metadata?.creationTimestamp, now) },
];

/** Go's `%v` of the numbers of printer columns; loaded with the printer columns. */
let numberText: ((n: number, type: string) => string) | undefined;

/** A typed cell as kubectl prints it (`fmt.Sprint`); `null` prints as an empty cell. */
function cellText(cell: TableCell, type: string): string | undefined {
  if (cell === null) return undefined;
  if (typeof cell !== "number") return String(cell);
  // Built-in kinds give integer counts; floats and `number` columns come from printer columns.
  if (type !== "number" && Number.isSafeInteger(cell)) return String(cell);
  return numberText ? numberText(cell, type) : String(cell);
}

function textColumn(col: TypedColumn): TableColumn {
  const column: TableColumn = {
    name: col.name,
    priority: col.priority,
    cell: (obj, now) => cellText(col.cell(obj, now), col.type),
  };
  if (col.format === "name") column.isName = true;
  return column;
}

/**
 * The columns of a kind, in order, including those hidden without `-o wide`. A kind with
 * printer columns needs {@linkcode loadPrinterColumns} first.
 *
 * @example
 * ```ts
 * import { columnsFor } from "./columns.ts";
 * import assert from "node:assert/strict";
 *
 * const cols = columnsFor({ group: "", kind: "ConfigMap" });
 * assert.deepEqual(cols.map((c) => c.name), ["Name", "Data", "Age"]);
 * ```
 */
export function columnsFor(kind: KindInfo | undefined): TableColumn[] {
  if (!kind) return unknownKindColumns;
  return tableColumns(kind).map(textColumn);
}

/**
 * Loads what user kinds' printer columns need (JSONPath), which tables of the
 * built-in kinds do not: call it before printing a table of objects whose
 * kinds may have printer columns.
 */
export async function loadPrinterColumns(): Promise<void> {
  await loadTablePrinterColumns();
  numberText ??= (await import("./printer_columns.ts")).numberCellText;
}
