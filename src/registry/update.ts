// The update verb and the update step patch and update share (kube-apiserver: rest.BeforeUpdate and GuaranteedUpdate).
import { ApiError, field } from "../apimachinery/errors.ts";
import type { KubeObject, ObjectMeta } from "../apimachinery/meta.ts";
import { jsonEqual } from "../apimachinery/json_equal.ts";
import type { Kind } from "../scheme/kind.ts";
import type { KeyValue } from "../storage/types.ts";
import { StoreError } from "../storage/types.ts";
import type { Namespace as NamespaceObject } from "../resources/core_v1.ts";
import { encode, objectKey, orderMeta } from "./codec.ts";
import { validateObjectMetaUpdate } from "./meta_validation.ts";
import type { Subresource, UpdateOptions } from "./options.ts";
import { checkObjectName, cloneJson, CONFLICT_MESSAGE, type RegistryCore } from "./_core.ts";
import { valueAtPath } from "../apimachinery/json_value.ts";
import { cannotBeHandled, checkWriteOptions, decodeBody, enforceStrict } from "./_input.ts";

/** What one update attempt returns when the stored object moved under it. */
export const RETRY: unique symbol = Symbol("retry");

/** Everything generation tracks: the object without metadata and status. */
/**
 * What `metadata.generation` follows: everything but metadata, and but the
 * status when it is a subresource (without one, kube counts status changes too).
 */
function specPortion(obj: KubeObject, statusApart: boolean): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const k in obj) {
    if (k === "metadata" || k === "apiVersion" || k === "kind") continue;
    if (k === "status" && statusApart) continue;
    rest[k] = obj[k];
  }
  return rest;
}

/**
 * Replaces an object (or its status). The body's resourceVersion is a
 * precondition; without one (or with "0") the update applies to whatever is
 * stored, for kinds that allow unconditional updates, and is retried on
 * fresh state until it applies (kube-apiserver's GuaranteedUpdate). A uid in
 * the body must be the stored object's.
 */
