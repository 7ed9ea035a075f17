/**
 * `replace -f FILE|DIR|-` (`-R`): kubectl's replace — a PUT of the whole
 * object, which must exist. With `--force`, the objects are deleted, waited
 * for until they are gone, and created again.
 *
 * As kubectl's `resource.Helper.Replace`: an object without a
 * resourceVersion gets the live one (an unconditional overwrite); one with a
 * resourceVersion is replaced only at that version (a stale one conflicts).
 * `--save-config` writes the last-applied-configuration annotation from the
 * file's object, as `create --save-config` and `apply` do; without it, an
 * annotation the file already carries is brought up to date (kubectl's
 * `CreateOrUpdateAnnotation`).
 *
 * @module
 */
import { PRINT_FLAGS } from "./read_flags.ts";
import { clientValidates, validateOptions } from "../validate.ts";
import { ApiError, isNotFound } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { CliError, formatError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import {
  DELETE_TIMEOUT,
  DRY_RUN,
  FORCE,
  GRACE_PERIOD,
  OUTPUT,
  RECURSIVE,
  VALIDATE,
  WAIT_FOR_DELETION,
} from "./apply.ts";
import { kindLabel } from "../resources.ts";
import { LAST_APPLIED_ANNOTATION, withLastApplied } from "../apply.ts";
import { resultPrinter } from "./create.ts";
import { cascade, CASCADE_FLAG, withSource } from "./delete.ts";
import { type ResolvedManifest, resolveManifests, resolveManifestsLeniently } from "./files.ts";
import { parseGoDuration, waitForDeletion, type WaitTarget } from "./wait.ts";
import { type DryRun, parseDryRun } from "../flags.ts";

/** kubectl replace's field manager. */
const FIELD_MANAGER = "kubectl-replace";

/** How long `--force` waits for the deleted objects to be gone without `--timeout` (kubectl's). */
const FORCE_WAIT_MS = 5 * 60_000;

function dryRunOf(ctx: CommandContext): DryRun {
  return parseDryRun(ctx.flags["dry-run"]);
}

/**
 * The object as kubectl sends it: its namespace filled in (the builder's
 * default namespace), and the last-applied annotation written with
 * `--save-config` or refreshed when the file has one.
 */
function toSend(m: ResolvedManifest, saveConfig: boolean): KubeObject {
  const obj = structuredClone(m.object) as KubeObject;
  obj.metadata ??= {};
  if (m.namespace !== undefined) obj.metadata.namespace = m.namespace;
  const had = obj.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (saveConfig || (had !== undefined && had !== "")) return withLastApplied(obj);
  return obj;
}

/** The `replace` command. */
export const replaceCommand: Command = {
  name: "replace",
  summary: "Replace a resource by file name or stdin",
  long: "Replace a resource by file name or stdin.\n\n" +
    " JSON and YAML formats are accepted. If replacing an existing resource, the complete resource spec must be provided. This can be obtained by\n\n" +
    "        $ k1s get TYPE NAME -o yaml",
  examples: "# Replace a config map using the data in configmap.json\n" +
    "k1s replace -f ./configmap.json\n\n" +
    "# Replace a config map based on the JSON passed into stdin\n" +
    "cat configmap.json | k1s replace -f -\n\n" +
    "# Update a config map's key mode to fast\n" +
    "k1s get configmap settings -o yaml | sed 's/\\(mode:\\).*$/\\1 fast/' | k1s replace -f -\n\n" +
    "# Force replace, delete and then re-create the resource\n" +
    "k1s replace --force -f ./configmap.json",
  usage: "replace -f FILENAME",
  options: {
    cascade: CASCADE_FLAG,
    "dry-run": DRY_RUN,
    "field-manager": {
      type: "string",
      description: "Name of the manager used to track field ownership.",
      defaultText: "'kubectl-replace'",
    },
    filename: {
      type: "string",
      short: "f",
      multiple: true,
      description: "The files that contain the configurations to replace.",
    },
    force: FORCE,
    "grace-period": GRACE_PERIOD,
    output: OUTPUT,
    ...PRINT_FLAGS,
    recursive: RECURSIVE,
    "save-config": {
      type: "boolean",
      description:
        "If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform k1s apply on this object in the future.",
    },
    timeout: DELETE_TIMEOUT,
    validate: VALIDATE,
    wait: WAIT_FOR_DELETION,
  },
  mutates: true,
  async run(ctx) {
    // kubectl's Complete, then Validate, in its order.
    const validation = validateOptions(ctx.flags, ctx.io);
    const dry = dryRunOf(ctx);
    const print = resultPrinter(ctx);
    const policy = cascade(ctx);
    const force = ctx.flags.force === true;
    if (!ctx.flags.filename) throw new CliError("must specify one of -f and -k");
    const grace = (ctx.flags["grace-period"] as number | undefined) ?? -1;
    if (grace >= 0 && !force) throw new CliError("--grace-period must have --force specified");
    const timeoutText = ctx.flags.timeout as string | undefined;
    const timeoutMs = timeoutText === undefined ? 0 : parseGoDuration(timeoutText);
    if (timeoutMs !== 0 && !force) throw new CliError("--timeout must have --force specified");
    if (force && dry !== "none") {
      throw new CliError("--dry-run can not be used when --force is set");
    }
    const fieldManager = (ctx.flags["field-manager"] as string | undefined) ?? FIELD_MANAGER;
    const saveConfig = ctx.flags["save-config"] === true;
    const rt = await ctx.runtime();
    // As kubectl: without --force the objects it could map are replaced and the others reported
    // after them; --force deletes nothing unless every object is known.
    const read = { validate: clientValidates(ctx.flags) };
    const { resolved: manifests, problems } = force
      ? { resolved: await resolveManifests(ctx, read), problems: [] }
      : await resolveManifestsLeniently(ctx, read);
    // As client-go: an object without a name is refused before anything is written.
    const nameless = manifests.find((m) => !m.object.metadata.name);
    if (nameless && dry !== "client") {
      throw new CliError(
        `error when replacing "${nameless.source}": resource name may not be empty`,
      );
    }
    const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
    const line = (obj: KubeObject, m: ResolvedManifest) =>
      print(obj, m.kind, `${kindLabel(m.kind)}/${m.object.metadata.name} replaced${suffix}`);
    let code = 0;
    const failed = (err: unknown, verb: string, source: string) => {
      if (!(err instanceof ApiError)) throw err;
      ctx.io.stderr(formatError(withSource(err, verb, source)) + "\n");
      code = 1;
    };

    if (force) {
      // Delete (a missing object is no error: replace --force creates it), wait until gone, create.
      if (manifests.length === 0) {
        ctx.io.stdout("No resources found\n");
        throw new CliError("no objects passed to replace");
      }
      const byName = ctx.flags.output === "name";
      const gone: WaitTarget[] = [];
      for (const m of manifests) {
        const name = m.object.metadata.name ?? "";
        try {
          await rt.client.delete(m.kind, name, {
            namespace: m.namespace,
            propagationPolicy: policy,
          });
          ctx.io.stdout(
            byName ? `${kindLabel(m.kind)}/${name}\n` : `${kindLabel(m.kind)} "${name}" deleted\n`,
          );
        } catch (err) {
          if (!isNotFound(err)) failed(err, "deleting", m.source);
        }
        gone.push({ kind: m.kind, name, namespace: m.namespace });
      }
      if (code !== 0) return code;
      await waitForDeletion(ctx, gone, { timeoutMs: timeoutMs || FORCE_WAIT_MS });
      for (const m of manifests) {
        try {
          const created = await rt.client.create(m.kind, toSend(m, saveConfig), {
            namespace: m.namespace,
            fieldManager,
            ...validation,
          });
          ctx.io.stdout(await line(created, m));
        } catch (err) {
          // kubectl returns the create's error as it is, without the file.
          if (!(err instanceof ApiError)) throw err;
          ctx.io.stderr(formatError(err) + "\n");
          code = 1;
        }
      }
      return code;
    }

    for (const m of manifests) {
      const obj = toSend(m, saveConfig);
      if (dry === "client") {
        ctx.io.stdout(await line(obj, m));
        continue;
      }
      try {
        const name = obj.metadata.name ?? "";
        if (!obj.metadata.resourceVersion) {
          // kubectl's Helper.Replace: overwrite whatever is stored, at its resourceVersion.
          try {
            const live = await rt.client.get(m.kind, name, { namespace: m.namespace });
            obj.metadata.resourceVersion = live.metadata.resourceVersion;
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
        const replaced = await rt.client.update(m.kind, obj, {
          namespace: m.namespace,
          dryRun: dry === "server",
          fieldManager,
          ...validation,
        });
        ctx.io.stdout(await line(replaced, m));
      } catch (err) {
        failed(err, "replacing", m.source);
      }
    }
    if (problems.length === 0) return code;
    // After a server's error the problems are lines of an aggregate; alone, one is an error.
    if (code === 0 && problems.length === 1) ctx.io.stderr(`error: ${problems[0]}\n`);
    else for (const p of problems) ctx.io.stderr(`${p}\n`);
    return 1;
  },
};
