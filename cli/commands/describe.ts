/**
 * `describe`: kubectl's describe layout for ConfigMap, Secret, Namespace and ServiceAccount,
 * and its generic (CRD-style) describer for every other kind, with the object's events.
 *
 * @module
 */
import { ApiError } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { eventsFor } from "../../src/events/recorder.ts";
import {
  type ConfigMap,
  type Event,
  type Namespace,
  Secret,
  type ServiceAccount,
} from "../../src/resources/core_v1.ts";
import { CliError, formatError } from "../errors.ts";
import type { CliCore, Command } from "../kit.ts";
import { parseResourceArgs, usesFiles } from "../resources.ts";
import {
  ALL_NAMESPACES_FLAG,
  CHUNK_SIZE_FLAG,
  filenameFlag,
  RECURSIVE_FLAG,
  SELECTOR_FLAG,
} from "./read_flags.ts";
import { eventInterval, sortEvents } from "./events.ts";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const MAX_ANNOTATION_LEN = 140;

/**
 * Text with kubectl's describe indentation (two spaces a level) and alignment: cells end with a
 * tab and are aligned as Go's text/tabwriter does with padding 2; `flush()` ends an alignment
 * block, as describe's writer flush does.
 */
class DescribeWriter {
  #done = "";
  #pending = "";

  write(level: number, text: string): void {
    this.#pending += "  ".repeat(level) + text;
  }

  flush(): void {
    this.#done += tabwrite(this.#pending);
    this.#pending = "";
  }

  toString(): string {
    this.flush();
    return this.#done;
  }
}

function runeLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Go text/tabwriter (minwidth 0, padding 2, space padding, no flags) over a whole text. */
function tabwrite(text: string): string {
  const lines = text.split("\n").map((l) => l.split("\t"));
  const widths: number[] = [];
  let out = "";
  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const line = lines[i];
      for (let j = 0; j < line.length; j++) {
        out += line[j];
        if (j < widths.length) out += " ".repeat(Math.max(0, widths[j] - runeLength(line[j])));
      }
      if (i + 1 < lines.length) out += "\n";
    }
  };
  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t].length - 1) continue;
      writeLines(line0, t);
      line0 = t;
      let width = 0;
      for (; t < line1; t++) {
        const line = lines[t];
        if (column >= line.length - 1) break;
        width = Math.max(width, runeLength(line[column]) + 2);
      }
      widths.push(width);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out;
}

function printLabels(w: DescribeWriter, title: string, labels: Record<string, string> | undefined) {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((k, i) => w.write(0, `${i ? "\t" : ""}${k}=${labels![k]}\n`));
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

function printAnnotations(w: DescribeWriter, annotations: Record<string, string> | undefined) {
  w.write(0, "Annotations:\t");
  const keys = Object.keys(annotations ?? {}).filter((k) => k !== LAST_APPLIED).sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((key, i) => {
    if (i) w.write(0, "\t");
    const value = annotations![key].replace(/\n$/, "");
    if (byteLength(value) + byteLength(key) + 2 > MAX_ANNOTATION_LEN || value.includes("\n")) {
      w.write(0, `${key}:\n`);
      for (const s of value.split("\n")) {
        const short = s.length > MAX_ANNOTATION_LEN - 2
          ? s.slice(0, MAX_ANNOTATION_LEN - 2) + "..."
          : s;
        w.write(0, `\t  ${short}\n`);
      }
    } else {
      w.write(0, `${key}: ${value}\n`);
    }
  });
}

function printEvents(w: DescribeWriter, events: readonly Event[], now: number) {
  if (events.length === 0) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.flush();
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const e of sortEvents(events)) {
    const from = e.source?.component || e.reportingComponent || "";
    let message = (e.message ?? "").trim();
    if (e.involvedObject?.fieldPath) message = `${e.involvedObject.fieldPath}: ${message}`;
    w.write(
      1,
      `${e.type ?? ""}\t${e.reason ?? ""}\t${eventInterval(e, now)}\t${from}\t${message}\n`,
    );
  }
}

