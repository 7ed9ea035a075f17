/**
 * `version`: the client version and, unless `--client`, the server's: the embedded one's (the
 * client's own) on a local store, what `/version` says through a server, as kubectl prints
 * them (text, `-o json` or `-o yaml`).
 *
 * @module
 */
import { CliError } from "../errors.ts";
import { serverClient } from "./server_client.ts";
import type { Command } from "../kit.ts";
import { toKubectlYaml } from "../printers/yaml.ts";

/** kubectl's version.Info, with the fields k1s can fill. */
interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  platform: string;
}

const GO_ARCH: Record<string, string> = { x86_64: "amd64", aarch64: "arm64" };

function info(version: string): VersionInfo {
  const [major = "0", minor = "0"] = version.split(".");
  return {
    major,
    minor,
    gitVersion: `v${version}`,
    platform: `${Deno.build.os}/${GO_ARCH[Deno.build.arch] ?? Deno.build.arch}`,
  };
}

/** The `version` command. */
export const versionCommand: Command = {
  name: "version",
  summary: "Print the client and server version information",
  long: "Print the client and server version information for the current context.",
  examples: "# Print the client and server versions for the current context\nk1s version",
  usage: "version [flags]",
  options: {
    client: {
      type: "boolean",
      description: "If true, shows client version only (no server required).",
    },
    output: { type: "string", short: "o", description: "One of 'yaml' or 'json'." },
  },
  async run(ctx) {
    const clientOnly = ctx.flags.client === true;
    // kubectl ignores arguments with --client (it does not look at them).
    if (!clientOnly && ctx.args.length) {
      throw new CliError(`extra arguments: [${ctx.args.join(" ")}]`);
    }
    const output = (ctx.flags.output as string | undefined) ?? "";
    if (output !== "" && output !== "yaml" && output !== "json") {
      throw new CliError("--output must be 'yaml' or 'json'");
    }
    const versions: { clientVersion: VersionInfo; serverVersion?: VersionInfo } = {
      clientVersion: info(ctx.cli.version),
    };
    if (!clientOnly) {
      // A server says its own version, as kube-apiserver's `/version` does. Locally the
      // embedded server is the client; opening the store is what reaching it means (a store
      // that cannot be opened is a server that cannot be reached; one that does not exist yet
      // is not opened: reading never creates it).
      const remote = await serverClient(ctx);
      versions.serverVersion = remote
        ? await remote.serverVersion() as unknown as VersionInfo
        : info(ctx.cli.version);
    }
    if (output === "json") {
      ctx.io.stdout(JSON.stringify(versions, null, 2) + "\n");
    } else if (output === "yaml") {
      ctx.io.stdout(toKubectlYaml(versions) + "\n");
    } else {
      ctx.io.stdout(
        `Client Version: ${versions.clientVersion.gitVersion}\n` +
          (versions.serverVersion ? `Server Version: ${versions.serverVersion.gitVersion}\n` : ""),
      );
    }
  },
};
