/**
 * Events as kubectl's `events` command prints them with `-o`: it reads them with the typed
 * client-go clientset, so its JSON has the fields of Go's `corev1.Event` in declaration order
 * (`kind`, `apiVersion`, `metadata`, `involvedObject`, …), `omitempty` fields left out when
 * empty, and the fields without `omitempty` always present: `source: {}`, `eventTime: null`
 * (and any unset timestamp), `reportingComponent: ""`, `reportingInstance: ""`. Fields Go's
 * type does not have are dropped, and so are `managedFields` (kubectl's printers omit them).
 *
 * @module
 */
import type { ObjectMeta, OwnerReference } from "../../src/apimachinery/meta.ts";
import type { Event } from "../../src/resources/core_v1.ts";
import type { ObjectReference } from "../../src/resources/core_v1.ts";
import { GoStruct } from "../jsonpath.ts";

/** Go's `omitempty` for a string, number or pointer: left out when empty, zero or nil. */
function omit<T>(v: T | undefined | null): T | undefined {
  return v === "" || v === 0 || v === null || v === undefined ? undefined : v;
}

/** `omitempty` for a map or a slice: left out when it has no entries. */
function omitEmpty<T extends object>(v: T | undefined): T | undefined {
  return v && Object.keys(v).length ? v : undefined;
}

/** A `metav1.Time` / `MicroTime` value (a struct, so never omitted): `null` when unset. */
function time(t: string | undefined): string | null {
  return t ? t : null;
}

function ownerReference(r: OwnerReference): GoStruct {
  return new GoStruct({
    apiVersion: r.apiVersion ?? "",
    kind: r.kind ?? "",
    name: r.name ?? "",
    uid: r.uid ?? "",
    controller: r.controller ?? undefined,
    blockOwnerDeletion: r.blockOwnerDeletion ?? undefined,
  });
}

function objectMeta(m: ObjectMeta | undefined): GoStruct {
  const meta = m ?? {};
  return new GoStruct({
    name: omit(meta.name),
    generateName: omit(meta.generateName),
    namespace: omit(meta.namespace),
    uid: omit(meta.uid),
    resourceVersion: omit(meta.resourceVersion),
    generation: omit(meta.generation),
    creationTimestamp: time(meta.creationTimestamp),
    deletionTimestamp: meta.deletionTimestamp ?? undefined,
    deletionGracePeriodSeconds: meta.deletionGracePeriodSeconds ?? undefined,
    labels: omitEmpty(meta.labels),
    annotations: omitEmpty(meta.annotations),
    ownerReferences: omitEmpty(meta.ownerReferences?.map(ownerReference)),
    finalizers: omitEmpty(meta.finalizers),
  });
}

function objectReference(r: ObjectReference | undefined): GoStruct {
  const ref = r ?? {};
  return new GoStruct({
    kind: omit(ref.kind),
    namespace: omit(ref.namespace),
    name: omit(ref.name),
    uid: omit(ref.uid),
    apiVersion: omit(ref.apiVersion),
    resourceVersion: omit(ref.resourceVersion),
    fieldPath: omit(ref.fieldPath),
  });
}

/**
 * An Event as Go's `corev1.Event` marshals it, for {@linkcode goJson}.
 *
 * @example
 * ```ts
 * import { typedEvent } from "./events_typed.ts";
 * import { goJson } from "../jsonpath.ts";
 * import assert from "node:assert/strict";
 *
 * const e = {
 *   apiVersion: "v1",
 *   kind: "Event",
 *   metadata: { name: "x.1", namespace: "default" },
 *   involvedObject: { kind: "ConfigMap", name: "x" },
 *   reason: "Seen",
 * };
 * assert.equal(
 *   goJson(typedEvent(e)),
 *   '{"kind":"Event","apiVersion":"v1","metadata":{"name":"x.1","namespace":"default",' +
 *     '"creationTimestamp":null},"involvedObject":{"kind":"ConfigMap","name":"x"},' +
 *     '"reason":"Seen","source":{},"firstTimestamp":null,"lastTimestamp":null,' +
 *     '"eventTime":null,"reportingComponent":"","reportingInstance":""}',
 * );
 * ```
 */
export function typedEvent(e: Event): GoStruct {
  return new GoStruct({
    kind: "Event",
    apiVersion: "v1",
    metadata: objectMeta(e.metadata),
    involvedObject: objectReference(e.involvedObject),
    reason: omit(e.reason),
    message: omit(e.message),
    source: new GoStruct({ component: omit(e.source?.component), host: omit(e.source?.host) }),
    firstTimestamp: time(e.firstTimestamp),
    lastTimestamp: time(e.lastTimestamp),
    count: omit(e.count),
    type: omit(e.type),
    eventTime: time(e.eventTime),
    series: e.series
      ? new GoStruct({
        count: omit(e.series.count),
        lastObservedTime: time(e.series.lastObservedTime),
      })
      : undefined,
    action: omit(e.action),
    related: e.related ? objectReference(e.related) : undefined,
    reportingComponent: e.reportingComponent ?? "",
    reportingInstance: e.reportingInstance ?? "",
  });
}

/** The `corev1.EventList` kubectl prints: no list metadata, the events in order. */
export function typedEventList(events: readonly Event[]): GoStruct {
  return new GoStruct({
    kind: "EventList",
    apiVersion: "v1",
    metadata: new GoStruct({}),
    items: events.map(typedEvent),
  });
}

/**
 * A typed value as plain JSON data (what Go's marshal-then-unmarshal gives the YAML printer and
 * the templates): structs become objects, fields left out stay out.
 */
export function plainData(v: unknown): unknown {
  if (v instanceof GoStruct) {
    const out: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(v.fields)) if (f !== undefined) out[k] = plainData(f);
    return out;
  }
  if (Array.isArray(v)) return v.map(plainData);
  return v;
}
