/**
 * `patch`: kubectl's `patch TYPE NAME -p PATCH` and `patch -f FILE -p PATCH`
 * with `--type strategic|merge|json`, `--dry-run` and `--subresource=status|scale`.
 *
 * @module
 */
import { KUBE_API_GROUPS } from "../../src/apimachinery/gvk.ts";
import { outputOf, PRINT_FLAGS, printFlags } from "./read_flags.ts";
import { ApiError } from "../../src/apimachinery/errors.ts";
import { jsonEqual } from "../../src/apimachinery/json_equal.ts";
import { goJson } from "../../src/apimachinery/jsonpath.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { PatchType } from "../../src/registry/registry.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { printNamed } from "../printers/mod.ts";
import { kindLabel, namedTargets, noResourcesError, type ObjectTarget } from "../resources.ts";
import { resolveManifests } from "./files.ts";
import { DRY_RUN_FLAG } from "../kit.ts";

/** kubectl's `--type` values, with the media types it sends. */
const MEDIA_TYPES: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

import { parseDryRun } from "../flags.ts";
export { type DryRun, dryRunSuffix, parseDryRun } from "../flags.ts";

/**
 * The patch text as kubectl sends it: text starting with `{` goes as is (the
 * server reports bad JSON); anything else is read as YAML and sent as JSON,
 * failing with kubectl's `unable to parse "...": yaml: ...` message.
 *
 * @example
 * ```ts
 * import { patchBody } from "./patch.ts";
 * import assert from "node:assert/strict";
 * assert.equal(await patchBody(' {"data":{"a":"1"}}'), ' {"data":{"a":"1"}}');
 * assert.equal(await patchBody("data: {a: '1'}"), '{"data":{"a":"1"}}');
 * await assert.rejects(() => patchBody("a: [b"), /unable to parse "a: \[b": yaml: line 1: did not find/);
 * ```
 */
export async function patchBody(text: string): Promise<string> {
  // kubectl's yaml.ToJSON passes text with a JSON prefix on unchecked: the server judges it.
  if (text.trimStart().startsWith("{")) return text;
  // YAML is parsed only for YAML patches, so the common JSON case loads nothing more.
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(text, {
    version: "1.1",
    customTags: (tags: any[]) =>
      tags.filter((t) => t.tag !== "tag:yaml.org,2002:timestamp" && t.format !== "TIME"),
  });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? 1;
    throw new CliError(
      `unable to parse ${JSON.stringify(text)}: yaml: ${
        flowError(text, err.message) ?? goYamlMessage(err.message, line)
      }`,
    );
  }
  return JSON.stringify(doc.toJS() ?? null);
}

/**
 * go-yaml's words (kubectl's parser) for the commonest syntax errors, else the
 * parser's own. go-yaml leaves out `line 1: ` for scanner errors on the first line.
 */
function goYamlMessage(message: string, line: number): string {
  const msg = message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  if (/^Nested mappings are not allowed/.test(msg)) {
    return `${line > 1 ? `line ${line}: ` : ""}mapping values are not allowed in this context`;
  }
  return `line ${line}: ${msg}`;
}

/** go-yaml's `line N: ` for a problem on 0-based line `line` (none on the first line). */
function where(line: number): string {
  return line > 0 ? `line ${line}: ` : "";
}

/**
 * go-yaml's message for an unclosed flow collection or quoted scalar, which the
 * parser here words its own way. A flow collection fails at the first closing
 * bracket of the wrong kind, else at the end of the text: with `did not find
 * expected node content` when a value should come next (after `[`, `{`, `,` or
 * `:`), else `did not find expected ',' or ']'` (or `'}'`). go-yaml names the
 * line of the token it stopped at, counted from 0 (the end of a text without a
 * final newline is on the line after its last), and no line when that is 0.
 * Undefined for other errors.
 */
