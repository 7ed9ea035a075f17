/**
 * `diff -f FILE|DIR|-` (`-R`): kubectl's diff — for every object, the live
 * version and the version a client-side apply would make (a server dry run
 * of apply's three-way patch, or of a create for a new object) are written
 * as YAML to two temporary directories, `LIVE-…` and `MERGED-…`, in files
 * named `[group.]version.Kind.namespace.name`, and `diff -u -N LIVE MERGED`
 * (or `$KUBECTL_EXTERNAL_DIFF`) compares them.
 *
 * Exit status, as kubectl's: 0 no differences, 1 differences, 2 the diff
 * program or k1s failed (a diff program that exits with more than 1 is
 * reported as `failed to run "PROGRAM": exit status N`). `managedFields` are left out unless
 * `--show-managed-fields`; the values of a Secret's `data` are masked
 * (`***`, or `*** (before)` / `*** (after)` when they changed).
 *
 * @module
 */
import { ApiError, isConflict, isNotFound } from "../../src/apimachinery/errors.ts";
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import { createThreeWayStrategicMergePatch } from "../../src/apimachinery/strategic_merge_patch.ts";
import { parseLabelSelector } from "../../src/apimachinery/labels.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError, formatError } from "../errors.ts";
import { type CliRuntime, type Command, type CommandContext, klogWarning } from "../kit.ts";
import {
  createThreeWayMergePatch,
  LAST_APPLIED_ANNOTATION,
  lastAppliedConfiguration,
} from "../apply.ts";
import { toKubectlYaml } from "../printers/yaml.ts";
import { type ResolvedManifest, resolveManifests } from "./files.ts";
import { PRUNE_ALLOWLIST, RECURSIVE, SELECTOR } from "./apply.ts";
import { withSource } from "./delete.ts";

/** kubectl diff's default field manager (that of client-side apply). */
const FIELD_MANAGER = "kubectl-client-side-apply";

/** kubectl's attempts at an object that keeps changing; the last one diffs without a lock. */
const MAX_RETRIES = 4;

const MASK = "***";
const MASK_BEFORE = "*** (before)";
const MASK_AFTER = "*** (after)";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The `diff` command. */
export const diffCommand: Command = {
  name: "diff",
  summary: "Diff the live version against a would-be applied version",
  long:
    "Diff configurations specified by file name or stdin between the current online configuration, and the configuration as it would be if applied.\n\n" +
    " The output is always YAML.\n\n" +
    ' KUBECTL_EXTERNAL_DIFF environment variable can be used to select your own diff command. Users can use external commands with params too, example: KUBECTL_EXTERNAL_DIFF="colordiff -N -u"\n\n' +
    ' By default, the "diff" command available in your path will be run with the "-u" (unified diff) and "-N" (treat absent files as empty) options.\n\n' +
    " Exit status: 0 No differences were found. 1 Differences were found. >1 k1s or diff failed with an error.\n\n" +
    " Note: KUBECTL_EXTERNAL_DIFF, if used, is expected to follow that convention.",
  examples: "# Diff resources included in configmap.json\n" +
    "k1s diff -f configmap.json\n\n" +
    "# Diff file read from stdin\n" +
    "cat configmap.yaml | k1s diff -f -",
  usage: "diff -f FILENAME",
  options: {
    // Accepted as kubectl does; objects are diffed one after the other.
    concurrency: {
      type: "int",
      description:
        "Number of objects to process in parallel when diffing against the live version. Larger number = faster, but more memory, I/O and CPU over that shorter period of time.",
      defaultText: "1",
    },
    "field-manager": {
      type: "string",
      description: "Name of the manager used to track field ownership.",
      defaultText: "'kubectl-client-side-apply'",
    },
    filename: {
      type: "string",
      short: "f",
      multiple: true,
      description: "Filename, directory, or URL to files contains the configuration to diff",
    },
    prune: {
      type: "boolean",
      description:
        "Include resources that would be deleted by pruning. Can be used with -l and default shows all resources would be pruned",
    },
    "prune-allowlist": PRUNE_ALLOWLIST,
    recursive: RECURSIVE,
    selector: SELECTOR,
    "show-managed-fields": {
      type: "boolean",
      description: "If true, include managed fields in the diff.",
    },
  },
  async run(ctx) {
    try {
      return await diff(ctx);
    } catch (err) {
      // kubectl's CheckDiffErr: its own errors exit with 2, leaving 1 to "differences found".
      ctx.io.stderr(formatError(err) + "\n");
      return 2;
    }
  },
};

/** The file name kubectl gives an object's versions. */
function fileName(m: ResolvedManifest): string {
  const { group, version, kind } = m.kind;
  return `${group ? `${group}.` : ""}${version}.${kind}.${m.namespace ?? ""}.${
    m.object.metadata.name ?? ""
  }`;
}

