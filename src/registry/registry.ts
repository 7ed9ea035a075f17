/**
 * The API semantics, in one place: per-kind create, get, list, update,
 * patch, delete, deleteCollection and watch over a {@linkcode Store}, with
 * kube-apiserver's rules for names, server-set metadata, resourceVersion
 * preconditions, generation, status subresource, finalizers, namespaces,
 * dry-run, size limits, selectors, paging and watch. Each verb lives in its
 * own module; this class ties them to one store and scheme.
 *
 * @module
 */
import type { KubeList, KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import type { Scheme } from "../scheme/scheme.ts";
import type { Store } from "../storage/types.ts";
import type {
  ChangeEvent,
  ChangesOptions,
  CreateOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  PatchOptions,
  RegistryOptions,
  UpdateOptions,
  WatchOptions,
} from "./options.ts";
import { RegistryCore } from "./_core.ts";
import { PolicyAdmission } from "./_policy.ts";
import { create } from "./create.ts";
import { get, list } from "./list.ts";
import { update } from "./update.ts";
import { patch as patchObject } from "./patch.ts";
import { del, deleteCollection } from "./delete.ts";
import { changes, checkWatch, watch } from "./watch.ts";
import { getScale, type Scale, updateScale } from "./scale.ts";

export type * from "./options.ts";
export { DEFAULT_MAX_OBJECT_BYTES } from "./_core.ts";
export type { Scale } from "./scale.ts";

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
  readonly #core: RegistryCore;

  /** Serves `scheme`'s kinds over `store`. */
  constructor(store: Store, scheme: Scheme, options: RegistryOptions = {}) {
    this.store = store;
    this.scheme = scheme;
    this.#core = new RegistryCore(store, scheme, this, options);
  }

  /** Writes of admission configuration (policies, bindings) refresh what admission reads. */
  #configured<R>(kind: Kind, p: Promise<R>): Promise<R> {
    if (!PolicyAdmission.configures(kind)) return p;
    const core = this.#core;
    core.policies.invalidate();
    return p.finally(() => core.policies.invalidate());
  }

  /** Creates an object; returns it as stored. */
  create<T extends KubeObject>(
    kind: Kind<T, unknown>,
    input: unknown,
    options: CreateOptions = {},
  ): Promise<T> {
    return this.#configured(kind, create(this.#core, kind, input, options));
  }

  /** Reads one object. */
  get<T extends KubeObject>(
    kind: Kind<T, unknown>,
    name: string,
    options: GetOptions = {},
  ): Promise<T> {
    return get(this.#core, kind, name, options);
  }

  /** Lists objects, filtered by selectors, optionally in pages. */
  list<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options: ListOptions = {},
  ): Promise<KubeList<T>> {
    return list(this.#core, kind, options);
  }

  /** Replaces an object (or its status); the body's resourceVersion, if any, is a precondition. */
  update<T extends KubeObject>(
    kind: Kind<T, unknown>,
    input: unknown,
    options: UpdateOptions = {},
  ): Promise<T> {
    return this.#configured(kind, update(this.#core, kind, input, options));
  }

  /** Reads the autoscaling/v1 Scale of an object whose kind has a scale subresource. */
  getScale(kind: Kind, name: string, options: GetOptions = {}): Promise<Scale> {
    return getScale(this.#core, kind, name, options);
  }

  /**
   * Writes the Scale of an object: its desired replicas change, as an update
   * of the object. A resourceVersion in the Scale is a precondition.
   */
  updateScale(
    kind: Kind,
    name: string,
    scale: unknown,
    options: Omit<UpdateOptions, "subresource" | "name"> = {},
  ): Promise<Scale> {
    return updateScale(this.#core, kind, name, scale, options);
  }

  /** Patches the Scale of an object (json, merge or strategic merge patch). */
  patchScale(
    kind: Kind,
    name: string,
    patch: unknown,
    options: Omit<PatchOptions, "subresource"> = {},
  ): Promise<Scale> {
    return patchObject(this.#core, kind, name, patch, {
      ...options,
      subresource: "scale",
    }) as unknown as Promise<Scale>;
  }

  /**
   * Patches an object: `json` (RFC 6902), `merge` (RFC 7386) or `strategic`
   * (kinds with patch metadata only). A resourceVersion the patch sets is a
   * precondition; otherwise conflicts are retried on fresh state.
   */
  patch<T extends KubeObject>(
    kind: Kind<T, unknown>,
    name: string,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<T> {
    return this.#configured(kind, patchObject(this.#core, kind, name, patch, options));
  }

  /**
   * Deletes an object. With finalizers (or a Foreground/Orphan policy) it is
   * marked with a deletionTimestamp and returned; otherwise it is removed and
   * returned as it was last stored.
   */
  delete<T extends KubeObject>(
    kind: Kind<T, unknown>,
    name: string,
    options: DeleteOptions = {},
  ): Promise<T> {
    return this.#configured(kind, del(this.#core, kind, name, options));
  }

  /** Deletes every object matching the selectors; returns what was deleted or marked. */
  deleteCollection<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options: DeleteCollectionOptions = {},
  ): Promise<KubeList<T>> {
    return this.#configured(kind, deleteCollection(this.#core, kind, options));
  }

  /**
   * The changes to objects of a kind between two resourceVersions, read
   * from the change log without waiting (unlike watch). Fails with 410
   * Expired when `fromResourceVersion` is older than the compaction point.
   */
  changes<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options: ChangesOptions,
  ): Promise<ChangeEvent<T>[]> {
    return changes(this.#core, kind, options);
  }

  /**
   * Watches objects of a kind. Without a resourceVersion (or with `"0"`)
   * the current objects come first as ADDED events. Objects that stop
   * matching the selectors are reported as DELETED, objects that start
   * matching as ADDED. A resourceVersion older than the compaction point
   * fails with 410 Expired.
   */
  watch<T extends KubeObject>(
    kind: Kind<T, unknown>,
    options: WatchOptions = {},
  ): AsyncGenerator<WatchEvent<T>> {
    return watch(this.#core, kind, options);
  }

  /**
   * Makes the checks a watch makes before it is accepted (the kind is
   * served, the options agree, the selectors and resourceVersion parse) and
   * throws the error a watch would end with at once. An HTTP server answers
   * these with an error status; failures after acceptance are ERROR events.
   */
  checkWatch(kind: Kind, options: WatchOptions = {}): void {
    checkWatch(this.#core, kind, options);
  }
}
