/**
 * Event expiry: core/v1 Events are deleted a TTL (default one hour, as
 * kube-apiserver's `--event-ttl`) after they were last written.
 * kube-apiserver stores each Event write with an etcd lease of that TTL; k1s
 * has no write time, so it takes the latest of the Event's creation (the
 * server's clock at create) and the times it records (`lastTimestamp`,
 * `series.lastObservedTime`, `eventTime`), which recorders set on every
 * update. An imported Event with an old `lastTimestamp` therefore lives an
 * hour from its creation, as in Kubernetes, rather than vanishing at once.
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
  /** How long events live after they were last written, in ms. Default one hour. */
  ttlMs?: number;
  /** Controller name. Default `event-ttl`. */
  name?: string;
  /** The clock ages are measured with (the queue keeps real time). Default the real clock. */
  clock?: Clock;
}

/**
 * When an event was last written, as well as k1s can tell, in ms since the
 * epoch: the latest of its creation and its own recorded times.
 */
export function lastSeen(ev: Event): number {
  let latest = 0;
  for (
    const t of [
      ev.metadata.creationTimestamp,
      ev.lastTimestamp,
      ev.series?.lastObservedTime,
      ev.eventTime,
    ]
  ) {
    const ms = t ? Date.parse(t) : NaN;
    if (!Number.isNaN(ms) && ms > latest) latest = ms;
  }
  return latest;
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
