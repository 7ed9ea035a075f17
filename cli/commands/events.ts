/**
 * `events`: kubectl's event table (`LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`), oldest first,
 * for a namespace or all of them, optionally about one object (`--for TYPE/NAME`) and of some
 * types (`--types Normal,Warning`), or in any `-o` format. Also the pieces `describe` shares:
 * kubectl's event time and its `5s (x3 over 10m)` interval.
 *
 * @module
 */
import { Event } from "../../src/resources/core_v1.ts";
import { CliError } from "../errors.ts";
import type { Command } from "../kit.ts";
import { age, alignColumns, printObjects } from "../printers/mod.ts";
import { toKubectlYaml } from "../printers/yaml.ts";
import { goJson } from "../jsonpath.ts";
import { resolveKind } from "../resources.ts";

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

/** The `events` command. */
export const eventsCommand: Command = {
  name: "events",
  summary: "List events",
  usage: "  events [(-o|--output=)json|yaml|name|jsonpath=...|custom-columns=...] " +
    "[--for TYPE/NAME] [--types=Normal,Warning] [-A]",
  options: {
    output: { type: "string", short: "o" },
    "all-namespaces": { type: "boolean", short: "A" },
    for: { type: "string" },
    types: { type: "string", multiple: true },
    "no-headers": { type: "boolean" },
    watch: { type: "boolean", short: "w" },
    "chunk-size": { type: "int" },
  },
  async run(ctx) {
    if (ctx.args.length) {
      throw new CliError(`unknown command "${ctx.args[0]}" for "${ctx.cli.name} events"`);
    }
    const rt = await ctx.core();
    const all = ctx.flags["all-namespaces"] === true;
    const types = typesFilter((ctx.flags.types as string[] | undefined) ?? []);
    let fieldSelector: string | undefined;
    const forArg = ctx.flags.for as string | undefined;
    if (forArg) {
      if (!forArg.includes("/")) throw new CliError("--for must be in resource/name form");
      const parts = forArg.split("/");
      if (parts.length !== 2) {
        throw new CliError("arguments in resource/name form may not have more than one slash");
      }
      const kind = resolveKind(rt.scheme, parts[0].toLowerCase());
      fieldSelector = `involvedObject.kind=${kind.kind},` +
        `involvedObject.apiVersion=${kind.apiVersion},involvedObject.name=${parts[1]}`;
    }
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
      // ADDED), each event printed and flushed on its own, deletions (expiry) left out.
      const output = ctx.flags.output as string | undefined;
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
        if (output) {
          ctx.io.stdout(await printObjects([e], { output, kindOf: () => Event }));
          continue;
        }
        ctx.io.stdout(
          alignColumns(first ? [header, row(e, ctx.io.now())] : [row(e, ctx.io.now())]),
        );
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
        limit: (ctx.flags["chunk-size"] as number | undefined) || 500,
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
    const output = ctx.flags.output as string | undefined;
    if (output === "json" || output === "yaml") {
      const list = { apiVersion: "v1", items: events, kind: "EventList", metadata: {} };
      ctx.io.stdout(output === "json" ? goJson(list, "    ") + "\n" : toKubectlYaml(list));
      return 0;
    }
    if (output) {
      ctx.io.stdout(await printObjects(events, { output, kindOf: () => Event }));
      return 0;
    }
    const now = ctx.io.now();
    const rows: string[][] = ctx.flags["no-headers"] === true ? [] : [header];
    for (const e of events) rows.push(row(e, now));
    ctx.io.stdout(alignColumns(rows));
    return 0;
  },
};
