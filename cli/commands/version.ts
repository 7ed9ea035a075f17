/**
 * `version`: the client version, and the store in use.
 *
 * @module
 */
import type { Command } from "../kit.ts";

/** The `version` command. */
export const versionCommand: Command = {
  name: "version",
  summary: "Print the version information",
  usage: "  version",
  async run(ctx) {
    const rt = await ctx.runtime();
    ctx.io.stdout(
      `Client Version: v${ctx.cli.version}\n` +
        `Server Version: v${ctx.cli.version} (embedded; deno ${Deno.version.deno}; revision ${await rt
          .store.currentRevision()})\n`,
    );
  },
};
