// The registry's shared machinery: what every verb needs (the store, the
// scheme, kind lookup, metadata and body decoding, validation, size limits,
// storage error mapping, namespace and admission checks). Internal.
import { type Clock, realClock } from "../apimachinery/clock.ts";
import {
  ApiError,
  field,
  type FieldError,
  formatFieldError,
  type ResourceRef,
  type StatusDetails,
} from "../apimachinery/errors.ts";
import { KUBE_API_GROUPS } from "../apimachinery/gvk.ts";
import type { KubeObject, ObjectMeta } from "../apimachinery/meta.ts";
import { utf8ByteLength } from "../apimachinery/validation.ts";
import type { AdmissionReader, Kind } from "../scheme/kind.ts";
import type { Scheme } from "../scheme/scheme.ts";
import type { KeyValue, Store } from "../storage/types.ts";
import { StoreError } from "../storage/types.ts";
import type { Namespace as NamespaceObject } from "../resources/core_v1.ts";
import { canonical, decode, encode, objectKey, orderMeta } from "./codec.ts";
import { validateObjectMeta } from "./meta_validation.ts";
import type { RegistryOptions } from "./options.ts";
import { zodIssuesToFieldErrors } from "./_util.ts";
import { PolicyAdmission } from "./_policy.ts";
import { runRulesAfter } from "../cel/after_schema.ts";

/** What validates a kind's CEL rules. */
interface KindRules {
  validate(obj: unknown, old?: unknown): FieldError[];
}

/** Default object size limit: etcd's default request limit, 1.5 MiB. */
export const DEFAULT_MAX_OBJECT_BYTES = 1572864;

/** kube-apiserver's message for a write on stale state. */
export const CONFLICT_MESSAGE =
  "the object has been modified; please apply your changes to the latest version and try again";

/**
 * kube-apiserver's answer when a read or watch asks for a resourceVersion the
 * store has not reached in time: 504 Timeout with a ResourceVersionTooLarge cause.
 */
export function tooLargeResourceVersion(
  wanted: number,
  current: number,
  retryAfterSeconds = 1,
): ApiError {
  const details: StatusDetails = {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
  };
  // etcd3's exact reads say 0 (no retry hint); the watch cache's waits say 1.
  if (retryAfterSeconds > 0) details.retryAfterSeconds = retryAfterSeconds;
  return ApiError.of(
    504,
    "Timeout",
    `Timeout: Too large resource version: ${wanted}, current: ${current}`,
    details,
  );
}

/**
 * Checks a name that addresses an object (get, update, patch, delete) as
 * kube-apiserver's key functions do: not empty, and a valid path segment.
 */
