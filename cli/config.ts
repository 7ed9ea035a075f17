/**
 * The CLI's own configuration file, shaped like a kubeconfig: named contexts,
 * each with a store and a default namespace, and the current one.
 *
 * ```yaml
 * apiVersion: k1s.dev/v1
 * kind: Config
 * current-context: work
 * contexts:
 * - name: work
 *   context:
 *     store: sqlite:/home/me/work.db
 *     namespace: team
 * ```
 *
 * The file is `$K1S_CONFIG`, else `$XDG_CONFIG_HOME/<name>/config`, else
 * `~/.config/<name>/config`. It is read only when it exists, and the YAML
 * parser loads only then: a CLI without one pays for a `stat`.
 *
 * @module
 */
import { CliError } from "./errors.ts";
import type { CliIO } from "./io.ts";

/** What one context says. */
export interface ContextSettings {
  /** The store URL. */
  store?: string;
  /** The default namespace. */
  namespace?: string;
}

/** A named context. */
export interface NamedContext {
  /** The context's name. */
  name: string;
  /** Its settings. */
  context: ContextSettings;
}

/** The configuration file's contents. */
export interface CliConfig {
  /** Where the file is (it may not exist yet). */
  path: string;
  /** The current context's name; `""` when none is set. */
  currentContext: string;
  /** The contexts, in the file's order. */
  contexts: NamedContext[];
}

/** The environment variable naming the configuration file. */
export const CONFIG_ENV = "K1S_CONFIG";

/** The API version written in the file. */
export const CONFIG_API_VERSION = "k1s.dev/v1";

/** The configuration file of CLI `name`, or undefined when there is no home directory. */
export function configPath(name: string, io: Pick<CliIO, "env" | "cwd">): string | undefined {
  const fromEnv = io.env(CONFIG_ENV);
  if (fromEnv) return absolutize(fromEnv, io.cwd());
  const xdg = io.env("XDG_CONFIG_HOME");
  if (xdg) return `${absolutize(xdg, io.cwd())}/${name}/config`;
  const home = io.env("HOME");
  return home ? `${home}/.config/${name}/config` : undefined;
}

function absolutize(path: string, cwd: string): string {
  return path.startsWith("/") ? path : `${cwd.replace(/\/+$/, "")}/${path}`;
}

/** An empty configuration at `path`. */
export function emptyConfig(path: string): CliConfig {
  return { path, currentContext: "", contexts: [] };
}

/**
 * Reads the configuration file of CLI `name`; undefined when there is none
 * (no file, or no home directory to find it in).
 */
export async function readConfig(
  name: string,
  io: Pick<CliIO, "env" | "cwd">,
): Promise<CliConfig | undefined> {
  const path = configPath(name, io);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw new CliError(`error loading config file "${path}": ${(err as Error).message}`);
  }
  // The file as this module writes it is read without loading the YAML parser (start-up time).
  const quick = parseWritten(text);
  if (quick) return parseConfig(path, text, () => quick);
  return parseConfig(path, text, (await import("yaml")).parse);
}

/**
 * The document of a file in the exact layout {@linkcode writeConfig} gives it, or undefined
 * for anything else (hand-edited, comments, other keys), which the YAML parser reads.
 */
export function parseWritten(text: string): Record<string, unknown> | undefined {
  const doc: Record<string, unknown> = {};
  let item: { name?: string; context: Record<string, string> } | undefined;
  let items: typeof item[] | undefined;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let m;
    if ((m = /^(apiVersion|kind|current-context): (.*)$/.exec(line))) {
      const v = scalar(m[2]);
      if (v === undefined || m[1] in doc) return undefined;
      doc[m[1]] = v;
      item = undefined;
    } else if (line === "contexts: null" || line === "contexts: []") {
      if ("contexts" in doc) return undefined;
      doc.contexts = null;
    } else if (line === "contexts:") {
      if ("contexts" in doc) return undefined;
      doc.contexts = items = [];
    } else if (items && (m = /^- context:( \{\})?$/.exec(line))) {
      items.push(item = { context: {} });
    } else if (
      item && item.name === undefined && (m = /^ {4}(namespace|store): (.*)$/.exec(line))
    ) {
      const v = scalar(m[2]);
      if (v === undefined || m[1] in item.context) return undefined;
      item.context[m[1]] = v;
    } else if (item && item.name === undefined && (m = /^ {2}name: (.*)$/.exec(line))) {
      const v = scalar(m[1]);
      if (v === undefined) return undefined;
      item.name = v;
    } else return undefined;
  }
  return doc;
}

