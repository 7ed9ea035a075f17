/**
 * `delete`: by type and names, `type/name`, `-l`, `--all`, with
 * `--cascade=background|foreground|orphan`, as kubectl's.
 *
 * @module
 */
import type { FlagSpec } from "../flags.ts";
import { FIELD_SELECTOR_FLAG } from "./read_flags.ts";
import { ApiError, isNotFound } from "../../src/apimachinery/errors.ts";
import type { PropagationPolicy } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError, formatError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { kindLabel, listError, noResourcesError, parseResourceArgs } from "../resources.ts";
import { progress } from "../progress.ts";
import { parseGoDuration, waitForDeletion, type WaitTarget } from "./wait.ts";
import { DRY_RUN_FLAG } from "../kit.ts";

/** `--cascade` of the verbs that delete (bare: background), in kubectl's words. */
export const CASCADE_FLAG: FlagSpec = {
  type: "string",
  noValue: "background",
  description: 'Must be "background", "orphan", or "foreground". Selects the deletion cascading ' +
    "strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to " +
    "background.",
  defaultText: "'background'",
};

/** kubectl's `--cascade` (bare: background), or its error for another value. */
export function cascade(ctx: CommandContext): PropagationPolicy {
  // A bare --cascade is --cascade=background (pflag's NoOptDefVal).
  const v = (ctx.flags.cascade as string | undefined) ?? "background";
  switch (v) {
    case "background":
    case "true":
      return "Background";
    case "foreground":
      return "Foreground";
    case "orphan":
    case "false":
      return "Orphan";
    default:
      throw new CliError(
        `invalid cascade value (${v}). Must be "background", "foreground", or "orphan"`,
      );
  }
}

/**
 * kubectl's grace period from `--grace-period`, `--now` and `--force` (-1:
 * the object's default): `--grace-period=0` alone becomes 1, `--force` alone
 * 0 (with kubectl's warning); contradictory combinations are refused.
 */
function gracePeriod(ctx: CommandContext): number {
  let grace = (ctx.flags["grace-period"] as number | undefined) ?? -1;
  const force = ctx.flags.force === true;
  if (ctx.flags.now === true) {
    if (grace !== -1) throw new CliError("--now and --grace-period cannot be specified together");
    grace = 1;
  }
  if (grace === 0 && !force) grace = 1;
  if (force && grace < 0) grace = 0;
  if (grace === 0 && force) {
    ctx.io.stderr(
      "Warning: Immediate deletion does not wait for confirmation that the running resource " +
        "has been terminated. The resource may continue to run on the cluster indefinitely.\n",
    );
  } else if (grace > 0 && force) {
    throw new CliError("--force and --grace-period greater than 0 cannot be specified together");
  }
  return grace;
}

/** One object to delete. */
export interface DeleteTarget {
  /** Its kind. */
  kind: Kind;
  /** Its name. */
  name: string;
  /** Its namespace, for namespaced kinds. */
  namespace?: string;
  /** The file it was read from (`-f`), named in errors as kubectl does. */
  source?: string;
}

/**
 * The server's error with the file it concerns, as kubectl's
 * `AddSourceToErr` words it: `error when <verb> "<source>": <message>`.
 */
export function withSource(err: ApiError, verb: string, source: string | undefined): ApiError {
  if (!source) return err;
  return new ApiError({
    ...err.status,
    message: `error when ${verb} ${JSON.stringify(source)}: ${err.status.message}`,
  });
}

/**
 * Deletes targets, printing kubectl's lines; returns the exit code. Shared
 * by `delete TYPE NAME` and `delete -f`.
 */
