/**
 * `get`: kubectl's printing of one or many kinds, by name, label or field
 * selector, in one namespace or all, in every `-o` format.
 *
 * @module
 */
import { ApiError, type KubeObject } from "@k1s/k1s";
import { CliError, formatError } from "../errors.ts";
import type { Command } from "../kit.ts";
import { printObjects } from "../printers/mod.ts";
import { parseResourceArgs, requireResourceType } from "../resources.ts";
import { watchAndPrint } from "./watch.ts";

/** The `get` command. */
export const getCommand: Command = {
  name: "get",
  summary: "Display one or many resources",
  usage: "  get [(-o|--output=)json|yaml|name|wide|jsonpath=...|custom-columns=...] " +
    "(TYPE[,TYPE...] [NAME ...] | TYPE/NAME ...) [-l selector] [--field-selector ...] [-A]",
  options: {
    output: { type: "string", short: "o" },
    selector: { type: "string", short: "l" },
    "field-selector": { type: "string" },
    "all-namespaces": { type: "boolean", short: "A" },
    "show-labels": { type: "boolean" },
    "sort-by": { type: "string" },
    "no-headers": { type: "boolean" },
    "chunk-size": { type: "string" },
    "ignore-not-found": { type: "boolean" },
    watch: { type: "boolean", short: "w" },
    "watch-only": { type: "boolean" },
  },
  async run(ctx) {
    const rt = await ctx.runtime();
    if (ctx.args.length === 0) throw requireResourceType(ctx.io, ctx.cli.name, "get");
    const chunkText = (ctx.flags["chunk-size"] as string | undefined) ?? "500";
    const chunk = Number(chunkText);
    if (!Number.isInteger(chunk) || chunk < 0) {
      throw new CliError(
        `invalid argument "${chunkText}" for "--chunk-size" flag: must be a non-negative integer`,
      );
    }
    const all = ctx.flags["all-namespaces"] === true;
    const selection = parseResourceArgs(rt.scheme, ctx.args);
    if (ctx.flags.watch || ctx.flags["watch-only"]) {
      if (selection.length !== 1) {
        throw new CliError(
          "watch is only supported on individual resources and resource collections - more than 1 resource was found",
        );
      }
      const { kind, names } = selection[0];
      return await watchAndPrint(ctx, kind, {
        namespace: kind.scope === "Namespaced" && !all ? ctx.namespace : undefined,
        names,
        labelSelector: ctx.flags.selector as string | undefined,
        fieldSelector: ctx.flags["field-selector"] as string | undefined,
        watchOnly: ctx.flags["watch-only"] === true,
        output: ctx.flags.output as string | undefined,
        noHeaders: ctx.flags["no-headers"] === true,
        showLabels: ctx.flags["show-labels"] === true,
        namespaceColumn: all,
      });
    }
    const objects: KubeObject[] = [];
    const errors: string[] = [];
    let named = 0;
    for (const { kind, names } of selection) {
      const namespace = kind.scope === "Namespaced" && !all ? ctx.namespace : undefined;
      if (names.length) {
        if (ctx.flags.selector || ctx.flags["field-selector"]) {
          throw new CliError("name cannot be provided when a selector is specified");
        }
        named += names.length;
        for (const name of names) {
          try {
            objects.push(
              await rt.client.get(kind, name, { namespace: namespace ?? ctx.namespace }),
            );
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            if (err.reason === "NotFound" && ctx.flags["ignore-not-found"]) continue;
            errors.push(formatError(err));
          }
        }
        continue;
      }
      let token: string | undefined;
      do {
        const page = await rt.client.list(kind, {
          namespace,
          labelSelector: ctx.flags.selector as string | undefined,
          fieldSelector: ctx.flags["field-selector"] as string | undefined,
          limit: chunk,
          continue: token,
        });
        objects.push(...page.items);
        token = page.metadata.continue;
      } while (token);
    }
    const output = ctx.flags.output as string | undefined;
    const table = output === undefined || output === "" || output === "wide";
    if (objects.length === 0 && named === 0 && table) {
      const scoped = selection.some((s) => s.kind.scope === "Namespaced") && !all;
      ctx.io.stderr(
        scoped ? `No resources found in ${ctx.namespace} namespace.\n` : "No resources found\n",
      );
    } else if (objects.length || !table) {
      ctx.io.stdout(printObjects(objects, {
        output,
        kindOf: (o) => rt.scheme.forObject(o),
        wide: output === "wide",
        noHeaders: ctx.flags["no-headers"] === true,
        showLabels: ctx.flags["show-labels"] === true,
        namespaceColumn: all,
        sortBy: ctx.flags["sort-by"] as string | undefined,
        now: ctx.io.now(),
        singleItemImplied: named === 1 && selection.length === 1,
      }));
    }
    for (const e of errors) ctx.io.stderr(e + "\n");
    return errors.length ? 1 : 0;
  },
};
