/**
 * The typed client. Kinds are values, so `client.get(ConfigMap, "app")`
 * returns a `ConfigMap`. Reader + Writer + StatusWriter make a Client, as in
 * controller-runtime; {@linkcode RegistryClient} is the in-process
 * implementation that calls the registry directly (no serialization).
 *
 * @module
 */
import { ignoreNotFound } from "../apimachinery/errors.ts";
import type { KubeList, KubeObject, Stored, WatchEvent } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import type {
  CreateOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  PatchOptions,
  PatchType,
  Registry,
  Scale,
  UpdateOptions,
  WatchOptions,
} from "../registry/registry.ts";

export type {
  CreateOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  PatchOptions,
  PatchType,
  UpdateOptions,
  WatchOptions,
};

/** Options of a status write. */
export type StatusUpdateOptions = Omit<UpdateOptions, "subresource">;
/** Options of a status patch. */
export type StatusPatchOptions = Omit<PatchOptions, "subresource">;

/** Reads objects. The informer cache implements it too. */
export interface Reader {
  /** Reads one object; NotFound if absent. */
  get<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    options?: GetOptions,
  ): Promise<Stored<T>>;
  /** Lists objects. */
  list<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: ListOptions,
  ): Promise<KubeList<Stored<T>>>;
}

/** List options of readers that answer index queries (the manager's cache). */
export interface IndexedListOptions extends ListOptions {
  /**
   * Only objects whose index `name` (registered with `indexField`) has
   * `value`: controller-runtime's `MatchingFields`.
   */
  index?: { name: string; value: string };
}

/** A Reader whose lists can read an index (the manager's cache, in either mode). */
export interface IndexedReader extends Reader {
  /** Lists objects; `index` reads an index registered with `indexField`. */
  list<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: IndexedListOptions,
  ): Promise<KubeList<Stored<T>>>;
}

/**
 * A Reader that can find objects by owner uid without a scan (the informer
 * cache's owner index). The garbage collector uses it when present.
 */
export interface OwnerIndexReader extends IndexedReader {
  /** Objects of `kind` with an owner reference to `ownerUid`. */
  listOwnedBy<T extends KubeObject, In>(
    kind: Kind<T, In>,
    ownerUid: string,
    options?: { namespace?: string },
  ): Promise<Stored<T>[]>;
}

/** Writes objects. */
export interface Writer {
  /** Creates an object. */
  create<T extends KubeObject, In>(
    kind: Kind<T, In>,
    obj: In,
    options?: CreateOptions,
  ): Promise<Stored<T>>;
  /** Replaces an object; its resourceVersion, if set, is a precondition. */
  update<T extends KubeObject, In>(
    kind: Kind<T, In>,
    obj: T | In,
    options?: Omit<UpdateOptions, "subresource">,
  ): Promise<Stored<T>>;
  /** Patches an object. */
  patch<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    patch: unknown,
    options?: Omit<PatchOptions, "subresource">,
  ): Promise<Stored<T>>;
  /**
   * Deletes (or marks for deletion) an object; returns its last state, or
   * (when the server answers with a Status) its name and uid only.
   */
  delete<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    options?: DeleteOptions,
  ): Promise<T>;
  /** Deletes every matching object. */
  deleteCollection<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: DeleteCollectionOptions,
  ): Promise<KubeList<Stored<T>>>;
}

/** Writes the status subresource. */
export interface StatusWriter {
  /** Replaces the status of an object; nothing else changes. */
  update<T extends KubeObject, In>(
    kind: Kind<T, In>,
    obj: T,
    options?: StatusUpdateOptions,
  ): Promise<Stored<T>>;
  /** Patches the status of an object; nothing else changes. */
  patch<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    patch: unknown,
    options?: StatusPatchOptions,
  ): Promise<Stored<T>>;
}

/** Watches objects. */
export interface Watcher {
  /** Streams changes; see {@linkcode WatchOptions}. */
  watch<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: WatchOptions,
  ): AsyncIterable<WatchEvent<T>>;
}

/** The scale subresource of objects whose kind has one: an autoscaling/v1 Scale. */
export interface ScaleClient {
  /** Reads the Scale of an object. */
  get(kind: Kind, name: string, options?: GetOptions): Promise<Scale>;
  /** Replaces the Scale (its desired replicas); a resourceVersion in it is a precondition. */
  update(
    kind: Kind,
    name: string,
    scale: unknown,
    options?: Omit<UpdateOptions, "subresource" | "name">,
  ): Promise<Scale>;
  /** Patches the Scale (merge patch unless `type` says otherwise). */
  patch(
    kind: Kind,
    name: string,
    patch: unknown,
    options?: Omit<PatchOptions, "subresource">,
  ): Promise<Scale>;
}

