/**
 * `get`: kubectl's printing of one or many kinds, by name, label or field
 * selector, in one namespace or all, in every `-o` format.
 *
 * @module
 */
import { ApiError } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError, formatError } from "../errors.ts";
import type { Command } from "../kit.ts";
import { printObjects } from "../printers/mod.ts";
import { parseResourceArgs, requireResourceType, usesFiles } from "../resources.ts";

/**
 * kubectl's resource builder names the list a BadRequest or NotFound came from:
 * `Unable to list "/v1, Resource=configmaps": …`, or with selectors
 * `Unable to find "…" that match label selector "…", field selector "…": …`.
 */
function listError(err: unknown, kind: Kind, labels: string, fields: string): unknown {
  if (!(err instanceof ApiError) || (err.code !== 400 && err.code !== 404)) return err;
  const gvr = `${kind.group}/${kind.version}, Resource=${kind.plural}`;
  const message = labels === "" && fields === ""
    ? `Unable to list ${JSON.stringify(gvr)}: ${err.message}`
    : `Unable to find ${JSON.stringify(gvr)} that match label selector ${
      JSON.stringify(labels)
    }, field selector ${JSON.stringify(fields)}: ${err.message}`;
  return ApiError.of(err.code, err.reason, message, err.status.details);
}

/** The `get` command. */
export const getCommand: Command = {
  name: "get",
  summary: "Display one or many resources",
  usage: "  get [(-o|--output=)json|yaml|name|wide|jsonpath=...|custom-columns=...] " +
    "(TYPE[,TYPE...] [NAME ...] | TYPE/NAME ...) [-l selector] [--field-selector ...] [-A]",
  options: {
    output: { type: "string", short: "o" },
    template: { type: "string" },
    selector: { type: "string", short: "l" },
    "field-selector": { type: "string" },
    "all-namespaces": { type: "boolean", short: "A" },
    "show-labels": { type: "boolean" },
    "label-columns": { type: "string", short: "L", multiple: true },
    "show-kind": { type: "boolean" },
    filename: { type: "string", short: "f", multiple: true },
    recursive: { type: "boolean", short: "R" },
    "sort-by": { type: "string" },
    "no-headers": { type: "boolean" },
    "chunk-size": { type: "int" },
    "ignore-not-found": { type: "boolean" },
    watch: { type: "boolean", short: "w" },
    "watch-only": { type: "boolean" },
  },
  async run(ctx) {
    const chunk = Math.max(0, (ctx.flags["chunk-size"] as number | undefined) ?? 500);
    const files = usesFiles(ctx);
    if (ctx.args.length === 0 && !files) {
      const err = requireResourceType(ctx.io, ctx.cli.name, "get");
      throw new CliError(
        `${err.message}\nUse "${ctx.cli.name} explain <resource>" for a detailed description of ` +
          `that resource (e.g. ${ctx.cli.name} explain pods).`,
        { hint: err.hint, exitCode: err.exitCode },
      );
    }
    if (ctx.flags["sort-by"] && ctx.flags.watch) {
      ctx.io.stderr(
        "warning: --watch requested, --sort-by will be ignored for watch events received\n",
      );
    } else if (ctx.flags["sort-by"] && ctx.flags["watch-only"]) {
      ctx.io.stderr("warning: --watch-only requested, --sort-by will be ignored\n");
    }
    const template = ctx.flags.template as string | undefined;
    // kubectl: --template without -o means -o go-template.
    const output = (ctx.flags.output as string | undefined) ??
      (template ? "go-template" : undefined);
    if (ctx.flags["show-labels"] && output && output !== "wide") {
      throw new CliError(`--show-labels option cannot be used with ${output} printer`);
    }
    // Types resolve before the store opens: an unknown type is reported as such, store or not.
    const selection = parseResourceArgs(await ctx.scheme(), ctx.args);
    const all = ctx.flags["all-namespaces"] === true;
    if (all && selection.some((s) => s.names.length > 0)) {
      throw new CliError("a resource cannot be retrieved by name across all namespaces");
    }
    const rt = await ctx.core();
    if (ctx.flags.watch || ctx.flags["watch-only"]) {
      if (selection.length !== 1) throw new CliError("you may only specify a single resource type");
      const { kind, names } = selection[0];
      const { watchAndPrint } = await import("./watch.ts");
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
    // The kinds kubectl has results (objects or empty lists) for: names are prefixed with their
    // kind when there is more than one.
    const printedKinds = new Set<string>();
    let named = 0;
    if (files) {
      // get -f: the objects the files name, each in its own namespace.
      const { resolveManifests } = await import("./files.ts");
      for (const m of await resolveManifests(ctx)) {
        named++;
        try {
          objects.push(
            await rt.client.get(m.kind, m.object.metadata.name!, { namespace: m.namespace }),
          );
          printedKinds.add(`${m.kind.group}/${m.kind.kind}`);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          if (err.reason === "NotFound" && ctx.flags["ignore-not-found"]) continue;
          errors.push(formatError(err));
        }
      }
    }
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
            printedKinds.add(`${kind.group}/${kind.kind}`);
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            if (err.reason === "NotFound" && ctx.flags["ignore-not-found"]) continue;
            errors.push(formatError(err));
          }
        }
        continue;
      }
      printedKinds.add(`${kind.group}/${kind.kind}`);
      let token: string | undefined;
      do {
        const labelSelector = ctx.flags.selector as string | undefined;
        const fieldSelector = ctx.flags["field-selector"] as string | undefined;
        const page = await rt.client.list(kind, {
          namespace,
          labelSelector,
          fieldSelector,
          limit: chunk,
          continue: token,
        }).catch((err) => {
          throw listError(err, kind, labelSelector ?? "", fieldSelector ?? "");
        });
        objects.push(...page.items);
        token = page.metadata.continue;
      } while (token);
    }
    const table = output === undefined || output === "" || output === "wide";
    const singleItemImplied = named === 1 && (selection.length === 1 || files);
    if (!table && objects.length === 0 && (ctx.flags["ignore-not-found"] || singleItemImplied)) {
      // kubectl prints no empty List when nothing was found and it ignores that, or when the
      // one object named is missing (only the error).
    } else if (objects.length === 0 && named === 0 && table) {
      if (ctx.flags["ignore-not-found"]) return 0;
      const scoped = selection.every((s) => s.kind.scope === "Namespaced") && !all;
      ctx.io.stderr(
        scoped ? `No resources found in ${ctx.namespace} namespace.\n` : "No resources found\n",
      );
    } else if (objects.length || !table) {
      ctx.io.stdout(
        await printObjects(objects, {
          output,
          template,
          kindOf: (o) => rt.scheme.forObject(o),
          wide: output === "wide",
          noHeaders: ctx.flags["no-headers"] === true,
          showLabels: ctx.flags["show-labels"] === true,
          namespaceColumn: all,
          sortBy: ctx.flags["sort-by"] as string | undefined,
          now: ctx.io.now(),
          singleItemImplied,
          withKind: printedKinds.size > 1 || ctx.flags["show-kind"] === true,
          // -L a,b or -L a -L b (pflag's string slice).
          labelColumns: ((ctx.flags["label-columns"] as string[] | undefined) ?? [])
            .flatMap((l) => l.split(",")).filter((l) => l !== ""),
        }),
      );
    }
    for (const e of errors) ctx.io.stderr(e + "\n");
    return errors.length ? 1 : 0;
  },
};
