/**
 * The CLI kit: a CLI author declares a name, kinds, controllers, a default
 * store and extra commands; the kit provides the kubectl-style verbs over
 * those kinds, help text, the store flag, kubectl's error format and exit
 * codes, and runs the author's controllers (with the built-in ones) in
 * triggered mode after every mutating command. The `k1s` command itself is
 * built with it.
 *
 * @module
 */
import type { Kind } from "../src/scheme/kind.ts";
import type { Controller } from "../src/controller/controller.ts";
import type { Runtime } from "../src/runtime.ts";
import { coreV1Kinds } from "../src/resources/core_v1.ts";
import { admissionregistrationV1Kinds } from "../src/resources/admissionregistration_v1.ts";
import { coordinationV1Kinds } from "../src/resources/coordination_v1.ts";
import { apiextensionsV1Kinds } from "../src/apiextensions/crd.ts";
import { Scheme } from "../src/scheme/scheme.ts";
import { createRuntimeCore } from "../src/runtime_core.ts";
import type { Client } from "../src/client/client.ts";
import type { TriggeredOptions, TriggeredReport } from "../src/controller/manager.ts";
import { preloadStoreBackend } from "../src/storage/url.ts";
import { CliError, formatError, klogLine, NoStoreError } from "./errors.ts";
import { FlagError, type FlagsConfig, parseFlags } from "./flags.ts";
import type { CliIO } from "./io.ts";
import { resolveStoreUrl, storeDirectory, storeFile } from "./store_url.ts";
import {
  type CliConfig,
  contextNotFound,
  kubeconfigExists,
  type NamedContext,
  readConfig,
  selectContext,
} from "./config.ts";

/** What a command gets when it runs. */
export interface CommandContext {
  /** The process view. */
  io: CliIO;
  /** The CLI's definition. */
  cli: CliSpec;
  /** Parsed flags (global and the command's own). */
  flags: Record<string, string | boolean | string[] | undefined>;
  /** Positional arguments after the verb. */
  args: string[];
  /** The namespace from `-n`, else the context's, else `default`. */
  namespace: string;
  /** True when `-n` was given. */
  namespaceGiven: boolean;
  /**
   * The `--help` text of the command or subcommand the arguments name, as
   * kubectl prints it for a command that needs a subcommand and got none.
   */
  help(): Promise<string>;
  /**
   * Opens (once) the runtime over the resolved store, with the built-in
   * controllers and the CLI's (for commands that run them, such as `wait`);
   * with `--server`, `--kubeconfig`, `--context` or `--token`, a connection
   * to that API server instead, whose own controllers do their work.
   */
  runtime(): Promise<CliRuntime>;
  /**
   * Opens (once) store, scheme, registry and client without loading any
   * controller code — what commands that only read need, and faster to
   * start. For a mutating command it is the full runtime, which the kit
   * settles when the command returns. With a server: the connection.
   */
  core(): Promise<CliCore>;
  /**
   * The kinds this CLI serves: built-in, its own, and those of the store's
   * CustomResourceDefinitions (the store is opened for reading when it
   * exists; without one, the built-in and own kinds). What commands that
   * resolve types need.
   */
  scheme(): Promise<Scheme>;
  /** The store URL the command uses (`--store`, the environment or the default). */
  storeUrl(): string;
}

/** What commands that only read use: a client and the kinds. */
export interface CliCore {
  /** The typed client: in-process, or over HTTP to a server. */
  readonly client: Client;
  /** The kinds this CLI serves. */
  readonly scheme: Scheme;
  /** Closes the store or the connection. */
  close(): Promise<void>;
}

/** What commands that write use: an embedded runtime, or a connection to a server. */
export interface CliRuntime extends CliCore {
  /**
   * Runs the controllers until nothing is left to do. On a server its own
   * controllers do this: there is nothing to run here.
   */
  settle(options?: TriggeredOptions): Promise<TriggeredReport>;
  /** The embedded runtime; undefined when the CLI talks to a server. */
  readonly embedded: Runtime | undefined;
}

/**
 * What `--help` prints of a command or a subcommand, in kubectl's layout:
 * the description, aliases, examples, subcommands, options and usage.
 */
