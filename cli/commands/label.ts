/**
 * `label` and `annotate`: kubectl's `TYPE NAME... key=value key-` with
 * `--overwrite`, `--all`, `-l`, `--list`, `--dry-run` and `--resource-version`.
 *
 * Each object is read, changed, and written back as a merge patch that
 * carries the resourceVersion it was read at, so a concurrent change
 * conflicts instead of being clobbered; conflicts are retried on fresh state
 * (not with `--resource-version`, which is the user's own precondition).
 *
 * @module
 */

import { listError } from "../resources.ts";
import { FIELD_SELECTOR_FLAG, outputOf, PRINT_FLAGS, printFlags } from "./read_flags.ts";
import { isConflict } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { isValidLabelValue } from "../../src/apimachinery/validation.ts";
import { goJson } from "../../src/apimachinery/jsonpath.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { kindPrefix, OUTPUT_FORMATS, PrintError, printNamed } from "../printers/mod.ts";
import { kindFromObject } from "../printers/table.ts";
import { kindLabel, parseResourceArgs } from "../resources.ts";
import { resolveManifests } from "./files.ts";
import { type DryRun, dryRunSuffix, parseDryRun } from "./patch.ts";
import { DRY_RUN_FLAG } from "../kit.ts";

/** How often a label or annotation write is retried on a conflict. */
const MAX_ATTEMPTS = 5;

/** Changes asked for on the command line. */
export interface PairChanges {
  /** Keys to set, with their values. */
  set: Map<string, string>;
  /** Keys to remove (`key-`). */
  remove: string[];
}

/**
 * Splits arguments into resources and `key=value`/`key-` pairs as kubectl's
 * `GetResourcesAndPairs` does: every resource comes before the first pair.
 *
 * @example
 * ```ts
 * import { splitResourcesAndPairs } from "./label.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(splitResourcesAndPairs(["cm", "x", "a=b", "c-"], "label"), {
 *   resources: ["cm", "x"],
 *   pairs: ["a=b", "c-"],
 * });
 * ```
 */
export function splitResourcesAndPairs(
  args: readonly string[],
  pairType: string,
): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const s of args) {
    const pair = (s.includes("=") && s[0] !== "=") || (s.endsWith("-") && s !== "-");
    if (pair) pairs.push(s);
    else if (pairs.length) {
      throw new CliError(`all resources must be specified before ${pairType} changes: ${s}`);
    } else resources.push(s);
  }
  return { resources, pairs };
}

/**
 * Parses label pairs as kubectl does: one `=` per pair, values validated,
 * no key both set and removed.
 *
 * @example
 * ```ts
 * import { parseLabelPairs } from "./label.ts";
 * import assert from "node:assert/strict";
 * const { set, remove } = parseLabelPairs(["app=web", "tier-"]);
 * assert.deepEqual([...set], [["app", "web"]]);
 * assert.deepEqual(remove, ["tier"]);
 * assert.throws(() => parseLabelPairs(["a=b,c=d"]), /invalid label spec: a=b,c=d/);
 * ```
 */
export function parseLabelPairs(pairs: readonly string[]): PairChanges {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const spec of pairs) {
    if (spec.includes("=")) {
      const parts = spec.split("=");
      if (parts.length !== 2) throw new CliError(`invalid label spec: ${spec}`);
      const errs = isValidLabelValue(parts[1]);
      if (errs.length) {
        throw new CliError(`invalid label value: ${JSON.stringify(spec)}: ${errs.join(";")}`);
      }
      set.set(parts[0], parts[1]);
    } else if (spec.endsWith("-")) remove.push(spec.slice(0, -1));
    else throw new CliError(`unknown label spec: ${spec}`);
  }
  if (remove.some((k) => set.has(k))) {
    throw new CliError("can not both modify and remove a label in the same command");
  }
  return { set, remove };
}

/**
 * Parses annotation pairs as kubectl does: the value is everything after the
 * first `=`; no key both set and removed.
 *
 * @example
 * ```ts
 * import { parseAnnotationPairs } from "./label.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...parseAnnotationPairs(["note=a=b"]).set], [["note", "a=b"]]);
 * ```
 */
