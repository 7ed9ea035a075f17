/**
 * `api-resources`: the kinds served, as kubectl lists them.
 *
 * @module
 */
import type { Kind } from "@k1s/k1s";
import type { Command } from "../kit.ts";
import { alignColumns } from "../printers/tabwriter.ts";

/** The `api-resources` command. */
export const apiResourcesCommand: Command = {
  name: "api-resources",
  summary: "Print the supported API resources",
  usage: "  api-resources [--namespaced=true|false] [-o name|wide]",
  options: {
    namespaced: { type: "string" },
    output: { type: "string", short: "o" },
    "no-headers": { type: "boolean" },
  },
  async run(ctx) {
    const rt = await ctx.runtime();
    let kinds = [...rt.scheme.kinds()].sort((a: Kind, b: Kind) =>
      a.group === b.group
        ? a.plural.localeCompare(b.plural)
        : a.group === ""
        ? -1
        : b.group === ""
        ? 1
        : a.group.localeCompare(b.group)
    );
    const ns = ctx.flags.namespaced as string | undefined;
    if (ns !== undefined) {
      kinds = kinds.filter((k) => (k.scope === "Namespaced") === (ns === "true"));
    }
    const out = ctx.flags.output as string | undefined;
    if (out === "name") {
      ctx.io.stdout(
        kinds.map((k) => (k.group ? `${k.plural}.${k.group}` : k.plural) + "\n").join(""),
      );
      return;
    }
    if (out !== undefined && out !== "wide") {
      ctx.io.stderr(`error: --output ${out} is not available\n`);
      return 1;
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
        row.push(
          "[create delete deletecollection get list patch update watch]",
          k.categories.join(","),
        );
      }
      return row;
    });
    ctx.io.stdout(alignColumns(ctx.flags["no-headers"] ? rows : [headers, ...rows]));
  },
};