async function diff(ctx: CommandContext): Promise<number> {
  if (ctx.args.length) {
    throw new CliError(`Unexpected args: [${ctx.args.join(" ")}]`, {
      hint: `See '${ctx.cli.name} diff -h' for help and examples`,
    });
  }
  if (!ctx.flags.filename) throw new CliError("must specify one of -f and -k");
  const fieldManager = (ctx.flags["field-manager"] as string | undefined) ?? FIELD_MANAGER;
  const showManaged = ctx.flags["show-managed-fields"] === true;
  // `--prune`: the kinds are read first (kubectl's Complete).
  const { pruneKinds, prunable } = await import("./apply_prune.ts");
  const pruning = ctx.flags.prune === true ? await pruneKinds(ctx) : undefined;
  const rt = await ctx.runtime();
  let manifests = await resolveManifests(ctx);
  const selector = ctx.flags.selector as string | undefined;
  if (selector) {
    // kubectl's builder keeps the objects of the files whose labels match.
    const matcher = parseLabelSelector(selector);
    manifests = manifests.filter((m) => matcher.matches(m.object.metadata?.labels));
  }
  const liveDir = await makeTempDir("LIVE");
  let mergedDir: string | undefined;
  try {
    mergedDir = await makeTempDir("MERGED");
    // What was diffed, for --prune: the live objects' uids and the namespaces.
    const visited = { uids: new Set<string>(), namespaces: new Set<string>() };
    for (const m of manifests) {
      const local = structuredClone(m.object) as KubeObject;
      local.metadata ??= {};
      if (m.namespace !== undefined) local.metadata.namespace = m.namespace;
      let live: KubeObject | undefined;
      let merged: KubeObject | undefined;
      for (let attempt = 1; attempt <= MAX_RETRIES; attempt++) {
        live = await getLive(rt, m);
        if (m.namespace !== undefined) visited.namespaces.add(m.namespace);
        if (live?.metadata.uid) visited.uids.add(live.metadata.uid);
        const force = attempt === MAX_RETRIES;
        if (force) {
          ctx.io.stderr(klogWarning(
            "diff.go:719",
            `Object (${m.kind.apiVersion}, Kind=${m.kind.kind}: ${local.metadata.name}) ` +
              "keeps changing, diffing without lock",
          ));
        }
        try {
          merged = await mergedOf(rt, m, local, live, { force, fieldManager });
          break;
        } catch (err) {
          if (!isConflict(err) || force) throw err;
        }
      }
      let from = live === undefined ? undefined : structuredClone(live) as Obj;
      let to = structuredClone(merged) as Obj;
      if (!showManaged) {
        from = withoutManagedFields(from);
        to = withoutManagedFields(to)!;
      }
      if (isSecretV1(to)) mask(from, to);
      const name = fileName(m);
      await writeVersion(`${liveDir}/${name}`, from);
      await writeVersion(`${mergedDir}/${name}`, to);
      if (live?.metadata?.deletionTimestamp) {
        ctx.io.stderr(
          `Warning: Detected changes to resource ${live.metadata.name} which is currently being deleted.\n`,
        );
      }
    }
    if (pruning) {
      // kubectl writes what a prune would delete, as it is, on the live side only.
      const gone = await prunable(ctx, rt, { ...pruning, selector }, visited);
      for (const { kind, object } of gone) {
        const { group, version } = kind;
        const name = `${group ? `${group}.` : ""}${version}.${kind.kind}.${
          object.metadata.namespace ?? ""
        }.${object.metadata.name}`;
        await writeVersion(`${liveDir}/${name}`, object as Obj);
      }
    }
    return await runDiffProgram(ctx, liveDir, mergedDir);
  } finally {
    await Deno.remove(liveDir, { recursive: true }).catch(() => {});
    if (mergedDir) await Deno.remove(mergedDir, { recursive: true }).catch(() => {});
  }
}

