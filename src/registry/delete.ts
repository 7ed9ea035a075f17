// The delete and deletecollection verbs: finalizers, propagation policies and preconditions.
import { rfc3339 } from "../apimachinery/clock.ts";
import { ApiError } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { StoreError } from "../storage/types.ts";
import { type Namespace as NamespaceObject, PROTECTED_NAMESPACES } from "../resources/core_v1.ts";
import { objectKey, orderMeta } from "./codec.ts";
import type { DeleteCollectionOptions, DeleteOptions } from "./options.ts";
import { checkObjectName, cloneJson, type RegistryCore } from "./_core.ts";
import { list } from "./list.ts";
import { backoff } from "./update.ts";

/**
 * Deletes an object. With finalizers (or a Foreground/Orphan policy) it is
 * marked with a deletionTimestamp and returned; otherwise it is removed and
 * returned as it was last stored.
 */
export async function del<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  name: string,
  options: DeleteOptions = {},
): Promise<T> {
  const k = core.served(kind);
  if (k.deprecationWarning) options.onWarning?.(k.deprecationWarning);
  const namespace = core.namespaceFor(k, options.namespace);
  const pre = options.preconditions ?? {};
  const isNamespace = k.group === "" && k.kind === "Namespace";
  if (isNamespace && PROTECTED_NAMESPACES.includes(name)) {
    throw ApiError.forbidden(core.ref(k, name), "this namespace may not be deleted");
  }
  checkObjectName(name);
  return await core.withKey(objectKey(k, namespace, name), async () => {
    for (let attempt = 0;; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const cur = await core.read(k, namespace, name);
      const obj = core.decode(k, cur.value, cur.revision);
      if (pre.uid && pre.uid !== obj.metadata.uid) {
        throw ApiError.conflict(
          core.ref(k, name),
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${
            obj.metadata.uid ?? ""
          }`,
        );
      }
      if (pre.resourceVersion && pre.resourceVersion !== String(cur.revision)) {
        throw ApiError.conflict(
          core.ref(k, name),
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.revision}`,
        );
      }
      // A kind's strategy may add finalizers and conditions on the first request to delete.
      let target = obj;
      if (!obj.metadata.deletionTimestamp && k.beforeDelete) {
        target = cloneJson(obj);
        k.beforeDelete(target, core.clock.now());
      }
      const meta = target.metadata;
      const fins = new Set(meta.finalizers ?? []);
      const policy = options.propagationPolicy;
      if (policy === "Orphan") {
        fins.add("orphan");
        fins.delete("foregroundDeletion");
      } else if (policy === "Foreground") {
        fins.add("foregroundDeletion");
        fins.delete("orphan");
      } else if (policy === "Background") {
        fins.delete("orphan");
        fins.delete("foregroundDeletion");
      } else if (policy !== undefined) {
        throw ApiError.invalid({ kind: "DeleteOptions" }, "", [{
          type: "FieldValueNotSupported",
          field: "propagationPolicy",
          badValue: policy,
          detail: 'supported values: "Foreground", "Background", "Orphan", "nil"',
        }]);
      }
      let next: KubeObject | undefined;
      const finList = [...fins];
      const finChanged = finList.length !== (meta.finalizers?.length ?? 0) ||
        finList.some((f, j) => meta.finalizers?.[j] !== f);
      const spec = (obj as NamespaceObject).spec;
      if (isNamespace && (!meta.deletionTimestamp || spec?.finalizers?.length)) {
        next = cloneJson(target);
        next.metadata.deletionTimestamp ??= rfc3339(core.clock.now());
        next.metadata.deletionGracePeriodSeconds ??= 0;
        next.metadata.finalizers = finList;
        (next as NamespaceObject).status = {
          ...(next as NamespaceObject).status,
          phase: "Terminating",
        };
        if (meta.deletionTimestamp && !finChanged) return obj as T;
      } else if (meta.deletionTimestamp && finList.length) {
        // Already being deleted: only a change of propagation finalizers is written.
        if (!finChanged) return obj as T;
        next = cloneJson(target);
        next.metadata.finalizers = finList;
      } else if (!meta.deletionTimestamp && finList.length) {
        next = cloneJson(target);
        next.metadata.finalizers = finList;
        next.metadata.deletionTimestamp = rfc3339(core.clock.now());
        next.metadata.deletionGracePeriodSeconds = 0;
        if (k.generation && next.metadata.generation) next.metadata.generation++;
      }
      const key = objectKey(k, namespace, name);
      if (core.policies.pending(k)) {
        await core.policies.admit(k, {
          operation: "DELETE",
          oldObject: obj,
          dryRun: options.dryRun,
          options,
          onWarning: options.onWarning,
        });
      }
      if (next) {
        next.metadata = orderMeta(next.metadata);
        next.metadata.resourceVersion = undefined;
        if (options.dryRun) return next as T;
        try {
          const rev = await core.store.update(key, core.encode(k, next), cur.revision);
          next.metadata.resourceVersion = String(rev);
          return next as T;
        } catch (err) {
          if (err instanceof StoreError && err.code === "conflict" && !pre.resourceVersion) {
            continue;
          }
          core.storeError(err, k, name);
        }
      }
      if (options.dryRun) return obj as T;
      try {
        const { revision } = await core.store.delete(key, cur.revision);
        obj.metadata.resourceVersion = String(revision);
        return obj as T;
      } catch (err) {
        if (err instanceof StoreError && err.code === "conflict" && !pre.resourceVersion) continue;
        core.storeError(err, k, name);
      }
    }
  });
}

/**
 * False for the kinds kube serves no deletecollection for: namespaces (a request gets 405).
 *
 * @example
 * ```ts
 * import { collectionDeletable } from "./delete.ts";
 * import assert from "node:assert/strict";
 * assert.equal(collectionDeletable({ group: "", kind: "Namespace" }), false);
 * assert.equal(collectionDeletable({ group: "", kind: "ConfigMap" }), true);
 * ```
 */
export function collectionDeletable(kind: { group: string; kind: string }): boolean {
  return !(kind.group === "" && kind.kind === "Namespace");
}

/** Deletes every object matching the selectors; returns what was deleted or marked. */
export async function deleteCollection<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  options: DeleteCollectionOptions = {},
): Promise<KubeList<T>> {
  const k = core.served(kind);
  if (!collectionDeletable(k)) throw ApiError.methodNotAllowed();
  const found = await list(core, kind, {
    namespace: options.namespace,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
  });
  const items: T[] = [];
  for (const obj of found.items) {
    try {
      items.push(
        await del(core, kind, obj.metadata.name!, {
          ...options,
          namespace: obj.metadata.namespace,
          preconditions: undefined,
        }),
      );
    } catch (err) {
      if (err instanceof ApiError && err.reason === "NotFound") continue;
      throw err;
    }
  }
  return { ...found, items };
}