export function parseAnnotationPairs(
  pairs: readonly string[],
  options: { checkBoth?: boolean } = {},
): PairChanges {
  const set = new Map<string, string>();
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const spec of pairs) {
    const eq = spec.indexOf("=");
    if (eq > 0) set.set(spec.slice(0, eq), spec.slice(eq + 1));
    else if (spec.endsWith("-") && spec !== "-") remove.push(spec.slice(0, -1));
    else invalid.push(spec);
  }
  if (invalid.length) throw new CliError(`invalid annotation format: ${invalid.join(", ")}`);
  const changes = { set, remove };
  if (options.checkBoth !== false) checkAnnotationsNotBoth(changes);
  return changes;
}

/** kubectl's refusal of an annotation both set and removed (checked after the flags). */
function checkAnnotationsNotBoth({ set, remove }: PairChanges): void {
  const both = remove.filter((k) => set.has(k));
  if (both.length) {
    throw new CliError(
      "can not both modify and remove the following annotation(s) in the same command: " +
        both.join(", "),
    );
  }
}

/** What differs between `label` and `annotate`. */
interface Flavor {
  verb: "label" | "annotate";
  field: "labels" | "annotations";
  /** kubectl's refusal to overwrite without `--overwrite`, or undefined. */
  overwriteError(current: Record<string, string>, set: Map<string, string>): string | undefined;
  /** kubectl prints `label "k" not found.` for missing keys; annotate says nothing. */
  notFoundLine?(key: string): string;
}

const LABEL: Flavor = {
  verb: "label",
  field: "labels",
  overwriteError(current, set) {
    const errs = [...set].filter(([k, v]) => k in current && current[k] !== v)
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([k]) => `'${k}' already has a value (${current[k]}), and --overwrite is false`);
    return errs.length === 0 ? undefined : errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
  },
  notFoundLine: (key) => `label ${JSON.stringify(key)} not found.\n`,
};

const ANNOTATE: Flavor = {
  verb: "annotate",
  field: "annotations",
  overwriteError(current, set) {
    const found = [...set]
      .filter(([k, v]) => k !== "kubernetes.io/change-cause" && k in current && current[k] !== v)
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([k]) => `'${k}' already has a value (${current[k]})`);
    return found.length
      ? `--overwrite is false but found the following declared annotation(s): ${found.join("; ")}`
      : undefined;
  },
};

interface Target {
  kind: Kind;
  name: string;
  namespace?: string;
}

