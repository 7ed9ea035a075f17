/**
 * Keeps a {@linkcode Scheme} serving the kinds of the CustomResourceDefinitions
 * in a store, as kube-apiserver's CRD handler serves them: a CRD's versions are
 * served once it is `Established`, under its accepted names, and stop being
 * served when it is gone. Every process on a store runs one, so a CRD created
 * by one process is served by the others: `sync()` reads the CRDs now (a CLI
 * command does it once), `start()` follows them (a server or manager).
 *
 * @module
 */
import { isGone } from "../apimachinery/errors.ts";
import type { Registry } from "../registry/registry.ts";
import type { CustomResourceDefinition as CRD } from "../resources/apiextensions_v1.ts";
import type { Kind } from "../scheme/kind.ts";
import type { Scheme } from "../scheme/scheme.ts";
import { CustomResourceDefinition, isCRDConditionTrue } from "./crd.ts";

type KindsModule = typeof import("./kinds.ts");

interface Served {
  /** What the kinds were built from: spec and accepted names. */
  key: string;
  kinds: Kind[];
}

/** Options of {@linkcode CRDRegistrar}. */
export interface CRDRegistrarOptions {
  /** Called when a CRD's kinds cannot be served (a name taken by a built-in kind, say). */
  onError?: (crd: CRD, err: unknown) => void;
}

/**
 * Serves the kinds of established CRDs in a scheme.
 *
 * @example
 * ```ts
 * import { createRuntime } from "../runtime.ts";
 * import { CRDRegistrar } from "./registrar.ts";
 * import { CustomResourceDefinition } from "./crd.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * await rt.registry.create(CustomResourceDefinition, {
 *   metadata: { name: "widgets.example.com" },
 *   spec: {
 *     group: "example.com",
 *     scope: "Namespaced",
 *     names: { plural: "widgets", kind: "Widget" },
 *     versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
 *   },
 *   status: {},
 * });
 * await rt.settle();
 * const registrar = new CRDRegistrar(rt.registry, rt.scheme);
 * await registrar.sync();
 * assert.equal(rt.scheme.resolve("widgets")?.apiVersion, "example.com/v1");
 * ```
 */
export class CRDRegistrar {
  readonly #registry: Registry;
  readonly #scheme: Scheme;
  readonly #options: CRDRegistrarOptions;
  readonly #served = new Map<string, Served>();
  #kinds: KindsModule | undefined;

  /** Serves the CRDs of `registry`'s store in `scheme`. */
  constructor(registry: Registry, scheme: Scheme, options: CRDRegistrarOptions = {}) {
    this.#registry = registry;
    this.#scheme = scheme;
    this.#options = options;
  }

  /** Reads every CRD now and serves what they define; returns the list's resourceVersion. */
  async sync(): Promise<string> {
    const list = await this.#registry.list(CustomResourceDefinition);
    const seen = new Set<string>();
    for (const crd of list.items) {
      seen.add(crd.metadata.name!);
      await this.apply(crd);
    }
    for (const name of [...this.#served.keys()]) {
      if (!seen.has(name)) this.remove(name);
    }
    return list.metadata.resourceVersion ?? "0";
  }

  /** Serves (or stops serving, or re-serves) the kinds of one CRD as it is now. */
  async apply(crd: CRD): Promise<void> {
    const name = crd.metadata.name!;
    if (!isCRDConditionTrue(crd, "Established")) {
      this.remove(name);
      return;
    }
    const key = JSON.stringify([
      crd.spec,
      crd.status?.acceptedNames ?? null,
      crd.metadata.deletionTimestamp ?? null,
    ]);
    if (this.#served.get(name)?.key === key) return;
    this.#kinds ??= await import("./kinds.ts");
    let kinds: Kind[];
    try {
      kinds = this.#kinds.kindsFromCRD(crd);
    } catch (err) {
      this.#options.onError?.(crd, err);
      return;
    }
    // The old versions go first: a new storage version must not meet the old one.
    this.remove(name);
    const registered: Kind[] = [];
    try {
      for (const k of kinds) {
        this.#scheme.register(k);
        registered.push(k);
      }
    } catch (err) {
      for (const k of registered) this.#scheme.unregister(k);
      this.#options.onError?.(crd, err);
      return;
    }
    this.#served.set(name, { key, kinds });
  }

  /** Stops serving the kinds of the CRD named `name`. */
  remove(name: string): void {
    const had = this.#served.get(name);
    if (!had) return;
    this.#served.delete(name);
    for (const k of had.kinds) {
      if (this.#scheme.served(k) === k) this.#scheme.unregister(k);
    }
  }

  /** Follows the CRDs until `signal` aborts (reads them all again after a 410). */
  async start(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let rv = await this.sync();
      try {
        for await (
          const ev of this.#registry.watch(CustomResourceDefinition, {
            resourceVersion: rv,
            signal,
          })
        ) {
          if (ev.type === "BOOKMARK") continue;
          rv = ev.object.metadata.resourceVersion ?? rv;
          if (ev.type === "DELETED") this.remove(ev.object.metadata.name!);
          else await this.apply(ev.object);
        }
      } catch (err) {
        if (signal.aborted) return;
        if (!isGone(err)) throw err;
      }
    }
  }
}