export function checkObjectName(name: string): void {
  if (!name) throw ApiError.badRequest("resource name may not be empty");
  const problems = name === "." || name === ".."
    ? [`may not be '${name}'`]
    : ["/", "%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
  if (problems.length) {
    throw ApiError.badRequest(
      `Name parameter invalid: ${JSON.stringify(name)}: ${problems.join(";")}`,
    );
  }
}

/** A deep copy of JSON data. */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
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

/** The state every verb of one registry shares. */
export class RegistryCore {
  readonly store: Store;
  readonly scheme: Scheme;
  readonly clock: Clock;
  readonly maxBytes: number;
  readonly uid: () => string;
  readonly bookmarkMs: number;
  readonly freshnessMs: number;
  readonly namespaces = new Map<string, { revision: number; terminating: boolean }>();
  /** What admission rules read through (the registry itself). */
  readonly reader: AdmissionReader;
  /** ValidatingAdmissionPolicies, run on every write after validation. */
  readonly policies: PolicyAdmission;
  /** The compiled CEL rules of kinds that have `validations`. */
  readonly #rules = new WeakMap<Kind, KindRules>();
  /** The tail of each key's queue of read-modify-write operations in this process. */
  readonly #locks = new Map<string, Promise<void>>();

  constructor(store: Store, scheme: Scheme, reader: AdmissionReader, options: RegistryOptions) {
    this.store = store;
    this.scheme = scheme;
    this.reader = reader;
    this.policies = new PolicyAdmission(this, reader);
    this.clock = options.clock ?? realClock;
    this.maxBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    this.uid = options.uid ?? (() => crypto.randomUUID());
    this.bookmarkMs = options.bookmarkIntervalMs ?? 60_000;
    this.freshnessMs = options.freshnessTimeoutMs ?? 3_000;
  }

  /**
   * Runs a read-modify-write of `key` after the ones this process already
   * runs on it: writers in one process take turns instead of racing the
   * store's compare-and-swap (other processes are still met by retries).
   */
  async withKey<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => release = resolve);
    const tail = prev === undefined ? mine : prev.then(() => mine);
    this.#locks.set(key, tail);
    try {
      if (prev !== undefined) await prev;
      return await fn();
    } finally {
      release();
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }

  /**
   * Waits until the store reaches `revision` (writes of other processes
   * count), as kube-apiserver's watch cache waits to be fresh; after
   * `freshnessTimeoutMs` fails with "Too large resource version".
   */
  async waitForRevision(revision: number): Promise<void> {
    let current = await this.store.currentRevision();
    if (current >= revision) return;
    const deadline = this.clock.now() + this.freshnessMs;
    for (let delay = 1;; delay = Math.min(delay * 2, 50)) {
      const left = deadline - this.clock.now();
      if (left <= 0) throw tooLargeResourceVersion(revision, current);
      await new Promise<void>((resolve) => this.clock.setTimer(resolve, Math.min(delay, left)));
      current = await this.store.currentRevision();
      if (current >= revision) return;
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Prepares a kind for a write: its own `load` hook, and its CEL rules
   * (`validations`) compiled against its schema, once per kind. Rules that
   * do not compile fail every write with the compiler's message.
   */
  prepare(k: Kind): Promise<void> | undefined {
    // Most kinds need nothing: no promise, no await on the write path.
    if (!k.load && (!k.validations?.length || this.#rules.has(k))) return undefined;
    return this.#prepare(k);
  }

  async #prepare(k: Kind): Promise<void> {
    if (k.load) await k.load();
    if (!k.validations?.length || this.#rules.has(k)) return;
    const [{ compileKindRules }, { kindOpenAPIV3Schema }] = await Promise.all([
      import("../cel/mod.ts"),
      import("../apiextensions/export.ts"),
    ]);
    const schema = await kindOpenAPIV3Schema(k);
    const { errors, validator } = compileKindRules([...k.validations], schema);
    if (errors.length) {
      const qualified = k.group ? `${k.kind}.${k.group}` : k.kind;
      throw ApiError.internal(
        `the validation rules of kind ${qualified} do not compile: ${
          errors.map(formatFieldError).join("; ")
        }`,
      );
    }
    this.#rules.set(k, validator ?? { validate: () => [] });
  }

  /**
   * Parses a stored value as an object of `k`'s version: converted from the
   * storage version when the kind has several, defaulted as the kind asks.
   */
  decode<T extends KubeObject = KubeObject>(k: Kind, value: string, revision: number): T {
    const obj = decode<T>(value, revision);
    if (k.conversion === undefined && k.defaultOnRead === undefined) return obj;
    let out: KubeObject = obj;
    if (k.conversion !== undefined && obj.apiVersion !== k.apiVersion) {
      out = k.conversion.convert(obj, k.apiVersion);
    }
    k.defaultOnRead?.(out);
    return out as T;
  }

  /** Whether objects of `k` are stored in another version than `k`'s. */
  converts(k: Kind): boolean {
    return k.conversion !== undefined && k.conversion.storageVersion !== k.version;
  }

  /** Serializes an object of `k` for the store, in the kind's storage version. */
  encode(k: Kind, obj: KubeObject): string {
    const c = k.conversion;
    if (c === undefined || c.storageVersion === k.version) return encode(obj);
    const apiVersion = k.group ? `${k.group}/${c.storageVersion}` : c.storageVersion;
    return encode(c.convert(cloneJson(obj), apiVersion));
  }

  served(kind: { apiVersion: string; kind: string; group?: string; plural?: string }): Kind {
    const k = this.scheme.served(kind);
    if (!k) {
      throw ApiError.of(404, "NotFound", "the server could not find the requested resource", {
        group: kind.group,
        kind: kind.plural,
      });
    }
    return k;
  }

  ref(kind: Kind, name?: string): ResourceRef {
    return { group: kind.group, resource: kind.plural, name };
  }

  namespaceFor(kind: Kind, requested?: string, inObject?: string): string | undefined {
    if (kind.scope === "Cluster") return undefined;
    if (requested && inObject && requested !== inObject) {
      throw ApiError.badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    return requested || inObject || "default";
  }

  checkTypeMeta(kind: Kind, obj: { apiVersion?: unknown; kind?: unknown }): void {
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

  metaOf(kind: Kind, obj: { metadata?: unknown }): ObjectMeta {
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
  build(
    kind: Kind,
    meta: ObjectMeta,
    input: Record<string, unknown>,
    old?: KubeObject,
    subresource?: string,
  ): {
    obj: KubeObject;
    errs: FieldError[];
    /** The members the schema read (after `prepare`), for finding the ones it dropped. */
    fields: Record<string, unknown>;
    /** Where the schema says it dropped members, when it says. */
    dropped?: readonly string[];
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
      const decode = KUBE_API_GROUPS.has(kind.group)
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
    if (parsed.success) {
      if (subresource === "status" && old && kind.validateStatus) {
        errs.push(...kind.validateStatus(obj, old));
      } else if (kind.validate) errs.push(...kind.validate(obj, old));
    }
    const rules = parsed.success ? this.#rules.get(kind) : undefined;
    // As for CRDs, the rules run unless an error says the object is not what they expect.
    if (rules) runRulesAfter(errs, () => rules.validate(obj, old));
    return { obj, errs, fields, dropped: parsed.success ? parsed.dropped : undefined };
  }

  checkSize(value: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes, so short values need no count.
    if (value.length * 3 <= this.maxBytes) return;
    if (utf8ByteLength(value) > this.maxBytes) throw ApiError.tooLarge(this.maxBytes);
  }

  storeError(err: unknown, kind: Kind, name: string): never {
    if (err instanceof StoreError) {
      if (err.code === "exists") throw ApiError.alreadyExists(this.ref(kind, name));
      if (err.code === "not-found") throw ApiError.notFound(this.ref(kind, name));
      if (err.code === "conflict") throw ApiError.conflict(this.ref(kind, name), CONFLICT_MESSAGE);
      if (err.code === "too-large") throw ApiError.tooLarge(this.maxBytes);
      if (err.code === "compacted") throw ApiError.expired(err.message);
    }
    throw err;
  }

  /**
   * Checks that `namespace` exists and is not terminating, as kube's
   * NamespaceLifecycle admission does; returns the namespace's key and
   * revision, which the create then requires of the store in the same atomic
   * step. An active namespace seen before is trusted without a read: if it
   * changed since, the store refuses the create and `forgetNamespace` makes
   * the next attempt read it (`live` always reads, as dry runs must).
   */
  async checkNamespace(
    kind: Kind,
    namespace: string,
    name: string,
    live = false,
  ): Promise<{ key: string; revision: number }> {
    const key = `/registry/namespaces/${namespace}`;
    const known = this.namespaces.get(key);
    if (!live && known !== undefined && !known.terminating) {
      return { key, revision: known.revision };
    }
    const kv = await this.store.get(key);
    if (!kv) {
      this.namespaces.delete(key);
      throw ApiError.notFound({ resource: "namespaces", name: namespace });
    }
    // Parsing the namespace on every create is measurable; its revision tells when to re-parse.
    let state = known;
    if (state?.revision !== kv.revision) {
      const ns = JSON.parse(kv.value) as NamespaceObject;
      state = {
        revision: kv.revision,
        terminating: !!ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating",
      };
      if (this.namespaces.size >= 4096) this.namespaces.clear();
      this.namespaces.set(key, state);
    }
    if (state.terminating) {
      throw ApiError.forbidden(
        this.ref(kind, name),
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
    return { key, revision: kv.revision };
  }

  /** Drops what `checkNamespace` remembers of a namespace (the store said it changed). */
  forgetNamespace(key: string): void {
    this.namespaces.delete(key);
  }

  async admit(kind: Kind, obj: KubeObject, old: KubeObject | undefined): Promise<void> {
    // Objects on their way out are not re-admitted: finalizers must stay removable.
    if (!kind.admit || obj.metadata.deletionTimestamp) return;
    const denied = await kind.admit(obj, old, this.reader);
    if (denied) throw ApiError.forbidden(this.ref(kind, obj.metadata.name), denied);
  }

  async read(kind: Kind, namespace: string | undefined, name: string): Promise<KeyValue> {
    checkObjectName(name);
    const kv = await this.store.get(objectKey(kind, namespace, name));
    if (!kv) throw ApiError.notFound(this.ref(kind, name));
    return kv;
  }
}
