/**
 * `events`: kubectl's event table (`LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`), oldest first,
 * for a namespace or all of them, optionally about one object (`--for TYPE/NAME`) and of some
 * types (`--types Normal,Warning`), or in the `-o` formats kubectl's events accepts (JSON,
 * YAML, name and templates, of the typed EventList kubectl reads: see `events_typed.ts`); with
 * `-w`, each event as it comes. Also the pieces `describe` shares: kubectl's event time and its
 * `5s (x3 over 10m)` interval.
 *
 * @module
 */
import { Event } from "../../src/resources/core_v1.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { age, alignColumns, OUTPUT_FORMATS, printObjects } from "../printers/mod.ts";
import { toKubectlYaml } from "../printers/yaml.ts";
import { goJson } from "../jsonpath.ts";
import { ALL_NAMESPACES_FLAG, CHUNK_SIZE_FLAG, PRINT_FLAGS, printFlags } from "./read_flags.ts";

/**
 * The time kubectl sorts an event by: the series' last observation, else `lastTimestamp`,
 * else `eventTime`; in ms since the epoch, 0 when none is set.
 *
 * @example
 * ```ts
 * import { eventTime } from "./events.ts";
 * import assert from "node:assert/strict";
 *
 * const ev = { lastTimestamp: "2024-01-01T00:00:00Z" } as Parameters<typeof eventTime>[0];
 * assert.equal(eventTime(ev), Date.parse("2024-01-01T00:00:00Z"));
 * ```
 */
export function eventTime(event: Event): number {
  const t = event.series ? event.series.lastObservedTime : event.lastTimestamp || event.eventTime;
  return (t && Date.parse(t)) || 0;
}

/**
 * Sorts events oldest first by {@linkcode eventTime} (stable), as kubectl does before printing.
 *
 * @example
 * ```ts
 * import { sortEvents } from "./events.ts";
 * import assert from "node:assert/strict";
 *
 * const evs = [{ lastTimestamp: "2024-01-02T00:00:00Z" }, { lastTimestamp: "2024-01-01T00:00:00Z" }];
 * const sorted = sortEvents(evs as unknown as Parameters<typeof sortEvents>[0]);
 * assert.equal(sorted[0].lastTimestamp, "2024-01-01T00:00:00Z");
 * ```
 */
export function sortEvents(events: readonly Event[]): Event[] {
  return events.slice().sort((a, b) => eventTime(a) - eventTime(b));
}

/**
 * kubectl's LAST SEEN (and describe's Age) cell: the age of the event, with
 * `(xN over AGE-OF-FIRST)` for a repeated event or a series.
 *
 * @example
 * ```ts
 * import { eventInterval } from "./events.ts";
 * import assert from "node:assert/strict";
 *
 * const now = Date.parse("2024-01-01T00:10:00Z");
 * const ev = {
 *   count: 3,
 *   firstTimestamp: "2024-01-01T00:00:00Z",
 *   lastTimestamp: "2024-01-01T00:09:55Z",
 * } as Parameters<typeof eventInterval>[0];
 * assert.equal(eventInterval(ev, now), "5s (x3 over 10m)");
 * ```
 */
export function eventInterval(event: Event, now: number): string {
  const first = event.eventTime ? age(event.eventTime, now) : age(event.firstTimestamp, now);
  if (event.series) {
    return `${age(event.series.lastObservedTime, now)} (x${event.series.count ?? 0} over ${first})`;
  }
  if ((event.count ?? 0) > 1) {
    return `${age(event.lastTimestamp, now)} (x${event.count} over ${first})`;
  }
  return first;
}

function typesFilter(values: string[]): string[] {
  const types = [...new Set(values.flatMap((v) => v.split(",")).filter((v) => v !== ""))].sort();
  for (const t of types) {
    if (t.toLowerCase() !== "normal" && t.toLowerCase() !== "warning") {
      throw new CliError("valid --types are Normal or Warning");
    }
  }
  return types;
}

/** The `-o` formats kubectl's events accepts (its PrintFlags: no table, no custom columns). */
const EVENT_OUTPUT_FORMATS = OUTPUT_FORMATS.filter((f) => f !== "wide" && !f.startsWith("custom-"));

/**
 * The printer of `events -o OUTPUT` (the format checked first, as kubectl builds its printer
 * before it lists), for the sorted list or for one watched event. kubectl prints what its
 * typed client read: a `corev1.EventList` (or `Event`) with Go's field order and defaults.
 * `-o name` of the list prints nothing: kubectl's name printer refuses a typed list, and
 * `events` ignores that error, as it ignores a template that fails to run.
 */
