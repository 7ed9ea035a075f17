/**
 * `api-versions`: the group/versions served, as kubectl prints discovery's
 * groups: `group/version` (`v1` for the core group), sorted, one a line.
 *
 * @module
 */
import { CliError } from "../errors.ts";
import type { Command } from "../kit.ts";
import { serverClient } from "./server_client.ts";

/** The `api-versions` command. */
export const apiVersionsCommand: Command = {
  name: "api-versions",
  summary: 'Print the supported API versions on the server, in the form of "group/version"',
  examples: "# Print the supported API versions\nk1s api-versions",
  usage: "api-versions",
  async run(ctx) {
    if (ctx.args.length) {
      throw new CliError(`unexpected arguments: [${ctx.args.join(" ")}]`, {
        hint: `See '${ctx.cli.name} api-versions -h' for help and examples`,
      });
    }
    // Through a server, the group-versions its discovery lists; else the store's kinds'.
    const versions = new Set<string>();
    const client = await serverClient(ctx);
    const served = client ? await client.discover() : (await ctx.scheme()).kinds();
    for (const k of served) versions.add(k.group ? `${k.group}/${k.version}` : k.version);
    // Go's sort.Strings: byte order.
    const sorted = [...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    ctx.io.stdout(sorted.map((v) => v + "\n").join(""));
  },
};
