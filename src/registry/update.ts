// The update verb and the update step patch and update share (kube-apiserver: rest.BeforeUpdate and GuaranteedUpdate).
import { ApiError, field } from "../apimachinery/errors.ts";
import type { KubeObject, ObjectMeta } from "../apimachinery/meta.ts";
import { jsonEqual } from "../apimachinery/json_equal.ts";
import type { Kind } from "../scheme/kind.ts";
import type { KeyValue } from "../storage/types.ts";
import { StoreError } from "../storage/types.ts";
import type { Namespace as NamespaceObject } from "../resources/core_v1.ts";
import { decode, encode, objectKey, orderMeta } from "./codec.ts";
import { validateObjectMetaUpdate } from "./meta_validation.ts";
import type { Subresource, UpdateOptions } from "./options.ts";
import { cloneJson, CONFLICT_MESSAGE, type RegistryCore } from "./_core.ts";
import { valueAtPath } from "./_util.ts";

/** What one update attempt returns when the stored object moved under it. */
export const RETRY: unique symbol = Symbol("retry");
const MAX_RETRIES = 64;

/** Everything generation tracks: the object without metadata and status. */
function specPortion(obj: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const k in obj) {
    if (k !== "metadata" && k !== "status" && k !== "apiVersion" && k !== "kind") rest[k] = obj[k];
  }
  return rest;
}

/** Replaces an object (or its status); the body's resourceVersion, if any, is a precondition. */
export async function update<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  input: unknown,
  options: UpdateOptions = {},
): Promise<T> {
  const k = core.served(kind);
  const raw = input as Record<string, unknown>;
  core.checkTypeMeta(k, raw);
  const meta = core.metaOf(k, raw);
  const namespace = core.namespaceFor(k, options.namespace, meta.namespace);
  const name = meta.name ?? "";
  checkSubresource(k, options.subresource);
  for (let i = 0; i < MAX_RETRIES; i++) {
    const cur = await core.read(k, namespace, name);
    const out = await updateFrom(core, k, cur, raw, meta.resourceVersion, namespace, options);
    if (out !== RETRY) return out as T;
  }
  throw ApiError.conflict(core.ref(k, name), CONFLICT_MESSAGE);
}

export function checkSubresource(kind: Kind, sub: Subresource | undefined): void {
  if (sub === "status" && !kind.statusSubresource) {
    throw ApiError.of(404, "NotFound", "the server could not find the requested resource", {
      group: kind.group,
      kind: kind.plural,
    });
  }
  if (sub === "finalize" && !(kind.group === "" && kind.kind === "Namespace")) {
    throw ApiError.of(404, "NotFound", "the server could not find the requested resource", {
      group: kind.group,
      kind: kind.plural,
    });
  }
}

/**
 * One attempt of an update against the current stored state `cur`.
 * `precondition` is the resourceVersion the caller required, if any.
 */
export async function updateFrom(
  core: RegistryCore,
  k: Kind,
  cur: KeyValue,
  raw: Record<string, unknown>,
  precondition: string | undefined,
  namespace: string | undefined,
  options: UpdateOptions,
): Promise<KubeObject | typeof RETRY> {
  const old = decode(cur.value, cur.revision);
  const name = old.metadata.name!;
  if (precondition && precondition !== String(cur.revision)) {
    throw ApiError.conflict(core.ref(k, name), CONFLICT_MESSAGE);
  }
  let meta: ObjectMeta;
  let body: Record<string, unknown>;
  if (options.subresource === "status") {
    body = cloneJson(old) as Record<string, unknown>;
    if (raw.status === undefined) delete body.status;
    else body.status = raw.status;
    meta = body.metadata as ObjectMeta;
    const given = (raw.metadata as ObjectMeta | undefined)?.managedFields;
    if (given !== undefined) meta.managedFields = given;
  } else if (options.subresource === "finalize") {
    body = cloneJson(old) as Record<string, unknown>;
    const spec = (raw.spec ?? {}) as { finalizers?: string[] };
    body.spec = { ...(body.spec as object), finalizers: spec.finalizers ?? [] };
    meta = body.metadata as ObjectMeta;
  } else {
    body = raw;
    meta = core.metaOf(k, raw);
    if (k.statusSubresource) {
      body = { ...raw };
      if (old.status === undefined) delete body.status;
      else body.status = old.status;
    }
  }
  meta.namespace = namespace;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  meta.deletionTimestamp = old.metadata.deletionTimestamp;
  meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  meta.uid ||= old.metadata.uid;
  meta.generation = old.metadata.generation;
  if (meta.managedFields === undefined) meta.managedFields = old.metadata.managedFields;
  meta.resourceVersion = undefined;
  const { obj, errs } = core.build(k, meta, body, old);
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  for (const path of k.immutableFields) {
    const now = valueAtPath(obj, path);
    if (!jsonEqual(now ?? null, valueAtPath(old, path) ?? null)) {
      errs.push(field.invalid(path, now ?? null, "field is immutable"));
    }
  }
  if (errs.length) throw ApiError.invalid(k, name, errs);
  if (options.subresource === undefined) await core.admit(k, obj, old);
  let value = encode(obj);
  // Compare stored forms: they have no undefined members and ignore key order.
  const fresh = JSON.parse(value) as KubeObject;
  if (k.generation && !jsonEqual(specPortion(fresh), specPortion(old))) {
    obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    obj.metadata = orderMeta(obj.metadata);
    value = encode(obj);
  } else if (value === cur.value || jsonEqual(fresh, JSON.parse(cur.value))) {
    return old; // no-op: same resourceVersion, no event
  }
  core.checkSize(value);
  const key = objectKey(k, namespace, name);
  const finished = obj.metadata.deletionTimestamp && !(obj.metadata.finalizers?.length) &&
    !namespaceHoldsFinalizers(k, obj);
  if (options.dryRun) {
    obj.metadata.resourceVersion = String(cur.revision);
    return obj;
  }
  try {
    if (finished) {
      const { revision } = await core.store.delete(key, cur.revision);
      obj.metadata.resourceVersion = String(revision);
      return obj;
    }
    const rev = await core.store.update(key, value, cur.revision);
    obj.metadata.resourceVersion = String(rev);
    return obj;
  } catch (err) {
    if (err instanceof StoreError && (err.code === "conflict" || err.code === "not-found")) {
      if (precondition || err.code === "not-found") core.storeError(err, k, name);
      return RETRY;
    }
    core.storeError(err, k, name);
  }
}

function namespaceHoldsFinalizers(k: Kind, obj: KubeObject): boolean {
  // A terminating namespace goes away only once its spec finalizers are gone too.
  return k.group === "" && k.kind === "Namespace" &&
    ((obj as NamespaceObject).spec?.finalizers?.length ?? 0) > 0;
}
