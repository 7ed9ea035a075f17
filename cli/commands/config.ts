/**
 * `config`: kubectl's `config` verbs over the CLI's own configuration file
 * (see `../config.ts`): named contexts, each a store and a default namespace.
 *
 * @module
 */
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import {
  type CliConfig,
  configDocument,
  configPath,
  emptyConfig,
  findContext,
  readConfig,
  writeConfig,
} from "../config.ts";

const SUBCOMMANDS: Record<string, string> = {
  "current-context": "Display the current-context",
  "delete-context": "Delete the specified context from the config",
  "get-contexts": "Describe one or many contexts",
  "rename-context": "Rename a context from the config file",
  "set-context": "Set a context entry in the config",
  "use-context": "Set the current-context in the config file",
  view: "Display merged config settings or a specified config file",
};

/** The `config` command. */
export const configCommand: Command = {
  name: "config",
  summary: "Modify the config file: contexts naming stores and namespaces",
  usage: "  config SUBCOMMAND [options]\n\n" +
    "The file is $K1S_CONFIG, else $XDG_CONFIG_HOME/<cli>/config, else ~/.config/<cli>/config.\n" +
    "A context names a store and a default namespace; --store and $K1S_STORE, and -n, win\n" +
    "over it.\n\nAvailable Commands:\n" +
    Object.entries(SUBCOMMANDS).map(([n, s]) => `  ${n.padEnd(17)}${s}`).join("\n") +
    "\n\nExamples:\n" +
    "  config set-context work --store=sqlite:/home/me/work.db --namespace=team\n" +
    "  config use-context work\n" +
    "  config set-context --current --namespace=other\n" +
    "  config get-contexts [NAME] [-o name]\n" +
    "  config current-context\n" +
    "  config view [-o yaml|json]\n" +
    "  config rename-context OLD NEW\n" +
    "  config delete-context NAME",
  local: true,
  options: {
    output: { type: "string", short: "o" },
    current: { type: "boolean" },
  },
  async run(ctx) {
    const [sub, ...args] = ctx.args;
    if (sub === undefined) {
      ctx.io.stdout(await ctx.help());
      return 0;
    }
    const path = configPath(ctx.cli.name, ctx.io);
    if (path === undefined) {
      throw new CliError(
        "no configuration file: set $K1S_CONFIG, $XDG_CONFIG_HOME or $HOME",
      );
    }
    const cfg = (await readConfig(ctx.cli.name, ctx.io)) ?? emptyConfig(path);
    switch (sub) {
      case "view":
        return view(ctx, cfg, args);
      case "current-context":
        noArgs(args);
        if (!cfg.currentContext) throw new CliError("current-context is not set");
        ctx.io.stdout(`${cfg.currentContext}\n`);
        return 0;
      case "get-contexts":
        return getContexts(ctx, cfg, args);
      case "use-context":
      case "use": {
        if (args.length !== 1) throw new CliError(`Unexpected args: [${args.join(" ")}]`);
        const [name] = args;
        if (!findContext(cfg, name)) {
          throw new CliError(`no context exists with the name: "${name}"`);
        }
        cfg.currentContext = name;
        await writeConfig(cfg);
        ctx.io.stdout(`Switched to context "${name}".\n`);
        return 0;
      }
      case "set-context":
        return setContext(ctx, cfg, args);
      case "delete-context": {
        if (args.length !== 1) throw new CliError(`Unexpected args: [${args.join(" ")}]`);
        const [name] = args;
        if (!findContext(cfg, name)) {
          throw new CliError(`cannot delete context ${name}, not in ${cfg.path}`);
        }
        if (cfg.currentContext === name) {
          ctx.io.stderr(
            `warning: this removed your active context, use "${ctx.cli.name} config use-context" ` +
              `to select a different one\n`,
          );
        }
        cfg.contexts = cfg.contexts.filter((c) => c.name !== name);
        await writeConfig(cfg);
        ctx.io.stdout(`deleted context ${name} from ${cfg.path}\n`);
        return 0;
      }
      case "rename-context": {
        if (args.length !== 2) {
          throw new CliError(`Unexpected args: [${args.join(" ")}]`);
        }
        const [from, to] = args;
        const entry = findContext(cfg, from);
        if (!entry) {
          throw new CliError(`cannot rename the context "${from}", it's not in ${cfg.path}`);
        }
        if (findContext(cfg, to)) {
          throw new CliError(
            `cannot rename the context "${from}", the context "${to}" already exists in ${cfg.path}`,
          );
        }
        entry.name = to;
        if (cfg.currentContext === from) cfg.currentContext = to;
        await writeConfig(cfg);
        ctx.io.stdout(`Context "${from}" renamed to "${to}".\n`);
        return 0;
      }
      default:
        throw new CliError(
          `unknown command "${sub}" for "${ctx.cli.name} config"`,
          { hint: `Run '${ctx.cli.name} config --help' for usage.` },
        );
    }
  },
};

