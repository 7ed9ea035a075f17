/**
 * `--help`, `help VERB` and `options` in kubectl's layout (its cobra
 * templates): the description, `Aliases:`, `Examples:`, `Available
 * Commands:`, `Options:` (one entry per flag, `--name=default:` then a tab and
 * the text) and `Usage:`, and a top-level list of verbs grouped under
 * headings. Loaded only when help is asked for. On a terminal at least 80
 * columns wide the text is word-wrapped as kubectl wraps it (at 80, 100 or 120
 * columns; flag descriptions ten columns narrower); elsewhere it is not.
 *
 * @module
 */
import type { FlagsConfig, FlagSpec } from "./flags.ts";
import type { CliSpec, Command, CommandDoc } from "./kit.ts";
import { wrapText } from "./wordwrap.ts";

/** The heading of verbs that name no group (kubectl's). */
export const OTHER_COMMANDS = "Other Commands";

/**
 * kubectl's wrapping width for a terminal of `columns` columns: 120, 100 or
 * 80, whichever is the widest that fits; 0 (no wrapping) for a narrower
 * terminal or none.
 */
export function wrapLimit(columns: number): number {
  return columns >= 120 ? 120 : columns >= 100 ? 100 : columns >= 80 ? 80 : 0;
}

function defaultText(spec: FlagSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.multiple) return "[]";
  return spec.type === "boolean" ? "false" : spec.type === "int" ? "0" : "''";
}

/**
 * One flag as kubectl's help prints it: `    -o, --output='':`, then the
 * description on one tab-indented line, then a blank line.
 *
 * @example
 * ```ts
 * import { flagHelp } from "./help.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   flagHelp("output", { type: "string", short: "o", description: "Output format." }),
 *   "    -o, --output='':\n\tOutput format.\n\n",
 * );
 * ```
 */
export function flagHelp(name: string, spec: FlagSpec, limit = 0): string {
  const label = spec.short ? `-${spec.short}, --${name}` : `--${name}`;
  // kubectl joins a description's lines with spaces and wraps them only on a terminal, ten
  // columns narrower than the rest, each line after a tab.
  const text = (spec.description ?? "").split("\n").join(" ");
  const lines = limit > 0 ? wrapText(text, limit - 10) : text;
  return `    ${label}=${defaultText(spec)}:\n\t${lines.replaceAll("\n", "\n\t")}\n\n`;
}

/** The flags of `options` that `--help` shows, by name, as kubectl lists them. */
export function flagsHelp(options: FlagsConfig, limit = 0): string {
  return Object.keys(options)
    .filter((name) => !options[name].hidden)
    .sort()
    .map((name) => flagHelp(name, options[name], limit))
    .join("");
}

function commandList(docs: readonly CommandDoc[], pad: number): string {
  return docs.map((d) => `  ${d.name.padEnd(pad)}${d.summary}\n`).join("");
}

/** cobra's column: the longest name (at least 11 characters) and three spaces. */
function padding(docs: readonly CommandDoc[]): number {
  return Math.max(11, ...docs.map((d) => d.name.length)) + 3;
}

/**
 * The help of a command or subcommand. `path` is the words after the CLI's
 * name that lead to it (`["create", "configmap"]`); `columns` is the width of
 * the terminal it is printed on (0: not a terminal).
 */
export function commandHelp(
  cliName: string,
  path: readonly string[],
  doc: CommandDoc,
  columns = 0,
): string {
  const limit = wrapLimit(columns);
  let out = `${(doc.long ?? `${doc.summary}.`).trimEnd()}\n`;
  if (doc.aliases?.length) out += `\nAliases:\n${[doc.name, ...doc.aliases].join(", ")}\n`;
  if (doc.examples) {
    const lines = doc.examples.replace(/^\n+|\s+$/g, "").split("\n");
    out += `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
  }
  // cobra lists subcommands by name.
  const subs = [...doc.subcommands ?? []].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
  if (subs.length) out += `\nAvailable Commands:\n${commandList(subs, padding(subs))}`;
  const flags = flagsHelp(doc.options ?? {}, limit);
  out += flags ? `\nOptions:\n${flags}` : "\n";
  out += `Usage:\n  ${cliName} ${doc.usage} [options]\n\n`;
  if (subs.length) {
    out += `Use "${cliName} ${
      path.join(" ")
    } <command> --help" for more information about a given command.\n`;
  }
  return wrapText(out + optionsLine(cliName), limit);
}

function optionsLine(cliName: string): string {
  return `Use "${cliName} options" for a list of global command-line options (applies to all commands).\n`;
}

/**
 * The verbs under their headings, as kubectl's top-level help lists them:
 * the grouped ones in the order given, then `Other Commands` by name.
 */
function groupedCommands(commands: readonly Command[]): string {
  const pad = padding(commands);
  const groups = new Map<string, Command[]>();
  for (const c of commands) {
    const group = c.group ?? OTHER_COMMANDS;
    groups.set(group, [...groups.get(group) ?? [], c]);
  }
  const other = groups.get(OTHER_COMMANDS);
  if (other) {
    groups.delete(OTHER_COMMANDS);
    groups.set(OTHER_COMMANDS, [...other].sort((a, b) => a.name < b.name ? -1 : 1));
  }
  return [...groups].map(([group, cs]) => `${group}:\n${commandList(cs, pad)}`).join("\n");
}

/**
 * The verbs, grouped, and the usage lines: what `help` prints after its
 * description, wrapped for a terminal of `columns` columns (0: none).
 */
export function topUsage(spec: CliSpec, commands: readonly Command[], columns = 0): string {
  return wrapText(topUsageText(spec, commands), wrapLimit(columns));
}

function topUsageText(spec: CliSpec, commands: readonly Command[]): string {
  return `${groupedCommands(commands)}\nUsage:\n  ${spec.name} [flags] [options]\n\n` +
    `Use "${spec.name} <command> --help" for more information about a given command.\n` +
    optionsLine(spec.name);
}

/**
 * The top-level help: what the CLI is, then the verbs under their headings,
 * wrapped for a terminal of `columns` columns (0: none).
 */
export function topHelp(spec: CliSpec, commands: readonly Command[], columns = 0): string {
  const about = spec.description ??
    `${spec.name} controls objects in a local store, the way kubectl controls a cluster.`;
  return wrapText(`${about.trimEnd()}\n\n${topUsageText(spec, commands)}`, wrapLimit(columns));
}

/** `options`: the flags every command takes, wrapped for a terminal of `columns` columns. */
export function optionsHelp(globals: FlagsConfig, columns = 0): string {
  const limit = wrapLimit(columns);
  return wrapText(
    `The following options can be passed to any command:\n\n${flagsHelp(globals, limit)}`,
    limit,
  );
}