function decodedLength(b64: string): number {
  const clean = b64.replace(/\s/g, "");
  const pad = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.floor(clean.length / 4) * 3 + [0, 0, 1, 2][clean.length % 4] - pad;
}

function header(w: DescribeWriter, obj: KubeObject, namespaced = true) {
  w.write(0, `Name:\t${obj.metadata?.name ?? ""}\n`);
  if (namespaced) w.write(0, `Namespace:\t${obj.metadata?.namespace ?? ""}\n`);
  printLabels(w, "Labels", obj.metadata?.labels);
  printAnnotations(w, obj.metadata?.annotations);
}

function describeConfigMap(cm: ConfigMap, events: Event[] | undefined, now: number): string {
  const w = new DescribeWriter();
  header(w, cm);
  w.write(0, "\nData\n====\n");
  for (const k of Object.keys(cm.data ?? {}).sort()) {
    w.write(0, `${k}:\n----\n`);
    w.write(0, `${cm.data![k]}\n`);
    w.write(0, "\n");
  }
  w.write(0, "\nBinaryData\n====\n");
  for (const k of Object.keys(cm.binaryData ?? {}).sort()) {
    w.write(0, `${k}: ${decodedLength(cm.binaryData![k])} bytes\n`);
  }
  w.write(0, "\n");
  if (events) printEvents(w, events, now);
  return w.toString();
}

function describeSecret(secret: Secret): string {
  const w = new DescribeWriter();
  header(w, secret);
  const type = secret.type ?? "Opaque";
  w.write(0, `\nType:\t${type}\n`);
  w.write(0, "\nData\n====\n");
  for (const k of Object.keys(secret.data ?? {}).sort()) {
    const v = secret.data![k];
    if (k === "token" && type === "kubernetes.io/service-account-token") {
      w.write(
        0,
        `${k}:\t${new TextDecoder().decode(Uint8Array.from(atob(v), (c) => c.charCodeAt(0)))}\n`,
      );
    } else {
      w.write(0, `${k}:\t${decodedLength(v)} bytes\n`);
    }
  }
  return w.toString();
}

