/**
 * The CustomResourceDefinition controllers of apiextensions-apiserver, as one
 * controller: naming (which requested names are free: `status.acceptedNames`
 * and the `NamesAccepted` condition), establishing (`Established` once the
 * names are accepted, which makes every process serve the kind) and the
 * cleanup finalizer (a deleted CRD's objects are deleted, with the
 * `Terminating` condition saying how far it got, before the CRD goes).
 *
 * @module
 */
import { type Clock, realClock } from "../apimachinery/clock.ts";
import { isConflict, isNotFound } from "../apimachinery/errors.ts";
import { Controller, type ControllerOptions, type WatchSpec } from "../controller/controller.ts";
import type { ReconcileContext, Request, Result } from "../controller/reconcile.ts";
import type {
  CustomResourceDefinition as CRD,
  CustomResourceDefinitionCondition,
  CustomResourceDefinitionNames,
} from "../resources/apiextensions_v1.ts";
import type { Scheme } from "../scheme/scheme.ts";
import {
  crdCondition,
  CUSTOM_RESOURCE_CLEANUP_FINALIZER,
  CustomResourceDefinition,
  isCRDConditionTrue,
  isCRDKind,
  setCRDCondition,
} from "../apiextensions/crd.ts";

/** Options of {@linkcode crdController}. */
export interface CRDControllerOptions extends ControllerOptions {
  /** Controller name. Default `customresourcedefinitions`. */
  name?: string;
  /** The clock condition timestamps come from. */
  clock?: Clock;
  /** How long to wait before checking again that a deleted CRD's objects are gone. Default 1 s. */
  recheckMs?: number;
}

function sameNames(a: CustomResourceDefinitionNames | undefined, b: CustomResourceDefinitionNames) {
  return JSON.stringify(normal(a)) === JSON.stringify(normal(b));
}

function normal(n: CustomResourceDefinitionNames | undefined) {
  return n
    ? [
      n.plural ?? "",
      n.singular ?? "",
      n.shortNames ?? [],
      n.kind ?? "",
      n.listKind ?? "",
      n.categories ?? [],
    ]
    : null;
}

/** kube's `equalToAcceptedOrFresh`. */
function taken(requested: string, accepted: string | undefined, used: Set<string>): string | null {
  if (requested === accepted || !used.has(requested)) return null;
  return `"${requested}" is already in use`;
}

/**
 * The names a CRD may have and its `NamesAccepted` and `Established`
 * conditions (kube's `calculateNamesAndConditions`): names used by other
 * CRDs of the group (their accepted names) or by kinds of the group that do
 * not come from CRDs are refused.
 */
