/**
 * Owner references: mark the controller of an object, find it again.
 *
 * @module
 */
import { parseApiVersion } from "../apimachinery/gvk.ts";
import type { KubeObject, OwnerReference } from "../apimachinery/meta.ts";
import type { Reader } from "../client/client.ts";
import type { Scheme } from "../scheme/scheme.ts";

/** Thrown when an object already has a different controller. */
export class AlreadyOwnedError extends Error {
  /** The existing controller reference. */
  readonly owner: OwnerReference;
  /** Describes the clash. */
  constructor(object: KubeObject, owner: OwnerReference) {
    super(
      `Object ${object.metadata.namespace ? object.metadata.namespace + "/" : ""}${
        object.metadata.name ?? ""
      } is already owned by another ${owner.kind} controller ${owner.name}`,
    );
    this.name = "AlreadyOwnedError";
    this.owner = owner;
  }
}

function refTo(owner: KubeObject, controller: boolean, block: boolean): OwnerReference {
  if (!owner.metadata.uid || !owner.metadata.name) {
    throw new TypeError("the owner must have been created (it needs a name and a uid)");
  }
  const ref: OwnerReference = {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
  };
  if (controller) ref.controller = true;
  if (block) ref.blockOwnerDeletion = true;
  return ref;
}

function checkScope(owner: KubeObject, object: KubeObject): void {
  const ons = owner.metadata.namespace;
  if (ons && ons !== object.metadata.namespace) {
    throw new TypeError(
      `cross-namespace owner references are disallowed: owner's namespace ${ons}, object's namespace ${
        object.metadata.namespace ?? "(cluster-scoped)"
      }`,
    );
  }
}

/** The reference of `object` to its controller, if any. */
export function getControllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((r) => r.controller === true);
}

/**
 * Makes `owner` the controller of `object` (mutating `object`), with
 * blockOwnerDeletion set, as controller-runtime's SetControllerReference.
 * Fails with {@linkcode AlreadyOwnedError} if another object controls it.
 *
 * @example
 * ```ts
 * import { setControllerReference, getControllerOf } from "./owner.ts";
 * import assert from "node:assert/strict";
 * const owner = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "o", namespace: "a", uid: "u1" } };
 * const obj = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "a" } };
 * setControllerReference(owner, obj);
 * assert.equal(getControllerOf(obj)?.uid, "u1");
 * ```
 */
export function setControllerReference(
  owner: KubeObject,
  object: KubeObject,
  options: { blockOwnerDeletion?: boolean } = {},
): void {
  checkScope(owner, object);
  const existing = getControllerOf(object);
  if (existing && existing.uid !== owner.metadata.uid) {
    throw new AlreadyOwnedError(object, existing);
  }
  upsert(object, refTo(owner, true, options.blockOwnerDeletion ?? true));
}

/** Adds (or refreshes) a non-controller owner reference from `object` to `owner`. */
export function setOwnerReference(owner: KubeObject, object: KubeObject): void {
  checkScope(owner, object);
  const prev = object.metadata.ownerReferences?.find((r) => r.uid === owner.metadata.uid);
  upsert(object, {
    ...refTo(owner, false, false),
    ...(prev?.controller ? { controller: true } : {}),
    ...(prev?.blockOwnerDeletion ? { blockOwnerDeletion: true } : {}),
  });
}

function upsert(object: KubeObject, ref: OwnerReference): void {
  const refs = [...(object.metadata.ownerReferences ?? [])];
  const sameOwner = (r: OwnerReference) => {
    if (r.uid === ref.uid) return true;
    try {
      return r.kind === ref.kind && r.name === ref.name &&
        parseApiVersion(r.apiVersion).group === parseApiVersion(ref.apiVersion).group;
    } catch {
      return false;
    }
  };
  const i = refs.findIndex(sameOwner);
  if (i >= 0) refs[i] = ref;
  else refs.push(ref);
  object.metadata.ownerReferences = refs;
}

/** True if `object` has an owner reference to `owner` (by uid). */
export function isOwnedBy(object: KubeObject, owner: KubeObject): boolean {
  return !!object.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid);
}

/**
 * Reads the controlling owner of `object` (undefined when it has none, when
 * its kind is not served, or when the owner is gone or was replaced by
 * another object of the same name).
 */
export async function getControllerOwner(
  reader: Reader,
  scheme: Scheme,
  object: KubeObject,
): Promise<KubeObject | undefined> {
  const ref = getControllerOf(object);
  if (!ref) return undefined;
  const kind = scheme.lookup(ref.apiVersion, ref.kind);
  if (!kind) return undefined;
  try {
    const owner = await reader.get(kind, ref.name, {
      namespace: kind.scope === "Namespaced" ? object.metadata.namespace : undefined,
    });
    return owner.metadata.uid === ref.uid ? owner : undefined;
  } catch (err) {
    if ((err as { reason?: string }).reason === "NotFound") return undefined;
    throw err;
  }
}
