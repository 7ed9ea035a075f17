/**
 * `apply --prune`: after a successful apply, delete the objects of the
 * allowlisted kinds that an earlier apply created (they carry the
 * last-applied annotation), match `-l` (or `--all`), live in a namespace this
 * apply visited (or are cluster-scoped), and were not applied this time —
 * kubectl's allowlist pruner (`pkg/cmd/apply/prune.go`), with its checks and
 * words.
 *
 * @module
 */
import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import type { Scheme } from "../../src/scheme/scheme.ts";
import { LAST_APPLIED_ANNOTATION } from "../apply.ts";
import { CliError } from "../errors.ts";
import { type CliRuntime, type CommandContext, klogWarning } from "../kit.ts";
import type { PropagationPolicy } from "../../src/apimachinery/meta.ts";
import type { WaitTarget } from "./wait.ts";
import { kindLabel } from "../resources.ts";

/** kubectl's default allowlist (group/version/kind); kinds this CLI does not serve are left out. */
const DEFAULT_ALLOWLIST = [
  "core/v1/ConfigMap",
  "core/v1/Endpoints",
  "core/v1/PersistentVolumeClaim",
  "core/v1/Pod",
  "core/v1/ReplicationController",
  "core/v1/Secret",
  "core/v1/Service",
  "batch/v1/Job",
  "batch/v1/CronJob",
  "networking.k8s.io/v1/Ingress",
  "apps/v1/DaemonSet",
  "apps/v1/Deployment",
  "apps/v1/ReplicaSet",
  "apps/v1/StatefulSet",
  "core/v1/Namespace",
  "core/v1/PersistentVolume",
];

/** What a prune needs to know, checked before anything is applied. */
export interface PrunePlan {
  /** The kinds to prune. */
  kinds: Kind[];
  /** The label selector (`-l`), or undefined with `--all`. */
  selector?: string;
  /** True when the kinds are the default list (no `--prune-allowlist`). */
  defaultList: boolean;
}

function kindOf(scheme: Scheme, gvk: string, strict: boolean): Kind | undefined {
  const parts = gvk.split("/");
  if (parts.length !== 3) {
    throw new CliError(
      `invalid GroupVersionKind format: ${gvk}, please follow <group/version/kind>`,
    );
  }
  const group = parts[0] === "core" ? "" : parts[0];
  const found = scheme.kinds().find((k) =>
    k.group === group && k.version === parts[1] && k.kind === parts[2]
  );
  if (!found && strict) {
    throw new CliError(
      `no matches for kind ${JSON.stringify(parts[2])} in version ${
        JSON.stringify(group ? `${group}/${parts[1]}` : parts[1])
      }`,
    );
  }
  return found;
}

/**
 * kubectl's checks of the prune flags (`--all` with `-l` is refused with or
 * without `--prune`), and the kinds to prune; undefined without `--prune`.
 */
export async function prunePlan(ctx: CommandContext): Promise<PrunePlan | undefined> {
  const selector = ctx.flags.selector as string | undefined;
  const all = ctx.flags.all === true;
  // kubectl reads the allowlist first (its Complete), then checks the flags (its Validate).
  // Without --prune the allowlist is neither read nor refused.
  const kinds = ctx.flags.prune === true ? await pruneKinds(ctx) : undefined;
  if (all && selector) throw new CliError("cannot set --all and --selector at the same time");
  if (ctx.flags.prune !== true) return undefined;
  if (ctx.flags.force === true) throw new CliError("--force cannot be used with --prune");
  if (!all && !selector) {
    throw new CliError(
      "all resources selected for prune without explicitly passing --all. To prune all " +
        "resources, pass the --all flag. If you did not mean to prune all resources, specify " +
        "a label selector",
    );
  }
  return { ...kinds!, selector };
}

/**
 * The kinds `--prune-allowlist` names (kubectl's `prune.ParseResources`, with
 * its errors), or kubectl's default list restricted to the kinds served.
 */
export async function pruneKinds(
  ctx: CommandContext,
): Promise<{ kinds: Kind[]; defaultList: boolean }> {
  const scheme = await ctx.scheme();
  const allowlist = (ctx.flags["prune-allowlist"] as string[] | undefined) ?? [];
  if (allowlist.length > 0) {
    return { kinds: allowlist.map((gvk) => kindOf(scheme, gvk, true)!), defaultList: false };
  }
  const kinds = DEFAULT_ALLOWLIST.map((gvk) => kindOf(scheme, gvk, false)).filter((k) =>
    k !== undefined
  );
  return { kinds, defaultList: true };
}

