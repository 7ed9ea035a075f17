/**
 * The human-readable table of `get` (and `get -o wide`), laid out as kubectl lays it out.
 *
 * @module
 */

import { formatLabels } from "../../src/apimachinery/labels.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { columnsFor, type KindInfo } from "./columns.ts";
import { alignColumns } from "./tabwriter.ts";

/** Options of {@linkcode printTable}. */
export interface TableOptions {
  /** Show priority > 0 columns (`-o wide`). */
  wide?: boolean;
  /** Omit the header line (`--no-headers`). */
  noHeaders?: boolean;
  /** Add a LABELS column (`--show-labels`). */
  showLabels?: boolean;
  /** Add a NAMESPACE column first for namespaced kinds (`-A`). */
  namespaceColumn?: boolean;
  /** Print names as `kind/name`; by default when the objects are of more than one kind. */
  withKind?: boolean;
  /**
   * A column per label key (`-L KEY`), headed by the key's last `/` segment in capitals, with
   * the label's value (empty where it is absent), before LABELS.
   */
  labelColumns?: readonly string[];
  /** The time ages are measured from; default now. */
  now?: Date | number;
}

/**
 * Prints objects as tables: one table per run of objects of the same kind, separated by a
 * blank line when headers are printed, as `kubectl get cm,secrets` does. A kind with no
 * objects prints nothing.
 *
 * @example
 * ```ts
 * import { printTable } from "./table.ts";
 * import assert from "node:assert/strict";
 *
 * const cm = {
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   metadata: { name: "app", creationTimestamp: "2024-01-01T00:00:00Z" },
 *   data: { a: "1" },
 * };
 * const text = printTable([cm], (o) => ({ group: "", kind: o.kind }), {
 *   now: new Date("2024-01-01T00:05:00Z"),
 * });
 * assert.equal(text, "NAME   DATA   AGE\napp    1      5m\n");
 * ```
 */
export function printTable(
  objects: readonly KubeObject[],
  kindOf: (obj: KubeObject) => KindInfo | undefined,
  options: TableOptions = {},
): string {
  const now = options.now === undefined
    ? Date.now()
    : typeof options.now === "number"
    ? options.now
    : options.now.getTime();
  const groups: { key: string; kind: KindInfo; objects: KubeObject[] }[] = [];
  // Consecutive objects of one apiVersion/kind (the usual case) share one kind lookup.
  let lastType: string | undefined;
  let lastKind: KindInfo | undefined;
  for (const obj of objects) {
    const type = `${obj.apiVersion}|${obj.kind}`;
    if (type !== lastType || !lastKind) {
      lastKind = kindOf(obj) ?? kindFromObject(obj);
      lastType = type;
    }
    const kind = lastKind;
    const key = `${kind.group}/${kind.kind}`;
    const last = groups.at(-1);
    if (last && last.key === key) last.objects.push(obj);
    else groups.push({ key, kind, objects: [obj] });
  }
  const withKind = options.withKind ?? new Set(groups.map((g) => g.key)).size > 1;

  let out = "";
  for (const group of groups) {
    const columns = columnsFor(group.kind).filter((c) => options.wide || c.priority === 0);
    const withNamespace = !!options.namespaceColumn && group.kind.scope !== "Cluster";
    const prefix = kindPrefix(group.kind);
    const rows: string[][] = [];
    if (!options.noHeaders) {
      const header: string[] = withNamespace ? ["NAMESPACE"] : [];
      for (const c of columns) header.push(c.name.toUpperCase());
      for (const l of options.labelColumns ?? []) header.push(l.split("/").at(-1)!.toUpperCase());
      if (options.showLabels) header.push("LABELS");
      rows.push(header);
    }
    for (const obj of group.objects) {
      const row: string[] = withNamespace ? [obj.metadata?.namespace ?? ""] : [];
      for (const c of columns) {
        const v = cellText(c.cell(obj, now) ?? "");
        row.push(c.isName && withKind ? `${prefix}/${v}` : v);
      }
      for (const l of options.labelColumns ?? []) row.push(obj.metadata?.labels?.[l] ?? "");
      if (options.showLabels) row.push(formatLabels(obj.metadata?.labels));
      rows.push(row);
    }
    if (out !== "" && !options.noHeaders) out += "\n";
    out += alignColumns(rows);
  }
  return out;
}

/** `configmap`, `item.inventory.k1s.dev`: the lower-cased group kind kubectl prefixes names with. */
export function kindPrefix(kind: { group: string; kind: string }): string {
  return (kind.group ? `${kind.kind}.${kind.group}` : kind.kind).toLowerCase();
}

/** The group and kind an object names in its apiVersion and kind. */
export function kindFromObject(obj: KubeObject): KindInfo {
  const apiVersion = obj.apiVersion ?? "";
  const slash = apiVersion.indexOf("/");
  return { group: slash < 0 ? "" : apiVersion.slice(0, slash), kind: obj.kind ?? "" };
}

const BREAK = /[\f\n\r]/;

/** A cell as kubectl writes it: cut at the first line break (adding `...`), ESC escaped. */
export function cellText(s: string): string {
  if (!BREAK.test(s) && !s.includes("\x1b")) return s;
  const brk = s.search(BREAK);
  return brk < 0 ? escapeTerminal(s) : escapeTerminal(s.slice(0, brk)) + "...";
}

/** kubectl's EscapeTerminal: ESC shown as `^[`, carriage return as `\\r`. */
export function escapeTerminal(s: string): string {
  return s.replaceAll("\x1b", "^[").replaceAll("\r", "\\r");
}
