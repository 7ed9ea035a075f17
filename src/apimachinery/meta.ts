/**
 * Object vocabulary shared by every kind: TypeMeta, ObjectMeta, list types,
 * owner references, managed fields and watch events.
 *
 * @module
 */

/** A reference from an object to its owner, as in `metav1.OwnerReference`. */
export interface OwnerReference {
  /** API version of the owner. */
  apiVersion: string;
  /** Kind of the owner. */
  kind: string;
  /** Name of the owner. */
  name: string;
  /** UID of the owner. */
  uid: string;
  /** True if the owner is the managing controller. */
  controller?: boolean;
  /** If true, the owner cannot be deleted (foreground) until this reference is removed. */
  blockOwnerDeletion?: boolean;
}

/** A managed fields entry, as in `metav1.ManagedFieldsEntry`. Stored as given. */
export interface ManagedFieldsEntry {
  /** The workflow managing the fields. */
  manager?: string;
  /** `Apply` or `Update`. */
  operation?: string;
  /** API version of the fields. */
  apiVersion?: string;
  /** When the operation happened. */
  time?: string;
  /** Format of fieldsV1, always `FieldsV1`. */
  fieldsType?: string;
  /** The set of fields. */
  fieldsV1?: Record<string, unknown>;
  /** Subresource the operation applied to. */
  subresource?: string;
}

/**
 * The fields of ObjectMeta in the order of the Go type (`k8s.io/apimachinery`
 * `metav1.ObjectMeta`), which is how the API server writes them.
 */
export const OBJECT_META_FIELDS: readonly string[] = [
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
];

/** Standard object metadata, as in `metav1.ObjectMeta`. */
export interface ObjectMeta {
  /** Unique name within the namespace (or cluster). */
  name?: string;
  /** Prefix the server uses to generate a unique name when `name` is empty. */
  generateName?: string;
  /** Namespace of a namespaced object. */
  namespace?: string;
  /** Unique id set by the server. */
  uid?: string;
  /** Opaque version used for optimistic concurrency (the store revision). */
  resourceVersion?: string;
  /** Sequence number of spec changes, set by the server. */
  generation?: number;
  /** RFC 3339 time of creation, set by the server. */
  creationTimestamp?: string;
  /** RFC 3339 time at which deletion was requested. */
  deletionTimestamp?: string;
  /** Seconds allowed for graceful termination. */
  deletionGracePeriodSeconds?: number;
  /** Labels: identifying key/value pairs. */
  labels?: Record<string, string>;
  /** Annotations: non-identifying metadata. */
  annotations?: Record<string, string>;
  /** Owners of this object. */
  ownerReferences?: OwnerReference[];
  /** Finalizers that must be removed before the object is deleted. */
  finalizers?: string[];
  /** Field ownership records. */
  managedFields?: ManagedFieldsEntry[];
}

/** apiVersion and kind. */
export interface TypeMeta {
  /** `group/version`, or `version` for the core group. */
  apiVersion: string;
  /** The kind, e.g. `ConfigMap`. */
  kind: string;
}

/** Any Kubernetes-style object. */
export interface KubeObject extends TypeMeta {
  /** Object metadata. */
  metadata: ObjectMeta;
  /** Other top-level fields (spec, status, data, ...). */
  [field: string]: unknown;
}

/** Metadata the API server sets on every object it stores. */
export interface StoredObjectMeta extends ObjectMeta {
  /** Unique name within the namespace (or cluster). */
  name: string;
  /** Unique id set by the server. */
  uid: string;
  /** Opaque version used for optimistic concurrency (the store revision). */
  resourceVersion: string;
  /** RFC 3339 time of creation, set by the server. */
  creationTimestamp: string;
}

/**
 * An object as the API returns it (read, written or listed): `name`, `uid`,
 * `resourceVersion` and `creationTimestamp` are always there, so code
 * reading them needs no `!`.
 */
export type Stored<T extends KubeObject> = T & { metadata: StoredObjectMeta };

/** Metadata of a list, as in `metav1.ListMeta`. */
export interface ListMeta {
  /** Store revision the list was read at. */
  resourceVersion?: string;
  /** Token for the next page, when there is one. */
  continue?: string;
  /** Number of items after this page, when known. */
  remainingItemCount?: number;
}

/** A list of objects of one kind. */
export interface KubeList<T extends KubeObject = KubeObject> {
  /** `v1` or `group/version`. */
  apiVersion: string;
  /** `<Kind>List`. */
  kind: string;
  /** List metadata. */
  metadata: ListMeta;
  /** The objects. */
  items: T[];
}

/** The type of a watch event, as in `watch.EventType`. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** One watch event. For ERROR the object is a Status. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  /** What happened. */
  type: WatchEventType;
  /** The object after the change (for DELETED: its last state). */
  object: T;
}

/** Propagation policy of a delete, as in `metav1.DeletionPropagation`. */
export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

/** Annotation set on the bookmark that ends the initial events of a watch. */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";