/** A full client: reads, writes, status writes and watches. */
export interface Client extends Reader, Writer, Watcher {
  /** The status writer. */
  readonly status: StatusWriter;
  /** The scale subresource (clients that have it). */
  readonly scale?: ScaleClient;
}

/** The registry's answers are stored objects: this says so to the type checker. */
const stored = <T extends KubeObject>(p: Promise<T>) => p as Promise<Stored<T>>;
const storedList = <T extends KubeObject>(p: Promise<KubeList<T>>) =>
  p as Promise<KubeList<Stored<T>>>;

/** A client bound to one kind (and optionally one namespace). */
export interface ResourceClient<T extends KubeObject, In> {
  /** The kind. */
  readonly kind: Kind<T, In>;
  /** The namespace, if bound to one. */
  readonly namespace: string | undefined;
  /** Reads one object. */
  get(name: string): Promise<Stored<T>>;
  /** Reads one object; undefined when there is none (kube-rs's `get_opt`). */
  getOrUndefined(name: string): Promise<Stored<T> | undefined>;
  /** Lists objects. */
  list(options?: Omit<ListOptions, "namespace">): Promise<KubeList<Stored<T>>>;
  /** Creates an object. */
  create(obj: In, options?: Omit<CreateOptions, "namespace">): Promise<Stored<T>>;
  /** Replaces an object. */
  update(
    obj: T | In,
    options?: Omit<UpdateOptions, "namespace" | "subresource">,
  ): Promise<Stored<T>>;
  /** Patches an object. */
  patch(
    name: string,
    patch: unknown,
    options?: Omit<PatchOptions, "namespace" | "subresource">,
  ): Promise<Stored<T>>;
  /** Replaces the status of an object. */
  updateStatus(obj: T, options?: Omit<StatusUpdateOptions, "namespace">): Promise<Stored<T>>;
  /** Deletes an object. */
  delete(name: string, options?: Omit<DeleteOptions, "namespace">): Promise<T>;
  /** Deletes matching objects. */
  deleteCollection(
    options?: Omit<DeleteCollectionOptions, "namespace">,
  ): Promise<KubeList<Stored<T>>>;
  /** Watches objects. */
  watch(options?: Omit<WatchOptions, "namespace">): AsyncIterable<WatchEvent<T>>;
}

/**
 * The in-process client over a {@linkcode Registry}.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * const cms = rt.client.resource(ConfigMap, "default");
 * await cms.create({ metadata: { name: "app" }, data: { mode: "fast" } });
 * const got = await cms.get("app");
 * assert.equal(got.data?.mode, "fast");
 * ```
 */
export class RegistryClient implements Client {
  readonly #registry: Registry;
  readonly #afterWrite: ((kind: Kind) => (() => Promise<unknown>) | undefined) | undefined;
  /** The status writer. */
  readonly status: StatusWriter;
  /** The scale subresource. */
  readonly scale: ScaleClient;