async function eventPrinter(
  output: string,
  templateFlag: unknown,
  allowMissingKeys = true,
): Promise<(events: Event | readonly Event[]) => Promise<string>> {
  // Only the template formats take `=…`: `-o json=x` is no format.
  const eq = output.indexOf("=");
  const format = eq < 0 ? output : output.slice(0, eq);
  const known = EVENT_OUTPUT_FORMATS.includes(format) &&
    (eq < 0 || !["json", "yaml", "name"].includes(format));
  if (!known) {
    throw new CliError(
      `unable to match a printer suitable for the output format "${output}", allowed formats ` +
        `are: ${EVENT_OUTPUT_FORMATS.join(",")}`,
    );
  }
  // With -o, --template is the template of the -o template formats (alone, it is ignored).
  const template = typeof templateFlag === "string" && templateFlag !== ""
    ? templateFlag
    : undefined;
  await validatePrinter(output, template);
  const { typedEvent, typedEventList, plainData } = await import("./events_typed.ts");
  let count = 0;
  return async (events) => {
    const one = !Array.isArray(events);
    const typed = one ? typedEvent(events as Event) : typedEventList(events as Event[]);
    if (format === "json") return goJson(typed, "    ") + "\n";
    if (format === "yaml") return (count++ > 0 ? "---\n" : "") + toKubectlYaml(plainData(typed));
    if (format === "name") return one ? `event/${(events as Event).metadata.name}\n` : "";
    try {
      return await printObjects([plainData(typed) as Event], {
        output,
        template,
        allowMissingKeys,
        kindOf: () => Event,
        singleItemImplied: true,
      });
    } catch (err) {
      // kubectl's events ignores what its printer returns: a template that fails to run prints
      // what it printed (a Go template adds its debugging block) and the command succeeds.
      if (!(err instanceof Error) || !err.message.startsWith("error executing ")) throw err;
      return (err as { output?: string }).output ?? "";
    }
  };
}

/**
 * Text as kubectl's events writes it, through its tab writer (widths remembered between
 * flushes): tabs a template prints align columns.
 */
function tabbed(table: { lines(rows: readonly (readonly string[])[]): string }, text: string) {
  if (!text.includes("\t")) return text;
  const lines = text.split("\n");
  const partial = lines.pop() ?? "";
  if (partial !== "") lines.push(partial);
  const out = table.lines(lines.map((l) => l.split("\t")));
  return partial === "" ? out : out.slice(0, -1);
}

/**
 * Checks the format and parses its template (reading template files), as kubectl does when it
 * builds its printer, before anything is listed. Only running the template is left for later.
 */
async function validatePrinter(output: string, template: string | undefined): Promise<void> {
  try {
    await printObjects([], { output, template, kindOf: () => Event, noHeaders: true });
  } catch (err) {
    // The template ran on an empty list and failed there: it parsed, which is what counts.
    if (!(err instanceof Error) || !err.message.startsWith("error executing ")) throw err;
  }
}

/**
 * The kind `--for TYPE/NAME` names, checked as kubectl's events does; undefined when kubectl
 * prints the problem bare (an unknown type: its RESTMapper's error) and exits 1.
 */
async function forKind(ctx: CommandContext, arg: string): Promise<Kind | undefined> {
  if (!arg.includes("/")) throw new CliError("--for must be in resource/name form");
  const parts = arg.split("/");
  if (parts.length !== 2) {
    throw new CliError("arguments in resource/name form may not have more than one slash");
  }
  const resource = parts[0].toLowerCase();
  const kind = (await ctx.scheme()).resolve(resource);
  if (kind) return kind;
  const dot = resource.indexOf(".");
  ctx.io.stderr(
    dot < 0
      ? `the server doesn't have a resource type "${resource}"\n`
      : `the server doesn't have a resource type "${resource.slice(0, dot)}" in group "${
        resource.slice(dot + 1)
      }"\n`,
  );
  return undefined;
}

const EVENTS_LONG = `Display events.

 Prints a table of the most important information about events. You can request events for a \
namespace, for all namespace, or filtered to only those pertaining to a specified resource.`;

const EVENTS_EXAMPLES = `# List recent events in the default namespace
k1s events

# List recent events in all namespaces
k1s events --all-namespaces

# List recent events for the specified config map, then wait for more events and list them as they arrive
k1s events --for configmap/web-config --watch

# List recent events in YAML format
k1s events -oyaml

# List recent only events of type 'Warning' or 'Normal'
k1s events --types=Warning,Normal`;

