/**
 * The API semantics, in one place: per-kind create, get, list, update,
 * patch, delete, deleteCollection and watch over a {@linkcode Store}, with
 * kube-apiserver's rules for names, server-set metadata, resourceVersion
 * preconditions, generation, status subresource, finalizers, namespaces,
 * dry-run, size limits, selectors, paging and watch.
 *
 * @module
 */
import { type Clock, realClock, rfc3339 } from "../apimachinery/clock.ts";
import { ApiError, field, type FieldError, type ResourceRef } from "../apimachinery/errors.ts";
import type {
  KubeList,
  KubeObject,
  ObjectMeta,
  PropagationPolicy,
  WatchEvent,
} from "../apimachinery/meta.ts";
import { INITIAL_EVENTS_END_ANNOTATION } from "../apimachinery/meta.ts";
import { jsonEqual } from "../apimachinery/json_equal.ts";
import { utf8ByteLength } from "../apimachinery/validation.ts";
import type { Kind } from "../scheme/kind.ts";
import type { Scheme } from "../scheme/scheme.ts";
import type { KeyValue, Store, StoreEvent } from "../storage/types.ts";
import { StoreError } from "../storage/types.ts";
import { type Namespace as NamespaceObject, PROTECTED_NAMESPACES } from "../resources/core_v1.ts";
import { canonical, decode, encode, listPrefix, objectKey, orderMeta } from "./codec.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta_validation.ts";
import {
  compileSelectors,
  type FieldSelectorInput,
  type LabelSelectorInput,
  type ObjectPredicate,
} from "./selection.ts";
import { randomSuffix, valueAtPath, zodIssuesToFieldErrors } from "./_util.ts";

let patchModules:
  | Promise<
    [
      typeof import("../apimachinery/json_patch.ts"),
      typeof import("../apimachinery/merge_patch.ts"),
      typeof import("../apimachinery/strategic_merge_patch.ts"),
    ]
  >
  | undefined;

/** The patch appliers, loaded on the first patch (a process that only reads never needs them). */
async function patchers() {
  patchModules ??= Promise.all([
    import("../apimachinery/json_patch.ts"),
    import("../apimachinery/merge_patch.ts"),
    import("../apimachinery/strategic_merge_patch.ts"),
  ]);
  const [json, merge, strategic] = await patchModules;
  return {
    applyJsonPatch: json.applyJsonPatch,
    PatchError: json.PatchError,
    applyMergePatch: merge.applyMergePatch,
    applyStrategicMergePatch: strategic.applyStrategicMergePatch,
  };
}

/** Default object size limit: etcd's default request limit, 1.5 MiB. */
export const DEFAULT_MAX_OBJECT_BYTES = 1572864;

const CONFLICT_MESSAGE =
  "the object has been modified; please apply your changes to the latest version and try again";
const MAX_RETRIES = 64;

/** Options of {@linkcode Registry}. */
export interface RegistryOptions {
  /** Time source for timestamps. */
  clock?: Clock;
  /** Largest serialized object accepted, in bytes. Default 1.5 MiB. */
  maxObjectBytes?: number;
  /** UID generator; default `crypto.randomUUID`. */
  uid?: () => string;
  /** How often watches with bookmarks send one, in ms. Default 60,000. */
  bookmarkIntervalMs?: number;
}

/** Options of get. */
export interface GetOptions {
  /** Namespace of a namespaced object; default `default`. */
  namespace?: string;
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
}

/** Options shared by writes. */
export interface WriteOptions {
  /** Run every check, but store nothing. */
  dryRun?: boolean;
  /** Name of the writer (validated, recorded nowhere yet). */
  fieldManager?: string;
}

/** Options of create. */
export interface CreateOptions extends WriteOptions {
  /** Namespace; must agree with `metadata.namespace` when both are set. */
  namespace?: string;
}

/** Which part of an object an update or patch writes. */
export type Subresource = "status" | "finalize";

/** Options of update. */
export interface UpdateOptions extends WriteOptions {
  /** Namespace; must agree with `metadata.namespace` when both are set. */
  namespace?: string;
  /** Write only the status (or, for namespaces, `finalize`: only spec.finalizers). */
  subresource?: Subresource;
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
   * for every current object, then changes.
   */
  resourceVersion?: string;
  /** Send the current objects first even when a resourceVersion is given. */
  sendInitialEvents?: boolean;
  /** Send BOOKMARK events (periodically, and after the initial events). */
  allowWatchBookmarks?: boolean;
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

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return btoa(JSON.stringify(t)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeContinue(s: string, prefix: string): ContinueToken {
  let t: ContinueToken;
  try {
    const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    t = JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)));
  } catch {
    throw ApiError.badRequest(`continue key is not valid: illegal base64 data`);
  }
  if (
    !t || t.v !== "meta.k8s.io/v1" || typeof t.rv !== "number" || typeof t.start !== "string"
  ) {
    throw ApiError.badRequest(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  }
  if (!t.start.startsWith(prefix)) {
    throw ApiError.badRequest("continue key is not valid: key is not under the listed prefix");
  }
  return t;
}

