/**
 * `api-resources`: the kinds served, as kubectl lists them.
 *
 * @module
 */
import { serverClient } from "./server_client.ts";
import type { DiscoveredResource } from "../../src/client/http.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { kindVerbs } from "../../src/server/discovery.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { alignColumns } from "../printers/tabwriter.ts";

const API_RESOURCES_EXAMPLES = `# Print the supported API resources
k1s api-resources

# Print the supported API resources with more information
k1s api-resources -o wide

# Print the supported API resources sorted by a column
k1s api-resources --sort-by=name

# Print the supported namespaced resources
k1s api-resources --namespaced=true

# Print the supported non-namespaced resources
k1s api-resources --namespaced=false

# Print the supported API resources with a specific APIGroup
k1s api-resources --api-group=coordination.k8s.io`;

/** The `api-resources` command. */
export const apiResourcesCommand: Command = {
  name: "api-resources",
  summary: "Print the supported API resources on the server",
  examples: API_RESOURCES_EXAMPLES,
  usage: "api-resources [flags]",
  options: {
    namespaced: {
      type: "boolean",
      // kubectl's default; only a given --namespaced filters.
      defaultText: "true",
      description: "If false, non-namespaced resources will be returned, otherwise returning " +
        "namespaced resources by default.",
    },
    "api-group": {
      type: "string",
      description: "Limit to resources in the specified API group.",
    },
    output: {
      type: "string",
      short: "o",
      description: "Output format. One of: (wide, name).",
    },
    "no-headers": {
      type: "boolean",
      description: "When using the default or custom-column output format, don't print headers " +
        "(default print headers).",
    },
    categories: {
      type: "string",
      multiple: true,
      description: "Limit to resources that belong to the specified categories.",
    },
    verbs: {
      type: "string",
      multiple: true,
      description: "Limit to resources that support the specified verbs.",
    },
    "sort-by": {
      type: "string",
      description: "If non-empty, sort list of resources using specified field. The field can be " +
        "either 'name' or 'kind'.",
    },
    // Discovery is local: there is no cache to refresh, so --cached changes nothing.
    cached: {
      type: "boolean",
      description: "Use the cached list of resources if available.",
    },
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
  const sortBy = (ctx.flags["sort-by"] as string | undefined) ?? "";
  if (sortBy !== "" && sortBy !== "name" && sortBy !== "kind") {
    throw new CliError("--sort-by accepts only name or kind");
  }
  // kubectl's order: by group (or the --sort-by field), then by name, in byte order.
  const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;
  const key = (k: Resource) => sortBy === "name" ? k.plural : sortBy === "kind" ? k.kind : k.group;
  let kinds = (await servedResources(ctx)).sort((a, b) =>
    cmp(key(a), key(b)) || cmp(a.plural, b.plural)
  );
  // --verbs=a,b (or repeated): the kinds that support all of them.
  const wanted = ((ctx.flags.verbs as string[] | undefined) ?? []).flatMap((v) => v.split(","))
    .filter((v) => v !== "");
  if (wanted.length) kinds = kinds.filter((k) => wanted.every((v) => k.verbs.includes(v)));
  // --categories=a,b (or repeated): the kinds in all of them.
  const categories = ((ctx.flags.categories as string[] | undefined) ?? [])
    .flatMap((c) => c.split(",")).filter((c) => c !== "");
  if (categories.length) {
    kinds = kinds.filter((k) => categories.every((c) => k.categories.includes(c)));
  }
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
    if (out === "wide") row.push(k.verbs.join(","), k.categories.join(","));
    return row;
  });
  ctx.io.stdout(alignColumns(ctx.flags["no-headers"] ? rows : [headers, ...rows]));
}

/** What api-resources lists of a resource. */
interface Resource {
  group: string;
  plural: string;
  shortNames: readonly string[];
  apiVersion: string;
  scope: string;
  kind: string;
  verbs: readonly string[];
  categories: readonly string[];
}

/**
 * The resources to list: through a server, its discovery (preferred versions, as kubectl's
 * ServerPreferredResources), which has what the server serves beside stored kinds (the
 * reviews); else the store's kinds, with the verbs the registry serves for them.
 */
async function servedResources(ctx: CommandContext): Promise<Resource[]> {
  const client = await serverClient(ctx);
  if (client) {
    return (await client.discover()).filter((r) => r.preferred).map((r: DiscoveredResource) => ({
      group: r.group,
      plural: r.resource,
      shortNames: r.shortNames,
      apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
      scope: r.scope,
      kind: r.kind,
      verbs: r.verbs,
      categories: r.categories,
    }));
  }
  return [...(await ctx.scheme()).kinds()].map((k: Kind) => ({
    group: k.group,
    plural: k.plural,
    shortNames: k.shortNames,
    apiVersion: k.apiVersion,
    scope: k.scope,
    kind: k.kind,
    verbs: kindVerbs(k),
    categories: k.categories,
  }));
}