/** The `events` command. */
export const eventsCommand: Command = {
  name: "events",
  summary: "List events",
  long: EVENTS_LONG,
  examples: EVENTS_EXAMPLES,
  usage: "events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|" +
    "templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] " +
    "[--types=Normal,Warning]",
  options: {
    output: {
      type: "string",
      short: "o",
      description: "Output format. One of: (json, yaml, name, go-template, go-template-file, " +
        "template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).",
    },
    ...PRINT_FLAGS,
    "all-namespaces": ALL_NAMESPACES_FLAG,
    for: {
      type: "string",
      description: "Filter events to only those pertaining to the specified resource.",
    },
    types: {
      type: "string",
      multiple: true,
      description: "Output only events of given types.",
    },
    "no-headers": {
      type: "boolean",
      description: "When using the default output format, don't print headers.",
    },
    watch: {
      type: "boolean",
      short: "w",
      description: "After listing the requested events, watch for more events.",
    },
    "chunk-size": CHUNK_SIZE_FLAG,
  },
  async run(ctx) {
    // kubectl's events takes no arguments and ignores any given (cobra's default for a leaf).
    // Its checks come in its order: --for, the output format, then --types.
    const all = ctx.flags["all-namespaces"] === true;
    let fieldSelector: string | undefined;
    const forArg = ctx.flags.for as string | undefined;
    if (forArg) {
      const kind = await forKind(ctx, forArg);
      if (kind === undefined) return 1;
      fieldSelector = `involvedObject.kind=${kind.kind},` +
        `involvedObject.apiVersion=${kind.apiVersion},involvedObject.name=${forArg.split("/")[1]}`;
    }
    const output = (ctx.flags.output as string | undefined) ?? "";
    const print = output === "" ? undefined : await eventPrinter(
      output,
      ctx.flags.template,
      printFlags(ctx.flags).allowMissingKeys,
    );
    const types = typesFilter((ctx.flags.types as string[] | undefined) ?? []);
    const rt = await ctx.core();
    const wantedType = (e: Event) =>
      types.length === 0 || types.some((t) => t.toLowerCase() === (e.type ?? "").toLowerCase());
    const header = [
      ...(all ? ["NAMESPACE"] : []),
      "LAST SEEN",
      "TYPE",
      "REASON",
      "OBJECT",
      "MESSAGE",
    ];
    const row = (e: Event, now: number) => [
      ...(all ? [e.metadata.namespace ?? ""] : []),
      eventInterval(e, now),
      e.type ?? "",
      e.reason ?? "",
      `${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}`,
      (e.message ?? "").trim(),
    ];
    if (ctx.flags.watch === true) {
      // kubectl events -w: a watch without a resourceVersion (the current events come first, as
      // ADDED), each event printed and flushed on its own (the table keeps the widths printed
      // before, as kubectl's tab writer does), deletions (expiry) left out.
      const { RememberingTable } = await import("./watch.ts");
      const table = new RememberingTable();
      let first = ctx.flags["no-headers"] !== true;
      for await (
        const ev of rt.client.watch(Event, {
          namespace: all ? undefined : ctx.namespace,
          fieldSelector,
        })
      ) {
        if (ev.type === "BOOKMARK" || ev.type === "DELETED" || ev.type === "ERROR") continue;
        const e = ev.object as Event;
        if (!wantedType(e)) continue;
        if (print) {
          ctx.io.stdout(tabbed(table, await print(e)));
          continue;
        }
        const now = ctx.io.now();
        ctx.io.stdout(table.lines(first ? [header, row(e, now)] : [row(e, now)]));
        first = false;
      }
      return 0;
    }
    const items: Event[] = [];
    let token: string | undefined;
    do {
      const page = await rt.client.list(Event, {
        namespace: all ? undefined : ctx.namespace,
        fieldSelector,
        limit: Math.max(0, (ctx.flags["chunk-size"] as number | undefined) ?? 500),
        continue: token,
      });
      items.push(...page.items);
      token = page.metadata.continue;
    } while (token);
    const wanted = items.filter(wantedType);
    if (wanted.length === 0) {
      ctx.io.stderr(
        all ? "No events found.\n" : `No events found in ${ctx.namespace} namespace.\n`,
      );
      return 0;
    }
    const events = sortEvents(wanted);
    if (print) {
      const { RememberingTable } = await import("./watch.ts");
      ctx.io.stdout(tabbed(new RememberingTable(), await print(events)));
      return 0;
    }
    const now = ctx.io.now();
    const rows: string[][] = ctx.flags["no-headers"] === true ? [] : [header];
    for (const e of events) rows.push(row(e, now));
    ctx.io.stdout(alignColumns(rows));
    return 0;
  },
};
