/**
 * Builder sugar over {@linkcode Controller}: `controllerFor(Kind)` reconciles
 * objects of a kind; `.owns(Other)` reconciles the controlling owner when an
 * owned object changes; `.watches(Other, map)` maps any other change to
 * requests; predicates filter events.
 *
 * @module
 */
import { parseApiVersion } from "../apimachinery/gvk.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "../scheme/kind.ts";
import { Controller, type ControllerOptions, type WatchSpec } from "./controller.ts";
import type { ObjectEvent, Predicate } from "./predicates.ts";
import { type Reconciler, type Request, requestFor, requestKey } from "./reconcile.ts";

/** Options of one watch of the builder. */
export interface BuilderWatchOptions<T extends KubeObject> {
  /** Predicates for this watch only. */
  predicates?: Predicate<T>[];
}

function objectsOf<T extends KubeObject>(event: ObjectEvent<T>): T[] {
  return event.type === "update" ? [event.oldObject, event.object] : [event.object];
}

function dedupe(requests: Request[]): Request[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const k = requestKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Maps an event to the controlling owner of the object, if that owner is of
 * kind `owner` (controller-runtime's EnqueueRequestForOwner with
 * OnlyControllerOwner). On updates both the old and the new owner are queued.
 */
export function mapToControllerOwner<T extends KubeObject>(
  owner: Kind<KubeObject, unknown>,
): (event: ObjectEvent<T>) => Request[] {
  return (event) => {
    const out: Request[] = [];
    for (const obj of objectsOf(event)) {
      for (const ref of obj.metadata.ownerReferences ?? []) {
        if (!ref.controller || ref.kind !== owner.kind) continue;
        let group: string;
        try {
          group = parseApiVersion(ref.apiVersion).group;
        } catch {
          continue;
        }
        if (group !== owner.group) continue;
        out.push(
          owner.scope === "Namespaced" && obj.metadata.namespace
            ? { namespace: obj.metadata.namespace, name: ref.name }
            : { name: ref.name },
        );
      }
    }
    return dedupe(out);
  };
}

/**
 * Builds a controller for one kind.
 *
 * @example
 * ```ts
 * import { controllerFor } from "./builder.ts";
 * import { generationChanged } from "./predicates.ts";
 * import { ConfigMap, Secret } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 *
 * const c = controllerFor(ConfigMap)
 *   .named("configmap-checker")
 *   .withPredicates(generationChanged)
 *   .owns(Secret)
 *   .complete(() => {});
 * assert.equal(c.name, "configmap-checker");
 * assert.equal(c.watches.length, 2);
 * ```
 */
export class ControllerBuilder<T extends KubeObject> {
  readonly #kind: Kind<T, unknown>;
  #name: string;
  #predicates: Predicate<T>[] = [];
  #watches: WatchSpec[] = [];
  #options: ControllerOptions = {};

  /** Starts a builder for `kind`. */
  constructor(kind: Kind<T, unknown>) {
    this.#kind = kind;
    this.#name = kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
  }

  /** Names the controller (default: the kind's resource name). */
  named(name: string): this {
    this.#name = name;
    return this;
  }

  /** Predicates for the primary kind's events. */
  withPredicates(...predicates: Predicate<T>[]): this {
    this.#predicates.push(...predicates);
    return this;
  }

  /** Reconcile the controlling owner (of the primary kind) when an object of `kind` changes. */
  owns<O extends KubeObject>(kind: Kind<O, unknown>, options: BuilderWatchOptions<O> = {}): this {
    this.#watches.push({
      kind,
      map: mapToControllerOwner<O>(this.#kind as unknown as Kind<KubeObject, unknown>),
      predicates: options.predicates ?? [],
    } as unknown as WatchSpec);
    return this;
  }

  /** Map changes of objects of `kind` to requests with `map`. */
  watches<O extends KubeObject>(
    kind: Kind<O, unknown>,
    map: (obj: O) => Request[],
    options: BuilderWatchOptions<O> = {},
  ): this {
    this.#watches.push({
      kind,
      map: (event: ObjectEvent<O>) => dedupe(objectsOf(event).flatMap(map)),
      predicates: options.predicates ?? [],
    } as unknown as WatchSpec);
    return this;
  }

  /** Controller options (max concurrent reconciles, rate limiter, clock, error reporting). */
  withOptions(options: ControllerOptions): this {
    this.#options = { ...this.#options, ...options };
    return this;
  }

  /** Builds the controller. Add it to a Manager to run it. */
  complete(reconciler: Reconciler): Controller {
    const primary: WatchSpec<T> = {
      kind: this.#kind,
      map: (event) => [requestFor(event.object)],
      predicates: this.#predicates,
    };
    return new Controller(
      this.#name,
      reconciler,
      [primary as unknown as WatchSpec, ...this.#watches],
      this.#options,
    );
  }
}

/** Starts building a controller that reconciles objects of `kind`. */
export function controllerFor<T extends KubeObject>(kind: Kind<T, unknown>): ControllerBuilder<T> {
  return new ControllerBuilder(kind);
}