  /**
   * A client over `registry`. `afterWrite`, if given, is asked before every
   * write what to run after it, when it succeeds and is not a dry run (the
   * runtime uses it to let the system controllers finish a cascade, or
   * establish a CRD, before the call returns); it returns nothing for kinds
   * that need nothing.
   */
  constructor(
    registry: Registry,
    options: { afterWrite?: (kind: Kind) => (() => Promise<unknown>) | undefined } = {},
  ) {
    this.#registry = registry;
    this.#afterWrite = options.afterWrite;
    this.status = {
      update: (kind, obj, options) =>
        this.#written(
          kind,
          stored(registry.update(kind, obj, { ...options, subresource: "status" })),
          options,
        ),
      patch: (kind, name, patch, options) =>
        this.#written(
          kind,
          stored(registry.patch(kind, name, patch, { ...options, subresource: "status" })),
          options,
        ),
    };
    this.scale = {
      get: (kind, name, options) => registry.getScale(kind, name, options),
      update: (kind, name, scale, options) =>
        this.#written(kind, registry.updateScale(kind, name, scale, options), options),
      patch: (kind, name, patch, options) =>
        this.#written(kind, registry.patchScale(kind, name, patch, options), options),
    };
  }

  #written<R>(kind: Kind, p: Promise<R>, options?: { dryRun?: boolean }): Promise<R> {
    const after = this.#afterWrite?.(kind);
    // Without a hook the registry's promise is returned as it is: no extra await on the hot path.
    if (!after || options?.dryRun) return p;
    return p.then(async (out) => {
      await after();
      return out;
    });
  }

  /** Reads one object. */
  get<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    options?: GetOptions,
  ): Promise<Stored<T>> {
    return stored(this.#registry.get(kind, name, options));
  }

  /** Lists objects. */
  list<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: ListOptions,
  ): Promise<KubeList<Stored<T>>> {
    return storedList(this.#registry.list(kind, options));
  }

  /** Creates an object. */
  create<T extends KubeObject, In>(
    kind: Kind<T, In>,
    obj: In,
    options?: CreateOptions,
  ): Promise<Stored<T>> {
    return this.#written(kind, stored(this.#registry.create(kind, obj, options)), options);
  }

  /** Replaces an object. */
  update<T extends KubeObject, In>(
    kind: Kind<T, In>,
    obj: T | In,
    options?: Omit<UpdateOptions, "subresource">,
  ): Promise<Stored<T>> {
    return this.#written(kind, stored(this.#registry.update(kind, obj, options)), options);
  }

  /** Patches an object. */
  patch<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    patch: unknown,
    options?: Omit<PatchOptions, "subresource">,
  ): Promise<Stored<T>> {
    return this.#written(kind, stored(this.#registry.patch(kind, name, patch, options)), options);
  }

  /** Deletes an object. */
  delete<T extends KubeObject, In>(
    kind: Kind<T, In>,
    name: string,
    options?: DeleteOptions,
  ): Promise<T> {
    return this.#written(kind, this.#registry.delete(kind, name, options), options);
  }

  /** Deletes matching objects. */
  deleteCollection<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: DeleteCollectionOptions,
  ): Promise<KubeList<Stored<T>>> {
    return this.#written(kind, storedList(this.#registry.deleteCollection(kind, options)), options);
  }

  /** Watches objects. */
  watch<T extends KubeObject, In>(
    kind: Kind<T, In>,
    options?: WatchOptions,
  ): AsyncIterable<WatchEvent<T>> {
    return this.#registry.watch(kind, options);
  }

  /** A client bound to one kind and (for namespaced kinds) one namespace. */
  resource<T extends KubeObject, In>(kind: Kind<T, In>, namespace?: string): ResourceClient<T, In> {
    return bindResource(this, kind, namespace);
  }
}

/** Binds a client to one kind and namespace. */
export function bindResource<T extends KubeObject, In>(
  client: Client,
  kind: Kind<T, In>,
  namespace?: string,
): ResourceClient<T, In> {
  const ns = { namespace };
  return {
    kind,
    namespace,
    get: (name) => client.get(kind, name, ns),
    getOrUndefined: (name) => client.get(kind, name, ns).catch(ignoreNotFound),
    list: (o) => client.list(kind, { ...o, ...ns }),
    create: (obj, o) => client.create(kind, obj, { ...o, ...ns }),
    update: (obj, o) => client.update(kind, obj, { ...o, ...ns }),
    patch: (name, p, o) => client.patch(kind, name, p, { ...o, ...ns }),
    updateStatus: (obj, o) => client.status.update(kind, obj, { ...o, ...ns }),
    delete: (name, o) => client.delete(kind, name, { ...o, ...ns }),
    deleteCollection: (o) => client.deleteCollection(kind, { ...o, ...ns }),
    watch: (o) => client.watch(kind, { ...o, ...ns }),
  };
}

/**
 * Reads one object, or undefined when there is none; other errors are
 * thrown. The arguments are those of `Reader.get`.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap, getOrUndefined } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * assert.equal(await getOrUndefined(rt.client, ConfigMap, "absent"), undefined);
 * await rt.client.create(ConfigMap, { metadata: { name: "present" } });
 * assert.equal((await getOrUndefined(rt.client, ConfigMap, "present"))?.metadata.name, "present");
 * ```
 */
export function getOrUndefined<T extends KubeObject, In>(
  reader: Reader,
  kind: Kind<T, In>,
  name: string,
  options?: GetOptions,
): Promise<Stored<T> | undefined> {
  return reader.get(kind, name, options).catch(ignoreNotFound);
}