function noArgs(args: string[]): void {
  if (args.length > 0) throw new CliError(`Unexpected args: [${args.join(" ")}]`);
}

function view(ctx: CommandContext, cfg: CliConfig, args: string[]): Promise<number> {
  noArgs(args);
  const output = (ctx.flags.output as string | undefined) ?? "yaml";
  const doc = configDocument(cfg);
  if (output === "json") {
    ctx.io.stdout(JSON.stringify(doc, null, 4) + "\n");
    return Promise.resolve(0);
  }
  if (output !== "yaml") {
    throw new CliError(
      `unable to match a printer suitable for the output format "${output}", ` +
        `allowed formats are: json,yaml`,
    );
  }
  return import("../printers/yaml.ts").then(({ toKubectlYaml }) => {
    ctx.io.stdout(toKubectlYaml(doc));
    return 0;
  });
}

function getContexts(ctx: CommandContext, cfg: CliConfig, args: string[]): number {
  const output = (ctx.flags.output as string | undefined) ?? "";
  if (output !== "" && output !== "name") {
    throw new CliError(`output must be one of '' or 'name': ${output}`);
  }
  const sorted = [...cfg.contexts].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const missing = args.filter((n) => !findContext(cfg, n));
  const shown = args.length === 0 ? sorted : sorted.filter((c) => args.includes(c.name));
  if (output === "name") {
    ctx.io.stdout(shown.map((c) => `${c.name}\n`).join(""));
  } else {
    const rows = [
      ["CURRENT", "NAME", "STORE", "NAMESPACE"],
      ...shown.map((c) => [
        c.name === cfg.currentContext ? "*" : "",
        c.name,
        c.context.store ?? "",
        c.context.namespace ?? "",
      ]),
    ];
    // Go's tabwriter as kubectl's printers use it: padding 3, the last column unpadded.
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 3);
    ctx.io.stdout(
      rows.map((r) =>
        r.map((cell, i) => i === r.length - 1 ? cell : cell.padEnd(widths[i])).join("")
      )
        .join("\n") + "\n",
    );
  }
  if (missing.length > 0) {
    throw new CliError(missing.map((n) => `context ${n} not found`).join("\n"));
  }
  return 0;
}

async function setContext(ctx: CommandContext, cfg: CliConfig, args: string[]): Promise<number> {
  const current = ctx.flags.current === true;
  if (args.length > 1 || (current && args.length > 0)) {
    throw new CliError(`Unexpected args: [${args.join(" ")}]`);
  }
  let name = args[0];
  if (current) {
    if (!cfg.currentContext) throw new CliError("no current context is set");
    name = cfg.currentContext;
  }
  if (!name) throw new CliError("you must specify a non-empty context name or --current");
  const store = ctx.flags.store as string | undefined;
  const namespace = ctx.flags.namespace as string | undefined;
  let entry = findContext(cfg, name);
  const created = !entry;
  if (!entry) {
    entry = { name, context: {} };
    cfg.contexts.push(entry);
  }
  // As kubectl: a flag given sets its field; an empty value clears it.
  if (store !== undefined) {
    if (store === "") delete entry.context.store;
    else entry.context.store = absoluteStore(store, ctx.io.cwd());
  }
  if (namespace !== undefined) {
    if (namespace === "") delete entry.context.namespace;
    else entry.context.namespace = namespace;
  }
  await writeConfig(cfg);
  ctx.io.stdout(`Context "${name}" ${created ? "created" : "modified"}.\n`);
  return 0;
}

/**
 * A store URL whose file is relative made absolute against `cwd`: the context names the
 * same store from any directory.
 */
export function absoluteStore(url: string, cwd: string): string {
  const m = /^(sqlite|kv):(\/\/)?([^?]*)(.*)$/.exec(url);
  if (!m) return url;
  const [, scheme, slashes = "", path, rest] = m;
  if (path === "" || path === ":memory:" || path.startsWith("/")) return url;
  return `${scheme}:${slashes}${cwd.replace(/\/+$/, "")}/${path.replace(/^\.\//, "")}${rest}`;
}