function describeNamespace(ns: Namespace): string {
  const w = new DescribeWriter();
  header(w, ns, false);
  w.write(0, `Status:\t${ns.status?.phase ?? ""}\n`);
  const conditions = ns.status?.conditions ?? [];
  if (conditions.length) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t------------------\t------\t-------\n");
    for (const c of conditions) {
      w.write(
        1,
        `${c.type}\t${c.status}\t${rfc1123z(c.lastTransitionTime)}\t${c.reason ?? ""}\t${
          c.message ?? ""
        }\n`,
      );
    }
  }
  // kubectl leaves the quota and limit sections out when the server does not serve
  // ResourceQuotas and LimitRanges (its lists are NotFound): k1s has neither kind.
  return w.toString();
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
function rfc1123z(timestamp: string | undefined): string {
  const d = new Date(timestamp ? Date.parse(timestamp) : -62135596800000);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ` +
    `${String(d.getUTCFullYear()).padStart(4, "0")} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${
      p(d.getUTCSeconds())
    } +0000`;
}

function describeServiceAccount(
  sa: ServiceAccount,
  options: DescribeOptions,
): string {
  const w = new DescribeWriter();
  header(w, sa);
  const missing = new Set(options.missingSecrets ?? []);
  // kubectl 1.32's describer: the three lists in this order, continuation lines indented.
  const lists: [string, string[]][] = [
    ["Image pull secrets:", (sa.imagePullSecrets ?? []).map((s) => s.name ?? "")],
    ["Mountable secrets: ", (sa.secrets ?? []).map((s) => s.name ?? "")],
    ["Tokens:            ", options.tokens ?? []],
  ];
  for (const [title, names] of lists) {
    if (names.length === 0) w.write(0, `${title}\t<none>\n`);
    names.forEach((name, i) =>
      w.write(
        0,
        `${i ? " ".repeat(19) : title}\t${name}${missing.has(name) ? " (not found)" : ""}\n`,
      )
    );
  }
  if (options.events) printEvents(w, options.events, options.now);
  return w.toString();
}

/** fatih/camelcase's split: runs of lower, upper, digit and other; `HTTPServer` -> HTTP Server. */
function camelSplit(s: string): string[] {
  const cls = (c: string) =>
    /\p{Ll}/u.test(c) ? 1 : /\p{Lu}/u.test(c) ? 2 : /\p{Nd}/u.test(c) ? 3 : 4;
  const runs: string[][] = [];
  let last = 0;
  for (const c of s) {
    const k = cls(c);
    if (k === last) runs[runs.length - 1].push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (cls(runs[i][0]) === 2 && cls(runs[i + 1][0]) === 1) {
      runs[i + 1].unshift(runs[i].pop()!);
    }
  }
  return runs.filter((r) => r.length).map((r) => r.join(""));
}

/** kubectl's smartLabelFor: `creationTimestamp` -> `Creation Timestamp`, `uid` -> `UID`. */
function smartLabel(field: string): string {
  if ([...field].some((c) => !/\p{L}/u.test(c) && c !== "-")) return field;
  const parts = camelSplit(field);
  const merged: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if (
      next !== undefined && part.length >= 2 && ![...part].some((c) => /\p{Ll}/u.test(c)) &&
      /^\p{Lu}/u.test(next)
    ) {
      merged.push(part + next);
      i++;
      continue;
    }
    merged.push(part);
  }
  return merged.filter((p) => p !== "_").map((p) => {
    if (["API", "URL", "UID", "GUID"].includes(p.toUpperCase())) return p.toUpperCase();
    if (p.toLowerCase() === p) return p.charAt(0).toUpperCase() + p.slice(1);
    return p;
  }).join(" ");
}

function goValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const GENERIC_SKIP = [
  ".metadata.managedFields",
  ".metadata.name",
  ".metadata.namespace",
  ".metadata.labels",
  ".metadata.annotations",
];

function printContent(
  w: DescribeWriter,
  level: number,
  content: Record<string, unknown>,
  prefix: string,
) {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (GENERIC_SKIP.includes(path)) continue;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      printContent(w, level + 1, value as Record<string, unknown>, path);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      for (const child of value) {
        if (child !== null && typeof child === "object" && !Array.isArray(child)) {
          printContent(w, level + 1, child as Record<string, unknown>, path);
        } else {
          w.write(level + 1, `${goValue(child)}\n`);
        }
      }
    } else {
      w.write(level, `${smartLabel(field)}:\t${goValue(value)}\n`);
    }
  }
}

function describeGeneric(obj: KubeObject, events: Event[] | undefined, now: number): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${obj.metadata?.name ?? ""}\n`);
  w.write(0, `Namespace:\t${obj.metadata?.namespace ?? ""}\n`);
  printLabels(w, "Labels", obj.metadata?.labels);
  printAnnotations(w, obj.metadata?.annotations);
  printContent(w, 0, obj as unknown as Record<string, unknown>, "");
  if (events) printEvents(w, events, now);
  return w.toString();
}

/** Options of {@linkcode describeObject}. */
export interface DescribeOptions {
  /** The object's events, or undefined to leave the Events section out (several objects). */
  events?: Event[];
  /** The time ages are measured from, in ms. */
  now: number;
  /** ServiceAccount: names in `secrets` that do not exist. */
  missingSecrets?: string[];
  /** ServiceAccount: the service-account-token Secrets that belong to it. */
  tokens?: string[];
}

