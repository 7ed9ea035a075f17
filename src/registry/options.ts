/**
 * The options of the registry's verbs, as kube-apiserver's GetOptions,
 * ListOptions, CreateOptions, UpdateOptions, PatchOptions and DeleteOptions.
 *
 * @module
 */
import type { Clock } from "../apimachinery/clock.ts";
import type { KubeObject, PropagationPolicy } from "../apimachinery/meta.ts";
import type { FieldSelectorInput, LabelSelectorInput } from "./selection.ts";

/** Options of the Registry. */
export interface RegistryOptions {
  /** Time source for timestamps. */
  clock?: Clock;
  /** Largest serialized object accepted, in bytes. Default 1.5 MiB. */
  maxObjectBytes?: number;
  /** UID generator; default `crypto.randomUUID`. */
  uid?: () => string;
  /** How often watches with bookmarks send one, in ms. Default 60,000. */
  bookmarkIntervalMs?: number;
  /**
   * How long a list or watch waits for the store to reach a resourceVersion
   * newer than its current one before failing with "Too large resource
   * version" (504), in ms. Default 3,000, as kube-apiserver's watch cache.
   */
  freshnessTimeoutMs?: number;
}

/** Options of get. */
export interface GetOptions {
  /** Namespace of a namespaced object; default `default`. */
  namespace?: string;
  /**
   * Absent, `""` or `"0"`: the newest state. A resourceVersion: a state not
   * older than it (the store is waited for when behind, then 504 "Too large
   * resource version"), as kube-apiserver's watch cache serves it.
   */
  resourceVersion?: string;
}

/** Options of list. */
export interface ListOptions {
  /** Only this namespace; all namespaces when absent. */
  namespace?: string;
  /** Label selector: `app=web,tier!=db`, a LabelSelector object, or a label set. */
  labelSelector?: LabelSelectorInput;
  /** Field selector: `metadata.name=x`, or a map of exact matches. */
  fieldSelector?: FieldSelectorInput;
  /** Page size; 0 or absent for everything. */
  limit?: number;
  /** The `continue` token of the previous page. */
  continue?: string;
  /**
   * Which state to read: absent or `""` the newest, `"0"` any (the newest
   * here), a resourceVersion: a state not older than it (the store is
   * waited for when behind), or exactly it with `resourceVersionMatch:
   * "Exact"` or a `limit`.
   */
  resourceVersion?: string;
  /** How `resourceVersion` applies: `NotOlderThan` or `Exact`. */
  resourceVersionMatch?: ResourceVersionMatch | "";
  /** Not allowed on lists (kube-apiserver refuses it); here so the refusal can be tested. */
  sendInitialEvents?: boolean;
}

/** How a list's resourceVersion applies, as `metav1.ResourceVersionMatch`. */
export type ResourceVersionMatch = "NotOlderThan" | "Exact";

/** Options shared by writes. */
export interface WriteOptions {
  /** Run every check, but store nothing. */
  dryRun?: boolean;
  /**
   * Name of the writer: at most 128 bytes of printable characters, as kube
   * requires (recorded nowhere yet).
   */
  fieldManager?: string;
  /**
   * Receives the warnings of the write, as kube-apiserver sends them in
   * `Warning` headers (e.g. `unknown field "spec.replicaz"` under
   * `fieldValidation: "Warn"`).
   */
  onWarning?: (message: string) => void;
}

/**
 * What a write does with fields the kind does not know and fields given twice
 * (JSON text only), as kube-apiserver's `fieldValidation`: `Strict` fails
 * (`strict decoding error: unknown field "specc"`), `Warn` (the default) writes
 * without them and warns, `Ignore` drops them silently.
 */
export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Options of writes that take a body: create, update and patch. */
export interface BodyWriteOptions extends WriteOptions {
  /** Unknown and duplicate fields: Strict, Warn (default) or Ignore. */
  fieldValidation?: FieldValidation;
}

