/**
 * `edit`: kubectl's `edit TYPE NAME` — the object goes to `$KUBE_EDITOR` / `$EDITOR` (default
 * `vi`) as YAML (or JSON with `-o json`); the saved file replaces the object, guarded by the
 * resourceVersion it was read at. An invalid or unparsable edit reopens the file with the
 * reasons in a comment block at the top, as kubectl does — first kubectl's client-side check of
 * the saved file (unless `--validate=false`: it must parse to an object with a string
 * `apiVersion` and `kind`; an empty file fails it), then the builder's syntax errors, then the
 * server's Invalid; an edit the server refuses otherwise (a Conflict) is kept, and `replace -f`
 * proposed.
 *
 * @module
 */
import { PRINT_FLAGS, printFlags } from "./read_flags.ts";
import { VALIDATE_OPTIONS, validateOptions } from "../validate.ts";
import { ApiError } from "../../src/apimachinery/errors.ts";
import { jsonEqual } from "../../src/apimachinery/json_equal.ts";
import { createMergePatch } from "../../src/apimachinery/merge_patch.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { createTwoWayStrategicMergePatch } from "../../src/apimachinery/strategic_merge_patch.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { printNamed } from "../printers/mod.ts";
import { toKubectlYaml } from "../printers/yaml.ts";
import { kindLabel, namedTargets, type ObjectTarget } from "../resources.ts";
import { patchBody } from "./patch.ts";

/** The comment kubectl puts at the top of a YAML file to edit. */
export const EDIT_HEADER: string =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n" +
  "# and an empty file will abort the edit. If an error occurs while saving this file will be\n" +
  "# reopened with the relevant failures.\n#\n";

/** Why a file is reopened: a heading and, optionally, bullet points. */
export interface EditReason {
  /** The heading, e.g. `configmaps "app" was not valid`. */
  head: string;
  /** Bullet points, e.g. one per invalid field. */
  other: string[];
}