export interface CommandDoc {
  /** The verb or subcommand, e.g. `get` or `configmap`. */
  name: string;
  /** Other names it answers to, e.g. `cm`. */
  aliases?: string[];
  /** One line for the command list. */
  summary: string;
  /**
   * The description `--help` opens with (default: the summary and a full
   * stop). Paragraphs after the first are indented by one space, as kubectl's.
   */
  long?: string;
  /** Examples: comment lines and command lines, unindented; `--help` indents them. */
  examples?: string;
  /**
   * The usage line after the CLI's name, e.g. `get TYPE [NAME] [flags]`;
   * `--help` prints it after the name and before ` [options]`.
   */
  usage: string;
  /** Flags of this command (long name → type, shorthand, repetition, help text). */
  options?: FlagsConfig;
  /** Subcommands, for `--help` and completion (`create configmap`, `config view`). */
  subcommands?: CommandDoc[];
  /**
   * True when the command writes, so controllers settle afterwards. A
   * subcommand's says so for it (`apply view-last-applied` only reads).
   */
  mutates?: boolean;
}

/** A verb. */
export interface Command extends CommandDoc {
  /**
   * The heading the top-level help lists the verb under, e.g. `Basic Commands
   * (Beginner)`, in the order the verbs come; verbs without one are listed
   * under `Other Commands` by name.
   */
  group?: string;
  /**
   * True when the command uses neither a store nor a server (as `config`):
   * the kit connects to nothing and resolves no context for it.
   */
  local?: boolean;
  /** Runs; returns the exit code (default 0). */
  run(ctx: CommandContext): Promise<number | void>;
  /**
   * For a command made with {@linkcode lazyCommand}: loads the full command
   * (summary, usage, flags, run). Only the verb that runs is loaded, so a CLI
   * starts without reading the code of its other verbs.
   */
  load?(): Promise<Command>;
}

/**
 * A command known by its verb until it is needed: `load` imports the module
 * that defines it (summary, usage, flags and run). The kit loads only the verb
 * that runs (all of them for the command list and `completion`). `group` is
 * the heading the top-level help lists it under.
 *
 * @example
 * ```ts ignore
 * const reportCommand = lazyCommand("report", async () => (await import("./report.ts")).report);
 * ```
 */
export function lazyCommand(
  name: string,
  load: () => Promise<Command>,
  group?: string,
): Command {
  let loaded: Promise<Command> | undefined;
  const once = () => {
    loaded ??= load().then((c) => {
      if (c.name !== name) throw new Error(`lazy command "${name}" loaded "${c.name}"`);
      return group === undefined ? c : { ...c, group };
    });
    return loaded;
  };
  return {
    name,
    summary: "",
    usage: "",
    group,
    load: once,
    run: async (ctx) => (await once()).run(ctx),
  };
}

/**
 * The subcommand `args` lead to from `doc` (`configmap` or its alias `cm`
 * under `create`), and the words that name it.
 */
export function findDoc(
  doc: CommandDoc,
  args: readonly string[],
): { doc: CommandDoc; path: string[] } {
  const path = [doc.name];
  for (const arg of args) {
    const sub = doc.subcommands?.find((s) => s.name === arg || s.aliases?.includes(arg));
    if (!sub) break;
    doc = sub;
    path.push(sub.name);
  }
  return { doc, path };
}

/** The flags of `doc` and of all its subcommands. */
function allOptions(doc: CommandDoc): FlagsConfig {
  let options = { ...doc.options };
  for (const sub of doc.subcommands ?? []) options = { ...allOptions(sub), ...options };
  return options;
}

/** The commands with lazy ones loaded (for help and completion, which describe all of them). */
export function loadCommands(commands: readonly Command[]): Promise<Command[]> {
  return Promise.all(commands.map((c) => c.load ? c.load() : c));
}

/** A CLI definition. */
export interface CliSpec {
  /** Command name, e.g. `k1s` or `inventory`. */
  name: string;
  /** Version printed by `version`. */
  version: string;
  /** Kinds served besides the built-in ones. */
  kinds?: Kind[];
  /** The author's controllers, run after mutating commands (with the built-in ones). */
  controllers?: (rt: Runtime) => Controller[];
  /** Store URL when neither `--store` nor the environment variable says. Default: XDG data dir. */
  defaultStore?: string;
  /** Environment variable naming the store. Default `K1S_STORE`. */
  storeEnv?: string;
  /** The top-level help's opening line. Default: what k1s says of itself, with this name. */
  description?: string;
  /** Commands; the kit's standard verbs are passed in by `defineCli`'s caller. */
  commands: Command[];
}

