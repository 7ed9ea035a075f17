/**
 * Events: an {@linkcode EventRecorder} that writes core/v1 Events about
 * objects and aggregates repeats into one Event with a growing `count`, as
 * client-go's `tools/record` does, and {@linkcode eventsFor} to read an
 * object's events back (what `kubectl describe` shows).
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { EventRecorder, eventsFor } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * const cm = await rt.client.create(ConfigMap, { metadata: { name: "app", namespace: "default" } });
 * const recorder = new EventRecorder(rt.client, { component: "app-controller" });
 * for (let i = 0; i < 3; i++) await recorder.event(cm, "Warning", "Degraded", "mode is unset");
 * const [ev] = await eventsFor(rt.client, cm);
 * assert.equal(ev.count, 3);
 * ```
 *
 * @module
 */
export * from "./recorder.ts";