async function targetsOf(ctx: CommandContext, resources: string[]): Promise<Target[]> {
  const selector = ctx.flags.selector as string | undefined;
  const fieldSelector = ctx.flags["field-selector"] as string | undefined;
  const everything = ctx.flags.all === true;
  if (ctx.flags.filename) {
    const manifests = await resolveManifests(ctx);
    return manifests.map((m) => ({
      kind: m.kind,
      name: m.object.metadata.name!,
      namespace: m.namespace,
    }));
  }
  const rt = await ctx.runtime();
  const targets: Target[] = [];
  for (const { kind, names } of parseResourceArgs(rt.scheme, resources)) {
    const namespace = kind.scope === "Namespaced" ? ctx.namespace : undefined;
    if (names.length) {
      if (selector || fieldSelector) {
        throw new CliError("name cannot be provided when a selector is specified");
      }
      targets.push(...names.map((name) => ({ kind, name, namespace })));
      continue;
    }
    if (!selector && !fieldSelector && !everything) {
      throw new CliError("resource(s) were provided, but no name was specified");
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
  return targets;
}

function command(flavor: Flavor): Command {
  const what = flavor.verb === "label" ? "label" : "annotation";
  return {
    name: flavor.verb,
    summary: flavor.verb === "label"
      ? "Update the labels on a resource"
      : "Update the annotations on a resource",
    usage:
      `  ${flavor.verb} [--overwrite] (-f FILENAME | TYPE NAME... | TYPE (-l SELECTOR | --all)) ` +
      `KEY_1=VAL_1 ... KEY_N=VAL_N [KEY-] [--resource-version=version] [--list] ` +
      `[--dry-run=none|client|server]`,
    options: {
      overwrite: { type: "boolean" },
      all: { type: "boolean" },
      "all-namespaces": { type: "boolean", short: "A" },
      selector: { type: "string", short: "l" },
      "field-selector": FIELD_SELECTOR_FLAG,
      list: { type: "boolean" },
      "dry-run": DRY_RUN_FLAG,
      "resource-version": { type: "string" },
      output: { type: "string", short: "o" },
      ...PRINT_FLAGS,
      filename: { type: "string", short: "f", multiple: true },
      recursive: { type: "boolean", short: "R" },
      local: { type: "boolean" },
    },
    mutates: true,
    async run(ctx) {
      // kubectl's order: the dry-run flag, the pairs, then the other flags, then the objects.
      const dry = parseDryRun(ctx.flags["dry-run"]);
      const { resources, pairs } = splitResourcesAndPairs(ctx.args, what);
      const changes = flavor.verb === "label"
        ? parseLabelPairs(pairs)
        : parseAnnotationPairs(pairs, { checkBoth: false });
      const list = ctx.flags.list === true;
      // (annotate lets --list win over -o.)
      if (flavor.verb === "label" && list && ctx.flags.output) {
        throw new CliError("--list and --output may not be specified together");
      }
      if (ctx.flags.all && ctx.flags.selector !== undefined) {
        throw new CliError("cannot set --all and --selector at the same time");
      }
      const local = ctx.flags.local === true;
      const example = flavor.verb === "label" ? "pod" : "rsrc";
      if (local) {
        if (dry === "server") {
          throw new CliError(
            "cannot specify --local and --dry-run=server - did you mean --dry-run=client?",
          );
        }
        if (resources.length > 0) {
          throw new CliError(
            `can only use local files by -f ${example}.yaml or --filename=${example}.json ` +
              "when --local=true is set",
          );
        }
        if (!ctx.flags.filename) {
          throw new CliError(
            `one or more files must be specified as -f ${example}.yaml or --filename=${example}.json`,
          );
        }
      } else if (resources.length === 0 && !ctx.flags.filename) {
        throw new CliError(
          "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
      }
      if (changes.set.size === 0 && changes.remove.length === 0 && !list) {
        throw new CliError(`at least one ${what} update is required`);
      }
      if (flavor.verb === "annotate") checkAnnotationsNotBoth(changes);
      if (local) return await updateLocally(ctx, flavor, changes, dry);
      const targets = await targetsOf(ctx, resources);
      const rt = await ctx.runtime();
      const overwrite = ctx.flags.overwrite === true;
      const wantedVersion = ctx.flags["resource-version"] as string | undefined;
      const output = outputOf(ctx.flags);
      for (const t of targets) {
        let reported = false;
        for (let attempt = 1;; attempt++) {
          const cur = await rt.client.get(t.kind, t.name, { namespace: t.namespace });
          const current: Record<string, string> = { ...cur.metadata[flavor.field] };
          const changedObj = withChanges(cur, flavor, changes, overwrite);
          const changed = JSON.stringify(cur) !== JSON.stringify(changedObj);
          const write = !list && dry !== "client" && (changed || wantedVersion !== undefined);
          if (!list && dry !== "client" && !reported && flavor.notFoundLine) {
            for (const k of changes.remove) {
              if (!(k in current)) ctx.io.stdout(flavor.notFoundLine(k));
            }
            reported = true;
          }
          let result: KubeObject = changedObj;
          if (write) {
            const patch: Record<string, unknown> = {};
            for (const [k, v] of changes.set) if (current[k] !== v) patch[k] = v;
            for (const k of changes.remove) if (k in current) patch[k] = null;
            try {
              result = await rt.client.patch(t.kind, t.name, {
                metadata: {
                  [flavor.field]: patch,
                  resourceVersion: wantedVersion ?? cur.metadata.resourceVersion,
                },
              }, { namespace: t.namespace, type: "merge", dryRun: dry === "server" });
            } catch (err) {
              if (isConflict(err) && wantedVersion === undefined && attempt < MAX_ATTEMPTS) {
                continue;
              }
              throw err;
            }
          }
          if (list) {
            const many = targets.length > 1;
            if (many) {
              ctx.io.stdout(
                `Listing ${flavor.field} for ${t.kind.kind}.${t.kind.group}/${t.name}:\n`,
              );
            }
            for (const [k, v] of Object.entries(result.metadata[flavor.field] ?? {})) {
              ctx.io.stdout(`${many ? " " : ""}${k}=${v}\n`);
            }
          } else if (output) {
            ctx.io.stdout(
              await printNamed(
                result,
                output,
                (o) => rt.scheme.forObject(o),
                ctx.io.now(),
                printFlags(ctx.flags),
              ),
            );
          } else {
            ctx.io.stdout(
              `${kindLabel(t.kind)}/${t.name} ${
                // kubectl 1.32 words it from the object before and after its labelFunc.
                localMessage(
                  flavor,
                  withoutVersion(cur, wantedVersion),
                  changedLocally(
                    withoutVersion(cur, wantedVersion),
                    flavor,
                    changes,
                    overwrite,
                    wantedVersion,
                  ),
                  overwrite,
                )}${dryRunSuffix(dry)}\n`,
            );
          }
          break;
        }
      }
      return 0;
    },
  };
}

/** The `label` command. */
export const labelCommand: Command = command(LABEL);

/** The `annotate` command. */
export const annotateCommand: Command = command(ANNOTATE);

/**
 * `obj` with the label (or annotation) changes made, refused as kubectl refuses them without
 * `--overwrite`; an emptied map is left out.
 */
function withChanges(
  obj: KubeObject,
  flavor: Flavor,
  changes: { set: Map<string, string>; remove: string[] },
  overwrite: boolean,
): KubeObject {
  const changed = changedLocally(obj, flavor, changes, overwrite, undefined);
  if (Object.keys(changed.metadata[flavor.field] ?? {}).length === 0) {
    delete changed.metadata[flavor.field];
  }
  return changed;
}

/** The `-o` formats kubectl's label and annotate accept (its PrintFlags: no tables or columns). */
const LOCAL_OUTPUT_FORMATS = OUTPUT_FORMATS.filter((f) =>
  f !== "wide" && !f.startsWith("custom-columns")
);

/** kubectl's refusal of an `-o` format label and annotate have no printer for, or undefined. */
function outputFormatError(output: string): string | undefined {
  const eq = output.indexOf("=");
  let format = eq < 0 ? output : output.slice(0, eq);
  // Only the template formats take `=…`: `-o json=x` matches no printer.
  if (eq >= 0 && ["name", "json", "yaml"].includes(format)) format = output;
  if (LOCAL_OUTPUT_FORMATS.includes(format)) return undefined;
  return `unable to match a printer suitable for the output format "${output}", ` +
    `allowed formats are: ${LOCAL_OUTPUT_FORMATS.join(",")}`;
}

/**
 * The changes made to a copy of `obj` as kubectl's labelFunc and updateAnnotations make them:
 * the map is always set (an emptied one stays, `{}`), and `--resource-version` is written in.
 * Throws kubectl's refusal to overwrite without `--overwrite`.
 */
function changedLocally(
  obj: KubeObject,
  flavor: Flavor,
  changes: PairChanges,
  overwrite: boolean,
  resourceVersion: string | undefined,
): KubeObject {
  const current: Record<string, string> = { ...obj.metadata?.[flavor.field] };
  if (!overwrite) {
    const refusal = flavor.overwriteError(current, changes.set);
    if (refusal) throw new CliError(refusal);
  }
  const next: Record<string, string> = { ...current };
  for (const [k, v] of changes.set) next[k] = v;
  for (const k of changes.remove) delete next[k];
  const metadata = { ...obj.metadata, [flavor.field]: next };
  if (resourceVersion) metadata.resourceVersion = resourceVersion;
  return { ...obj, metadata } as KubeObject;
}

/**
 * The word after `kind/name`, as kubectl 1.32 words it from the object's JSON before and
 * after: label says `not labeled` when the JSON is the same, `unlabeled` when it got shorter
 * without `--overwrite`, else `labeled` (so setting an object's first label map, even empty,
 * or its resourceVersion, counts); annotate always says `annotated`.
 */
function localMessage(
  flavor: Flavor,
  before: KubeObject,
  after: KubeObject,
  overwrite: boolean,
): string {
  if (flavor.verb === "annotate") return "annotated";
  const [a, b] = [goJson(before), goJson(after)];
  if (a === b) return "not labeled";
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  return !overwrite && bytes(b) < bytes(a) ? "unlabeled" : "labeled";
}

/** `obj` with its resourceVersion cleared when one is given, as kubectl clears it first. */
function withoutVersion(obj: KubeObject, resourceVersion: string | undefined): KubeObject {
  if (!resourceVersion || obj.metadata?.resourceVersion === undefined) return obj;
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return { ...obj, metadata } as KubeObject;
}

/**
 * kubectl's singleItemImplied for `-f`: one file in all, not standard input. A directory counts
 * as one when it holds one manifest file.
 */
async function oneFileGiven(
  ctx: CommandContext,
  sources: ReadonlySet<string>,
  problems: number,
): Promise<boolean> {
  const files = ctx.flags.filename as string[];
  if (files.length !== 1 || files[0] === "-") return false;
  try {
    if ((await Deno.stat(files[0])).isFile) return true;
  } catch {
    // A pattern: as many files as it matched.
  }
  return sources.size + problems <= 1;
}

/**
 * `--local`: the objects of the `-f` files changed and printed, nothing sent to a server
 * (kubectl's `Local()` builder, which reads every object as unstructured, so kinds this
 * scheme does not know are labelled too). An object that fails is reported at the end with
 * the files that did not load, as kubectl's aggregate, after the others are printed.
 */
async function updateLocally(
  ctx: CommandContext,
  flavor: Flavor,
  changes: PairChanges,
  dry: DryRun,
): Promise<number> {
  const overwrite = ctx.flags.overwrite === true;
  const list = ctx.flags.list === true;
  const output = outputOf(ctx.flags);
  const resourceVersion = (ctx.flags["resource-version"] as string | undefined) || undefined;
  // annotate makes its printer before it reads the files; label makes one for each object.
  if (flavor.verb === "annotate" && output) {
    const refusal = outputFormatError(output);
    if (refusal) throw new CliError(refusal);
  }
  const { loadManifestsLeniently } = await import("../manifests.ts");
  const { manifests, problems } = await loadManifestsLeniently(ctx.flags.filename as string[], {
    // kubectl decodes --local files; it does not validate them.
    validate: false,
    recursive: ctx.flags.recursive === true,
    stdin: () => ctx.io.readStdin(),
  });
  const one = await oneFileGiven(ctx, new Set(manifests.map((m) => m.source)), problems.length);
  if (!one && resourceVersion) {
    throw new CliError("--resource-version may only be used with a single resource");
  }
  const errors: string[] = [];
  let printed = 0;
  for (const { object } of manifests) {
    try {
      const own = object.metadata?.namespace;
      if (own && ctx.namespaceGiven && own !== ctx.namespace) {
        throw new CliError(
          `the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". ` +
            `You must pass '--namespace=${own}' to perform this operation.`,
        );
      }
      const changed = changedLocally(object, flavor, changes, overwrite, resourceVersion);
      const gk = kindFromObject(changed);
      if (list) {
        const indent = one ? "" : " ";
        let text = one
          ? ""
          : `Listing ${flavor.field} for ${gk.kind}.${gk.group}/${changed.metadata?.name ?? ""}:\n`;
        for (const [k, v] of Object.entries(changed.metadata[flavor.field] ?? {})) {
          text += `${indent}${k}=${v}\n`;
        }
        ctx.io.stdout(text);
        continue;
      }
      if (!output) {
        ctx.io.stdout(
          `${kindPrefix(gk)}/${changed.metadata?.name ?? ""} ${
            localMessage(flavor, withoutVersion(object, resourceVersion), changed, overwrite)
          }${dryRunSuffix(dry)}\n`,
        );
        continue;
      }
      const refusal = outputFormatError(output);
      if (refusal) throw new CliError(refusal);
      const format = output.split("=")[0];
      let text: string;
      try {
        // (kubectl's JSON and YAML printers leave managedFields out unless asked.)
        text = await printNamed(
          changed,
          output,
          () => undefined,
          ctx.io.now(),
          printFlags(ctx.flags),
        );
      } catch (err) {
        if (err instanceof PrintError) {
          // A template's failure: what kubectl prints on standard output, then the error.
          const partial = (err as { output?: unknown }).output;
          if (typeof partial === "string") ctx.io.stdout(partial);
          throw new CliError(err.message);
        }
        throw err;
      }
      // annotate prints every object with one printer (YAML documents after the first start
      // with `---`); label makes a printer for each.
      if (flavor.verb === "annotate" && format === "yaml" && printed++ > 0) text = "---\n" + text;
      ctx.io.stdout(text);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      errors.push(err.message);
    }
  }
  errors.push(...problems);
  if (errors.length === 1) ctx.io.stderr(`error: ${errors[0]}\n`);
  else for (const e of errors) ctx.io.stderr(`${e}\n`);
  return errors.length ? 1 : 0;
}