/** A runnable CLI. */
export interface Cli {
  /** The definition. */
  readonly spec: CliSpec;
  /** Runs one invocation; resolves to the exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}

const GLOBAL_OPTIONS: FlagsConfig = {
  store: {
    type: "string",
    description:
      "The store to use: memory:, sqlite:PATH, kv:PATH, etcd://HOST:PORT/PREFIX or postgres://…; default the store environment variable, the context's, or one in the user data directory",
  },
  server: {
    type: "string",
    short: "s",
    description: "The address and port of the Kubernetes API server",
  },
  kubeconfig: {
    type: "string",
    description: "Path to the kubeconfig file to use for CLI requests.",
  },
  context: { type: "string", description: "The name of the kubeconfig context to use" },
  token: { type: "string", description: "Bearer token for authentication to the API server" },
  namespace: {
    type: "string",
    short: "n",
    description: "If present, the namespace scope for this CLI request",
  },
  help: { type: "boolean", short: "h", hidden: true },
  "no-controllers": {
    type: "boolean",
    description:
      "If true, do not run the controllers after a write: a running serve or manager holding the controllers' lease runs them instead",
  },
};

/**
 * How long a mutating command lets the controllers work through changes
 * other processes left behind, in ms. Progress is saved as they go, so the
 * next command carries on where this one stopped.
 */
export const CONTROLLER_BUDGET_MS = 5_000;

/** Global flags that take their value as the next argument. */
const VALUE_FLAGS = new Set([
  "--store",
  "-n",
  "--namespace",
  "-s",
  "--server",
  "--kubeconfig",
  "--context",
  "--token",
]);

/**
 * An embedded runtime as commands see it. With `controllers: false`
 * (`--no-controllers`), `settle` runs nothing.
 */
export function embeddedCliRuntime(
  rt: Runtime,
  options: { controllers?: boolean } = {},
): CliRuntime {
  return {
    client: rt.client,
    scheme: rt.scheme,
    settle: async (o) =>
      options.controllers === false
        ? {
          idle: true,
          reconciles: 0,
          fromRevision: undefined,
          toRevision: await rt.store.currentRevision(),
          fullResync: false,
          unfinished: [],
          deferred: [],
          backlog: 0,
        }
        : rt.settle(o),
    embedded: rt,
    close: () => rt.close(),
  };
}

/**
 * Builds a CLI from a definition.
 *
 * @example
 * ```ts ignore
 * import { defineCli, standardCommands } from "./mod.ts";
 * const cli = defineCli({ name: "inventory", version: "0.1.0", kinds: [Item], commands: standardCommands() });
 * Deno.exit(await cli.run(Deno.args, processIO()));
 * ```
 */
export function defineCli(spec: CliSpec): Cli {
  return {
    spec,
    async run(args, io) {
      // The verb is the first positional; global flags with values may come before it.
      let verbAt = -1;
      for (let i = 0; i < args.length; i++) {
        if (VALUE_FLAGS.has(args[i])) i++;
        else if (!args[i].startsWith("-")) {
          verbAt = i;
          break;
        }
      }
      const verb = verbAt < 0 ? undefined : args[verbAt];
      const found = spec.commands.find((c) => c.name === verb);
      if (!verb) {
        // Flags without a verb are the root command's: a bad one is an error, as kubectl's.
        try {
          parseFlags(args, GLOBAL_OPTIONS);
        } catch (err) {
          if (!(err instanceof FlagError)) throw err;
          io.stderr(`error: ${err.message}\nSee '${spec.name} --help' for usage.\n`);
          return 1;
        }
      }
      if (!verb || (!found && (verb === "help" || verb === "options"))) {
        // kubectl's `help [VERB...]` and `options`; no verb is `help`.
        const help = await import("./help.ts");
        const commands = await loadCommands(spec.commands);
        if (verb === "options") {
          io.stdout(help.optionsHelp(GLOBAL_OPTIONS, io.columns?.() ?? 0));
          return 0;
        }
        const topic = verb ? args.slice(verbAt + 1).filter((a) => !a.startsWith("-")) : [];
        const command = commands.find((c) => c.name === topic[0]);
        if (topic.length === 0) io.stdout(help.topHelp(spec, commands, io.columns?.() ?? 0));
        else if (!command) {
          io.stdout(
            `Unknown help topic [${topic.map((t) => `\`${t}\``).join(" ")}]\n\n\n${
              help.topUsage(spec, commands, io.columns?.() ?? 0)
            }`,
          );
        } else {
          const { doc, path } = findDoc(command, topic.slice(1));
          io.stdout(help.commandHelp(spec.name, path, doc, io.columns?.() ?? 0));
        }
        return 0;
      }
      if (!found) {
        // As kubectl: NAME-VERB on PATH is a plugin.
        const { runPlugin } = await import("./plugins.ts");
        const code = await runPlugin(spec.name, args, io);
        if (code !== undefined) return code;
        // cobra's words: the command, then the verbs it might have meant.
        const near = suggestionsFor(verb, spec.commands.map((c) => c.name));
        io.stderr(
          `error: unknown command "${verb}" for "${spec.name}"\n` +
            (near.length ? `\nDid you mean this?\n${near.map((n) => `\t${n}\n`).join("")}` : ""),
        );
        return 1;
      }
      // The context in use (`--context`, else the configuration's current one) names the
      // store and the namespace when the flags and the environment do not.
      let localContext: NamedContext | undefined;
      const pickStore = (flag: string | undefined, context = localContext) =>
        resolveStoreUrl(spec.name, flag, io, {
          envVar: spec.storeEnv,
          fallback: spec.defaultStore,
          context: context?.context.store,
        });
      // The store's backend loads while the verb's code does (most verbs open the store); the
      // flags are parsed only once the verb is loaded, so `--store` is looked up by hand here.
      const flagArg = (name: string) => {
        const at = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
        if (at < 0) return undefined;
        return args[at] === name ? args[at + 1] : args[at].slice(name.length + 1);
      };
      const storeFlag = flagArg("--store");
      const config = readConfig(spec.name, io);
      config.catch(() => {}); // reported once the flags are parsed
      if (storeFlag || io.env(spec.storeEnv ?? "K1S_STORE")) {
        preloadStoreBackend(pickStore(storeFlag));
      } else {
        config.then((cfg) => {
          let context;
          try {
            context = flagArg("--kubeconfig") === undefined
              ? selectContext(cfg, flagArg("--context"))
              : undefined;
          } catch {
            // reported once the flags are parsed
          }
          preloadStoreBackend(pickStore(undefined, context));
        }, () => {});
      }
      const command = found.load ? await found.load() : found;
      const rest = [...args.slice(0, verbAt), ...args.slice(verbAt + 1)];
      let parsed;
      // The flags of the subcommand the arguments name (`create configmap`) when it has its own.
      let path = [verb];
      try {
        parsed = parseFlags(rest, { ...GLOBAL_OPTIONS, ...allOptions(command) });
        const sub = findDoc(command, parsed.positionals);
        path = sub.path;
        const strict = sub.doc.options ?? (sub.doc === command ? {} : undefined);
        if (strict) parsed = parseFlags(rest, { ...GLOBAL_OPTIONS, ...strict });
      } catch (err) {
        if (!(err instanceof FlagError)) throw err;
        // An unknown flag fails the first parse too: name the subcommand the words lead to.
        if (path.length === 1) path = findDoc(command, rest.filter((a) => !a.startsWith("-"))).path;
        // kubectl 1.27-1.33 print cobra's flag errors as their own: a lowercase "error:".
        io.stderr(
          `error: ${err.message}\nSee '${spec.name} ${path.join(" ")} --help' for usage.\n`,
        );
        return 1;
      }
      const flags = parsed.values as CommandContext["flags"];
      const dryRun = flags["dry-run"];
      if (dryRun === DRY_RUN_UNCHANGED) {
        // A bare --dry-run: kubectl's deprecated default, a client dry run, with its warning.
        flags["dry-run"] = "client";
        io.stderr(klogWarning("helpers.go:702", DRY_RUN_DEPRECATED));
      } else if (typeof dryRun === "string" && GO_BOOLS.has(dryRun)) {
        // `--dry-run=true|false`: kubectl's older boolean values, with its warning.
        const on = GO_BOOLS.get(dryRun)!;
        const mode = on ? "client" : "none";
        flags["dry-run"] = mode;
        io.stderr(klogWarning(
          on ? "helpers.go:716" : "helpers.go:719",
          `--dry-run=${dryRun} is deprecated (boolean value) and can be replaced with ` +
            `--dry-run=${mode}.`,
        ));
      }
      // kubectl's json, yaml and name printers take their names in any case.
      if (typeof flags.output === "string" && /^(json|yaml|name)$/i.test(flags.output)) {
        flags.output = flags.output.toLowerCase();
      }
      if (flags.help) {
        const help = await import("./help.ts");
        const { doc } = findDoc(command, parsed.positionals);
        io.stdout(help.commandHelp(spec.name, path, doc, io.columns?.() ?? 0));
        return 0;
      }
      let rt: CliRuntime | undefined;
      let core: CliCore | undefined;
      let cfg: CliConfig | undefined;
      try {
        cfg = await config;
      } catch (err) {
        if (!command.local) {
          io.stderr(formatError(err) + "\n");
          return 1;
        }
      }
      const contextFlag = flags.context as string | undefined;
      // `--local` (label, annotate, patch): the files are changed here and printed; kubectl
      // contacts no server, and k1s neither writes nor creates a store nor runs controllers.
      const offline = flags.local === true;
      const mutates =
        (findDoc(command, parsed.positionals).doc.mutates ?? command.mutates) === true &&
        !offline;
      let remoteFlags = command.local || offline
        ? []
        : ["server", "kubeconfig", "context", "token"].filter((f) => flags[f] !== undefined);
      if (!command.local && flags.kubeconfig === undefined) {
        // `--context` names a context of the configuration when it has one of that name, else
        // a kubeconfig's (a server's); the current context is the configuration's only for a
        // local store.
        const local = contextFlag !== undefined || remoteFlags.length === 0;
        try {
          localContext = local ? selectContext(cfg, contextFlag) : undefined;
        } catch (err) {
          io.stderr(`Error in configuration: ${(err as Error).message}\n`);
          return 1;
        }
        if (localContext) remoteFlags = remoteFlags.filter((f) => f !== "context");
        else if (
          contextFlag !== undefined && remoteFlags.length === 1 && !kubeconfigExists(io)
        ) {
          // Only `--context`, in no configuration and with no kubeconfig to look in.
          io.stderr(`Error in configuration: ${contextNotFound(contextFlag).message}\n`);
          return 1;
        }
      }
      let remote: (CliRuntime & { namespace: string }) | undefined;
      if (remoteFlags.length > 0) {
        if (flags.store !== undefined) {
          io.stderr(
            `error: --store names a local store and --${remoteFlags[0]} a server: give one\n`,
          );
          return 1;
        }
        try {
          const { connectCli } = await import("./remote.ts");
          remote = await connectCli(
            localContext ? { ...flags, context: undefined } : flags,
            spec.kinds ?? [],
          );
        } catch (err) {
          // kubectl's words for a configuration client-go finds invalid: one problem on the
          // line, several as a list.
          const problems = (err as { problems?: readonly string[] }).problems;
          io.stderr(
            problems === undefined
              ? formatError(err) + "\n"
              : problems.length === 1
              ? `Error in configuration: ${problems[0]}\n`
              : `Error in configuration: \n${problems.map((p) => `* ${p}\n`).join("")}`,
          );
          return 1;
        }
      }
      const storeUrl = async () => {
        const chosen = pickStore(flags.store as string | undefined);
        const dir = storeDirectory(chosen);
        if (dir) await Deno.mkdir(dir, { recursive: true });
        return chosen;
      };
      // A command that only reads never creates a store: where there is none, it says so.
      const existingStoreUrl = async () => {
        const chosen = pickStore(flags.store as string | undefined);
        const file = storeFile(chosen);
        if (file !== undefined) {
          try {
            await Deno.stat(file);
          } catch (err) {
            if (!(err instanceof Deno.errors.NotFound)) throw err;
            throw new NoStoreError(absolutePath(file, io.cwd()));
          }
        }
        return chosen;
      };
      let scheme: Scheme | undefined;
      const runtime = async () => {
        if (rt) return rt;
        if (remote) return rt = remote;
        const url = await storeUrl();
        // The controller code loads only when a command needs it.
        const { createRuntime } = await import("../src/runtime.ts");
        const embedded = await createRuntime({ store: url, kinds: spec.kinds });
        for (const c of spec.controllers?.(embedded) ?? []) embedded.addController(c);
        return rt = embeddedCliRuntime(embedded, {
          controllers: flags["no-controllers"] !== true,
        });
      };
      const namespace = (flags.namespace as string | undefined) ?? remote?.namespace ??
        localContext?.context.namespace ?? "default";
      const ctx: CommandContext = {
        io,
        cli: spec,
        flags,
        args: parsed.positionals,
        namespace,
        namespaceGiven: flags.namespace !== undefined,
        runtime,
        core: async () => {
          if (rt || remote || mutates) return await runtime();
          core ??= await createRuntimeCore({
            store: await existingStoreUrl(),
            kinds: spec.kinds,
            readOnly: true,
          });
          return core;
        },
        storeUrl: () => pickStore(flags.store as string | undefined),
        help: async () =>
          (await import("./help.ts")).commandHelp(
            spec.name,
            path,
            findDoc(command, parsed.positionals).doc,
            io.columns?.() ?? 0,
          ),
        scheme: async () => {
          const open = remote?.scheme ?? rt?.scheme ?? core?.scheme;
          if (open) return open;
          try {
            return (await ctx.core()).scheme;
          } catch (err) {
            if (!(err instanceof NoStoreError)) throw err;
            return scheme ??= new Scheme([
              ...coreV1Kinds,
              ...apiextensionsV1Kinds,
              ...admissionregistrationV1Kinds,
              ...coordinationV1Kinds,
              ...spec.kinds ?? [],
            ]);
          }
        },
      };
      let code = 0;
      try {
        code = (await command.run(ctx)) ?? 0;
      } catch (err) {
        // What kubectl wrote to standard output before failing (a Go template's partial output
        // and its debugging block), then, as its CheckErr, the message and a newline unless it
        // ends in one.
        const partial = (err as { output?: unknown } | undefined)?.output;
        if (typeof partial === "string") io.stdout(partial);
        const text = formatError(err);
        io.stderr(text.endsWith("\n") ? text : text + "\n");
        code = err instanceof CliError ? err.exitCode : 1;
      }
      try {
        if (rt && mutates) {
          const report = await rt.settle({ timeoutMs: CONTROLLER_BUDGET_MS });
          if (!report.idle && report.unfinished.length > 0) {
            io.stderr(
              `warning: controllers did not finish: ${report.unfinished.join(", ")}\n`,
            );
          } else if (!report.idle) {
            io.stderr(
              `warning: controllers did not finish in ${CONTROLLER_BUDGET_MS / 1000}s: ` +
                `${report.backlog} revisions of changes are left for the next command\n`,
            );
          }
        }
      } catch (err) {
        io.stderr(formatError(err) + "\n");
        code ||= 1;
      } finally {
        await (rt ?? remote)?.close();
        await core?.close();
      }
      return code;
    },
  };
}

/** `path` made absolute against `cwd`. */
function absolutePath(path: string, cwd: string): string {
  if (path.startsWith("/")) return path;
  const joined = `${cwd.replace(/\/+$/, "")}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return "/" + parts.join("/");
}

/** What a bare `--dry-run` parses to (pflag's `NoOptDefVal` of kubectl's flag). */
export const DRY_RUN_UNCHANGED = "unchanged";

/** kubectl's `--dry-run` flag: a value, or alone a client dry run (with a deprecation warning). */
export const DRY_RUN_FLAG = { type: "string", noValue: DRY_RUN_UNCHANGED } as const;

const DRY_RUN_DEPRECATED = "--dry-run is deprecated and can be replaced with --dry-run=client.";

/** The spellings Go's strconv.ParseBool reads, and what they mean. */
const GO_BOOLS = new Map<string, boolean>([
  ...["1", "t", "T", "TRUE", "true", "True"].map((v) => [v, true] as const),
  ...["0", "f", "F", "FALSE", "false", "False"].map((v) => [v, false] as const),
]);

/**
 * A warning line as kubectl's klog writes it to stderr:
 * `W1204 15:55:28.080232   25555 helpers.go:702] message` (local time, process id).
 */
export function klogWarning(source: string, message: string, now = new Date()): string {
  return klogLine("W", source, message, now);
}

/**
 * cobra's `SuggestionsFor`: the names within a Levenshtein distance of 2 of
 * `typed` (ignoring case) or starting with it, in the commands' order.
 */
export function suggestionsFor(typed: string, names: readonly string[]): string[] {
  const t = typed.toLowerCase();
  return names.filter((name) => {
    const n = name.toLowerCase();
    return levenshtein(t, n) <= 2 || n.startsWith(t);
  });
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j] + 1,
        cur[j - 1] + 1,
        prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length];
}
