/**
 * Event expiry: core/v1 Events older than a TTL (default one hour, as
 * kube-apiserver's `--event-ttl`) are deleted. Age counts from the last
 * occurrence (`lastTimestamp`, else `eventTime`, else creation).
 *
 * @module
 */
import { type Clock, realClock } from "../apimachinery/clock.ts";
import { isConflict, isNotFound } from "../apimachinery/errors.ts";
import { Controller, type ControllerOptions } from "../controller/controller.ts";
import type { ReconcileContext, Request, Result } from "../controller/reconcile.ts";
import { Event } from "../resources/core_v1.ts";

/** Default TTL of events: one hour. */
export const DEFAULT_EVENT_TTL_MS = 60 * 60 * 1000;

/** Options of {@linkcode eventTTLController}. */
export interface EventTTLOptions extends ControllerOptions {
  /** How long events live after their last occurrence, in ms. Default one hour. */
  ttlMs?: number;
  /** Controller name. Default `event-ttl`. */
  name?: string;
  /** The clock ages are measured with (the queue keeps real time). Default the real clock. */
  clock?: Clock;
}

/** When an event was last seen, in ms since the epoch. */
export function lastSeen(ev: Event): number {
  const t = ev.lastTimestamp ?? ev.series?.lastObservedTime ?? ev.eventTime ??
    ev.metadata.creationTimestamp;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * Builds the event expiry controller.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap, Event, FakeClock } from "../../mod.ts";
 * import { eventTTLController } from "./event_ttl.ts";
 * import { Manager } from "../controller/manager.ts";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock(Date.UTC(2024, 0, 1));
 * await using rt = await createRuntime({ clock });
 * await rt.client.create(Event, {
 *   metadata: { name: "old" },
 *   involvedObject: { kind: "ConfigMap", name: "x", namespace: "default" },
 *   lastTimestamp: "2024-01-01T00:00:00Z",
 * });
 * clock.advance(2 * 60 * 60 * 1000);
 * const mgr = new Manager(rt);
 * mgr.add(eventTTLController({ clock }));
 * await mgr.runTriggered();
 * assert.equal((await rt.client.list(Event)).items.length, 0);
 * ```
 */
export function eventTTLController(options: EventTTLOptions = {}): Controller {
  const clock: Clock = options.clock ?? realClock;
  const ttl = options.ttlMs ?? DEFAULT_EVENT_TTL_MS;
  const reconcile = async (req: Request, ctx: ReconcileContext): Promise<Result | void> => {
    let ev: Event;
    try {
      ev = await ctx.reader.get(Event, req.name, { namespace: req.namespace });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const left = lastSeen(ev) + ttl - clock.now();
    if (left > 0) return { requeueAfterMs: left };
    try {
      await ctx.client.delete(Event, req.name, {
        namespace: req.namespace,
        preconditions: { uid: ev.metadata.uid, resourceVersion: ev.metadata.resourceVersion },
      });
    } catch (err) {
      // Changed since read (e.g. aggregated again): the change event brings it back.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };
  const { clock: _ageClock, ...controllerOptions } = options;
  return new Controller(options.name ?? "event-ttl", reconcile, [
    {
      kind: Event as never,
      predicates: [],
      map: (e) =>
        e.type === "delete" ? [] : [{
          namespace: e.object.metadata.namespace,
          name: e.object.metadata.name!,
        }],
      listEveryRun: true,
    },
  ], controllerOptions);
}
