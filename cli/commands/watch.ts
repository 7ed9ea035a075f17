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
 * separated by `---`). With `outputWatchEvents` (`--output-watch-events`) every object is
 * printed as its watch event, the current ones as ADDED: the table gets an EVENT column first,
 * JSON is one `{"type":…,"object":…}` line per event, and YAML and the templates print the
 * event (`-o name` still names the object).
 *
 * Caveats: the watch sees other processes' writes, but controllers are not run while
 * watching (a CLI process runs them only after its own writes).
 *
 * @module
 */
import { formatLabels } from "../../src/apimachinery/labels.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { goJson, GoStruct } from "../jsonpath.ts";
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
  /**
   * Print each change as its watch event (`--output-watch-events`): an EVENT column first in
   * the table (`ADDED`, `MODIFIED`, `DELETED`), `{"type":…,"object":…}` documents otherwise.
   * The current objects print as ADDED events.
   */
  outputWatchEvents?: boolean;
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
 *
 * @example
 * ```ts
 * import { RememberingTable } from "./watch.ts";
 * import assert from "node:assert/strict";
 *
 * const t = new RememberingTable();
 * assert.equal(t.lines([["NAME", "AGE"], ["a", "1s"]]), "NAME   AGE\na      1s\n");
 * assert.equal(t.lines([["longer-name", "2s"]]), "longer-name   2s\n");
 * assert.equal(t.lines([["b", "3s"]]), "b             3s\n");
 * ```
 */
export class RememberingTable {
  #widths: number[] = [];
  /** The rows as one flush: aligned with each other and with the widths of earlier flushes. */
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

/** One object to print and the watch event that brought it (`ADDED` for the current ones). */
interface Change {
  type: string;
  object: KubeObject;
}

/** kubectl's EVENT cell: the type padded to eight characters. */
function eventCell(type: string): string {
  return type === "ADDED" || type === "MODIFIED" || type === "DELETED" || type === "ERROR"
    ? type.padEnd(8)
    : type;
}

/**
 * A printer for `get -w`, called with the current objects and then with each changed one: the
 * table (header once, remembered widths) or any other `-o` format, one object each; with
 * `outputWatchEvents`, each as its watch event, as kubectl's printers print a
 * `metav1.WatchEvent`.
 */
async function objectPrinter(
  ctx: CommandContext,
  kind: Kind,
  options: WatchPrintOptions,
): Promise<(changes: readonly Change[]) => Promise<string>> {
  const events = options.outputWatchEvents === true;
  const output = options.output ?? "";
  if (output === "" || output === "wide") {
    const wide = output === "wide";
    if (kind.printerColumns.length) await loadPrinterColumns();
    const columns = columnsFor(kind).filter((c) => wide || c.priority === 0);
    const withNamespace = !!options.namespaceColumn && kind.scope !== "Cluster";
    const table = new RememberingTable();
    let headerDone = !!options.noHeaders;
    return (changes) => {
      if (changes.length === 0) return Promise.resolve("");
      const rows: string[][] = [];
      if (!headerDone) {
        headerDone = true;
        rows.push([
          ...(events ? ["EVENT"] : []),
          ...(withNamespace ? ["NAMESPACE"] : []),
          ...columns.map((c) => c.name.toUpperCase()),
          ...(options.showLabels ? ["LABELS"] : []),
        ]);
      }
      const now = ctx.io.now();
      for (const { type, object: obj } of changes) {
        rows.push([
          ...(events ? [eventCell(type)] : []),
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
  try {
    await printObjects([], { output, kindOf: () => kind, noHeaders: true });
  } catch (err) {
    // Run on an empty list, the template may fail where it would not on an object: it parsed.
    if (!(err instanceof Error) || !err.message.startsWith("error executing ")) throw err;
  }
  let count = 0;
  const yaml = output === "yaml";
  return async (changes) => {
    let out = "";
    for (const { type, object } of changes) {
      let text: string;
      if (events && output === "json") {
        // kubectl marshals the metav1.WatchEvent compactly, on one line, type first.
        text = goJson(new GoStruct({ type, object })) + "\n";
      } else {
        // The name printer names the object; the others print the event (yaml sorts its keys).
        const printed = events && output !== "name"
          ? { type, object } as unknown as KubeObject
          : object;
        text = await printObjects([printed], {
          output,
          kindOf: () => kind,
          singleItemImplied: true,
          noHeaders: !!options.noHeaders || count > 0,
          now: ctx.io.now(),
        });
      }
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
    const out = await print(
      list.items.filter(wanted).map((object) => ({ type: "ADDED", object })),
    );
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
      if (wanted(ev.object)) {
        ctx.io.stdout(await print([{ type: ev.type, object: ev.object }]));
      }
    }
  } catch (err) {
    if (options.signal?.aborted) return 0;
    ctx.io.stderr(formatError(err) + "\n");
    return 1;
  }
  return 0;
}