/**
 * kubectl's description of one object: the core/v1 describers for ConfigMap, Secret, Namespace
 * and ServiceAccount, the generic describer for every other kind.
 *
 * @example
 * ```ts
 * import { describeObject } from "./describe.ts";
 * import assert from "node:assert/strict";
 *
 * const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "app", namespace: "default" } };
 * const text = describeObject(cm, { now: 0, events: [] });
 * assert.ok(text.startsWith("Name:         app\nNamespace:    default\n"));
 * assert.ok(text.endsWith("Events:  <none>\n"));
 * ```
 */
export function describeObject(obj: KubeObject, options: DescribeOptions): string {
  const core = obj.apiVersion === "v1";
  switch (core ? obj.kind : "") {
    case "ConfigMap":
      return describeConfigMap(obj as ConfigMap, options.events, options.now);
    case "Secret":
      return describeSecret(obj as Secret);
    case "Namespace":
      return describeNamespace(obj as Namespace);
    case "ServiceAccount":
      return describeServiceAccount(obj as ServiceAccount, options);
    default:
      return describeGeneric(obj, options.events, options.now);
  }
}

async function describeAll(
  rt: CliCore,
  objects: KubeObject[],
  showEvents: boolean,
  now: number,
): Promise<string[]> {
  const out: string[] = [];
  for (const obj of objects) {
    const events = showEvents && !["Secret", "Namespace"].includes(obj.kind ?? "")
      ? await eventsFor(rt.client, obj)
      : undefined;
    out.push(describeObject(obj, { events, now, ...await serviceAccountSecrets(rt, obj) }));
  }
  return out;
}

/** What kubectl's ServiceAccount describer looks up: missing mountable secrets and tokens. */
async function serviceAccountSecrets(
  rt: CliCore,
  obj: KubeObject,
): Promise<Pick<DescribeOptions, "missingSecrets" | "tokens">> {
  if (obj.apiVersion !== "v1" || obj.kind !== "ServiceAccount") return {};
  const sa = obj as ServiceAccount;
  const secrets = await rt.client.list(Secret, { namespace: sa.metadata.namespace });
  const names = new Set(secrets.items.map((s) => s.metadata.name));
  const tokens = secrets.items.filter((s) => {
    const a = s.metadata.annotations ?? {};
    return s.type === "kubernetes.io/service-account-token" &&
      a["kubernetes.io/service-account.name"] === sa.metadata.name &&
      (!a["kubernetes.io/service-account.uid"] ||
        a["kubernetes.io/service-account.uid"] === sa.metadata.uid);
  }).map((s) => s.metadata.name ?? "");
  const missingSecrets = (sa.secrets ?? []).map((s) => s.name ?? "").filter((n) => !names.has(n));
  return { missingSecrets, tokens };
}

const DESCRIBE_LONG = `Show details of a specific resource or group of resources.

 Print a detailed description of the selected resources, including related resources such as \
events or controllers. You may select a single object by name, all objects of that type, provide \
a name prefix, or label selector. For example:

        $ k1s describe TYPE NAME_PREFIX
        ${""}
 will first check for an exact match on TYPE and NAME_PREFIX. If no such resource exists, it \
will output details for every resource that has a name prefixed with NAME_PREFIX.

Use "k1s api-resources" for a complete list of supported resources.`;

const DESCRIBE_EXAMPLES = `# Describe a namespace
k1s describe namespaces default

# Describe a config map
k1s describe configmaps/app-config

# Describe a config map identified by type and name in "configmap.json"
k1s describe -f configmap.json

# Describe all config maps
k1s describe configmaps

# Describe config maps by label name=myLabel
k1s describe configmaps -l name=myLabel

# Describe all config maps whose names start with 'frontend'
# (an exact match is described alone)
k1s describe configmaps frontend`;