/** A scalar as the writer quotes strings; undefined for what only a YAML parser may read. */
function scalar(text: string): string | undefined {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) {
    const inner = text.slice(1, -1);
    return /(^|[^'])'([^']|$)/.test(inner.replaceAll("''", ""))
      ? undefined
      : inner.replaceAll("''", "'");
  }
  if (text.startsWith('"')) {
    try {
      const v = JSON.parse(text);
      return typeof v === "string" && !text.includes("\\") ? v : undefined;
    } catch {
      return undefined;
    }
  }
  if (
    text === "" || /^[-?:,\[\]{}#&*!|>'"%@`~\s]/.test(text) || /: | #|\s$/.test(text) ||
    /^(true|false|null|yes|no|on|off|y|n)$/i.test(text) || /^[-+.\d]/.test(text)
  ) {
    return undefined;
  }
  return text;
}

/** Parses the file's text (YAML or JSON). */
export function parseConfig(
  path: string,
  text: string,
  parseYaml: (text: string) => unknown,
): CliConfig {
  const bad = (why: string) => new CliError(`error loading config file "${path}": ${why}`);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw bad((err as Error).message.split("\n")[0]);
  }
  if (doc === null || doc === undefined) return emptyConfig(path);
  if (typeof doc !== "object" || Array.isArray(doc)) throw bad("not a mapping");
  const d = doc as Record<string, unknown>;
  const current = d["current-context"] ?? "";
  if (typeof current !== "string") throw bad("current-context is not a string");
  const list = d.contexts ?? [];
  if (!Array.isArray(list)) throw bad("contexts is not a list");
  const contexts: NamedContext[] = [];
  for (const entry of list) {
    if (typeof entry !== "object" || entry === null || typeof entry.name !== "string") {
      throw bad("a context has no name");
    }
    const c = (entry.context ?? {}) as Record<string, unknown>;
    if (typeof c !== "object") throw bad(`context "${entry.name}" is not a mapping`);
    const settings: ContextSettings = {};
    for (const key of ["store", "namespace"] as const) {
      const v = c[key];
      if (v === undefined || v === null || v === "") continue;
      if (typeof v !== "string") throw bad(`context "${entry.name}": ${key} is not a string`);
      settings[key] = v;
    }
    contexts.push({ name: entry.name, context: settings });
  }
  return { path, currentContext: current, contexts };
}

/** The file's document: what `config view` prints and what is written. */
export function configDocument(cfg: CliConfig): Record<string, unknown> {
  return {
    kind: "Config",
    apiVersion: CONFIG_API_VERSION,
    contexts: cfg.contexts.length === 0 ? null : cfg.contexts.map((c) => ({
      name: c.name,
      context: { ...c.context },
    })),
    "current-context": cfg.currentContext,
  };
}

/** Writes the configuration (mode 0600, its directory created). */
export async function writeConfig(cfg: CliConfig): Promise<void> {
  const { toKubectlYaml } = await import("./printers/yaml.ts");
  const slash = cfg.path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(cfg.path.slice(0, slash), { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(cfg.path, toKubectlYaml(configDocument(cfg)), { mode: 0o600 });
  await Deno.chmod(cfg.path, 0o600);
}

/** The context named `name`. */
export function findContext(
  cfg: CliConfig | undefined,
  name: string,
): NamedContext | undefined {
  return cfg?.contexts.find((c) => c.name === name);
}

/** kubectl's words for a context that is nowhere. */
export function contextNotFound(name: string): CliError {
  return new CliError(`context was not found for specified context: ${name}`);
}

/**
 * The context a command uses: the one `--context` names (when this file has
 * it), else the current one. Undefined when the file sets none. A current
 * context the file does not hold is an error, as in kubectl.
 */
export function selectContext(
  cfg: CliConfig | undefined,
  flag: string | undefined,
): NamedContext | undefined {
  if (!cfg) return undefined;
  if (flag !== undefined) return findContext(cfg, flag);
  if (!cfg.currentContext) return undefined;
  const found = findContext(cfg, cfg.currentContext);
  if (!found) throw contextNotFound(cfg.currentContext);
  return found;
}

/** True when a kubeconfig file exists where kubectl looks (`$KUBECONFIG`, `~/.kube/config`). */
export function kubeconfigExists(io: Pick<CliIO, "env">): boolean {
  const list = io.env("KUBECONFIG");
  const home = io.env("HOME");
  const paths = list
    ? list.split(":").filter((p) => p !== "")
    : home
    ? [`${home}/.kube/config`]
    : [];
  return paths.some((p) => {
    try {
      Deno.statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}