function cloneJson<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** Everything generation tracks: the object without metadata and status. */
function specPortion(obj: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const k in obj) {
    if (k !== "metadata" && k !== "status" && k !== "apiVersion" && k !== "kind") rest[k] = obj[k];
  }
  return rest;
}

const META_STRINGS = [
  "name",
  "generateName",
  "namespace",
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "deletionTimestamp",
] as const;

function isStringMap(v: unknown): boolean {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  for (const k in v as Record<string, unknown>) {
    if (typeof (v as Record<string, unknown>)[k] !== "string") return false;
  }
  return true;
}

/** Type errors in metadata (the schema of every kind's `metadata`). */
function metaTypeErrors(m: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const bad = (path: string, v: unknown, type: string) =>
    errs.push(field.typeInvalid(`metadata.${path}`, v, `must be of type ${type}`));
  for (const k of META_STRINGS) {
    if (m[k] !== undefined && m[k] !== null && typeof m[k] !== "string") bad(k, m[k], "string");
  }
  for (const k of ["generation", "deletionGracePeriodSeconds"] as const) {
    const v = m[k];
    if (v !== undefined && v !== null && !Number.isInteger(v)) bad(k, v, "integer");
  }
  for (const k of ["labels", "annotations"] as const) {
    if (m[k] !== undefined && m[k] !== null && !isStringMap(m[k])) {
      bad(k, m[k], "object of strings");
    }
  }
  const fins = m.finalizers;
  if (
    fins !== undefined && fins !== null &&
    !(Array.isArray(fins) && fins.every((f) => typeof f === "string"))
  ) bad("finalizers", fins, "array of strings");
  for (const k of ["ownerReferences", "managedFields"] as const) {
    const v = m[k];
    if (
      v !== undefined && v !== null &&
      !(Array.isArray(v) &&
        v.every((x) => x !== null && typeof x === "object" && !Array.isArray(x)))
    ) bad(k, v, "array of objects");
  }
  return errs;
}

/** The result of the internal update step. */
const RETRY = Symbol("retry");

/**
 * Serves the API semantics of every kind in a {@linkcode Scheme} over one
 * {@linkcode Store}. All clients, the HTTP server and the controllers go
 * through it.
 *
 * @example
 * ```ts
 * import { Registry } from "./registry.ts";
 * import { Scheme } from "../scheme/scheme.ts";
 * import { coreV1Kinds, ConfigMap, Namespace } from "../resources/core_v1.ts";
 * import { openMemoryStore } from "../storage/memory.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = new Registry(openMemoryStore(), new Scheme(coreV1Kinds));
 * await registry.create(Namespace, { metadata: { name: "default" } });
 * const cm = await registry.create(ConfigMap, { metadata: { name: "app" }, data: { a: "1" } });
 * assert.equal(cm.metadata.namespace, "default");
 * assert.equal((await registry.get(ConfigMap, "app")).data?.a, "1");
 * ```
 */
export class Registry {
  /** The store objects live in. */
  readonly store: Store;
  /** The kinds served. */
  readonly scheme: Scheme;
  readonly #clock: Clock;
  readonly #maxBytes: number;
  readonly #uid: () => string;
  readonly #bookmarkMs: number;
  readonly #namespaces = new Map<string, { revision: number; terminating: boolean }>();

  /** Serves `scheme`'s kinds over `store`. */
  constructor(store: Store, scheme: Scheme, options: RegistryOptions = {}) {
    this.store = store;
    this.scheme = scheme;
    this.#clock = options.clock ?? realClock;
    this.#maxBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    this.#uid = options.uid ?? (() => crypto.randomUUID());
    this.#bookmarkMs = options.bookmarkIntervalMs ?? 60_000;
  }

  // ------------------------------------------------------------------ helpers

