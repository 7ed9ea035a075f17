/**
 * Predicates filter the events that reach a controller's queue, as in
 * controller-runtime: a missing method lets the event through.
 *
 * @module
 */
import type { KubeObject } from "../apimachinery/meta.ts";

/** Filters events before they are mapped to requests. */
export interface Predicate<T extends KubeObject = KubeObject> {
  /** An object appeared. */
  create?(obj: T): boolean;
  /** An object changed. */
  update?(oldObj: T, newObj: T): boolean;
  /** An object went away. */
  delete?(obj: T): boolean;
}

function sameMap(a?: Record<string, string>, b?: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a![k] === b?.[k]);
}

/**
 * Passes updates that change `metadata.generation` (spec changes), and every
 * create and delete.
 *
 * @example
 * ```ts
 * import { generationChanged } from "./predicates.ts";
 * import assert from "node:assert/strict";
 * const a = { apiVersion: "v1", kind: "X", metadata: { generation: 1 } };
 * assert.equal(generationChanged.update!(a, { ...a, metadata: { generation: 2 } }), true);
 * assert.equal(generationChanged.update!(a, a), false);
 * ```
 */
export const generationChanged: Predicate = {
  update: (o, n) => o.metadata.generation !== n.metadata.generation,
};

/** Passes updates that change labels. */
export const labelsChanged: Predicate = {
  update: (o, n) => !sameMap(o.metadata.labels, n.metadata.labels),
};

/** Passes updates that change annotations. */
export const annotationsChanged: Predicate = {
  update: (o, n) => !sameMap(o.metadata.annotations, n.metadata.annotations),
};

/** Passes updates that change the resourceVersion (drops resync duplicates). */
export const resourceVersionChanged: Predicate = {
  update: (o, n) => o.metadata.resourceVersion !== n.metadata.resourceVersion,
};

/** A predicate from one function applied to the new (or only) object of every event. */
export function predicate<T extends KubeObject>(fn: (obj: T) => boolean): Predicate<T> {
  return { create: fn, update: (_o, n) => fn(n), delete: fn };
}

/** Passes an event when any of `predicates` passes it. */
export function anyOf<T extends KubeObject>(...predicates: Predicate<T>[]): Predicate<T> {
  return {
    create: (o) => predicates.some((p) => p.create?.(o) ?? true),
    update: (o, n) => predicates.some((p) => p.update?.(o, n) ?? true),
    delete: (o) => predicates.some((p) => p.delete?.(o) ?? true),
  };
}

/** One event as controllers see it. */
export type ObjectEvent<T extends KubeObject = KubeObject> =
  | { type: "create"; object: T }
  | { type: "update"; object: T; oldObject: T }
  | { type: "delete"; object: T };

/** True when every predicate passes `event`. */
export function passes<T extends KubeObject>(
  predicates: readonly Predicate<T>[],
  event: ObjectEvent<T>,
): boolean {
  for (const p of predicates) {
    const ok = event.type === "create"
      ? p.create?.(event.object)
      : event.type === "update"
      ? p.update?.(event.oldObject, event.object)
      : p.delete?.(event.object);
    if (ok === false) return false;
  }
  return true;
}
