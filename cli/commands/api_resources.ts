/**
 * `api-resources`: the kinds served, as kubectl lists them.
 *
 * @module
 */
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { alignColumns } from "../printers/tabwriter.ts";

/** The `api-resources` command. */
export const apiResourcesCommand: Command = {
  name: "api-resources",
  summary: "Print the supported API resources",
  usage: "  api-resources [--namespaced=true|false] [--api-group=GROUP] [-o name|wide]",
  options: {
    namespaced: { type: "boolean" },
    "api-group": { type: "string" },
    output: { type: "string", short: "o" },
    "no-headers": { type: "boolean" },
  },
  async run(ctx) {
    await list(ctx);
  },
};

/** Prints the kinds the CLI serves, as kubectl prints discovery. */
async function list(ctx: CommandContext): Promise<void> {
  if (ctx.args.length) {
    throw new CliError(`unexpected arguments: [${ctx.args.join(" ")}]`, {
      hint: `See '${ctx.cli.name} api-resources -h' for help and examples`,
    });
  }
  const out = ctx.flags.output as string | undefined;
  if (out !== undefined && out !== "" && out !== "wide" && out !== "name") {
    throw new CliError(`--output ${out} is not available`);
  }
  let kinds = [...(await ctx.scheme()).kinds()].sort((a: Kind, b: Kind) =>
    a.group === b.group
      ? a.plural.localeCompare(b.plural)
      : a.group === ""
      ? -1
      : b.group === ""
      ? 1
      : a.group.localeCompare(b.group)
  );
  const ns = ctx.flags.namespaced as boolean | undefined;
  if (ns !== undefined) kinds = kinds.filter((k) => (k.scope === "Namespaced") === ns);
  const group = ctx.flags["api-group"] as string | undefined;
  if (group !== undefined) kinds = kinds.filter((k) => k.group === group);
  if (out === "name") {
    ctx.io.stdout(
      kinds.map((k) => (k.group ? `${k.plural}.${k.group}` : k.plural) + "\n").join(""),
    );
    return;
  }
  const headers = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
  if (out === "wide") headers.push("VERBS", "CATEGORIES");
  const rows = kinds.map((k) => {
    const row = [
      k.plural,
      k.shortNames.join(","),
      k.apiVersion,
      String(k.scope === "Namespaced"),
      k.kind,
    ];
    if (out === "wide") {
      // Namespaces cannot be deleted as a collection (the registry answers 405, as kube does).
      const collection = k.group === "" && k.kind === "Namespace" ? "" : "deletecollection,";
      row.push(
        `create,delete,${collection}get,list,patch,update,watch`,
        k.categories.join(","),
      );
    }
    return row;
  });
  ctx.io.stdout(alignColumns(ctx.flags["no-headers"] ? rows : [headers, ...rows]));
}