/** Options of create. */
export interface CreateOptions extends BodyWriteOptions {
  /** Namespace; must agree with `metadata.namespace` when both are set. */
  namespace?: string;
}

/** Which part of an object an update or patch writes. */
export type Subresource = "status" | "finalize" | "scale";

/** Options of update. */
export interface UpdateOptions extends BodyWriteOptions {
  /** Namespace; must agree with `metadata.namespace` when both are set. */
  namespace?: string;
  /** Write only the status (or, for namespaces, `finalize`: only spec.finalizers). */
  subresource?: Subresource;
  /**
   * The name the request addresses (an HTTP request's URL): an update whose
   * body names another object is refused with 400 BadRequest, as
   * kube-apiserver refuses it. Ignored by patch, which takes the name apart.
   */
  name?: string;
}

/** Patch formats, as the content types of a PATCH request. */
export type PatchType = "json" | "merge" | "strategic";

/** Options of patch. */
export interface PatchOptions extends UpdateOptions {
  /** Patch format; default `merge`. */
  type?: PatchType;
}

/** Preconditions of a delete. */
export interface Preconditions {
  /** The object must have this uid. */
  uid?: string;
  /** The object must be at this resourceVersion. */
  resourceVersion?: string;
}

/** Options of delete and deleteCollection. */
export interface DeleteOptions extends WriteOptions {
  /** Namespace of a namespaced object; default `default`. */
  namespace?: string;
  /** Conditions the object must meet. */
  preconditions?: Preconditions;
  /** What happens to dependents: Orphan, Background (default) or Foreground. */
  propagationPolicy?: PropagationPolicy;
}

/** Options of deleteCollection. */
export interface DeleteCollectionOptions extends DeleteOptions {
  /** Label selector of the objects to delete. */
  labelSelector?: LabelSelectorInput;
  /** Field selector of the objects to delete. */
  fieldSelector?: FieldSelectorInput;
}

/** Options of watch. */
export interface WatchOptions {
  /** Only this namespace. */
  namespace?: string;
  /** Label selector; objects leaving it are reported as DELETED. */
  labelSelector?: LabelSelectorInput;
  /** Field selector; objects leaving it are reported as DELETED. */
  fieldSelector?: FieldSelectorInput;
  /**
   * Start after this resourceVersion. Absent or `"0"`: first an ADDED event
   * for every current object, then changes (unless `sendInitialEvents` is
   * false).
   */
  resourceVersion?: string;
  /**
   * `true`: send the current objects first (at or after `resourceVersion`),
   * then a BOOKMARK annotated `k8s.io/initial-events-end`; `false`: never
   * send them. Needs `resourceVersionMatch: "NotOlderThan"` (and, for
   * `true`, `allowWatchBookmarks`), as kube-apiserver requires.
   */
  sendInitialEvents?: boolean;
  /** With `sendInitialEvents`: `NotOlderThan`, the only value a watch accepts. */
  resourceVersionMatch?: ResourceVersionMatch | "";
  /** Send BOOKMARK events (periodically, and after the initial events). */
  allowWatchBookmarks?: boolean;
  /**
   * End the watch (cleanly, without an event) after this many seconds, as
   * kube-apiserver ends every watch after `timeoutSeconds`; clients then
   * watch again from their last resourceVersion.
   */
  timeoutSeconds?: number;
  /** Ends the watch. */
  signal?: AbortSignal;
}

/** Options of {@linkcode Registry.changes}. */
export interface ChangesOptions {
  /** Only this namespace. */
  namespace?: string;
  /** Changes after this resourceVersion. */
  fromResourceVersion: string;
  /** Up to and including this resourceVersion; default the current one. */
  toResourceVersion?: string;
}

/** One change read from the change log, with the object before it for updates. */
export interface ChangeEvent<T extends KubeObject = KubeObject> {
  /** ADDED, MODIFIED or DELETED. */
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The object after the change (for DELETED, its last state). */
  object: T;
  /** The object before a MODIFIED change. */
  oldObject?: T;
}