  #served(kind: { apiVersion: string; kind: string; group?: string; plural?: string }): Kind {
    const k = this.scheme.served(kind);
    if (!k) {
      throw ApiError.of(404, "NotFound", "the server could not find the requested resource", {
        group: kind.group,
        kind: kind.plural,
      });
    }
    return k;
  }

  #ref(kind: Kind, name?: string): ResourceRef {
    return { group: kind.group, resource: kind.plural, name };
  }

  #namespaceFor(kind: Kind, requested?: string, inObject?: string): string | undefined {
    if (kind.scope === "Cluster") return undefined;
    if (requested && inObject && requested !== inObject) {
      throw ApiError.badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    return requested || inObject || "default";
  }

  #checkTypeMeta(kind: Kind, obj: { apiVersion?: unknown; kind?: unknown }): void {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      throw ApiError.badRequest(`the body of the request must be a ${kind.kind} object`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== kind.apiVersion) {
      throw ApiError.badRequest(
        `the API version in the data (${
          String(obj.apiVersion)
        }) does not match the expected API version (${kind.apiVersion})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== kind.kind) {
      throw ApiError.badRequest(
        `the kind in the data (${
          String(obj.kind)
        }) does not match the expected kind (${kind.kind})`,
      );
    }
  }

  #metaOf(kind: Kind, obj: { metadata?: unknown }): ObjectMeta {
    const m = obj.metadata;
    if (m === undefined || m === null) return {};
    if (typeof m !== "object" || Array.isArray(m)) {
      throw ApiError.invalid(kind, "", [{
        type: "FieldValueTypeInvalid",
        field: "metadata",
        badValue: m,
        detail: "must be of type object",
      }]);
    }
    const typeErrs = metaTypeErrors(m as Record<string, unknown>);
    if (typeErrs.length) {
      const name = (m as ObjectMeta).name;
      throw ApiError.invalid(kind, typeof name === "string" ? name : "", typeErrs);
    }
    const meta = { ...(m as ObjectMeta) };
    if (meta.labels) meta.labels = { ...meta.labels };
    if (meta.annotations) meta.annotations = { ...meta.annotations };
    if (meta.finalizers) meta.finalizers = [...meta.finalizers];
    return meta;
  }

  /** Validates and defaults the body, returning the canonical object. */
  #build(kind: Kind, meta: ObjectMeta, input: Record<string, unknown>, old?: KubeObject): {
    obj: KubeObject;
    errs: FieldError[];
  } {
    let body = input;
    if (kind.prepare) {
      body = cloneJson(input);
      body.metadata = meta;
      kind.prepare(body as KubeObject, old);
      meta = body.metadata as ObjectMeta;
    }
    const fields: Record<string, unknown> = {};
    for (const k in body) {
      if (k !== "apiVersion" && k !== "kind" && k !== "metadata") fields[k] = body[k];
    }
    const parsed = kind.schema.safeParse(fields);
    const errs: FieldError[] = [];
    let out: Record<string, unknown> = fields;
    if (parsed.success) out = parsed.data as Record<string, unknown>;
    else {
      // A built-in kind decodes into Go types first: a wrong type is that decoder's 400.
      const decode = kind.group === ""
        ? (parsed.error.issues as { decodeError?: string }[]).find((i) => i.decodeError)
        : undefined;
      if (decode) {
        throw ApiError.badRequest(
          `${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: ${decode.decodeError}`,
        );
      }
      errs.push(...zodIssuesToFieldErrors(parsed.error.issues, fields));
    }
    const obj = canonical(kind, orderMeta(meta), out);
    errs.unshift(...validateObjectMeta(kind, obj.metadata));
    if (parsed.success && kind.validate) errs.push(...kind.validate(obj, old));
    return { obj, errs };
  }

  #checkSize(value: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes, so short values need no count.
    if (value.length * 3 <= this.#maxBytes) return;
    if (utf8ByteLength(value) > this.#maxBytes) throw ApiError.tooLarge(this.#maxBytes);
  }

  #storeError(err: unknown, kind: Kind, name: string): never {
    if (err instanceof StoreError) {
      if (err.code === "exists") throw ApiError.alreadyExists(this.#ref(kind, name));
      if (err.code === "not-found") throw ApiError.notFound(this.#ref(kind, name));
      if (err.code === "conflict") throw ApiError.conflict(this.#ref(kind, name), CONFLICT_MESSAGE);
      if (err.code === "too-large") throw ApiError.tooLarge(this.#maxBytes);
      if (err.code === "compacted") throw ApiError.expired(err.message);
    }
    throw err;
  }

  async #checkNamespace(kind: Kind, namespace: string, name: string): Promise<void> {
    const key = `/registry/namespaces/${namespace}`;
    const kv = await this.store.get(key);
    if (!kv) throw ApiError.notFound({ resource: "namespaces", name: namespace });
    // Parsing the namespace on every create is measurable; its revision tells when to re-parse.
    let state = this.#namespaces.get(key);
    if (state?.revision !== kv.revision) {
      const ns = JSON.parse(kv.value) as NamespaceObject;
      state = {
        revision: kv.revision,
        terminating: !!ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating",
      };
      if (this.#namespaces.size >= 4096) this.#namespaces.clear();
      this.#namespaces.set(key, state);
    }
    if (state.terminating) {
      throw ApiError.forbidden(
        this.#ref(kind, name),
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  async #admit(kind: Kind, obj: KubeObject, old: KubeObject | undefined): Promise<void> {
    // Objects on their way out are not re-admitted: finalizers must stay removable.
    if (!kind.admit || obj.metadata.deletionTimestamp) return;
    const denied = await kind.admit(obj, old, this);
    if (denied) throw ApiError.forbidden(this.#ref(kind, obj.metadata.name), denied);
  }

  async #read(kind: Kind, namespace: string | undefined, name: string): Promise<KeyValue> {
    if (!name) throw ApiError.badRequest("resource name may not be empty");
    const kv = await this.store.get(objectKey(kind, namespace, name));
    if (!kv) throw ApiError.notFound(this.#ref(kind, name));
    return kv;
  }

  // ------------------------------------------------------------------ create

  /** Creates an object; returns it as stored. */
  async create<T extends KubeObject>(
    kind: Kind<T, unknown>,
    input: unknown,
    options: CreateOptions = {},
  ): Promise<T> {
    const k = this.#served(kind);
    const raw = input as Record<string, unknown>;
    this.#checkTypeMeta(k, raw);
    const meta = this.#metaOf(k, raw);
    meta.namespace = this.#namespaceFor(k, options.namespace, meta.namespace);
    if (meta.resourceVersion) {
      throw ApiError.badRequest("resourceVersion should not be set on objects to be created");
    }
    const generated = !meta.name && !!meta.generateName;
    for (let attempt = 0;; attempt++) {
      if (generated) meta.name = meta.generateName!.slice(0, 58) + randomSuffix();
      meta.uid = this.#uid();
      meta.creationTimestamp = rfc3339(this.#clock.now());
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
      meta.generation = k.generation ? 1 : undefined;
      let body = raw;
      if (k.statusSubresource && "status" in raw) {
        body = { ...raw };
        delete body.status;
      }
      const { obj, errs } = this.#build(k, meta, body);
      if (errs.length) throw ApiError.invalid(k, meta.name ?? "", errs);
      const name = obj.metadata.name!;
      if (meta.namespace) await this.#checkNamespace(k, meta.namespace, name);
      await this.#admit(k, obj, undefined);
      const value = encode(obj);
      this.#checkSize(value);
      if (options.dryRun) return obj as T;
      try {
        const rev = await this.store.create(objectKey(k, meta.namespace, name), value);
        obj.metadata.resourceVersion = String(rev);
        return obj as T;
      } catch (err) {
        if (generated && err instanceof StoreError && err.code === "exists" && attempt < 8) {
          continue;
        }
        this.#storeError(err, k, name);
      }
    }
  }

  // ------------------------------------------------------------------ get/list

  /** Reads one object. */
  async get<T extends KubeObject>(
    kind: Kind<T, unknown>,
    name: string,
    options: GetOptions = {},
  ): Promise<T> {
    const k = this.#served(kind);
    if (!name) throw ApiError.badRequest("resource name may not be empty");
    const kv = await this.store.get(objectKey(k, this.#namespaceFor(k, options.namespace), name));
    if (!kv) throw ApiError.notFound(this.#ref(k, name));
    return decode<T>(kv.value, kv.revision);
  }

  /** Lists objects, filtered by selectors, optionally in pages. */
  async list<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options: ListOptions = {},
  ): Promise<KubeList<T>> {
    const k = this.#served(kind);
    const pred = compileSelectors(k, options.labelSelector, options.fieldSelector);
    const prefix = listPrefix(k, options.namespace);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    if (options.limit !== undefined && (options.limit < 0 || !Number.isInteger(options.limit))) {
      throw ApiError.badRequest(`limit must be a non-negative integer, got ${options.limit}`);
    }
    let after: string | undefined;
    let revision: number | undefined;
    if (options.continue) {
      const t = decodeContinue(options.continue, prefix);
      after = t.start;
      revision = t.rv;
      const compacted = await this.store.compactedRevision();
      if (t.rv < compacted) {
        throw ApiError.expired(
          "The provided continue parameter is too old to display a consistent list result. " +
            "You can start a new list without the continue parameter, or use the continue " +
            "token in this response to retrieve the remainder of the results. Continuing with " +
            "the provided token results in an inconsistent list - objects that were created, " +
            "modified, or deleted between the time the first chunk was returned and now may " +
            "show up in the list.",
        );
      }
    }
    const items: T[] = [];
    let more = false;
    let lastKey: string | undefined;
    for (;;) {
      const want = limit ? Math.max(limit - items.length, pred ? 64 : 1) : 0;
      const page = await this.store.list(prefix, { limit: want, after });
      revision ??= page.revision;
      let stoppedEarly = false;
      for (let i = 0; i < page.items.length; i++) {
        const kv = page.items[i];
        const obj = decode<T>(kv.value, kv.revision);
        lastKey = kv.key;
        if (!pred || pred(obj)) {
          items.push(obj);
          if (limit && items.length === limit) {
            stoppedEarly = i < page.items.length - 1 || page.more;
            break;
          }
        }
      }
      if (limit && items.length === limit) {
        more = stoppedEarly;
        break;
      }
      if (!page.more || !limit) break;
      after = lastKey;
    }
    const list: KubeList<T> = {
      apiVersion: k.apiVersion,
      kind: k.listKind,
      metadata: { resourceVersion: String(revision ?? 0) },
      items,
    };
    if (more && lastKey !== undefined) {
      list.metadata.continue = encodeContinue({
        v: "meta.k8s.io/v1",
        rv: revision ?? 0,
        start: lastKey,
      });
    }
    return list;
  }

  // ------------------------------------------------------------------ update

  /** Replaces an object (or its status); the body's resourceVersion, if any, is a precondition. */
  async update<T extends KubeObject>(
    kind: Kind<T, unknown>,
    input: unknown,
    options: UpdateOptions = {},
  ): Promise<T> {
    const k = this.#served(kind);
    const raw = input as Record<string, unknown>;
    this.#checkTypeMeta(k, raw);
    const meta = this.#metaOf(k, raw);
    const namespace = this.#namespaceFor(k, options.namespace, meta.namespace);
    const name = meta.name ?? "";
    this.#checkSubresource(k, options.subresource);
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.#read(k, namespace, name);
      const out = await this.#updateFrom(k, cur, raw, meta.resourceVersion, namespace, options);
      if (out !== RETRY) return out as T;
    }
    throw ApiError.conflict(this.#ref(k, name), CONFLICT_MESSAGE);
  }

  #checkSubresource(kind: Kind, sub: Subresource | undefined): void {
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
  async #updateFrom(
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
      throw ApiError.conflict(this.#ref(k, name), CONFLICT_MESSAGE);
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
      meta = this.#metaOf(k, raw);
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
    const { obj, errs } = this.#build(k, meta, body, old);
    errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    for (const path of k.immutableFields) {
      const now = valueAtPath(obj, path);
      if (!jsonEqual(now ?? null, valueAtPath(old, path) ?? null)) {
        errs.push(field.invalid(path, now ?? null, "field is immutable"));
      }
    }
    if (errs.length) throw ApiError.invalid(k, name, errs);
    if (options.subresource === undefined) await this.#admit(k, obj, old);
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
    this.#checkSize(value);
    const key = objectKey(k, namespace, name);
    const finished = obj.metadata.deletionTimestamp && !(obj.metadata.finalizers?.length) &&
      !this.#namespaceHoldsFinalizers(k, obj);
    if (options.dryRun) {
      obj.metadata.resourceVersion = String(cur.revision);
      return obj;
    }
    try {
      if (finished) {
        const { revision } = await this.store.delete(key, cur.revision);
        obj.metadata.resourceVersion = String(revision);
        return obj;
      }
      const rev = await this.store.update(key, value, cur.revision);
      obj.metadata.resourceVersion = String(rev);
      return obj;
    } catch (err) {
      if (err instanceof StoreError && (err.code === "conflict" || err.code === "not-found")) {
        if (precondition || err.code === "not-found") this.#storeError(err, k, name);
        return RETRY;
      }
      this.#storeError(err, k, name);
    }
  }

  #namespaceHoldsFinalizers(k: Kind, obj: KubeObject): boolean {
    // A terminating namespace goes away only once its spec finalizers are gone too.
    return k.group === "" && k.kind === "Namespace" &&
      ((obj as NamespaceObject).spec?.finalizers?.length ?? 0) > 0;
  }

  // ------------------------------------------------------------------ patch

  /**
   * Patches an object: `json` (RFC 6902), `merge` (RFC 7386) or `strategic`
   * (kinds with patch metadata only). A resourceVersion the patch sets is a
   * precondition; otherwise conflicts are retried on fresh state.
   */
  async patch<T extends KubeObject>(
    kind: Kind<T, unknown>,
    name: string,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<T> {
    const k = this.#served(kind);
    const type = options.type ?? "merge";
    const namespace = this.#namespaceFor(k, options.namespace);
    this.#checkSubresource(k, options.subresource);
    if (type !== "json" && type !== "merge" && type !== "strategic") {
      throw ApiError.of(
        415,
        "UnsupportedMediaType",
        `unsupported patch type ${JSON.stringify(type)}: use "json", "merge" or "strategic"`,
      );
    }
    if (type === "strategic" && !k.patchMeta) {
      throw ApiError.of(
        415,
        "UnsupportedMediaType",
        `strategic merge patch is not supported for ${k.plural}${
          k.group ? "." + k.group : ""
        }: the body of the request was in an unknown format - accepted media types include: ` +
          "application/json-patch+json, application/merge-patch+json",
      );
    }
    if (typeof patch === "string") {
      const text = patch;
      try {
        patch = JSON.parse(text);
      } catch (err) {
        // kube-apiserver's words: Go's JSON errors, prefixed where its patch handler adds one.
        const { jsonSyntaxError } = await import("../apimachinery/json_syntax.ts");
        const message = jsonSyntaxError(text)?.message ??
          (err instanceof Error ? err.message : String(err));
        throw ApiError.badRequest(
          type === "strategic" ? message : `error decoding patch: ${message}`,
        );
      }
    }
    if (
      type === "json"
        ? !Array.isArray(patch)
        : (patch === null || typeof patch !== "object" || Array.isArray(patch))
    ) {
      // As with kubectl's default (strict) field validation, which decodes into its own type.
      const { goJsonType } = await import("../apimachinery/json_syntax.ts");
      throw ApiError.badRequest(
        type === "json"
          ? `error decoding patch: json: cannot unmarshal ${
            goJsonType(patch)
          } into Go value of type []handlers.jsonPatchOp`
          : `error decoding patch: json: cannot unmarshal ${
            goJsonType(patch)
          } into Go value of type map[string]interface {}`,
      );
    }
    const { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } =
      await patchers();
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.#read(k, namespace, name);
      const old = decode(cur.value, cur.revision);
      let patched: Record<string, unknown>;
      try {
        if (type === "json") {
          patched = applyJsonPatch(old, patch as never) as Record<string, unknown>;
        } else if (type === "merge") {
          patched = applyMergePatch(old, patch) as Record<string, unknown>;
        } else {
          patched = applyStrategicMergePatch(
            old,
            patch as Record<string, unknown>,
            k.patchMeta!,
          ) as Record<string, unknown>;
        }
      } catch (err) {
        if (err instanceof ApiError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof PatchError && err.code === 400) throw ApiError.badRequest(message);
        if (err instanceof PatchError && err.code === 413) throw ApiError.tooLarge(this.#maxBytes);
        throw ApiError.of(422, "Invalid", message, { name, group: k.group, kind: k.kind });
      }
      if (patched === null || typeof patched !== "object" || Array.isArray(patched)) {
        throw ApiError.badRequest("the patch must produce an object");
      }
      this.#checkTypeMeta(k, patched);
      const pm = (patched.metadata ?? {}) as ObjectMeta;
      if (pm.name !== name) {
        throw ApiError.badRequest(
          `the name of the object (${
            String(pm.name)
          }) does not match the name on the URL (${name})`,
        );
      }
      const rv = pm.resourceVersion;
      const precondition = rv && rv !== String(cur.revision) ? rv : undefined;
      if (!rv) delete pm.resourceVersion;
      const out = await this.#updateFrom(k, cur, patched, precondition, namespace, options);
      if (out !== RETRY) return out as T;
    }
    throw ApiError.conflict(this.#ref(k, name), CONFLICT_MESSAGE);
  }

  // ------------------------------------------------------------------ delete

  /**
   * Deletes an object. With finalizers (or a Foreground/Orphan policy) it is
   * marked with a deletionTimestamp and returned; otherwise it is removed and
   * returned as it was last stored.
   */
  async delete<T extends KubeObject>(
    kind: Kind<T, unknown>,
    name: string,
    options: DeleteOptions = {},
  ): Promise<T> {
    const k = this.#served(kind);
    const namespace = this.#namespaceFor(k, options.namespace);
    const pre = options.preconditions ?? {};
    const isNamespace = k.group === "" && k.kind === "Namespace";
    if (isNamespace && PROTECTED_NAMESPACES.includes(name)) {
      throw ApiError.forbidden(this.#ref(k, name), "this namespace may not be deleted");
    }
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.#read(k, namespace, name);
      const obj = decode(cur.value, cur.revision);
      if (pre.uid && pre.uid !== obj.metadata.uid) {
        throw ApiError.conflict(
          this.#ref(k, name),
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${
            obj.metadata.uid ?? ""
          }`,
        );
      }
      if (pre.resourceVersion && pre.resourceVersion !== String(cur.revision)) {
        throw ApiError.conflict(
          this.#ref(k, name),
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.revision}`,
        );
      }
      const meta = obj.metadata;
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
        next = cloneJson(obj);
        next.metadata.deletionTimestamp ??= rfc3339(this.#clock.now());
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
        next = cloneJson(obj);
        next.metadata.finalizers = finList;
      } else if (!meta.deletionTimestamp && finList.length) {
        next = cloneJson(obj);
        next.metadata.finalizers = finList;
        next.metadata.deletionTimestamp = rfc3339(this.#clock.now());
        next.metadata.deletionGracePeriodSeconds = 0;
        if (k.generation && next.metadata.generation) next.metadata.generation++;
      }
      const key = objectKey(k, namespace, name);
      if (next) {
        next.metadata = orderMeta(next.metadata);
        next.metadata.resourceVersion = undefined;
        if (options.dryRun) return next as T;
        try {
          const rev = await this.store.update(key, encode(next), cur.revision);
          next.metadata.resourceVersion = String(rev);
          return next as T;
        } catch (err) {
          if (err instanceof StoreError && err.code === "conflict" && !pre.resourceVersion) {
            continue;
          }
          this.#storeError(err, k, name);
        }
      }
      if (options.dryRun) return obj as T;
      try {
        const { revision } = await this.store.delete(key, cur.revision);
        obj.metadata.resourceVersion = String(revision);
        return obj as T;
      } catch (err) {
        if (err instanceof StoreError && err.code === "conflict" && !pre.resourceVersion) continue;
        this.#storeError(err, k, name);
      }
    }
    throw ApiError.conflict(this.#ref(k, name), CONFLICT_MESSAGE);
  }

  /** Deletes every object matching the selectors; returns what was deleted or marked. */
  async deleteCollection<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options: DeleteCollectionOptions = {},
  ): Promise<KubeList<T>> {
    const k = this.#served(kind);
    if (k.group === "" && k.kind === "Namespace") {
      throw ApiError.methodNotAllowed();
    }
    const list = await this.list(kind, {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    });
    const items: T[] = [];
    for (const obj of list.items) {
      try {
        items.push(
          await this.delete(kind, obj.metadata.name!, {
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
    return { ...list, items };
  }

  // ------------------------------------------------------------------ changes

  /**
   * The changes to objects of a kind between two resourceVersions, read
   * from the change log without waiting (unlike watch). Fails with 410
   * Expired when `fromResourceVersion` is older than the compaction point.
   */
  async changes<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options: ChangesOptions,
  ): Promise<ChangeEvent<T>[]> {
    const k = this.#served(kind);
    const parse = (text: string | undefined, what: string): number | undefined => {
      if (text === undefined) return undefined;
      if (!/^\d+$/.test(text)) {
        throw ApiError.badRequest(`invalid ${what}: ${JSON.stringify(text)}`);
      }
      return Number(text);
    };
    const from = parse(options.fromResourceVersion, "resource version")!;
    const to = parse(options.toResourceVersion, "resource version");
    let events: StoreEvent[];
    try {
      events = await this.store.changes(listPrefix(k, options.namespace), from, to);
    } catch (err) {
      if (err instanceof StoreError && err.code === "compacted") {
        throw ApiError.expired(`too old resource version: ${from} (${err.revision})`);
      }
      throw err;
    }
    const out: ChangeEvent<T>[] = [];
    for (const ev of events) {
      if (ev.type === "delete") {
        if (ev.prevValue !== undefined) {
          out.push({ type: "DELETED", object: decode<T>(ev.prevValue, ev.revision) });
        }
      } else if (ev.prevValue === undefined) {
        out.push({ type: "ADDED", object: decode<T>(ev.value!, ev.revision) });
      } else {
        out.push({
          type: "MODIFIED",
          object: decode<T>(ev.value!, ev.revision),
          oldObject: decode<T>(ev.prevValue, ev.prevRevision),
        });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ watch

  /**
   * Watches objects of a kind. Without a resourceVersion (or with `"0"`)
   * the current objects come first as ADDED events. Objects that stop
   * matching the selectors are reported as DELETED, objects that start
   * matching as ADDED. A resourceVersion older than the compaction point
   * fails with 410 Expired.
   */
  async *watch<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options: WatchOptions = {},
  ): AsyncGenerator<WatchEvent<T>> {
    const k = this.#served(kind);
    const pred = compileSelectors(k, options.labelSelector, options.fieldSelector);
    const prefix = listPrefix(k, options.namespace);
    const rvText = options.resourceVersion ?? "";
    let from: number;
    const initial = rvText === "" || rvText === "0" || options.sendInitialEvents === true;
    if (rvText !== "" && !/^\d+$/.test(rvText)) {
      throw ApiError.badRequest(`invalid resource version: ${JSON.stringify(rvText)}`);
    }
    if (!initial) {
      from = Number(rvText);
      const compacted = await this.store.compactedRevision();
      if (from < compacted) {
        throw ApiError.expired(`too old resource version: ${from} (${compacted})`);
      }
    } else from = 0;
    const bookmark = (rev: number, end = false): WatchEvent<T> => {
      const meta: ObjectMeta = { resourceVersion: String(rev) };
      if (end) meta.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: "true" };
      return {
        type: "BOOKMARK",
        object: { apiVersion: k.apiVersion, kind: k.kind, metadata: meta } as T,
      };
    };
    if (initial) {
      // One list is one snapshot: the watch then resumes exactly after it.
      const snapshot = await this.store.list(prefix);
      for (const kv of snapshot.items) {
        const obj = decode<T>(kv.value, kv.revision);
        if (!pred || pred(obj)) yield { type: "ADDED", object: obj };
      }
      from = snapshot.revision;
      if (options.sendInitialEvents && options.allowWatchBookmarks) yield bookmark(from, true);
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) return;
    let last = from;
    const events = this.store.watch(prefix, from, { signal: controller.signal });
    try {
      const source: AsyncIterable<StoreEvent | "bookmark"> = options.allowWatchBookmarks
        ? withTicks(events, this.#bookmarkMs, controller.signal)
        : events;
      for await (const ev of source) {
        if (ev === "bookmark") {
          yield bookmark(last);
          continue;
        }
        last = ev.revision;
        const out = translate<T>(ev, pred);
        if (out) yield out;
      }
    } catch (err) {
      if (err instanceof StoreError && err.code === "compacted") {
        throw ApiError.expired(`too old resource version: ${from} (${err.revision})`);
      }
      throw err;
    } finally {
      controller.abort();
      options.signal?.removeEventListener("abort", onAbort);
    }
  }
}

function translate<T extends KubeObject>(
  ev: StoreEvent,
  pred: ObjectPredicate | undefined,
): WatchEvent<T> | undefined {
  if (ev.type === "delete") {
    if (ev.prevValue === undefined) return undefined;
    const obj = decode<T>(ev.prevValue, ev.revision);
    return !pred || pred(obj) ? { type: "DELETED", object: obj } : undefined;
  }
  const obj = decode<T>(ev.value!, ev.revision);
  if (!pred) return { type: ev.prevValue === undefined ? "ADDED" : "MODIFIED", object: obj };
  const now = pred(obj);
  const before = ev.prevValue !== undefined && pred(decode(ev.prevValue, ev.prevRevision));
  if (now && before) return { type: "MODIFIED", object: obj };
  if (now) return { type: "ADDED", object: obj };
  if (before) return { type: "DELETED", object: obj };
  return undefined;
}

/** Interleaves `source` with a "bookmark" tick every `ms` of quiet. */
async function* withTicks<T>(
  source: AsyncIterable<T>,
  ms: number,
  signal: AbortSignal,
): AsyncGenerator<T | "bookmark"> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let aborted: () => void = () => {};
  const abortP = new Promise<"abort">((resolve) => {
    aborted = () => resolve("abort");
    signal.addEventListener("abort", aborted, { once: true });
  });
  try {
    for (;;) {
      pending ??= it.next();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<"tick">((resolve) => {
        timer = setTimeout(() => resolve("tick"), ms);
      });
      const r = await Promise.race([pending, tick, abortP]);
      clearTimeout(timer);
      if (r === "abort") return;
      if (r === "tick") {
        yield "bookmark";
        continue;
      }
      pending = undefined;
      if (r.done) return;
      yield r.value;
    }
  } finally {
    signal.removeEventListener("abort", aborted);
    await it.return?.();
  }
}
