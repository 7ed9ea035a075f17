/**
 * What an informer cache holds, as controller-runtime's `cache.Options`
 * and `ByObject`: the namespaces, label and field selectors of a kind, and
 * transforms that strip fields before objects enter the cache.
 *
 * @module
 */
import type { KubeList, KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import type { Reader, Watcher } from "../client/client.ts";
import { compileSelectors, type ObjectPredicate } from "../registry/selection.ts";
import type { Kind } from "../scheme/kind.ts";
import { type ListerWatcher, listerWatcherFor } from "./reflector.ts";

/** What the cache of one kind holds (controller-runtime's `cache.ByObject`). */
export interface CacheScope<T extends KubeObject = KubeObject> {
  /**
   * Only these namespaces (namespaced kinds). One namespace is listed and
   * watched as such; several are one all-namespaces list and watch filtered
   * here, which keeps one resourceVersion for the informer. Reads of other
   * namespaces through the cache fail.
   */
  namespaces?: readonly string[];
  /** Only objects matching this label selector, e.g. `app=web`. */
  labelSelector?: string;
  /** Only objects matching this field selector, e.g. `metadata.name=x`. */
  fieldSelector?: string;
  /**
   * Runs on every object before it enters the cache (see
   * {@linkcode stripForCache}); overrides the factory's default transform.
   */
  transform?: (obj: T) => T;
}

/**
 * A lister-watcher of `kind` limited to `scope` (namespaces and selectors;
 * the transform is the informer's business).
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { scopedListerWatcher } from "./scope.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * await rt.client.create(ConfigMap, { metadata: { name: "x", namespace: "default" } });
 * const lw = scopedListerWatcher(rt.client, ConfigMap, { namespaces: ["other"] });
 * assert.deepEqual((await lw.list({})).items, []);
 * ```
 */
export function scopedListerWatcher<T extends KubeObject, In>(
  client: Reader & Watcher,
  kind: Kind<T, In>,
  scope: CacheScope<T> = {},
): ListerWatcher<T> {
  const { labelSelector, fieldSelector } = scope;
  const namespaces = kind.scope === "Namespaced" ? scope.namespaces : undefined;
  if (!namespaces || namespaces.length === 0) {
    return listerWatcherFor(client, kind, { labelSelector, fieldSelector });
  }
  if (namespaces.length === 1) {
    return listerWatcherFor(client, kind, {
      namespace: namespaces[0],
      labelSelector,
      fieldSelector,
    });
  }
  const wanted = new Set(namespaces);
  const inner = listerWatcherFor(client, kind, { labelSelector, fieldSelector });
  return {
    async list(options): Promise<KubeList<T>> {
      const list = await inner.list(options);
      list.items = list.items.filter((o) => wanted.has(o.metadata.namespace ?? ""));
      return list;
    },
    async *watch(options): AsyncIterable<WatchEvent<T>> {
      for await (const ev of inner.watch(options)) {
        const ns = ev.object?.metadata?.namespace;
        if (ev.type === "BOOKMARK" || ev.type === "ERROR" || wanted.has(ns ?? "")) {
          yield ev;
          continue;
        }
        // Another namespace's change still moves the informer's revision forward, so
        // read-your-writes waits and resumed watches stay current.
        yield {
          type: "BOOKMARK",
          object: {
            apiVersion: kind.apiVersion,
            kind: kind.kind,
            metadata: { resourceVersion: ev.object.metadata.resourceVersion },
          } as T,
        };
      }
    },
  };
}

const scopePredicates = new WeakMap<object, ObjectPredicate | undefined>();

/**
 * True if `obj` (of `kind`) is inside `scope`: its namespace is one of the
 * scope's (cluster-scoped kinds ignore namespaces) and it matches the
 * selectors. An undefined scope holds everything.
 *
 * For read-your-writes: an informer with selectors or one namespace never
 * sees writes outside its scope, so waiting for such a write's
 * resourceVersion lasts until the next watch bookmark (60 s by default).
 * Skip the wait when the written object is outside the scope and was not
 * cached before the write (an object leaving the scope still arrives, as a
 * DELETED event).
 *
 * @example
 * ```ts
 * import { ConfigMap } from "../../mod.ts";
 * import { inCacheScope } from "./scope.ts";
 * import assert from "node:assert/strict";
 *
 * const scope = { namespaces: ["a"], labelSelector: "app=web" };
 * const cm = (namespace: string, app: string) =>
 *   ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace, labels: { app } } });
 * assert.equal(inCacheScope(ConfigMap, scope, cm("a", "web")), true);
 * assert.equal(inCacheScope(ConfigMap, scope, cm("b", "web")), false);
 * assert.equal(inCacheScope(ConfigMap, scope, cm("a", "db")), false);
 * assert.equal(inCacheScope(ConfigMap, undefined, cm("b", "db")), true);
 * ```
 */
export function inCacheScope<T extends KubeObject, In>(
  kind: Kind<T, In>,
  scope: CacheScope<T> | undefined,
  obj: KubeObject,
): boolean {
  if (!scope) return true;
  const k = kind as unknown as Kind;
  const namespaces = k.scope === "Namespaced" ? scope.namespaces : undefined;
  if (namespaces?.length && !namespaces.includes(obj.metadata.namespace ?? "")) return false;
  const key: object = scope;
  let pred = scopePredicates.get(key);
  if (!scopePredicates.has(key)) {
    pred = compileSelectors(k, scope.labelSelector, scope.fieldSelector);
    scopePredicates.set(key, pred);
  }
  return pred === undefined || pred(obj);
}

/** The annotation `kubectl apply` keeps its last configuration in. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * A transform removing `metadata.managedFields` (controller-runtime's
 * `cache.TransformStripManagedFields`).
 *
 * @example
 * ```ts
 * import { stripManagedFields } from "./scope.ts";
 * import assert from "node:assert/strict";
 *
 * const obj = stripManagedFields({
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   metadata: { name: "a", managedFields: [{ manager: "kubectl" }] },
 * });
 * assert.equal(obj.metadata.managedFields, undefined);
 * ```
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (obj.metadata.managedFields === undefined) return obj;
  const { managedFields: _, ...meta } = obj.metadata;
  obj.metadata = meta;
  return obj;
}

/** Options of {@linkcode stripForCache}. */
export interface StripOptions {
  /** Drop `metadata.managedFields`. Default true. */
  managedFields?: boolean;
  /** Drop the `kubectl.kubernetes.io/last-applied-configuration` annotation. Default true. */
  lastApplied?: boolean;
  /** Other top-level fields to drop, e.g. `["data"]` for Secrets read only for their labels. */
  fields?: readonly string[];
}

/**
 * A transform for {@linkcode CacheScope.transform} (or an informer factory's
 * default) that drops what controllers rarely read: managed fields, the
 * last-applied annotation, and any top-level fields named. Objects read
 * from such a cache lack them, so a controller that updates an object it
 * read from the cache must patch, not replace it.
 *
 * @example
 * ```ts
 * import { stripForCache } from "./scope.ts";
 * import assert from "node:assert/strict";
 *
 * const strip = stripForCache({ fields: ["data"] });
 * const obj = strip({
 *   apiVersion: "v1",
 *   kind: "Secret",
 *   metadata: {
 *     name: "tls",
 *     annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}", team: "a" },
 *   },
 *   data: { "tls.key": "..." },
 * });
 * assert.deepEqual(obj.metadata.annotations, { team: "a" });
 * assert.equal(obj.data, undefined);
 * ```
 */
export function stripForCache<T extends KubeObject = KubeObject>(
  options: StripOptions = {},
): (obj: T) => T {
  const { managedFields = true, lastApplied = true, fields = [] } = options;
  return (obj) => {
    // A new metadata object rather than `delete`: deleting turns V8 objects
    // into slower, larger dictionaries (measured in bench/cache.ts: 1.95 KB
    // against 2.56 KB per cached ConfigMap), and the old metadata, with its
    // managed fields, becomes garbage even while the list it came in is alive.
    const { managedFields: mf, annotations, ...rest } = obj.metadata;
    const meta: KubeObject["metadata"] = rest;
    if (mf !== undefined && !managedFields) meta.managedFields = mf;
    if (annotations !== undefined) {
      if (lastApplied && LAST_APPLIED_ANNOTATION in annotations) {
        const { [LAST_APPLIED_ANNOTATION]: _, ...kept } = annotations;
        if (Object.keys(kept).length > 0) meta.annotations = kept;
      } else meta.annotations = annotations;
    }
    obj.metadata = meta;
    for (const f of fields) {
      if (f !== "metadata" && f !== "apiVersion" && f !== "kind") delete obj[f];
    }
    return obj;
  };
}