export async function update<T extends KubeObject>(
  core: RegistryCore,
  kind: Kind<T, unknown>,
  input: unknown,
  options: UpdateOptions = {},
): Promise<T> {
  if (options.subresource === "scale") {
    const { updateScale } = await import("./scale.ts");
    const named = (input as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    const name = options.name ?? (typeof named === "string" ? named : "");
    return await updateScale(core, kind, name, input, options) as unknown as T;
  }
  const k = core.served(kind);
  const preparing = core.prepare(k);
  if (preparing) await preparing;
  if (k.deprecationWarning) options.onWarning?.(k.deprecationWarning);
  const validation = checkWriteOptions(options, "UpdateOptions");
  const decoded = await decodeBody(k, input, validation);
  const raw = decoded.body as Record<string, unknown>;
  core.checkTypeMeta(k, raw);
  const meta = core.metaOf(k, raw);
  const namespace = core.namespaceFor(k, options.namespace, meta.namespace);
  const name = meta.name ?? "";
  if (options.name !== undefined && name !== options.name) {
    throw ApiError.badRequest(
      `the name of the object (${name}) does not match the name on the URL (${options.name})`,
    );
  }
  checkSubresource(k, options.subresource);
  checkObjectName(name);
  const precondition = updatePrecondition(k, name, meta.resourceVersion);
  return await core.withKey(objectKey(k, namespace, name), async () => {
    for (let attempt = 0;; attempt++) {
      const cur = await core.read(k, namespace, name);
      const out = await updateFrom(core, k, cur, raw, precondition, namespace, options, {
        uid: meta.uid,
        // Strict decoding looks at the body once: retries on fresh state neither fail nor warn anew.
        strict: attempt > 0 ? undefined : (fields, built, dropped) =>
          enforceStrict(
            decoded.strict,
            { metadata: raw.metadata, fields, built, dropped },
            validation,
            options,
            (why) => cannotBeHandled(k, why),
          ),
      });
      if (out !== RETRY) return out as T;
      await backoff(attempt);
    }
  });
}

/**
 * The resourceVersion an update requires, or undefined for an unconditional
 * update (refused for kinds that do not allow it, with the error of
 * kube-apiserver's generic store, which names the resource as the kind).
 */
export function updatePrecondition(
  k: Kind,
  name: string,
  rv: string | undefined,
): string | undefined {
  if (rv === undefined || rv === "" || rv === "0") {
    if (k.allowUnconditionalUpdate) return undefined;
    throw ApiError.invalid({ group: k.group, kind: k.plural }, name, [
      field.invalid("metadata.resourceVersion", 0n, "must be specified for an update"),
    ]);
  }
  if (!/^[0-9]+$/.test(rv)) {
    throw ApiError.badRequest(
      `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${
        JSON.stringify(rv)
      }: invalid syntax`,
    );
  }
  return String(Number(rv));
}

/** Waits a little, more after more attempts, before retrying a write that lost a race. */
export function backoff(attempt: number): Promise<void> {
  if (attempt < 2) return Promise.resolve();
  const ms = Math.random() * Math.min(2 ** attempt, 50);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function checkSubresource(kind: Kind, sub: Subresource | undefined): void {
  if (sub === "status" && !kind.statusSubresource) {
    throw ApiError.of(404, "NotFound", "the server could not find the requested resource", {
      group: kind.group,
      kind: kind.plural,
    });
  }
  if (
    (sub === "finalize" && !(kind.group === "" && kind.kind === "Namespace")) ||
    (sub === "scale" && !kind.scale)
  ) {
    throw ApiError.of(404, "NotFound", "the server could not find the requested resource", {
      group: kind.group,
      kind: kind.plural,
    });
  }
}

/** What an update attempt checks besides the object: the uid it requires, strict decoding. */
export interface UpdateChecks {
  /** The uid the stored object must have. */
  uid?: string;
  /** Called with what the schema read and built, before validation errors are reported. */
  strict?: (
    fields: Record<string, unknown>,
    obj: KubeObject,
    dropped: readonly string[] | undefined,
  ) => void;
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
  checks: UpdateChecks = {},
): Promise<KubeObject | typeof RETRY> {
  const uid = checks.uid;
  const old = core.decode(k, cur.value, cur.revision);
  const name = old.metadata.name!;
  if (uid && uid !== old.metadata.uid) {
    throw ApiError.conflict(
      core.ref(k, name),
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${
        old.metadata.uid ?? ""
      }`,
    );
  }
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
  // rest.BeforeUpdate: the server owns these; an update cannot set or clear them
  // (a deletionTimestamp or grace period it adds is refused as immutable below).
  meta.creationTimestamp = old.metadata.creationTimestamp;
  if (old.metadata.deletionTimestamp) meta.deletionTimestamp = old.metadata.deletionTimestamp;
  if (
    old.metadata.deletionGracePeriodSeconds !== undefined &&
    meta.deletionGracePeriodSeconds === undefined
  ) meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  meta.uid ||= old.metadata.uid;
  meta.generation = old.metadata.generation;
  if (meta.managedFields === undefined) meta.managedFields = old.metadata.managedFields;
  meta.resourceVersion = undefined;
  const { obj, errs, fields, dropped } = core.build(k, meta, body, old, options.subresource);
  checks.strict?.(fields, obj, dropped);
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  for (const path of k.immutableFields) {
    const now = valueAtPath(obj, path);
    if (!jsonEqual(now ?? null, valueAtPath(old, path) ?? null)) {
      errs.push(field.invalid(path, now ?? null, "field is immutable"));
    }
  }
  if (errs.length) throw ApiError.invalid(k, name, errs);
  if (options.subresource === undefined) await core.admit(k, obj, old);
  if (core.policies.pending(k)) {
    await core.policies.admit(k, {
      operation: "UPDATE",
      object: obj,
      oldObject: old,
      subresource: options.subresource,
      dryRun: options.dryRun,
      options,
      onWarning: options.onWarning,
    });
  }
  let value = core.encode(k, obj);
  // Compare stored forms: they have no undefined members and ignore key order.
  const fresh = JSON.parse(value) as KubeObject;
  // The stored form may be another version; generation compares the version written.
  const written = core.converts(k) ? JSON.parse(encode(obj)) as KubeObject : fresh;
  if (
    k.generation &&
    !jsonEqual(specPortion(written, k.statusSubresource), specPortion(old, k.statusSubresource))
  ) {
    obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    obj.metadata = orderMeta(obj.metadata);
    value = core.encode(k, obj);
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