/** Continues a multi-line message as comment lines. */
function hashLines(s: string): string {
  return s.replace(/\n(?!#)/g, "\n# ");
}

/**
 * The comment block of a file to edit: kubectl's header and one block per reason.
 *
 * @example
 * ```ts
 * import { EDIT_HEADER, editHeader } from "./edit.ts";
 * import assert from "node:assert/strict";
 * assert.equal(editHeader([]), EDIT_HEADER);
 * assert.equal(
 *   editHeader([{ head: 'configmaps "x" was not valid', other: ["data: bad"] }]),
 *   EDIT_HEADER + '# configmaps "x" was not valid:\n# * data: bad\n#\n',
 * );
 * ```
 */
export function editHeader(reasons: readonly EditReason[]): string {
  let s = EDIT_HEADER;
  for (const r of reasons) {
    s += `# ${hashLines(r.head)}${r.other.length ? ":" : ""}\n`;
    for (const o of r.other) s += `# * ${hashLines(o)}\n`;
    s += "#\n";
  }
  return s;
}

/** The text without comment lines (those whose first non-blank character is `#`). */
export function stripComments(text: string): string {
  return text.split("\n").filter((l) => !l.trimStart().startsWith("#")).join("\n");
}

/** True when some line is neither blank nor a comment. */
export function hasLines(text: string): boolean {
  return text.split("\n").some((l) => {
    const t = l.trim();
    return t !== "" && !t.startsWith("#");
  });
}

/** kubectl's ManualStrip: the text without its comment lines (`#!` lines are kept). */
function manualStrip(text: string): string {
  return text.split("\n").filter((l) => {
    const t = l.trim();
    return !t.startsWith("#") || t.startsWith("#!");
  }).join("\n");
}

/** The words of Go's utilerrors aggregate: one error as it is, more as `[a, b]`. */
function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`;
}

/**
 * Why kubectl's client-side check of an edited file (its `ParamVerifyingSchema`, run unless
 * `--validate=false|ignore`) refuses it, or undefined: the text without comments must parse,
 * be an object, and carry a string `apiVersion` that is a group-version and a string `kind`.
 *
 * @example
 * ```ts
 * import { editValidationError } from "./edit.ts";
 * import assert from "node:assert/strict";
 * assert.equal(await editValidationError("# nothing\n"), "invalid object to validate");
 * assert.equal(await editValidationError("metadata: {}\n"), "[apiVersion not set, kind not set]");
 * assert.equal(await editValidationError("apiVersion: v1\nkind: ConfigMap\n"), undefined);
 * ```
 */
export async function editValidationError(edited: string): Promise<string | undefined> {
  const stripped = manualStrip(edited);
  let value: unknown;
  try {
    value = JSON.parse(await patchBody(stripped));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const prefix = `unable to parse ${JSON.stringify(stripped)}: `;
    return msg.startsWith(prefix) ? msg.slice(prefix.length) : msg;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "invalid object to validate";
  }
  const fields = value as Record<string, unknown>;
  const errors: string[] = [];
  const apiVersion = fields.apiVersion;
  if (apiVersion == null) errors.push("apiVersion not set");
  else if (typeof apiVersion !== "string") errors.push("apiVersion isn't string type");
  else if (apiVersion !== "/" && apiVersion.split("/").length > 2) {
    errors.push(`unexpected GroupVersion string: ${apiVersion}`);
  }
  const kind = fields.kind;
  if (kind == null) errors.push("kind not set");
  else if (typeof kind !== "string") errors.push("kind isn't string type");
  return errors.length ? aggregate(errors) : undefined;
}

/** Single-quotes a word for `sh`. */
function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The editor command: `$KUBE_EDITOR`, else `$EDITOR`, else `vi`.
 *
 * @example
 * ```ts
 * import { editorCommand } from "./edit.ts";
 * import { captureIO } from "../io.ts";
 * import assert from "node:assert/strict";
 * assert.equal(editorCommand(captureIO()), "vi");
 * assert.equal(editorCommand(captureIO({ env: { EDITOR: "nano", KUBE_EDITOR: "code -w" } })), "code -w");
 * ```
 */
export function editorCommand(io: { env(name: string): string | undefined }): string {
  return io.env("KUBE_EDITOR") || io.env("EDITOR") || "vi";
}

/**
 * How kubectl names the editor in its messages, and the command it would look up on PATH:
 * an editor without quotes or backslashes is split at spaces and run directly (its first word
 * looked up on PATH unless it has a `/`); any other runs as `$SHELL -c EDITOR` (default
 * `/bin/bash`), with nothing to look up.
 */
function editorWords(editor: string): { shown: string; lookup?: string } {
  if (!editor.includes(" ") || !/["'\\]/.test(editor)) {
    const first = editor.split(" ")[0];
    return { shown: editor, lookup: first.includes("/") ? undefined : first };
  }
  const shell = Deno.env.get("SHELL") || "/bin/bash";
  return { shown: `${shell} -c ${editor}` };
}

/** True when `name` is an executable file in a directory of PATH, as Go's exec.LookPath finds. */
async function onPath(name: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      const info = await Deno.stat(`${dir || "."}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

/**
 * Runs `sh -c "EDITOR 'FILE'"` on the terminal; fails as kubectl does when the editor cannot be
 * found or exits non-zero.
 */
export async function launch(editor: string, file: string): Promise<void> {
  const { shown, lookup } = editorWords(editor);
  if (lookup !== undefined && !(await onPath(lookup))) {
    throw new CliError(`unable to launch the editor ${JSON.stringify(shown)}`);
  }
  let ok = false;
  try {
    const status = await new Deno.Command("sh", {
      args: ["-c", `${editor} ${shellQuote(file)}`],
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    ok = status.success;
  } catch {
    ok = false;
  }
  if (!ok) throw new CliError(`there was a problem with the editor ${JSON.stringify(shown)}`);
}

/** kubectl's resource string in edit messages: `configmaps`, `items.inventory.k1s.dev`. */
function resourceString(kind: Kind): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

/** Go's encoding/json of a decoded value: map keys sorted, `<`, `>` and `&` escaped. */
function goJson(v: unknown): string {
  const sorted = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sorted) : typeof x === "object" && x !== null
      ? Object.fromEntries(
        Object.keys(x).sort().map((k) => [k, sorted((x as Record<string, unknown>)[k])]),
      )
      : x;
  return JSON.stringify(sorted(v)).replace(
    /[<>&]/g,
    (c) => `\\u00${c.charCodeAt(0).toString(16)}`,
  );
}

/**
 * Parses the saved file as kubectl's builder reads `edited-file`: the object, none (a null
 * document), or the syntax error kubectl would report.
 */
async function parseEdited(
  text: string,
  scheme: { forObject(o: KubeObject): Kind | undefined },
): Promise<{ obj?: KubeObject; error?: string }> {
  let json: string;
  try {
    json = await patchBody(text);
  } catch (err) {
    // patchBody says `unable to parse "<text>": yaml: ...`; kubectl says it this way.
    const prefix = `unable to parse ${JSON.stringify(text)}: `;
    const msg = err instanceof Error ? err.message : String(err);
    return {
      error: `error parsing edited-file: error converting YAML to JSON: ${
        msg.startsWith(prefix) ? msg.slice(prefix.length) : msg
      }`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { error: `error parsing edited-file: ${(err as Error).message}` };
  }
  if (value === null) return {};
  const decode = `unable to decode "edited-file": `;
  if (typeof value !== "object" || Array.isArray(value)) {
    const type = Array.isArray(value)
      ? "array"
      : typeof value === "boolean"
      ? "bool"
      : typeof value;
    return {
      error: `${decode}json: cannot unmarshal ${type} into Go value of type unstructured.detector`,
    };
  }
  const obj = value as KubeObject;
  if (typeof obj.kind !== "string" || !obj.kind) {
    return { error: `${decode}Object 'Kind' is missing in '${goJson(value)}'` };
  }
  if (obj.apiVersion && !scheme.forObject(obj)) {
    return {
      error: `resource mapping not found for name: "${obj.metadata?.name ?? ""}" namespace: "${
        obj.metadata?.namespace ?? ""
      }" from "edited-file": no matches for kind "${obj.kind}" in version "${
        obj.apiVersion ?? ""
      }"\nensure CRDs are installed first`,
    };
  }
  return { obj };
}

type Target = ObjectTarget;

async function targetOf(ctx: CommandContext): Promise<Target> {
  const rt = await ctx.runtime();
  const targets = namedTargets(rt.scheme, ctx.args, ctx.namespace);
  if (targets.length > 1) {
    throw new CliError(
      `edit opens one object at a time; ${targets.length} were given`,
    );
  }
  return targets[0];
}

/** The `edit` command. */
export const editCommand: Command = {
  name: "edit",
  summary: "Edit a resource in your editor",
  usage:
    "  edit (TYPE NAME | TYPE/NAME) [-o yaml|json] [--output-patch] [--validate=strict|warn|ignore]\n\n" +
    'The editor is $KUBE_EDITOR, else $EDITOR, else vi; it is run as `sh -c "$EDITOR FILE"`.',
  options: {
    output: { type: "string", short: "o" },
    ...PRINT_FLAGS,
    "output-patch": { type: "boolean" },
    ...VALIDATE_OPTIONS,
  },
  mutates: true,
  async run(ctx) {
    // A bad --validate fails before the editor opens.
    const { fieldValidation } = validateOptions(ctx.flags, ctx.io);
    const output = (ctx.flags.output as string | undefined) ?? "";
    if (output !== "" && output !== "yaml" && output !== "json") {
      throw new CliError(
        `unable to match a printer suitable for the output format ${
          JSON.stringify(output)
        }, allowed formats are: json,yaml`,
      );
    }
    const asJson = output === "json";
    const { kind, name, namespace } = await targetOf(ctx);
    const rt = await ctx.runtime();
    const current = await rt.client.get(kind, name, { namespace });
    const resource = resourceString(kind);
    const editor = editorCommand(ctx.io);
    const render = (obj: KubeObject) =>
      asJson
        ? printNamed(obj, "json", (o) => rt.scheme.forObject(o), ctx.io.now())
        : toKubectlYaml(obj);
    const stored = (file: string) =>
      ctx.io.stderr(`A copy of your changes has been stored to ${JSON.stringify(file)}\n`);

    let reasons: EditReason[] = [];
    let containsError = false;
    let original = "";
    let edited = "";
    let previous = ""; // the file of the previous round, kept until this one is read
    for (;;) {
      let text = asJson ? "" : editHeader(reasons);
      if (!containsError) {
        text += await render(current);
        original = text;
      } else {
        text += manualStrip(edited);
      }
      const file = await Deno.makeTempFile({
        prefix: `${ctx.cli.name}-edit-`,
        suffix: asJson ? ".json" : ".yaml",
      });
      await Deno.writeTextFile(file, text);
      const editedBefore = edited;
      try {
        await launch(editor, file);
        edited = await Deno.readTextFile(file);
      } catch (err) {
        await Deno.remove(file).catch(() => {});
        if (previous) stored(previous);
        throw err;
      }
      if (containsError && stripComments(editedBefore) === stripComments(edited)) {
        if (previous) await Deno.remove(previous).catch(() => {});
        stored(file);
        throw new CliError("Edit cancelled, no valid changes were saved.");
      }
      if (previous) await Deno.remove(previous).catch(() => {});
      previous = file;
      // kubectl validates the file before anything else (even before "no changes made").
      const invalid = fieldValidation === "Ignore" ? undefined : await editValidationError(edited);
      if (invalid !== undefined) {
        ctx.io.stderr(`error: ${resource} ${JSON.stringify(name)} is invalid\n`);
        reasons = [{
          head: `${resource} ${JSON.stringify(name)} was not valid`,
          other: [`<nil>: Invalid value: "The edited file failed validation": ${invalid}`],
        }];
        containsError = true;
        continue;
      }
      if (stripComments(original) === stripComments(edited)) {
        await Deno.remove(file);
        ctx.io.stderr("Edit cancelled, no changes made.\n");
        return 0;
      }
      if (!hasLines(edited)) {
        await Deno.remove(file);
        ctx.io.stderr("Edit cancelled, saved file was empty.\n");
        return 0;
      }
      reasons = [];
      const parsed = await parseEdited(edited, rt.scheme);
      if (parsed.error !== undefined) {
        containsError = true;
        reasons.push({ head: `The edited file had a syntax error: ${parsed.error}`, other: [] });
        continue;
      }
      containsError = false;
      if (!parsed.obj) {
        // A null document: kubectl finds no objects, so nothing to send.
        await Deno.remove(file);
        return 0;
      }
      const obj = parsed.obj;
      const editedNs = obj.metadata?.namespace;
      if (namespace !== undefined && editedNs && editedNs !== namespace) {
        stored(file);
        throw new CliError(
          `the namespace from the provided object ${JSON.stringify(editedNs)} does not match ` +
            `the namespace ${JSON.stringify(namespace)}. You must pass ` +
            `'--namespace=${editedNs}' to perform this operation.`,
        );
      }
      if (
        obj.apiVersion !== current.apiVersion || obj.kind !== current.kind ||
        obj.metadata?.name !== current.metadata.name
      ) {
        stored(file);
        throw new CliError("At least one of apiVersion, kind and name was changed");
      }
      if (jsonEqual(obj, current)) {
        await Deno.remove(file);
        ctx.io.stdout(`${kindLabel(kind)}/${name} skipped\n`);
        return 0;
      }
      // As kubectl: send what the user changed as a patch (strategic for kinds with patch
      // metadata, JSON merge otherwise), so changes made meanwhile by others are kept; a
      // resourceVersion edited by the user goes into the patch and is checked.
      const strategic = kind.patchMeta !== undefined;
      const patch = strategic
        ? createTwoWayStrategicMergePatch(current, obj, kind.patchMeta)
        : createMergePatch(current, obj);
      if (ctx.flags["output-patch"]) {
        ctx.io.stdout(`Patch: ${JSON.stringify(patch)}\n`);
      }
      let updated: KubeObject;
      try {
        updated = await rt.client.patch(kind, name, patch, {
          namespace,
          type: strategic ? "strategic" : "merge",
          ...validateOptions(ctx.flags, ctx.io),
        });
      } catch (err) {
        if (!(err instanceof ApiError)) {
          stored(file);
          throw err;
        }
        if (err.reason === "Invalid") {
          ctx.io.stderr(`error: ${resource} ${JSON.stringify(name)} is invalid\n`);
          reasons.push({
            head: `${resource} ${JSON.stringify(name)} was not valid`,
            other: (err.status.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`),
          });
          containsError = true;
          continue;
        }
        if (err.reason === "NotFound") {
          ctx.io.stderr(
            `error: ${resource} ${JSON.stringify(name)} could not be found on the server\n` +
              `The edits you made on deleted resources have been saved to ${
                JSON.stringify(file)
              }\n`,
          );
          return 1;
        }
        // Any other failure (a Conflict over a resourceVersion the user edited, a refusal): as
        // kubectl, the file is kept and `replace -f` proposed; exit code 1 with nothing more.
        ctx.io.stderr(
          `error: ${resource} ${JSON.stringify(name)} could not be patched: ${err.message}\n` +
            `You can run \`${ctx.cli.name} replace -f ${file}\` to try this update again.\n`,
        );
        return 1;
      }
      await Deno.remove(file);
      if (output) {
        ctx.io.stdout(
          await printNamed(
            updated,
            output,
            (o) => rt.scheme.forObject(o),
            ctx.io.now(),
            printFlags(ctx.flags),
          ),
        );
      } else {
        ctx.io.stdout(`${kindLabel(kind)}/${name} edited\n`);
      }
      return 0;
    }
  },
};
