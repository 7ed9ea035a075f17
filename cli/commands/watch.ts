/**
 * `get -w` and `get --watch-only`: print the current objects, then one line (or document) per
 * change, as kubectl does.
 *
 * Expected flow: the objects are listed; unless `watchOnly`, they are printed as `get` prints
 * them (table header included); then a watch from the list's resourceVersion prints every
 * ADDED, MODIFIED and DELETED object (a deleted object prints its last state) until the
 * signal aborts or the watch ends.
 *
 * Guarantees: the table header is printed once, before the first row printed (so with
 * `watchOnly`, before the first change); later rows keep the column widths of what was
 * printed before and only widen them, as kubectl's tab writer remembers widths between
 * flushes. `-o json|yaml|name|jsonpath=…` print each object by itself (YAML documents
 * separated by `---`).
 *
 * Caveats: the watch sees other processes' writes, but controllers are not run while
 * watching (a CLI process runs them only after its own writes).
 *
 * @module
 */
import { formatLabels } from "../../src/apimachinery/labels.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError, formatError } from "../errors.ts";
import type { CommandContext } from "../kit.ts";
import { cellText, columnsFor, loadPrinterColumns, printObjects } from "../printers/mod.ts";

/** Options of {@linkcode watchAndPrint}. */
export interface WatchPrintOptions {
  /** Only this namespace; undefined for every namespace (or a cluster-scoped kind). */
  namespace?: string;
  /** Only objects with these names (`get cm a -w`); empty or absent for all. */
  names?: string[];
  /** Label selector (`-l`). */
  labelSelector?: string;
  /** Field selector (`--field-selector`). */
  fieldSelector?: string;
  /** Print only changes, not the current objects (`--watch-only`). */
  watchOnly?: boolean;
  /** `-o` value; empty or absent for the table. */
  output?: string;
  /** Omit the header (`--no-headers`). */
  noHeaders?: boolean;
  /** Add a LABELS column (`--show-labels`). */
  showLabels?: boolean;
  /** Add a NAMESPACE column (`-A`). */
  namespaceColumn?: boolean;
  /** Stops watching; the promise then resolves with 0. */
  signal?: AbortSignal;
}

const MIN_WIDTH = 6;
const PADDING = 3;

function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Table lines that keep (and only widen) the column widths of earlier lines: each call is one
 * flush of kubectl's tab writer, aligned together and with everything flushed before.
 */
