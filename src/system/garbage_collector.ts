/**
 * The garbage collector: deletes objects whose owners are gone, and carries
 * out foreground and orphan deletion, as kube-controller-manager's garbage
 * collector does.
 *
 * - Background: when every owner of an object is gone (absent, or replaced
 *   by another object with the same name), the object is deleted. Owners
 *   that still exist keep it; references to vanished owners are removed.
 * - Foreground: an owner being deleted with the `foregroundDeletion`
 *   finalizer has its dependents deleted (foreground for those that block
 *   it); the finalizer is removed, and the owner deleted, once no dependent
 *   with `blockOwnerDeletion` remains.
 * - Orphan: an owner being deleted with the `orphan` finalizer has its
 *   references removed from every dependent, then the finalizer removed.
 *
 * Dependents are found by listing the kinds the scheme serves (through the
 * reader: the informer cache when running, the store in triggered mode).
 * Kinds registered after the controller was built are not watched by a
 * running manager, but are searched for dependents.
 *
 * @module
 */
import { isConflict, isNotFound } from "../apimachinery/errors.ts";
import { parseApiVersion } from "../apimachinery/gvk.ts";
import type { KubeObject, OwnerReference } from "../apimachinery/meta.ts";
import type { OwnerIndexReader, Reader, Writer } from "../client/client.ts";
import { Controller, type ControllerOptions, type WatchSpec } from "../controller/controller.ts";
import type { ObjectEvent } from "../controller/predicates.ts";
import type { Request } from "../controller/reconcile.ts";
import type { Kind } from "../scheme/kind.ts";
import type { Scheme } from "../scheme/scheme.ts";

const ORPHAN = "orphan";
const FOREGROUND = "foregroundDeletion";

function resourceKey(kind: Kind): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

/**
 * A GC request: `<resource>|<name>` in the object's namespace, with `|<uid>`
 * when the object is (or may be) an owner that is going away.
 */
function requestOf(kind: Kind, name: string, namespace?: string, uid?: string): Request {
  const r: Request = { name: `${resourceKey(kind)}|${name}${uid ? `|${uid}` : ""}` };
  if (kind.scope === "Namespaced" && namespace) r.namespace = namespace;
  return r;
}

function groupOf(apiVersion: string): string | undefined {
  try {
    return parseApiVersion(apiVersion).group;
  } catch {
    return undefined;
  }
}

function refersTo(ref: OwnerReference, kind: Kind): boolean {
  return ref.kind === kind.kind && groupOf(ref.apiVersion) === kind.group;
}

function hasFinalizer(obj: KubeObject, f: string): boolean {
  return obj.metadata.finalizers?.includes(f) ?? false;
}

function ownerKindOf(scheme: Scheme, ref: OwnerReference): Kind | undefined {
  const group = groupOf(ref.apiVersion);
  if (group === undefined) return undefined;
  return scheme.kinds().find((k) => k.group === group && k.kind === ref.kind);
}

/** Options of {@linkcode garbageCollector}. */
export interface GarbageCollectorOptions extends ControllerOptions {
  /** Controller name. Default `garbage-collector`. */
  name?: string;
}

/**
 * Builds the garbage collector for the kinds `scheme` serves.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap, Secret } from "../../mod.ts";
 * import { garbageCollector } from "./garbage_collector.ts";
 * import { Manager } from "../controller/manager.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * const owner = await rt.client.create(ConfigMap, { metadata: { name: "owner" } });
 * await rt.client.create(Secret, {
 *   metadata: {
 *     name: "dep",
 *     ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid! }],
 *   },
 * });
 * const mgr = new Manager(rt);
 * mgr.add(garbageCollector(rt.scheme));
 * await mgr.runTriggered();
 * await rt.client.delete(ConfigMap, "owner");
 * await mgr.runTriggered();
 * assert.equal((await rt.client.list(Secret)).items.length, 0);
 * ```
 */
export function garbageCollector(
  scheme: Scheme,
  options: GarbageCollectorOptions = {},
): Controller {
  const watches: WatchSpec[] = scheme.kinds().map((kind) => ({
    kind,
    predicates: [],
    map: (event: ObjectEvent) => mapEvent(scheme, kind, event),
  }));
  const reconcile = async (
    req: Request,
    ctx: { client: Writer & Reader; reader: Reader },
  ): Promise<void> => {
    const [resource, name, uid] = req.name.split("|");
    const dot = resource.indexOf(".");
    const kind = dot < 0
      ? scheme.forResource("", resource)
      : scheme.forResource(resource.slice(dot + 1), resource.slice(0, dot));
    if (!kind) return;
    const gc = new Collector(scheme, ctx.reader, ctx.client);
    await gc.reconcile(kind, name, req.namespace, uid);
  };
  return new Controller(options.name ?? "garbage-collector", reconcile, watches, options);
}

function mapEvent(scheme: Scheme, kind: Kind, event: ObjectEvent): Request[] {
  const obj = event.object;
  const meta = obj.metadata;
  const refs = meta.ownerReferences ?? [];
  const out: Request[] = [];
  const self = requestOf(kind, meta.name ?? "", meta.namespace);
  const gone = event.type === "delete" || !!meta.deletionTimestamp;
  if (event.type === "create" && refs.length) out.push(self);
  if (event.type === "update") {
    const before = JSON.stringify(event.oldObject.metadata.ownerReferences ?? []);
    if (before !== JSON.stringify(refs)) out.push(self);
  }
  if (gone) {
    out.push(requestOf(kind, meta.name ?? "", meta.namespace, meta.uid));
    // Owners waiting in foreground deletion re-check when a dependent goes.
    for (const ref of refs) {
      const ok = ownerKindOf(scheme, ref);
      if (ok) out.push(requestOf(ok, ref.name, meta.namespace, ref.uid));
    }
  }
  return out;
}