function namesAndConditions(
  crd: CRD,
  others: CRD[],
  scheme: Scheme,
): [
  CustomResourceDefinitionNames,
  CustomResourceDefinitionCondition,
  CustomResourceDefinitionCondition,
] {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const o of others) {
    if (o.spec.group !== crd.spec.group || o.metadata.name === crd.metadata.name) continue;
    const n = o.status?.acceptedNames;
    if (!n) continue;
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) if (r) resources.add(r);
    for (const k of [n.kind, n.listKind]) if (k) kinds.add(k);
  }
  for (const k of scheme.kinds()) {
    if (k.group !== crd.spec.group || isCRDKind(k)) continue;
    for (const r of [k.plural, k.singular, ...k.shortNames]) resources.add(r);
    kinds.add(k.kind).add(k.listKind);
  }
  const requested = crd.spec.names;
  const accepted: CustomResourceDefinitionNames = crd.status?.acceptedNames ??
    { plural: "", kind: "" };
  const out: CustomResourceDefinitionNames = { ...accepted };
  let cond: CustomResourceDefinitionCondition = { type: "NamesAccepted", status: "Unknown" };
  const refuse = (reason: string, message: string) => {
    cond = { type: "NamesAccepted", status: "False", reason, message };
  };
  let why = taken(requested.plural, accepted.plural, resources);
  if (why) refuse("PluralConflict", why);
  else out.plural = requested.plural;
  why = taken(requested.singular ?? "", accepted.singular, resources);
  if (why) refuse("SingularConflict", why);
  else out.singular = requested.singular;
  if (JSON.stringify(requested.shortNames ?? []) !== JSON.stringify(accepted.shortNames ?? [])) {
    const mine = new Set(accepted.shortNames ?? []);
    const errs = (requested.shortNames ?? []).filter((s) => !mine.has(s))
      .map((s) => taken(s, "", resources)).filter((e): e is string => e !== null);
    if (errs.length) {
      refuse("ShortNamesConflict", errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`);
    } else out.shortNames = requested.shortNames;
  }
  why = taken(requested.kind, accepted.kind, kinds);
  if (why) refuse("KindConflict", why);
  else out.kind = requested.kind;
  why = taken(requested.listKind ?? "", accepted.listKind, kinds);
  if (why) refuse("ListKindConflict", why);
  else out.listKind = requested.listKind;
  out.categories = requested.categories;
  for (const k of Object.keys(out) as (keyof CustomResourceDefinitionNames)[]) {
    if (out[k] === undefined || out[k] === "") delete out[k];
  }
  if (cond.status === "Unknown") {
    cond = {
      type: "NamesAccepted",
      status: "True",
      reason: "NoConflicts",
      message: "no conflicts found",
    };
  }
  let established: CustomResourceDefinitionCondition = crdCondition(crd, "Established") ?? {
    type: "Established",
    status: "False",
    reason: "NotAccepted",
    message: "not all names are accepted",
  };
  if (established.status !== "True" && cond.status === "True") {
    established = {
      type: "Established",
      status: "False",
      reason: "Installing",
      message: "the initial names have been accepted",
    };
  }
  return [out, cond, established];
}

function sameCondition(
  a: CustomResourceDefinitionCondition | undefined,
  b: CustomResourceDefinitionCondition,
) {
  return a !== undefined && a.status === b.status && a.reason === b.reason &&
    a.message === b.message;
}

/**
 * Builds the CRD controller: naming, establishing and cleanup.
 *
 * @example
 * ```ts
 * import { createRuntime } from "../runtime.ts";
 * import { CustomResourceDefinition, isCRDConditionTrue } from "../apiextensions/crd.ts";
 * import { crdController } from "./crd.ts";
 * import { Manager } from "../controller/manager.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * await rt.registry.create(CustomResourceDefinition, {
 *   metadata: { name: "widgets.example.com" },
 *   spec: {
 *     group: "example.com",
 *     scope: "Namespaced",
 *     names: { plural: "widgets", kind: "Widget" },
 *     versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
 *   },
 * });
 * const mgr = new Manager(rt);
 * mgr.add(crdController(rt.scheme));
 * await mgr.runTriggered();
 * const crd = await rt.client.get(CustomResourceDefinition, "widgets.example.com");
 * assert.ok(isCRDConditionTrue(crd, "Established"));
 * assert.equal(crd.status?.acceptedNames?.plural, "widgets");
 * ```
 */
export function crdController(scheme: Scheme, options: CRDControllerOptions = {}): Controller {
  const clock: Clock = options.clock ?? realClock;
  const recheckMs = options.recheckMs ?? 1000;
  /** Group of every CRD seen: freed names make the group's other CRDs worth another look. */
  const groups = new Map<string, string>();
  const inGroup = (group: string) =>
    [...groups].filter(([, g]) => g === group).map(([name]) => ({ name }));

  const reconcile = async (req: Request, ctx: ReconcileContext): Promise<Result | void> => {
    let crd: CRD;
    try {
      crd = await ctx.client.get(CustomResourceDefinition, req.name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (crd.metadata.deletionTimestamp) return await cleanup(crd, ctx);
    const now = clock.now();
    if (!sameNames(crd.status?.acceptedNames, crd.spec.names)) {
      const all = (await ctx.client.list(CustomResourceDefinition)).items;
      const [names, accepted, established] = namesAndConditions(crd, all, scheme);
      if (
        !sameNames(crd.status?.acceptedNames, names) ||
        !sameCondition(crdCondition(crd, "NamesAccepted"), accepted)
      ) {
        const next = structuredClone(crd);
        next.status = { ...next.status, acceptedNames: names };
        setCRDCondition(next, accepted, now);
        setCRDCondition(next, established, now);
        const written = await writeStatus(ctx, next);
        if (!written) return;
        crd = written;
      }
    }
    // The establishing controller.
    if (
      isCRDConditionTrue(crd, "NamesAccepted") && !isCRDConditionTrue(crd, "Established")
    ) {
      const next = structuredClone(crd);
      setCRDCondition(next, {
        type: "Established",
        status: "True",
        reason: "InitialNamesAccepted",
        message: "the initial names have been accepted",
      }, now);
      await writeStatus(ctx, next);
    }
  };

  const cleanup = async (crd: CRD, ctx: ReconcileContext): Promise<Result | void> => {
    if (!crd.metadata.finalizers?.includes(CUSTOM_RESOURCE_CLEANUP_FINALIZER)) return;
    const now = clock.now();
    let next = structuredClone(crd);
    if (isCRDConditionTrue(crd, "Established")) {
      const kind = scheme.forResource(crd.spec.group, crd.status?.acceptedNames?.plural ?? "");
      if (kind) {
        // Once deletion is under way its condition says how far it got; it is not reset.
        const reason = crdCondition(crd, "Terminating")?.reason;
        if (reason !== "InstanceDeletionInProgress" && reason !== "InstanceDeletionCheck") {
          setCRDCondition(next, {
            type: "Terminating",
            status: "True",
            reason: "InstanceDeletionInProgress",
            message: "CustomResource deletion is in progress",
          }, now);
          const written = await writeStatus(ctx, next);
          if (!written) return;
          next = structuredClone(written);
        }
        await ctx.client.deleteCollection(kind, {});
        const left = await ctx.client.list(kind, {});
        if (left.items.length > 0) {
          const waiting: CustomResourceDefinitionCondition = {
            type: "Terminating",
            status: "True",
            reason: "InstanceDeletionCheck",
            message: `could not confirm zero CustomResources remaining: ${left.items.length} left`,
          };
          if (!sameCondition(crdCondition(next, "Terminating"), waiting)) {
            setCRDCondition(next, waiting, now);
            await writeStatus(ctx, next);
          }
          return { requeueAfterMs: recheckMs };
        }
      }
      setCRDCondition(next, {
        type: "Terminating",
        status: "False",
        reason: "InstanceDeletionCompleted",
        message: "removed all instances",
      }, now);
    } else {
      setCRDCondition(next, {
        type: "Terminating",
        status: "False",
        reason: "NeverEstablished",
        message: "resource was never established",
      }, now);
    }
    next.metadata.finalizers = next.metadata.finalizers!.filter((f) =>
      f !== CUSTOM_RESOURCE_CLEANUP_FINALIZER
    );
    try {
      await ctx.client.update(CustomResourceDefinition, next);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
      return { requeue: true };
    }
  };

  const { clock: _clock, recheckMs: _recheck, name, ...controllerOptions } = options;
  // An object of a CRD kind going away may be the last one its deleted CRD waits for.
  const objects: WatchSpec[] = scheme.kinds().filter(isCRDKind).map((kind) => ({
    kind,
    predicates: [],
    map: (ev) =>
      ev.type === "delete" || ev.object.metadata.deletionTimestamp
        ? [{ name: `${kind.plural}.${kind.group}` }]
        : [],
  }));
  return new Controller(name ?? "customresourcedefinitions", reconcile, [...objects, {
    kind: CustomResourceDefinition as never,
    predicates: [],
    map: (ev) => {
      const obj = ev.object as CRD;
      const n = obj.metadata.name!;
      const group = obj.spec?.group ?? "";
      if (ev.type === "delete") {
        groups.delete(n);
        return inGroup(group);
      }
      const before = groups.get(n);
      groups.set(n, group);
      // Names a CRD gives up (or a new one) change what its group's other CRDs may have.
      return before === undefined || ev.type === "update" ? [{ name: n }, ...inGroup(group)] : [{
        name: n,
      }];
    },
  }], controllerOptions);
}

async function writeStatus(ctx: ReconcileContext, crd: CRD): Promise<CRD | undefined> {
  try {
    return await ctx.client.status.update(CustomResourceDefinition, crd);
  } catch (err) {
    // Deleted or changed in the meantime: the event brings it back.
    if (isNotFound(err) || isConflict(err)) return undefined;
    throw err;
  }
}
