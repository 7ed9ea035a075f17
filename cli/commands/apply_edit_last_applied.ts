/**
 * `apply edit-last-applied (TYPE/NAME | TYPE NAME | -f FILE)`: the
 * last-applied-configuration annotations of live objects open in
 * `$KUBE_EDITOR` / `$EDITOR` (default `vi`), as YAML (or JSON with `-o json`;
 * several objects as a `List`); what is saved becomes the annotation, set with
 * a merge patch and nothing else changed, as kubectl's edit in its
 * `edit_last_applied_mode` does it (its quirks included: the saved objects
 * are compared with the first original, and the annotation is compact JSON
 * without a final newline). A file that does not parse reopens with the
 * error at the top.
 *
 * @module
 */
import { goJson } from "../../src/apimachinery/jsonpath.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { LAST_APPLIED_ANNOTATION } from "../apply.ts";
import { CliError } from "../errors.ts";
import type { CommandContext } from "../kit.ts";
import { printNamed } from "../printers/mod.ts";
import { toKubectlYaml } from "../printers/yaml.ts";
import { kindLabel, namedTargets } from "../resources.ts";
import { validateOptions } from "../validate.ts";
import { editorCommand, hasLines, launch, stripComments } from "./edit.ts";
import { resolveManifests } from "./files.ts";
import { patchBody } from "./patch.ts";

/** The comment kubectl puts at the top of the annotations to edit. */
const HEADER = "# Please edit the 'last-applied-configuration' annotations below.\n" +
  "# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.\n#\n";

/** A live object with its annotation parsed. */
interface Annotated {
  kind: Kind;
  live: KubeObject;
  config: KubeObject;
}

/** The live objects the arguments or `-f` name, with their annotations. */
async function annotated(ctx: CommandContext, args: string[]): Promise<Annotated[]> {
  const rt = await ctx.runtime();
  let targets: { kind: Kind; name: string; namespace?: string }[];
  if (ctx.flags.filename) {
    if (args.length > 0) {
      throw new CliError(
        "when paths, URLs, or stdin is provided as input, you may not specify resource " +
          "arguments as well",
      );
    }
    targets = (await resolveManifests(ctx)).map((m) => ({
      kind: m.kind,
      name: m.object.metadata.name!,
      namespace: m.namespace,
    }));
  } else {
    targets = namedTargets(rt.scheme, args, ctx.namespace);
  }
  const out: Annotated[] = [];
  for (const t of targets) {
    const live = await rt.client.get(t.kind, t.name, { namespace: t.namespace });
    const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
    if (text === undefined) continue;
    out.push({ kind: t.kind, live, config: JSON.parse(text) as KubeObject });
  }
  if (out.length === 0) {
    throw new CliError(
      "no last-applied-configuration annotation found on resources, to create the " +
        `annotation, use command \`${ctx.cli.name} apply set-last-applied --create-annotation\``,
    );
  }
  return out;
}

/** The saved text as objects (a `List` flattened), or kubectl's syntax error. */
async function parseSaved(text: string): Promise<KubeObject[] | string> {
  let value: unknown;
  try {
    value = JSON.parse(await patchBody(text));
  } catch (err) {
    return `error converting YAML to JSON: ${(err as Error).message}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "Object 'Kind' is missing in 'edited-file'";
  }
  const obj = value as KubeObject & { items?: KubeObject[] };
  if (!obj.kind) return "Object 'Kind' is missing in 'edited-file'";
  if (obj.kind === "List" || (obj.kind.endsWith("List") && Array.isArray(obj.items))) {
    return obj.items ?? [];
  }
  return [obj];
}

/** `apply edit-last-applied`. */
export async function editLastApplied(ctx: CommandContext, args: string[]): Promise<number> {
  const validation = validateOptions(ctx.flags, ctx.io);
  const output = (ctx.flags.output as string | undefined) ?? "";
  const asJson = output === "json";
  const crlf = ctx.flags["windows-line-endings"] === true;
  const fieldManager = (ctx.flags["field-manager"] as string | undefined) ??
    "kubectl-client-side-apply";
  const objects = await annotated(ctx, args);
  const rt = await ctx.runtime();
  const shown: KubeObject = objects.length === 1 ? objects[0].config : {
    apiVersion: "v1",
    kind: "List",
    metadata: {},
    items: objects.map((o) => o.config),
  } as unknown as KubeObject;
  const body = asJson
    ? await printNamed(shown, "json", () => undefined, ctx.io.now())
    : toKubectlYaml(shown);
  const editor = editorCommand(ctx.io);
  let reasons: string[] = [];
  let saved = "";
  for (;;) {
    let text = HEADER + reasons.map((r) => `# ${r.replace(/\n/g, "\n# ")}\n#\n`).join("") +
      (reasons.length ? stripComments(saved) : body);
    if (crlf) text = text.replace(/\r?\n/g, "\r\n");
    const file = await Deno.makeTempFile({
      prefix: `${ctx.cli.name}-edit-`,
      suffix: asJson ? ".json" : ".yaml",
    });
    await Deno.writeTextFile(file, text);
    const before = saved;
    await launch(editor, file);
    saved = (await Deno.readTextFile(file)).replace(/\r\n/g, "\n");
    if (reasons.length && stripComments(before) === stripComments(saved)) {
      ctx.io.stderr(`A copy of your changes has been stored to ${JSON.stringify(file)}\n`);
      throw new CliError("Edit cancelled, no valid changes were saved.");
    }
    if (stripComments(body) === stripComments(saved)) {
      await Deno.remove(file);
      ctx.io.stderr("Edit cancelled, no changes made.\n");
      return 0;
    }
    if (!hasLines(saved)) {
      await Deno.remove(file);
      ctx.io.stderr("Edit cancelled, saved file was empty.\n");
      return 0;
    }
    const parsed = await parseSaved(saved);
    if (typeof parsed === "string") {
      reasons = [`The edited file had a syntax error: ${parsed}`];
      continue;
    }
    await Deno.remove(file);
    for (const edited of parsed) {
      const kind = rt.scheme.forObject(edited);
      const name = edited.metadata?.name;
      if (!kind || !name) throw new CliError(`no original object found for ${goJson(edited)}`);
      const namespace = kind.scope === "Namespaced" ? ctx.namespace : undefined;
      const own = edited.metadata.namespace;
      if (namespace !== undefined && own && own !== namespace) {
        throw new CliError(
          `the namespace from the provided object ${JSON.stringify(own)} does not match the ` +
            `namespace ${JSON.stringify(namespace)}. You must pass '--namespace=${own}' to ` +
            "perform this operation.",
        );
      }
      if (namespace !== undefined) edited.metadata.namespace = namespace;
      // kubectl compares each saved object with the first original (both have no uid).
      let operation = "skipped";
      if (goJson(objects[0].config) !== goJson(edited)) {
        await rt.client.patch(
          kind,
          name,
          { metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: goJson(edited) } } },
          { namespace, type: "merge", fieldManager, ...validation },
        );
        operation = "edited";
      }
      if (output === "json" || output === "yaml") {
        ctx.io.stdout(await printNamed(edited, output, () => kind, ctx.io.now()));
      } else {
        const label = `${kindLabel(kind)}/${name}`;
        ctx.io.stdout(output === "name" ? `${label}\n` : `${label} ${operation}\n`);
      }
    }
    return 0;
  }
}