class Collector {
  constructor(
    readonly scheme: Scheme,
    readonly reader: Reader,
    readonly client: Writer & Reader,
  ) {}

  async #get(kind: Kind, name: string, namespace?: string): Promise<KubeObject | undefined> {
    try {
      return await this.reader.get(kind, name, {
        namespace: kind.scope === "Namespaced" ? namespace : undefined,
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Reconciles kind/name: as a dependent (its owners), then, when `uid` is
   * given, as an owner with that uid that is gone or going.
   */
  async reconcile(kind: Kind, name: string, namespace?: string, uid?: string): Promise<void> {
    let obj = await this.#get(kind, name, namespace);
    if (obj?.metadata.ownerReferences?.length) await this.#asDependent(kind, obj);
    if (!uid) return;
    if (obj && obj.metadata.uid !== uid) obj = undefined; // replaced: the owner `uid` is gone
    if (obj && !obj.metadata.deletionTimestamp) return;
    const dependents = await this.#dependents(kind, namespace, uid);
    if (!obj) {
      for (const [dk, d] of dependents) await this.#asDependent(dk, d);
      return;
    }
    if (hasFinalizer(obj, ORPHAN)) {
      for (const [dk, d] of dependents) {
        const refs = (d.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
        await this.#patchRefs(dk, d, refs);
      }
      await this.#removeFinalizer(kind, obj, ORPHAN);
    } else if (hasFinalizer(obj, FOREGROUND)) {
      let blocking = 0;
      for (const [dk, d] of dependents) {
        const ref = d.metadata.ownerReferences!.find((r) => r.uid === obj.metadata.uid)!;
        if (ref.blockOwnerDeletion) blocking++;
        if (!d.metadata.deletionTimestamp) {
          await this.#delete(dk, d, ref.blockOwnerDeletion ? "Foreground" : "Background");
        }
      }
      if (blocking === 0) await this.#removeFinalizer(kind, obj, FOREGROUND);
    }
  }

  /** Objects with an owner reference to `uid` (an object of `kind`). */
  async #dependents(
    kind: Kind,
    namespace: string | undefined,
    uid: string,
  ): Promise<[Kind, KubeObject][]> {
    const out: [Kind, KubeObject][] = [];
    const indexed = "listOwnedBy" in this.reader ? this.reader as OwnerIndexReader : undefined;
    for (const k of this.scheme.kinds()) {
      if (kind.scope === "Namespaced" && k.scope !== "Namespaced") continue;
      const opts = { namespace: kind.scope === "Namespaced" ? namespace : undefined };
      const items = indexed
        ? await indexed.listOwnedBy(k, uid, opts)
        : (await this.reader.list(k, opts)).items;
      for (const item of items) {
        if (item.metadata.ownerReferences?.some((r) => r.uid === uid && refersTo(r, kind))) {
          out.push([k, item]);
        }
      }
    }
    return out;
  }

  async #asDependent(kind: Kind, obj: KubeObject): Promise<void> {
    const refs = obj.metadata.ownerReferences ?? [];
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const ok = ownerKindOf(this.scheme, ref);
      if (!ok) {
        solid.push(ref); // an owner of a kind not served here is not ours to judge
        continue;
      }
      if (ok.scope === "Namespaced" && !obj.metadata.namespace) {
        solid.push(ref);
        continue;
      }
      const owner = await this.#get(ok, ref.name, obj.metadata.namespace);
      if (!owner || owner.metadata.uid !== ref.uid) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && hasFinalizer(owner, FOREGROUND)) {
        waiting.push(ref);
      } else solid.push(ref);
    }
    if (solid.length) {
      if (dangling.length || waiting.some((r) => r.blockOwnerDeletion)) {
        const next = refs
          .filter((r) => !dangling.includes(r))
          .map((r) => waiting.includes(r) ? { ...r, blockOwnerDeletion: false } : r);
        await this.#patchRefs(kind, obj, next);
      }
      return;
    }
    if (obj.metadata.deletionTimestamp) return;
    if (waiting.length) await this.#delete(kind, obj, "Foreground");
    else if (dangling.length) {
      const policy = hasFinalizer(obj, ORPHAN)
        ? "Orphan"
        : hasFinalizer(obj, FOREGROUND)
        ? "Foreground"
        : "Background";
      await this.#delete(kind, obj, policy);
    }
  }

  async #delete(
    kind: Kind,
    obj: KubeObject,
    policy: "Background" | "Foreground" | "Orphan",
  ): Promise<void> {
    try {
      await this.client.delete(kind, obj.metadata.name!, {
        namespace: obj.metadata.namespace,
        propagationPolicy: policy,
        preconditions: { uid: obj.metadata.uid },
      });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  async #patchRefs(kind: Kind, obj: KubeObject, refs: OwnerReference[]): Promise<void> {
    try {
      await this.client.patch(kind, obj.metadata.name!, {
        metadata: {
          resourceVersion: obj.metadata.resourceVersion,
          ownerReferences: refs.length ? refs : null,
        },
      }, { namespace: obj.metadata.namespace, type: "merge" });
    } catch (err) {
      if (!isNotFound(err)) throw err; // a Conflict is retried by the controller
    }
  }

  async #removeFinalizer(kind: Kind, obj: KubeObject, f: string): Promise<void> {
    const fins = (obj.metadata.finalizers ?? []).filter((x) => x !== f);
    try {
      await this.client.patch(kind, obj.metadata.name!, {
        metadata: {
          resourceVersion: obj.metadata.resourceVersion,
          finalizers: fins.length ? fins : null,
        },
      }, { namespace: obj.metadata.namespace, type: "merge" });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
