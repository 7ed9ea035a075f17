/**
 * Encoding of objects for storage: canonical field order, the stored form
 * leaves resourceVersion empty (the store revision is the truth), and keys
 * follow `/registry/<resource>[.<group>]/<namespace>/<name>`.
 *
 * @module
 */
import { type KubeObject, OBJECT_META_FIELDS, type ObjectMeta } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";

/** Returns metadata with Kubernetes' field order and without empty values. */
export function orderMeta(meta: ObjectMeta): ObjectMeta {
  const out: Record<string, unknown> = {};
  for (const k of OBJECT_META_FIELDS) {
    // The API server has not written selfLink since 1.20.
    if (k === "selfLink") continue;
    const v = (meta as Record<string, unknown>)[k];
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v) && v.length === 0 && k !== "managedFields") continue;
    if (
      (k === "labels" || k === "annotations") && typeof v === "object" &&
      Object.keys(v as object).length === 0
    ) continue;
    out[k] = v;
  }
  return out as ObjectMeta;
}

/**
 * Builds the canonical object: apiVersion, kind, metadata first, then the
 * schema's fields.
 */
export function canonical(kind: Kind, meta: ObjectMeta, body: Record<string, unknown>): KubeObject {
  const obj: KubeObject = { apiVersion: kind.apiVersion, kind: kind.kind, metadata: meta };
  for (const k in body) {
    if (k === "apiVersion" || k === "kind" || k === "metadata") continue;
    const v = body[k];
    if (v !== undefined) obj[k] = v;
  }
  return obj;
}

/** Serializes an object for the store (resourceVersion blanked). */
export function encode(obj: KubeObject): string {
  const rv = obj.metadata.resourceVersion;
  obj.metadata.resourceVersion = "";
  const s = JSON.stringify(obj);
  obj.metadata.resourceVersion = rv;
  return s;
}

/** Parses a stored value and sets resourceVersion from the store revision. */
export function decode<T extends KubeObject = KubeObject>(value: string, revision: number): T {
  const obj = JSON.parse(value) as T;
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

/** Storage key prefix of a kind: `/registry/configmaps/`, `/registry/items.inventory.k1s.dev/`. */
export function kindPrefix(kind: Kind): string {
  return kind.group ? `/registry/${kind.plural}.${kind.group}/` : `/registry/${kind.plural}/`;
}

/** Key prefix for listing: the whole kind, or one namespace of it. */
export function listPrefix(kind: Kind, namespace?: string): string {
  const p = kindPrefix(kind);
  return kind.scope === "Namespaced" && namespace ? `${p}${namespace}/` : p;
}

/** The storage key of one object. */
export function objectKey(kind: Kind, namespace: string | undefined, name: string): string {
  return kind.scope === "Namespaced"
    ? `${kindPrefix(kind)}${namespace}/${name}`
    : `${kindPrefix(kind)}${name}`;
}