/** The `describe` command. */
export const describeCommand: Command = {
  name: "describe",
  summary: "Show details of a specific resource or group of resources",
  long: DESCRIBE_LONG,
  examples: DESCRIBE_EXAMPLES,
  usage: "describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
  options: {
    selector: SELECTOR_FLAG,
    "all-namespaces": ALL_NAMESPACES_FLAG,
    "chunk-size": CHUNK_SIZE_FLAG,
    "show-events": {
      type: "boolean",
      defaultText: "true",
      description: "If true, display events related to the described object.",
    },
    filename: filenameFlag(
      "Filename, directory, or URL to files containing the resource to describe",
    ),
    recursive: RECURSIVE_FLAG,
  },
  async run(ctx) {
    const rt = await ctx.core();
    const files = usesFiles(ctx);
    if (ctx.args.length === 0 && !files) {
      // kubectl 1.32's describe says it in one line (get prints a hint and a usage error).
      throw new CliError(
        `You must specify the type of resource to describe. Use "${ctx.cli.name} api-resources" ` +
          "for a complete list of supported resources.",
      );
    }
    const all = ctx.flags["all-namespaces"] === true;
    const chunk = Math.max(0, (ctx.flags["chunk-size"] as number | undefined) ?? 500);
    const selector = ctx.flags.selector as string | undefined;
    const selection = parseResourceArgs(rt.scheme, ctx.args);
    const objects: KubeObject[] = [];
    const errors: ApiError[] = [];
    // The files' problems: kubectl's describe reports them before the server's errors.
    let problems: string[] = [];
    if (files) {
      // describe -f: the objects the files name, each in its own namespace.
      const { resolveManifestsLeniently } = await import("./files.ts");
      const read = await resolveManifestsLeniently(ctx);
      problems = read.problems;
      for (const m of read.resolved) {
        try {
          objects.push(
            await rt.client.get(m.kind, m.object.metadata.name!, { namespace: m.namespace }),
          );
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          errors.push(err);
        }
      }
    }
    for (const { kind, names } of selection) {
      const namespace = kind.scope === "Namespaced" && !all ? ctx.namespace : undefined;
      if (names.length) {
        if (selector) throw new CliError("name cannot be provided when a selector is specified");
        for (const name of names) {
          try {
            objects.push(
              await rt.client.get(kind, name, { namespace: namespace ?? ctx.namespace }),
            );
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            errors.push(err);
          }
        }
      } else {
        let token: string | undefined;
        do {
          const page = await rt.client.list(kind, {
            namespace,
            labelSelector: selector,
            limit: chunk,
            continue: token,
          });
          objects.push(...page.items);
          token = page.metadata.continue;
        } while (token);
      }
    }
    const explicit = ctx.flags["show-events"] as boolean | undefined;
    const now = ctx.io.now();
    // `describe TYPE NAME` with no such object describes the objects whose names start with NAME.
    const plain = ctx.args.length === 2 && !ctx.args[0].includes("/");
    if (plain && errors.length === 1 && errors[0].reason === "NotFound") {
      const { kind, names } = selection[0];
      const namespace = kind.scope === "Namespaced" ? ctx.namespace : undefined;
      const list = await rt.client.list(kind, { namespace });
      const matches = list.items.filter((o) => o.metadata?.name?.startsWith(names[0]));
      if (matches.length === 0) throw errors[0];
      for (const text of await describeAll(rt, matches, explicit ?? true, now)) {
        ctx.io.stdout(text + "\n");
      }
      return 0;
    }
    const showEvents = explicit ?? true;
    const texts = await describeAll(rt, objects, showEvents, now);
    if (texts.length) ctx.io.stdout(texts.join("\n\n"));
    if (objects.length === 0 && errors.length === 0 && problems.length === 0) {
      ctx.io.stderr(
        all ? "No resources found\n" : `No resources found in ${ctx.namespace} namespace.\n`,
      );
    }
    // (kubectl's describe prints each error as it is, a problem of the files too.)
    for (const p of problems) ctx.io.stderr(p + "\n");
    for (const e of errors) ctx.io.stderr(formatError(e) + "\n");
    return errors.length || problems.length ? 1 : 0;
  },
};