async function getLive(rt: CliRuntime, m: ResolvedManifest): Promise<KubeObject | undefined> {
  try {
    return await rt.client.get(m.kind, m.object.metadata.name ?? "", { namespace: m.namespace });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * The object as it would be after `apply`: a dry-run create when there is
 * none, else the dry-run patch of apply's three-way merge, with the live
 * resourceVersion as a precondition (unless `force`). The configuration
 * compared carries no last-applied annotation (kubectl's
 * `GetModifiedConfiguration(obj, false)`), so the annotation is left as it is.
 */
async function mergedOf(
  rt: CliRuntime,
  m: ResolvedManifest,
  local: KubeObject,
  live: KubeObject | undefined,
  options: { force: boolean; fieldManager: string },
): Promise<KubeObject> {
  const kind: Kind = m.kind;
  if (live === undefined) {
    return await rt.client.create(kind, local, {
      namespace: m.namespace,
      dryRun: true,
      fieldManager: options.fieldManager,
    });
  }
  const modified = JSON.parse(lastAppliedConfiguration(local)) as Obj;
  const original = lastAppliedOf(live);
  const patch = kind.patchMeta
    ? createThreeWayStrategicMergePatch(original, modified, live, kind.patchMeta)
    : createThreeWayMergePatch(original, modified, live);
  if (Object.keys(patch).length === 0) return live;
  if (!options.force) {
    const meta = isObj(patch.metadata) ? patch.metadata : {};
    patch.metadata = { ...meta, resourceVersion: live.metadata.resourceVersion ?? "" };
  }
  try {
    return await rt.client.patch(kind, local.metadata.name ?? "", patch, {
      namespace: m.namespace,
      dryRun: true,
      fieldManager: options.fieldManager,
      type: kind.patchMeta ? "strategic" : "merge",
    });
  } catch (err) {
    // kubectl's Patcher names the file (AddSourceToErr); a Conflict stays a Conflict.
    throw err instanceof ApiError ? withSource(err, "patching", m.source) : err;
  }
}

/**
 * A new directory as Go's `os.MkdirTemp("", prefix+"-")` names it: `$TMPDIR` (else `/tmp`),
 * `PREFIX-` and a random decimal number.
 */
async function makeTempDir(prefix: string): Promise<string> {
  const base = Deno.env.get("TMPDIR") || "/tmp";
  for (;;) {
    const n = crypto.getRandomValues(new Uint32Array(1))[0];
    const dir = `${base}/${prefix}-${n}`;
    try {
      await Deno.mkdir(dir, { mode: 0o700 });
      return dir;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
  }
}

function lastAppliedOf(live: KubeObject): Obj {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return {};
  try {
    const parsed = JSON.parse(text);
    return isObj(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function withoutManagedFields(o: Obj | undefined): Obj | undefined {
  if (o === undefined || !isObj(o.metadata)) return o;
  const { managedFields: _, ...metadata } = o.metadata;
  return { ...o, metadata };
}

function isSecretV1(o: Obj): boolean {
  const apiVersion = typeof o.apiVersion === "string" ? o.apiVersion : "";
  return o.kind === "Secret" && apiVersion.slice(apiVersion.indexOf("/") + 1) === "v1";
}

/** kubectl's Masker: hides the values of `data`, marking the ones that changed. */
function mask(from: Obj | undefined, to: Obj): void {
  const f = from && isObj(from.data) ? { ...from.data } : undefined;
  const t = isObj(to.data) ? { ...to.data } : undefined;
  for (const k of Object.keys(f ?? {})) {
    if (t && k in t) {
      if (f![k] !== t[k]) {
        f![k] = MASK_BEFORE;
        t[k] = MASK_AFTER;
        continue;
      }
      t[k] = MASK;
    }
    f![k] = MASK;
  }
  for (const k of Object.keys(t ?? {})) {
    if (!(f && k in f)) t![k] = MASK;
  }
  if (from && f) from.data = f;
  if (t) to.data = t;
}

/** One version of an object, as kubectl's printer writes it (an absent object: an empty file). */
async function writeVersion(path: string, obj: Obj | undefined): Promise<void> {
  await Deno.writeTextFile(path, obj === undefined ? "" : toKubectlYaml(obj), { mode: 0o700 });
}

/** True when `path` is a file with an execute bit (Go's `exec.LookPath` check). */
async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Whether Go's `exec.LookPath` finds `name`: as it is with a `/`, else in a `$PATH` directory. */
async function lookPath(name: string): Promise<boolean> {
  if (name.includes("/")) return await isExecutable(name);
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (await isExecutable(`${dir || "."}/${name}`)) return true;
  }
  return false;
}

/**
 * Runs the diff program as kubectl does: `$KUBECTL_EXTERNAL_DIFF` split on
 * spaces — its first word is the program, the directories come next, then
 * the other words made only of letters, digits, `-` and `=` — else
 * `diff -u -N LIVE MERGED`. The program gets the name it was given as its
 * `argv[0]` (`sh -c 'exec "$0" "$@"'`: Deno would pass the full path). Its
 * status 0 or 1 is the command's; a program that cannot be started, or exits
 * with more, fails as kubectl's `failed to run "PROGRAM": …`.
 */
async function runDiffProgram(ctx: CommandContext, from: string, to: string): Promise<number> {
  let program = "diff";
  let args = ["-u", "-N", from, to];
  const external = ctx.io.env("KUBECTL_EXTERNAL_DIFF");
  if (external) {
    const words = external.split(" ");
    program = words[0];
    args = [from, to, ...words.slice(1).filter((w) => /^[a-zA-Z0-9-=]+$/.test(w))];
  }
  // k8s.io/utils/exec reports any failure to start the program this way.
  const notFound = () =>
    new CliError(
      `failed to run ${JSON.stringify(program)}: executable file not found in $PATH`,
    );
  if (!(await lookPath(program))) throw notFound();
  let out;
  try {
    out = await new Deno.Command("/bin/sh", {
      args: ["-c", 'exec "$0" "$@"', program, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    throw notFound();
  }
  const dec = new TextDecoder();
  if (out.stdout.length) ctx.io.stdout(dec.decode(out.stdout));
  if (out.stderr.length) ctx.io.stderr(dec.decode(out.stderr));
  // Go's ExitStatus() of a killed program is -1: os.Exit(-1) exits with 255.
  if (out.signal !== null) return 255;
  if (out.code > 1) {
    throw new CliError(`failed to run ${JSON.stringify(program)}: exit status ${out.code}`);
  }
  return out.code;
}
