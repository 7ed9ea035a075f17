/**
 * `apply view-last-applied` and `apply set-last-applied`: the
 * last-applied-configuration annotation of live objects, printed as YAML or
 * JSON, or set to the contents of files without changing anything else
 * (kubectl's `apply_view_last_applied.go` and `apply_set_last_applied.go`,
 * their quirks included).
 *
 * @module
 */
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { goJson } from "../../src/apimachinery/jsonpath.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { LAST_APPLIED_ANNOTATION } from "../apply.ts";
import { CliError } from "../errors.ts";
import { dryRunSuffix, parseDryRun } from "../flags.ts";
import type { CommandContext } from "../kit.ts";
import { printNamed } from "../printers/mod.ts";
import { toKubectlYaml } from "../printers/yaml.ts";
import { kindLabel, noResourcesError, parseResourceArgs } from "../resources.ts";
import { resolveManifests } from "./files.ts";

/** A live object and the file it was named in (empty for arguments). */
interface Live {
  kind: Kind;
  object: KubeObject;
  source: string;
}

/** The live objects `-f`, `TYPE NAME`, `TYPE/NAME`, `-l` or `--all` name, as kubectl's builder. */
async function liveObjects(ctx: CommandContext, args: string[]): Promise<Live[]> {
  const { client } = await ctx.core();
  if (ctx.flags.filename) {
    if (args.length > 0) {
      throw new CliError(
        "when paths, URLs, or stdin is provided as input, you may not specify resource " +
          "arguments as well",
      );
    }
    const out: Live[] = [];
    for (const m of await resolveManifests(ctx)) {
      const object = await client.get(m.kind, m.object.metadata.name!, { namespace: m.namespace });
      out.push({ kind: m.kind, object, source: m.source });
    }
    return out;
  }
  if (args.length === 0) throw noResourcesError();
  const selector = ctx.flags.selector as string | undefined;
  const out: Live[] = [];
  for (const { kind, names } of parseResourceArgs(await ctx.scheme(), args)) {
    const namespace = kind.scope === "Namespaced" ? ctx.namespace : undefined;
    if (names.length > 0) {
      if (selector) throw new CliError("name cannot be provided when a selector is specified");
      for (const name of names) {
        out.push({ kind, object: await client.get(kind, name, { namespace }), source: "" });
      }
      continue;
    }
    if (!selector && ctx.flags.all !== true) {
      throw new CliError("resource(s) were provided, but no name was specified");
    }
    const list = await client.list(kind, { namespace, labelSelector: selector });
    out.push(...list.items.map((object) => ({ kind, object, source: "" })));
  }
  return out;
}

/**
 * `apply view-last-applied`: each object's annotation, as YAML (the
 * default) or as JSON indented the way Go's `json.Indent` does it.
 */
export async function viewLastApplied(ctx: CommandContext, args: string[]): Promise<number> {
  const output = (ctx.flags.output as string | undefined) ?? "yaml";
  const configs: string[] = [];
  for (const live of await liveObjects(ctx, args)) {
    const config = live.object.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
    if (config !== undefined) {
      configs.push(config);
      continue;
    }
    // kubectl words this through AddSourceToErr with no error to add: objects named by
    // arguments are passed over in silence, those of files fail with its odd sentence.
    if (live.source) {
      throw new CliError(
        `error when no last-applied-configuration annotation found on resource: ` +
          `${live.object.metadata.name}\n ${JSON.stringify(live.source)}: <nil>`,
      );
    }
  }
  for (const config of configs) {
    if (output === "json") ctx.io.stdout(goIndent(config));
    else if (output === "yaml") ctx.io.stdout(toKubectlYaml(JSON.parse(config)));
    else {
      throw new CliError(
        `Unexpected -o output mode: ${output}, the flag 'output' must be one of yaml|json`,
        { hint: `See '${ctx.cli.name} apply view-last-applied -h' for help and examples` },
      );
    }
  }
  return 0;
}

/**
 * `apply set-last-applied -f FILE`: sets the annotation of each live object to
 * the file's object (compact JSON, keys sorted, the namespace filled in, as
 * kubectl encodes it), as a
 * merge patch; objects whose annotation already says that are reported as
 * needing no change. Without `--create-annotation` an object lacking the
 * annotation is an error.
 */
export async function setLastApplied(ctx: CommandContext): Promise<number> {
  if (!ctx.flags.filename) throw noResourcesError();
  const dry = parseDryRun(ctx.flags["dry-run"]);
  const output = ctx.flags.output as string | undefined;
  const rt = await ctx.runtime();
  const changes: { kind: Kind; object: KubeObject; config: string }[] = [];
  for (const m of await resolveManifests(ctx)) {
    const name = m.object.metadata.name!;
    const live = await rt.client.get(m.kind, name, { namespace: m.namespace });
    const current = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
    if (current === undefined && ctx.flags["create-annotation"] !== true) {
      throw new CliError(
        `no last-applied-configuration annotation found on resource: ${name}, ` +
          "to create the annotation, run the command with --create-annotation",
      );
    }
    // kubectl encodes the object its builder read: the namespace filled in, a newline after.
    const object = m.namespace === undefined
      ? m.object
      : { ...m.object, metadata: { ...m.object.metadata, namespace: m.namespace } };
    const config = goJson(object) + "\n";
    if (current === config) ctx.io.stdout(`set-last-applied ${name}: no changes required.\n`);
    else changes.push({ kind: m.kind, object: live, config });
  }
  for (const { kind, object, config } of changes) {
    let result = object;
    if (dry !== "client") {
      result = await rt.client.patch(
        kind,
        object.metadata.name!,
        { metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: config } } },
        { namespace: object.metadata.namespace, type: "merge", dryRun: dry === "server" },
      );
    }
    if (output && output !== "name") {
      ctx.io.stdout(await printNamed(result, output, () => kind, ctx.io.now()));
    } else {
      const label = `${kindLabel(kind)}/${object.metadata.name}`;
      ctx.io.stdout(output === "name" ? `${label}\n` : `${label} configured${dryRunSuffix(dry)}\n`);
    }
  }
  return 0;
}

/**
 * Go's `json.Indent(dst, src, "", "  ")`: the text re-indented token by token
 * (key order, escapes and trailing whitespace kept, leading whitespace dropped).
 *
 * @example
 * ```ts
 * import { goIndent } from "./apply_last_applied.ts";
 * import assert from "node:assert/strict";
 * assert.equal(goIndent('{"b":1,"a":[],"c":{}}\n'), '{\n  "b": 1,\n  "a": [],\n  "c": {}\n}\n');
 * ```
 */
export function goIndent(src: string): string {
  let out = "";
  let depth = 0;
  let needIndent = false;
  const newline = () => "\n" + "  ".repeat(depth);
  const text = src.replace(/^[ \t\r\n]+/, "");
  const end = text.length - (/[ \t\r\n]*$/.exec(text)?.[0].length ?? 0);
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") continue;
    if (needIndent && c !== "]" && c !== "}") {
      needIndent = false;
      depth++;
      out += newline();
    }
    if (c === '"') {
      let j = i + 1;
      while (j < end && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "{" || c === "[") {
      out += c;
      needIndent = true;
    } else if (c === "}" || c === "]") {
      if (needIndent) needIndent = false; // an empty object or array stays `{}` / `[]`
      else {
        depth--;
        out += newline();
      }
      out += c;
    } else if (c === ",") out += "," + newline();
    else if (c === ":") out += ": ";
    else out += c;
  }
  return out + text.slice(end);
}