function flowError(text: string, message: string): string | undefined {
  if (/^Missing closing ["']quote/.test(message)) {
    // A scanner error at the end of the text: go-yaml counts its line from 1.
    const last = text.split("\n").length - 1;
    return `${where(last === 0 ? 0 : last + 1)}found unexpected end of stream`;
  }
  if (!/^Flow (sequence|map)/.test(message)) return undefined;
  const closers: string[] = []; // of the open flow collections, innermost last
  let line = 0;
  let previous = ""; // the last character outside quotes that is not blank
  let stoppedAt: number | undefined; // the line of a closing bracket of the wrong kind
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (/\s/.test(c)) continue;
    if ((c === '"' || c === "'") && closers.length > 0) {
      // A quoted scalar: skip to its end ('' and \" stay inside).
      for (i++; i < text.length; i++) {
        if (text[i] === "\n") line++;
        else if (c === '"' && text[i] === "\\") i++;
        else if (c === "'" && text[i] === "'" && text[i + 1] === "'") i++;
        else if (text[i] === c) break;
      }
    } else if ((c === "[" || c === "{") && (closers.length > 0 || /^[:\-,?]?$/.test(previous))) {
      closers.push(c === "[" ? "]" : "}");
    } else if ((c === "]" || c === "}") && closers.length > 0) {
      if (c !== closers[closers.length - 1]) {
        stoppedAt = line;
        break;
      }
      closers.pop();
    }
    previous = c;
  }
  if (closers.length === 0) return undefined;
  // At the end, go-yaml's scanner has moved to the line after an unterminated last line.
  stoppedAt ??= text.endsWith("\n") ? line : line + 1;
  const expected = /^[[{,:]$/.test(previous)
    ? "node content"
    : `',' or '${closers[closers.length - 1]}'`;
  return `${where(stoppedAt)}did not find expected ${expected}`;
}

type Target = ObjectTarget;

/** kubectl's words for a 415: the patch type, the kind, then the server's message. */
function unsupported(err: ApiError, kind: Kind, type: PatchType): CliError {
  return new CliError(
    `${
      MEDIA_TYPES[type]
    } is not supported by ${kind.group}/${kind.version}, Kind=${kind.kind}: ${err.message}`,
  );
}

async function targetsOf(ctx: CommandContext): Promise<Target[]> {
  if (ctx.flags.filename) {
    const manifests = await resolveManifests(ctx);
    return manifests.map((m) => ({
      kind: m.kind,
      name: m.object.metadata.name!,
      namespace: m.namespace,
    }));
  }
  const rt = await ctx.runtime();
  const targets = namedTargets(rt.scheme, ctx.args, ctx.namespace);
  return targets;
}

/** The `patch` command. */
export const patchCommand: Command = {
  name: "patch",
  summary: "Update fields of a resource",
  usage: "  patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] " +
    "[--type strategic|merge|json] [--dry-run=none|client|server] [--subresource=status|scale]",
  options: {
    patch: { type: "string", short: "p" },
    "patch-file": { type: "string" },
    type: { type: "string" },
    "dry-run": DRY_RUN_FLAG,
    subresource: { type: "string" },
    output: { type: "string", short: "o" },
    filename: { type: "string", short: "f", multiple: true },
    recursive: { type: "boolean", short: "R" },
    local: { type: "boolean" },
    ...PRINT_FLAGS,
  },
  mutates: true,
  async run(ctx) {
    const dry = parseDryRun(ctx.flags["dry-run"]);
    const local = ctx.flags.local === true;
    if (local && ctx.args.length > 0) {
      throw new CliError("cannot specify --local and server resources");
    }
    if (local && dry === "server") {
      throw new CliError(
        "cannot specify --local and --dry-run=server - did you mean --dry-run=client?",
      );
    }
    const inline = (ctx.flags.patch as string | undefined) ?? "";
    const file = (ctx.flags["patch-file"] as string | undefined) ?? "";
    if (inline && file) throw new CliError("cannot specify --patch and --patch-file together");
    if (!inline && !file) {
      throw new CliError(
        "must specify --patch or --patch-file containing the contents of the patch",
      );
    }
    // An empty --type is kubectl's default, strategic.
    const typeText = ((ctx.flags.type as string | undefined) || "strategic").toLowerCase();
    if (!(typeText in MEDIA_TYPES)) {
      throw new CliError(
        `--type must be one of [json merge strategic], not ${
          JSON.stringify(ctx.flags.type as string)
        }`,
      );
    }
    const type = typeText as PatchType;
    let text = inline;
    if (file) {
      try {
        text = await Deno.readTextFile(file);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) {
          throw new CliError(`unable to read patch file: open ${file}: no such file or directory`);
        }
        throw err;
      }
    }
    const body = await patchBody(text);
    if (local) return await patchLocally(ctx, type, body);
    const subresource = (ctx.flags.subresource as string | undefined) ?? "";
    const targets = await targetsOf(ctx);
    if (targets.length === 0) throw new CliError("no objects passed to patch");
    const rt = await ctx.runtime();
    for (const t of targets) {
      const before = await rt.client.get(t.kind, t.name, { namespace: t.namespace });
      let after: KubeObject;
      try {
        // A client dry run is computed by the server without storing: same result, nothing written.
        const options = { namespace: t.namespace, type, dryRun: dry !== "none" };
        if (subresource === "status") {
          after = await rt.client.status.patch(t.kind, t.name, body, options);
        } else if (subresource === "scale" && rt.client.scale) {
          after = await rt.client.scale.patch(t.kind, t.name, body, options);
        } else if (subresource === "") {
          after = await rt.client.patch(t.kind, t.name, body, options);
        } else {
          throw ApiError.of(404, "NotFound", "the server could not find the requested resource");
        }
      } catch (err) {
        if (err instanceof ApiError && err.code === 415) throw unsupported(err, t.kind, type);
        throw err;
      }
      const changed = dry === "none"
        ? after.metadata.resourceVersion !== before.metadata.resourceVersion
        : !jsonEqual(after, before);
      const output = outputOf(ctx.flags);
      if (output) {
        ctx.io.stdout(
          await printNamed(
            after,
            output,
            (o) => rt.scheme.forObject(o),
            ctx.io.now(),
            printFlags(ctx.flags),
          ),
        );
      } else {
        ctx.io.stdout(
          // kubectl names what the server answered: a Scale for the scale subresource.
          // (kubectl's patch prints no dry-run suffix.)
          `${subresource === "scale" ? "scale.autoscaling" : kindLabel(t.kind)}/${t.name} patched${
            changed ? "" : " (no change)"
          }\n`,
        );
      }
    }
    return 0;
  },
};

/** kubectl's name of an object's kind for `KIND/NAME`: `configmap`, `widget.example.com`. */
function nameLabel(obj: KubeObject): string {
  const slash = (obj.apiVersion ?? "").indexOf("/");
  const group = slash >= 0 ? obj.apiVersion.slice(0, slash) : "";
  const kind = String(obj.kind ?? "").toLowerCase();
  return group ? `${kind}.${group}` : kind;
}

/** Go's `GroupVersionKind.String()` of an object: `example.com/v1, Kind=Widget`, `/v1, Kind=X`. */
function gvkString(obj: KubeObject): string {
  const apiVersion = obj.apiVersion ?? "";
  const gv = apiVersion.includes("/") ? apiVersion : `/${apiVersion}`;
  return `${gv}, Kind=${obj.kind ?? ""}`;
}

/**
 * The API groups of kubectl's typed scheme (client-go's `kubernetes/scheme`): a local strategic
 * merge patch needs the Go type of the object, which kubectl has for these groups only (not for
 * apiextensions.k8s.io, apiregistration.k8s.io or custom resources).
 */
const TYPED_GROUPS: ReadonlySet<string> = new Set([
  ...[...KUBE_API_GROUPS].filter((g) =>
    g !== "apiextensions.k8s.io" && g !== "apiregistration.k8s.io"
  ),
  "extensions",
]);

/**
 * `patch --local -f`: the patch applied to the files' objects here and the results printed,
 * nothing sent (kubectl's local patch). Objects need no known kind: kubectl maps none locally,
 * and merge and JSON patches apply to any object; a strategic merge patch needs the object's Go
 * type. Objects it does not apply to are reported at the end, as kubectl's aggregate.
 */
async function patchLocally(ctx: CommandContext, type: PatchType, body: string): Promise<number> {
  const files = (ctx.flags.filename as string[] | undefined) ?? [];
  if (files.length === 0) throw noResourcesError();
  const [{ applyJsonPatch }, { applyMergePatch }, { applyStrategicMergePatch }] = await Promise.all(
    [
      import("../../src/apimachinery/json_patch.ts"),
      import("../../src/apimachinery/merge_patch.ts"),
      import("../../src/apimachinery/strategic_merge_patch.ts"),
    ],
  );
  const scheme = await ctx.scheme();
  const { loadManifestsLeniently, ManifestError } = await import("../manifests.ts");
  const { manifests, problems } = await loadManifestsLeniently(files, {
    // kubectl decodes --local files; it does not validate them.
    validate: false,
    recursive: ctx.flags.recursive === true,
    stdin: () => ctx.io.readStdin(),
  });
  if (problems.length > 0) throw new ManifestError(problems);
  for (const { object } of manifests) {
    // Without a mapping kubectl checks every object that names a namespace.
    const own = object.metadata?.namespace;
    if (own && ctx.namespaceGiven && own !== ctx.namespace) {
      throw new CliError(
        `the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". ` +
          `You must pass '--namespace=${own}' to perform this operation.`,
      );
    }
  }
  if (manifests.length === 0) throw new CliError("no objects passed to patch");
  let patch: unknown;
  let badJson: string | undefined;
  try {
    patch = JSON.parse(body);
  } catch {
    // Only text with a JSON prefix gets here unparsed (patchBody): each patch library words
    // the bad JSON its way.
    const { jsonSyntaxError } = await import("../../src/apimachinery/json_syntax.ts");
    badJson = type === "strategic"
      ? "invalid JSON document"
      : type === "merge"
      ? "Invalid JSON Patch"
      : jsonSyntaxError(body)?.message ?? "unexpected end of JSON input";
  }
  const apply = (object: KubeObject): KubeObject => {
    if (type === "strategic") {
      const kind = scheme.forObject(object);
      if (!kind || !TYPED_GROUPS.has(kind.group)) {
        throw new CliError(
          `strategic merge patch is not supported for ${
            gvkString(object)
          } locally, try --type merge`,
        );
      }
      if (badJson !== undefined) throw new CliError(badJson);
      // A null patch unmarshals to no map: nothing changes.
      if (patch === null) return structuredClone(object);
      return applyStrategicMergePatch(object, patch, kind.patchMeta ?? {}, { literal: true });
    }
    if (badJson !== undefined) throw new CliError(badJson);
    if (type === "json") {
      // A null JSON patch has no operations.
      return patch === null ? structuredClone(object) : applyJsonPatch(object, patch as never);
    }
    if (Array.isArray(patch)) {
      // The merge replaces the whole object with the array, which is no object.
      throw new CliError(
        "json: cannot unmarshal array into Go value of type unstructured.detector",
      );
    }
    return applyMergePatch(object, patch);
  };
  const output = outputOf(ctx.flags);
  const failures: string[] = [];
  for (const m of manifests) {
    let after: KubeObject;
    try {
      after = apply(m.object);
      // The result is decoded again, which needs a kind.
      if (typeof after.kind !== "string" || after.kind === "") {
        throw new CliError(`Object 'Kind' is missing in '${goJson(after)}'`);
      }
    } catch (err) {
      failures.push((err as Error).message);
      continue;
    }
    if (output) {
      ctx.io.stdout(
        await printNamed(
          after,
          output,
          (o) => scheme.forObject(o),
          ctx.io.now(),
          printFlags(ctx.flags),
        ),
      );
    } else {
      const changed = !jsonEqual(after, m.object);
      ctx.io.stdout(
        `${nameLabel(after)}/${after.metadata?.name ?? ""} patched${
          changed ? "" : " (no change)"
        }\n`,
      );
    }
  }
  if (failures.length === 1) ctx.io.stderr(`error: ${failures[0]}\n`);
  else for (const f of failures) ctx.io.stderr(`${f}\n`);
  return failures.length ? 1 : 0;
}