class RememberingTable {
  #widths: number[] = [];
  lines(rows: readonly (readonly string[])[]): string {
    for (const cells of rows) {
      for (let j = 0; j < cells.length - 1; j++) {
        const w = Math.max(this.#widths[j] ?? 0, width(cells[j]) + PADDING, MIN_WIDTH);
        this.#widths[j] = w;
      }
    }
    let out = "";
    for (const cells of rows) {
      cells.forEach((cell, j) => {
        out += j === cells.length - 1 ? cell : cell + " ".repeat(this.#widths[j] - width(cell));
      });
      out += "\n";
    }
    return out;
  }
}

/**
 * A printer for `get -w`, called with the current objects and then with each changed one: the
 * table (header once, remembered widths) or any other `-o` format, one object each.
 */
async function objectPrinter(
  ctx: CommandContext,
  kind: Kind,
  options: WatchPrintOptions,
): Promise<(objs: readonly KubeObject[]) => Promise<string>> {
  const output = options.output ?? "";
  if (output === "" || output === "wide") {
    const wide = output === "wide";
    if (kind.printerColumns.length) await loadPrinterColumns();
    const columns = columnsFor(kind).filter((c) => wide || c.priority === 0);
    const withNamespace = !!options.namespaceColumn && kind.scope !== "Cluster";
    const table = new RememberingTable();
    let headerDone = !!options.noHeaders;
    return (objs) => {
      if (objs.length === 0) return Promise.resolve("");
      const rows: string[][] = [];
      if (!headerDone) {
        headerDone = true;
        rows.push([
          ...(withNamespace ? ["NAMESPACE"] : []),
          ...columns.map((c) => c.name.toUpperCase()),
          ...(options.showLabels ? ["LABELS"] : []),
        ]);
      }
      const now = ctx.io.now();
      for (const obj of objs) {
        rows.push([
          ...(withNamespace ? [obj.metadata?.namespace ?? ""] : []),
          ...columns.map((c) => cellText(c.cell(obj, now) ?? "")),
          ...(options.showLabels ? [formatLabels(obj.metadata?.labels)] : []),
        ]);
      }
      return Promise.resolve(table.lines(rows));
    };
  }
  // Validates the format (and template) before anything is watched, as kubectl builds its
  // printer first.
  await printObjects([], { output, kindOf: () => kind, noHeaders: true });
  let count = 0;
  const yaml = output === "yaml";
  return async (objs) => {
    let out = "";
    for (const obj of objs) {
      const text = await printObjects([obj], {
        output,
        kindOf: () => kind,
        singleItemImplied: true,
        noHeaders: !!options.noHeaders || count > 0,
        now: ctx.io.now(),
      });
      out += (yaml && count > 0 ? "---\n" : "") + text;
      count++;
    }
    return out;
  };
}

/**
 * Implements `get -w` / `--watch-only` for one kind: prints the current objects (unless
 * `watchOnly`), then every change, until `options.signal` aborts (resolves 0) or the watch
 * fails (prints kubectl's error, resolves 1). A name that does not exist fails as `get`
 * does (`Error from server (NotFound): …`).
 *
 * @example
 * ```ts ignore
 * // in get.ts, after the kinds are resolved:
 * if (ctx.flags.watch || ctx.flags["watch-only"]) {
 *   return await watchAndPrint(ctx, kind, { namespace, names, watchOnly: !!ctx.flags["watch-only"] });
 * }
 * ```
 */
export async function watchAndPrint(
  ctx: CommandContext,
  kind: Kind,
  options: WatchPrintOptions = {},
): Promise<number> {
  const rt = await ctx.core();
  const print = await objectPrinter(ctx, kind, options);
  const names = options.names ?? [];
  if (names.length && (options.labelSelector || options.fieldSelector)) {
    throw new CliError("name cannot be provided when a selector is specified");
  }
  const namespace = kind.scope === "Namespaced" ? options.namespace : undefined;
  // A named object must exist, as for `get`.
  for (const name of names) {
    await rt.client.get(kind, name, {
      namespace: kind.scope === "Namespaced" ? namespace ?? ctx.namespace : undefined,
    });
  }
  const fieldSelector = names.length === 1 ? `metadata.name=${names[0]}` : options.fieldSelector;
  const wanted = (o: KubeObject) => names.length === 0 || names.includes(o.metadata.name!);
  const list = await rt.client.list(kind, {
    namespace,
    labelSelector: options.labelSelector,
    fieldSelector,
  });
  if (!options.watchOnly) {
    const out = await print(list.items.filter(wanted));
    if (out) ctx.io.stdout(out);
  }
  if (options.signal?.aborted) return 0;
  try {
    for await (
      const ev of rt.client.watch(kind, {
        namespace,
        labelSelector: options.labelSelector,
        fieldSelector,
        resourceVersion: list.metadata.resourceVersion,
        signal: options.signal,
      })
    ) {
      if (ev.type === "BOOKMARK") continue;
      if (ev.type === "ERROR") {
        ctx.io.stderr(`error: ${(ev.object as { message?: string }).message ?? "watch failed"}\n`);
        return 1;
      }
      if (wanted(ev.object)) ctx.io.stdout(await print([ev.object]));
    }
  } catch (err) {
    if (options.signal?.aborted) return 0;
    ctx.io.stderr(formatError(err) + "\n");
    return 1;
  }
  return 0;
}
