/**
 * The Scheme maps group/version/kind to resources and back, resolves the
 * names kubectl users type (plural, singular, short names, `kind.group`),
 * and accepts new kinds while running.
 *
 * @module
 */
import type { KubeObject } from "../apimachinery/meta.ts";
import type { Kind } from "./kind.ts";

/** What happened to the set of kinds. */
export interface SchemeChange {
  /** `added` or `removed`. */
  type: "added" | "removed";
  /** The kind concerned. */
  kind: Kind;
}

function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

/**
 * A mutable set of kinds.
 *
 * @example
 * ```ts
 * import { Scheme } from "./scheme.ts";
 * import { ConfigMap } from "../resources/core_v1.ts";
 * import assert from "node:assert/strict";
 * const scheme = new Scheme([ConfigMap]);
 * assert.equal(scheme.resolve("cm")?.kind, "ConfigMap");
 * assert.equal(scheme.forObject({ apiVersion: "v1", kind: "ConfigMap" })?.plural, "configmaps");
 * ```
 */
export class Scheme {
  #byGvk = new Map<string, Kind>();
  #byResource = new Map<string, Kind>();
  #listeners = new Set<(change: SchemeChange) => void>();
  #registered = new WeakSet<Kind>();

  /** Creates a scheme holding `kinds`. */
  constructor(kinds: Iterable<Kind> = []) {
    for (const k of kinds) this.register(k);
  }

  /**
   * Adds a kind. Registering the same group/version/kind again replaces it
   * (as updating a CRD does). Fails if its plural is taken by another kind
   * of the same group, or if another version of the kind is served and the
   * two do not share a storage version and a conversion
   * ({@linkcode Kind.conversion}): objects of one kind are stored once, in
   * one version, whatever version they are written in.
   */
  register(kind: Kind): void {
    const key = gvkKey(kind.apiVersion, kind.kind);
    const resKey = `${kind.plural}.${kind.group}`;
    const holder = this.#byResource.get(resKey);
    if (holder && holder.kind !== kind.kind) {
      throw new TypeError(
        `resource "${kind.plural}" of group "${kind.group}" is already served by kind ${holder.kind}`,
      );
    }
    for (const other of this.#byGvk.values()) {
      if (
        other.group !== kind.group || other.kind !== kind.kind ||
        other.version === kind.version
      ) continue;
      const a = other.conversion?.storageVersion;
      const b = kind.conversion?.storageVersion;
      if (a === undefined || b === undefined || a !== b || other.plural !== kind.plural) {
        throw new TypeError(
          `kind ${kind.kind} of group "${kind.group}" is already served in version ` +
            `${other.version}: versions of one kind need the same plural, storage version ` +
            `and a conversion (conversion: { storageVersion, convert })`,
        );
      }
    }
    const had = this.#byGvk.get(key);
    if (had) {
      this.#registered.delete(had);
      const oldKey = `${had.plural}.${had.group}`;
      if (oldKey !== resKey && this.#byResource.get(oldKey) === had) {
        this.#byResource.delete(oldKey);
      }
    }
    this.#registered.add(kind);
    this.#byGvk.set(key, kind);
    // The resource is served by its first registered version (the preferred one).
    if (!holder || holder.apiVersion === kind.apiVersion) this.#byResource.set(resKey, kind);
    for (const l of this.#listeners) l({ type: "added", kind });
  }

  /** Removes a kind; returns true if it was present. */
  unregister(kind: { apiVersion: string; kind: string }): boolean {
    const key = gvkKey(kind.apiVersion, kind.kind);
    const had = this.#byGvk.get(key);
    if (!had) return false;
    this.#byGvk.delete(key);
    this.#registered.delete(had);
    const resKey = `${had.plural}.${had.group}`;
    if (this.#byResource.get(resKey) === had) {
      const next = [...this.#byGvk.values()].find((k) =>
        k.group === had.group && k.kind === had.kind
      );
      if (next) this.#byResource.set(resKey, next);
      else this.#byResource.delete(resKey);
    }
    for (const l of this.#listeners) l({ type: "removed", kind: had });
    return true;
  }

  /** The served versions of a kind, the preferred (first registered) first. */
  versions(group: string, kind: string): Kind[] {
    return this.kinds().filter((k) => k.group === group && k.kind === kind);
  }

  /** Calls `listener` on every change; returns a function that stops it. */
  onChange(listener: (change: SchemeChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** All kinds, in registration order. */
  kinds(): Kind[] {
    return [...this.#byGvk.values()];
  }

  /** The kind for an apiVersion and kind. */
  lookup(apiVersion: string, kind: string): Kind | undefined {
    return this.#byGvk.get(gvkKey(apiVersion, kind));
  }

  /**
   * The registered kind for `kind` (itself when it is the registered
   * object), or undefined when its group/version/kind is not served.
   */
  served(kind: Pick<Kind, "apiVersion" | "kind">): Kind | undefined {
    if (this.#registered.has(kind as Kind)) return kind as Kind;
    return this.lookup(kind.apiVersion, kind.kind);
  }

  /** The kind of an object, from its apiVersion and kind. */
  forObject(obj: Pick<KubeObject, "apiVersion" | "kind">): Kind | undefined {
    return this.lookup(obj.apiVersion, obj.kind);
  }

  /**
   * The kind serving a group and plural resource: in `version` when given,
   * else its preferred (first registered) version.
   */
  forResource(group: string, plural: string, version?: string): Kind | undefined {
    const kind = this.#byResource.get(`${plural}.${group}`);
    if (!kind || version === undefined || kind.version === version) return kind;
    const apiVersion = group ? `${group}/${version}` : version;
    return this.#byGvk.get(gvkKey(apiVersion, kind.kind));
  }

  /**
   * Resolves what a user typed, as kubectl does: a plural, singular, short
   * name or kind (any case), optionally qualified as `name.group` or
   * `name.version.group`. Core kinds win over others with the same name.
   */
  resolve(arg: string): Kind | undefined {
    const name = arg.toLowerCase();
    const matches = (k: Kind, n: string): boolean =>
      k.plural === n || k.singular === n || k.kind.toLowerCase() === n ||
      k.shortNames.includes(n);
    const all = this.kinds();
    // Unqualified, core group first, then in registration order.
    const direct = all.filter((k) => matches(k, name));
    if (direct.length) return direct.find((k) => k.group === "") ?? direct[0];
    const dot = name.indexOf(".");
    if (dot < 0) return undefined;
    const head = name.slice(0, dot);
    const rest = name.slice(dot + 1);
    for (const k of all) {
      if (!matches(k, head)) continue;
      if (k.group === rest) return k;
      if (`${k.version}.${k.group}` === rest) return k;
    }
    return undefined;
  }

  /** Kinds in a category such as `all`. */
  category(name: string): Kind[] {
    return this.kinds().filter((k) => k.categories.includes(name));
  }
}