/**
 * The objects a prune would delete: of the plan's kinds, in the visited
 * namespaces (and cluster-scoped), matching the selector, carrying the
 * last-applied annotation, and not visited. Prints kubectl's klog warning
 * when the kinds are the default list.
 */
export async function prunable(
  ctx: CommandContext,
  rt: CliRuntime,
  plan: Omit<PrunePlan, "selector"> & { selector?: string },
  visited: Visited,
): Promise<{ kind: Kind; object: KubeObject }[]> {
  const scopes: [Kind, string | undefined][] = [];
  for (const ns of visited.namespaces) {
    for (const k of plan.kinds) if (k.scope === "Namespaced") scopes.push([k, ns]);
  }
  for (const k of plan.kinds) if (k.scope !== "Namespaced") scopes.push([k, undefined]);
  if (plan.defaultList) {
    // kubectl's klog warning (its namespace is never empty, so it is always given): the
    // default list still holds cluster-scoped kinds.
    ctx.io.stderr(klogWarning("prune.go:71", NAMESPACE_DEPRECATION));
  }
  const out: { kind: Kind; object: KubeObject }[] = [];
  for (const [kind, namespace] of scopes) {
    const list = await rt.client.list(kind, { namespace, labelSelector: plan.selector });
    for (const obj of list.items as KubeObject[]) {
      if (obj.metadata.annotations?.[LAST_APPLIED_ANNOTATION] === undefined) continue;
      if (obj.metadata.uid !== undefined && visited.uids.has(obj.metadata.uid)) continue;
      out.push({ kind, object: { ...obj, apiVersion: kind.apiVersion, kind: kind.kind } });
    }
  }
  return out;
}

const NAMESPACE_DEPRECATION =
  "Deprecated: kubectl apply will no longer prune non-namespaced resources by default when " +
  "used with the --namespace flag in a future release. To preserve the current behaviour, " +
  "list the resources you want to target explicitly in the --prune-allowlist flag.";

/** The objects an apply wrote, by uid, and the namespaces it visited. */
export interface Visited {
  uids: Set<string>;
  namespaces: Set<string>;
}

/** How {@linkcode prune} deletes: kubectl's delete flags of apply. */
export interface PruneOptions {
  /** `--cascade`: what happens to the dependents; default Background. */
  propagationPolicy?: PropagationPolicy;
  /** `--wait`: return once the pruned objects are gone (finalizers done). */
  wait?: boolean;
  /** With `wait`: how long to wait, in ms; 0 waits as long as it takes. */
  timeoutMs?: number;
}

/**
 * Deletes what the plan selects and this apply did not visit, printing
 * `configmap/x pruned` (with kubectl's dry-run suffixes, or `-o name`).
 */
export async function prune(
  ctx: CommandContext,
  rt: CliRuntime,
  plan: PrunePlan,
  visited: Visited,
  options: PruneOptions = {},
): Promise<void> {
  const dry = ctx.flags["dry-run"] as string | undefined;
  const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
  const byName = ctx.flags.output === "name";
  const pruned: WaitTarget[] = [];
  for (const { kind, object: obj } of await prunable(ctx, rt, plan, visited)) {
    if (dry !== "client") {
      await rt.client.delete(kind, obj.metadata.name!, {
        namespace: obj.metadata.namespace,
        propagationPolicy: options.propagationPolicy ?? "Background",
        dryRun: dry === "server",
      });
      if (dry !== "server") {
        pruned.push({
          kind,
          name: obj.metadata.name!,
          namespace: obj.metadata.namespace,
          uid: obj.metadata.uid,
        });
      }
    }
    const label = `${kindLabel(kind)}/${obj.metadata.name}`;
    ctx.io.stdout(byName ? `${label}\n` : `${label} pruned${suffix}\n`);
  }
  if (options.wait && pruned.length > 0) {
    // Finalizers run in the controllers, which the wait settles.
    const { waitForDeletion } = await import("./wait.ts");
    await waitForDeletion(ctx, pruned, { timeoutMs: options.timeoutMs });
  }
}
