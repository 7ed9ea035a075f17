/**
 * The informer cache: an indexed object store ({@linkcode Indexer}), the
 * list+watch loop that fills it ({@linkcode Reflector}), shared informers
 * with event handlers and read-your-writes waits ({@linkcode SharedInformer},
 * {@linkcode InformerFactory}), a cache-backed Reader ({@linkcode CacheReader}),
 * helpers to react to changes ({@linkcode onChanges}, {@linkcode watchObject}),
 * and a fetch-on-demand cache for large or rarely read objects
 * ({@linkcode OnDemandCache}).
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { CacheReader, InformerFactory } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * const factory = new InformerFactory(rt.client);
 * const stop = new AbortController();
 * const running = factory.start(stop.signal);
 * const informer = factory.informerFor(ConfigMap);
 * const cm = await rt.client.create(ConfigMap, { metadata: { name: "app", namespace: "default" } });
 * await informer.waitForRevision(Number(cm.metadata.resourceVersion));
 * const cache = new CacheReader(factory);
 * assert.equal((await cache.get(ConfigMap, "app", { namespace: "default" })).metadata.uid, cm.metadata.uid);
 * stop.abort();
 * await running;
 * ```
 *
 * @module
 */
export * from "./indexer.ts";
export * from "./reflector.ts";
export * from "./informer.ts";
export * from "./debounce.ts";
export * from "./scope.ts";
export * from "./on_demand.ts";