export async function deleteTargets(ctx: CommandContext, targets: DeleteTarget[]): Promise<number> {
  const rt = await ctx.runtime();
  const policy = cascade(ctx);
  const grace = gracePeriod(ctx);
  const operation = grace === 0 ? "force deleted" : "deleted";
  const byName = ctx.flags.output === "name";
  const dry = ctx.flags["dry-run"] as string | undefined;
  if (dry !== undefined && !["none", "client", "server"].includes(dry)) {
    throw new CliError(`Invalid dry-run value (${dry}). Must be "none", "server", or "client".`);
  }
  // As client-go: an object without a name is refused before anything is deleted.
  const nameless = targets.find((t) => !t.name);
  if (nameless) {
    throw new CliError(
      nameless.source
        ? `error when deleting "${nameless.source}": resource name may not be empty`
        : "resource name may not be empty",
    );
  }
  let code = 0;
  const deleted: WaitTarget[] = [];
  const bar = progress(ctx.io, "deleting", targets.length);
  for (const t of targets) {
    bar.clear();
    try {
      // A client dry run does not ask the server about named objects (kubectl's builder does
      // not fetch them), so a missing one is "deleted (dry run)" too.
      if (dry !== "client") {
        await rt.client.delete(t.kind, t.name, {
          namespace: t.namespace,
          propagationPolicy: policy,
          dryRun: dry === "server",
          // No kind here deletes gracefully (no pods): the grace period changes only the words.
        });
      }
      const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
      ctx.io.stdout(
        byName
          ? `${kindLabel(t.kind)}/${t.name}\n`
          : `${kindLabel(t.kind)} "${t.name}" ${operation}${suffix}\n`,
      );
      if (!dry || dry === "none") deleted.push(t);
      bar.tick();
    } catch (err) {
      if (isNotFound(err) && ctx.flags["ignore-not-found"]) continue;
      if (!(err instanceof ApiError)) throw err;
      ctx.io.stderr(formatError(withSource(err, "deleting", t.source)) + "\n");
      code = 1;
    }
  }
  bar.done();
  // kubectl waits for deleted objects to be gone (finalizers, foreground cascades) unless --wait=false.
  if (ctx.flags.wait !== false && deleted.length) {
    const text = (ctx.flags.timeout as string | undefined) ?? "0s";
    await waitForDeletion(ctx, deleted, { timeoutMs: parseGoDuration(text) });
  }
  return code;
}

/** The `delete` command; `-f` is handled by `deleteFromFiles`. */
export function deleteCommand(
  deleteFromFiles: (ctx: CommandContext) => Promise<number | void>,
): Command {
  return {
    name: "delete",
    summary:
      "Delete resources by file names, stdin, resources and names, or by resources and label selector",
    usage:
      "  delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [--cascade=background|foreground|orphan]\n" +
      "        [--grace-period=-1] [--force] [--now] [-o name]",
    options: {
      selector: { type: "string", short: "l" },
      "field-selector": FIELD_SELECTOR_FLAG,
      all: { type: "boolean" },
      "all-namespaces": { type: "boolean", short: "A" },
      cascade: CASCADE_FLAG,
      "grace-period": { type: "int" },
      force: { type: "boolean" },
      now: { type: "boolean" },
      output: { type: "string", short: "o" },
      "ignore-not-found": { type: "boolean" },
      "dry-run": DRY_RUN_FLAG,
      wait: { type: "boolean" },
      timeout: { type: "string" },
      filename: { type: "string", short: "f", multiple: true },
      recursive: { type: "boolean", short: "R" },
    },
    mutates: true,
    async run(ctx) {
      cascade(ctx); // kubectl checks the flags before it reads or deletes anything
      const output = ctx.flags.output as string | undefined;
      if (output !== undefined && output !== "" && output !== "name") {
        throw new CliError(`unexpected -o output mode: ${output}. We only support '-o name'`);
      }
      if (ctx.flags.filename) return await deleteFromFiles(ctx);
      const rt = await ctx.runtime();
      if (ctx.args.length === 0) throw noResourcesError();
      const selection = parseResourceArgs(rt.scheme, ctx.args);
      const selector = ctx.flags.selector as string | undefined;
      const fieldSelector = ctx.flags["field-selector"] as string | undefined;
      const everything = ctx.flags.all === true;
      const targets: DeleteTarget[] = [];
      for (const { kind, names } of selection) {
        const namespace = kind.scope === "Namespaced" ? ctx.namespace : undefined;
        if (names.length) {
          if (selector || fieldSelector || everything) {
            throw new CliError("name cannot be provided when a selector is specified");
          }
          targets.push(...names.map((name) => ({ kind, name, namespace })));
          continue;
        }
        if (!selector && !fieldSelector && !everything) {
          throw new CliError(
            "resource(s) were provided, but no name was specified",
          );
        }
        const list = await rt.client.list(kind, {
          namespace: ctx.flags["all-namespaces"] ? undefined : namespace,
          labelSelector: selector,
          fieldSelector,
        }).catch((err) => {
          throw listError(err, kind, selector ?? "", fieldSelector ?? "");
        });
        targets.push(...list.items.map((o) => ({
          kind,
          name: o.metadata.name!,
          namespace: o.metadata.namespace,
        })));
      }
      if (targets.length === 0) {
        ctx.io.stdout("No resources found\n");
        return 0;
      }
      return await deleteTargets(ctx, targets);
    },
  };
}
