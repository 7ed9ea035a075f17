/**
 * `apply -f`: kubectl's client-side apply of the objects of files, object by
 * object, then the prune of what an earlier apply created and this one did
 * not (`--prune`). `-l` also picks the objects of the files to apply, as
 * kubectl's builder does; `--force` deletes and re-creates an object whose
 * patch is refused; `--cascade`, `--grace-period`, `--timeout` and `--wait`
 * are kubectl's delete flags, for those deletions.
 *
 * @module
 */
import { ApiError, isNotFound } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import { parseDryRun } from "../flags.ts";
import type { CommandContext } from "../kit.ts";
import { printObjects } from "../printers/mod.ts";
import { kindLabel } from "../resources.ts";
import { validateOptions } from "../validate.ts";
import { resultPrinter } from "./create.ts";
import { cascade, withSource } from "./delete.ts";
import { forEachManifest } from "./files.ts";
import { parseGoDuration } from "./wait.ts";

/** How long `--force` waits for a deleted object to be gone with `--timeout=0s`. */
const FORCE_WAIT_MS = 30_000;

/** kubectl's `--timeout` of apply's delete flags, in ms (0: unset). */
export function deleteTimeoutMs(ctx: CommandContext): number {
  const text = ctx.flags.timeout as string | undefined;
  if (text === undefined) return 0;
  try {
    return parseGoDuration(text);
  } catch (err) {
    // A flag error, as pflag's duration flag reports it.
    throw new CliError(
      `invalid argument "${text}" for "--timeout" flag: ${(err as Error).message}`,
      { hint: `See '${ctx.cli.name} apply --help' for usage.` },
    );
  }
}

/** `apply -f`: kubectl's client-side apply, object by object, then `--prune`. */
export async function applyFromFiles(ctx: CommandContext): Promise<number> {
  const dry = parseDryRun(ctx.flags["dry-run"]);
  const validation = validateOptions(ctx.flags, ctx.io);
  // `-o`: kubectl's printer for what apply did (checked before anything is written). Except
  // for `-o name`, kubectl prints the applied objects together at the end: one as itself,
  // several as a List.
  const print = resultPrinter(ctx);
  const output = (ctx.flags.output as string | undefined) ?? "";
  const together = output !== "" && output !== "name";
  const propagationPolicy = cascade(ctx);
  const timeoutMs = deleteTimeoutMs(ctx);
  if (dry === "server" && ctx.flags.force === true) {
    throw new CliError("--dry-run=server cannot be used with --force");
  }
  // `--prune` (checked before anything is written) and `-l`.
  const { prune, prunePlan } = await import("./apply_prune.ts");
  const plan = await prunePlan(ctx);
  const rt = await ctx.runtime();
  const applied: { object: KubeObject; kind: Kind }[] = [];
  const fieldManager = ctx.flags["field-manager"] as string | undefined;
  const { applyObject, applyFailureOf, applyWarningOf } = await import("../apply.ts");
  const selectorText = ctx.flags.selector as string | undefined;
  const selector = selectorText
    ? (await import("../../src/apimachinery/labels.ts")).parseLabelSelector(selectorText)
    : undefined;
  const visited = {
    uids: new Set<string>(),
    namespaces: new Set<string>(ctx.namespaceGiven ? [ctx.namespace] : []),
  };
  const code = await forEachManifest(ctx, "apply", async (m) => {
    if (selector && !selector.matches(m.object.metadata.labels)) return "";
    if (m.namespace !== undefined) visited.namespaces.add(m.namespace);
    const name = m.object.metadata.name;
    const label = `${kindLabel(m.kind)}/${name}`;
    if (dry === "client" && !together) {
      // kubectl reads the live object: absent, it would be created; present, configured.
      let line: string;
      try {
        const live = await rt.client.get(m.kind, name ?? "", { namespace: m.namespace });
        if (live.metadata.uid) visited.uids.add(live.metadata.uid);
        line = `${label} configured (dry run)`;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        line = `${label} created (dry run)`;
      }
      return await print(m.object, m.kind, line);
    }
    let r;
    try {
      r = await applyObject(rt.client, m.kind, { object: m.object }, {
        namespace: m.namespace,
        // A client dry run printing objects: the server computes them without storing.
        dryRun: dry === "server" || dry === "client",
        ...validation,
        ...(fieldManager ? { fieldManager } : {}),
        force: ctx.flags.force === true,
        forceTimeoutMs: timeoutMs || FORCE_WAIT_MS,
        propagationPolicy,
        // The controllers run while it waits (a foreground deletion needs them).
        waitForDeletion: async (target) => {
          const { waitForDeletion } = await import("./wait.ts");
          await waitForDeletion(ctx, [target], { timeoutMs: timeoutMs || FORCE_WAIT_MS });
        },
      });
    } catch (err) {
      // kubectl warns of a missing annotation before it patches, whatever the patch does.
      const warning = applyWarningOf(err);
      if (warning) ctx.io.stderr(`Warning: ${warning}\n`);
      const failure = applyFailureOf(err);
      if (!(err instanceof ApiError) || !failure) throw err;
      if (failure.step === "creating") throw withSource(err, "creating", m.source);
      // kubectl's applyOneObject and Patcher both add the source to a failed patch.
      const { group, version, plural, kind } = m.kind;
      throw withSource(
        withSource(err, "patching", m.source),
        `applying patch:\n${failure.patch}\nto:\n` +
          `Resource: "${group}/${version}, Resource=${plural}", ` +
          `GroupVersionKind: "${group}/${version}, Kind=${kind}"\n` +
          `Name: ${JSON.stringify(name)}, Namespace: ${JSON.stringify(m.namespace ?? "")}\nfor:`,
        m.source,
      );
    }
    if (r.warning) ctx.io.stderr(`Warning: ${r.warning}\n`);
    if (r.object.metadata.uid) visited.uids.add(r.object.metadata.uid);
    if (together) {
      let object = r.object;
      if (dry === "client" && r.operation === "created") {
        // kubectl builds a new object itself in a client dry run: no server-set fields.
        const { creationTimestamp: _c, uid: _u, resourceVersion: _r, generation: _g, ...meta } =
          object.metadata;
        object = { ...object, metadata: meta };
      }
      applied.push({ object, kind: m.kind });
      return "";
    }
    return await print(
      r.object,
      m.kind,
      `${label} ${r.operation}${dry === "server" ? " (server dry run)" : ""}`,
    );
  });
  if (together && applied.length > 0) {
    const kinds = new Map(applied.map((a) => [a.object, a.kind]));
    ctx.io.stdout(
      await printObjects(applied.map((a) => a.object), {
        output,
        kindOf: (o) => kinds.get(o),
        singleItemImplied: applied.length === 1,
      }),
    );
  }
  // kubectl prunes only after an apply without errors.
  if (plan && code === 0) {
    await prune(ctx, rt, plan, visited, {
      propagationPolicy,
      wait: ctx.flags.wait === true,
      timeoutMs,
    });
  }
  return code;
}
