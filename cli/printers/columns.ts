/**
 * The columns `get` prints for each kind: kubectl's (the API server's) columns for the
 * built-in kinds, a kind's printer columns for user kinds (as the API server does for a
 * CustomResourceDefinition's additionalPrinterColumns), and `NAME AGE` otherwise.
 *
 * @module
 */

import type { KubeObject } from "../../src/apimachinery/meta.ts";
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

const nameColumn: TableColumn = {
  name: "Name",
  priority: 0,
  isName: true,
  cell: (o) => o.metadata?.name ?? "",
};
const ageColumn: TableColumn = {
  name: "Age",
  priority: 0,
  cell: (o, now) => age(o.metadata?.creationTimestamp, now),
};

const count = (v: unknown) => (v && typeof v === "object" ? Object.keys(v).length : 0);
const str = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : String(v));

function eventTimes(o: KubeObject, now: number) {
  const first = o.firstTimestamp ? age(o.firstTimestamp as string, now) : age(
    o.eventTime as string | undefined,
    now,
  );
  let last = o.lastTimestamp ? age(o.lastTimestamp as string, now) : first;
  const series = o.series as { count?: number; lastObservedTime?: string } | undefined;
  let n = typeof o.count === "number" ? o.count : 0;
  if (series) {
    last = age(series.lastObservedTime, now);
    n = series.count ?? 0;
  } else if (n === 0) {
    n = 1;
  }
  return { first, last, count: n };
}

type Ref = { kind?: string; name?: string; fieldPath?: string };

const builtin: Record<string, TableColumn[]> = {
  ConfigMap: [
    nameColumn,
    { name: "Data", priority: 0, cell: (o) => String(count(o.data) + count(o.binaryData)) },
    ageColumn,
  ],
  Secret: [
    nameColumn,
    { name: "Type", priority: 0, cell: (o) => str(o.type) },
    { name: "Data", priority: 0, cell: (o) => String(count(o.data)) },
    ageColumn,
  ],
  Namespace: [
    nameColumn,
    {
      name: "Status",
      priority: 0,
      cell: (o) => str((o.status as { phase?: string } | undefined)?.phase),
    },
    ageColumn,
  ],
  ServiceAccount: [
    nameColumn,
    {
      name: "Secrets",
      priority: 0,
      cell: (o) => String(Array.isArray(o.secrets) ? o.secrets.length : 0),
    },
    ageColumn,
  ],
  Event: [
    { name: "Last Seen", priority: 0, cell: (o, now) => eventTimes(o, now).last },
    { name: "Type", priority: 0, cell: (o) => str(o.type) },
    { name: "Reason", priority: 0, cell: (o) => str(o.reason) },
    {
      name: "Object",
      priority: 0,
      cell: (o) => {
        const ref = (o.involvedObject ?? {}) as Ref;
        const kind = (ref.kind ?? "").toLowerCase();
        return ref.name ? `${kind}/${ref.name}` : kind;
      },
    },
    {
      name: "Subobject",
      priority: 1,
      cell: (o) => str((o.involvedObject as Ref | undefined)?.fieldPath),
    },
    {
      name: "Source",
      priority: 1,
      cell: (o) => {
        const src = (o.source ?? {}) as { component?: string; host?: string };
        const component = src.component || str(o.reportingComponent);
        const instance = src.host || str(o.reportingInstance);
        if (!component) return "";
        return instance ? `${component}, ${instance}` : component;
      },
    },
    { name: "Message", priority: 0, cell: (o) => str(o.message).trim() },
    { name: "First Seen", priority: 1, cell: (o, now) => eventTimes(o, now).first },
    { name: "Count", priority: 1, cell: (o, now) => String(eventTimes(o, now).count) },
    { name: "Name", priority: 1, isName: true, cell: (o) => o.metadata?.name ?? "" },
  ],
};

/**
 * The columns of a kind, in order, including those hidden without `-o wide`.
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
  if (!kind) return [nameColumn, ageColumn];
  if (kind.group === "" && builtin[kind.kind]) return builtin[kind.kind];
  const cols = kind.printerColumns ?? [];
  if (cols.length === 0) return [nameColumn, ageColumn];
  if (!printerColumn) {
    throw new Error(`printer columns of ${kind.kind} are not loaded: await loadPrinterColumns()`);
  }
  return [nameColumn, ...cols.map(printerColumn)];
}

let printerColumn: ((col: PrinterColumn) => TableColumn) | undefined;

/**
 * Loads what user kinds' printer columns need (JSONPath), which tables of the
 * built-in kinds do not: call it before printing a table of objects whose
 * kinds may have printer columns.
 */
export async function loadPrinterColumns(): Promise<void> {
  printerColumn ??= (await import("./printer_columns.ts")).printerColumn;
}
