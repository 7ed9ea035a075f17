/**
 * Multi-tenancy for any {@linkcode Store}: a view whose keys live under
 * `/<tenant>` in the underlying store.
 *
 * @example
 * ```ts
 * import { withTenant } from "./tenant.ts";
 * import { openMemoryStore } from "./memory.ts";
 *
 * const shared = openMemoryStore();
 * const a = withTenant(shared, "team-a");
 * await a.create("/config", "x");
 * console.assert((await shared.get("/team-a/config"))?.value === "x");
 * await a.close(); // closes the shared store too
 * ```
 *
 * @module
 */

import {
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreCreateOptions,
  StoreError,
  type StoreEvent,
  type StoreWatch,
  type WatchOptions,
} from "./types.ts";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkTenantKey(key: string): void {
  if (typeof key !== "string" || !key.startsWith("/")) {
    throw new TypeError(`keys of a tenant store must start with "/", got ${JSON.stringify(key)}`);
  }
}

class TenantStore implements Store {
  readonly #store: Store;
  readonly #base: string;
  readonly #n: number;

  constructor(store: Store, tenant: string) {
    this.#store = store;
    this.#base = "/" + tenant;
    this.#n = this.#base.length;
  }

  #key(key: string): string {
    checkTenantKey(key);
    return this.#base + key;
  }

  #prefix(prefix: string): string {
    if (prefix === "") return this.#base + "/";
    checkTenantKey(prefix);
    return this.#base + prefix;
  }

  #strip(kv: KeyValue): KeyValue {
    return { ...kv, key: kv.key.slice(this.#n) };
  }

  #stripEvent(ev: StoreEvent): StoreEvent {
    return { ...ev, key: ev.key.slice(this.#n) };
  }

  #error(e: unknown): unknown {
    if (e instanceof StoreError && e.current !== undefined) {
      const err = new StoreError(e.code, e.message, e.revision, this.#strip(e.current));
      err.stack = e.stack;
      return err;
    }
    return e;
  }

  currentRevision(): Promise<number> {
    return this.#store.currentRevision();
  }

  compactedRevision(): Promise<number> {
    return this.#store.compactedRevision();
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const kv = await this.#store.get(this.#key(key));
    return kv && this.#strip(kv);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const p = this.#prefix(prefix);
    let after: string | undefined;
    if (options.after !== undefined) {
      if (options.after.startsWith("/")) {
        after = this.#base + options.after;
      } else if (options.after > "/") {
        // Every tenant key starts with "/", so none sorts after this one: list
        // nothing, with the checks and revision of a real read.
        after = this.#base + "0";
      }
    }
    const res = await this.#store.list(p, { ...options, after });
    const out: ListResult = {
      items: res.items.map((kv) => this.#strip(kv)),
      revision: res.revision,
      more: res.more,
    };
    if (res.count !== undefined) out.count = res.count;
    return out;
  }

  count(prefix: string): Promise<number> {
    return this.#store.count(this.#prefix(prefix));
  }

  async create(key: string, value: string, options?: StoreCreateOptions): Promise<number> {
    try {
      const req = options?.requires;
      return await this.#store.create(
        this.#key(key),
        value,
        req ? { requires: { key: this.#key(req.key), revision: req.revision } } : undefined,
      );
    } catch (e) {
      throw this.#error(e);
    }
  }

  async update(key: string, value: string, expectedRevision: number): Promise<number> {
    try {
      return await this.#store.update(this.#key(key), value, expectedRevision);
    } catch (e) {
      throw this.#error(e);
    }
  }

  async delete(
    key: string,
    expectedRevision?: number,
  ): Promise<{ revision: number; prev: KeyValue }> {
    try {
      const res = await this.#store.delete(this.#key(key), expectedRevision);
      return { revision: res.revision, prev: this.#strip(res.prev) };
    } catch (e) {
      throw this.#error(e);
    }
  }

  watch(prefix: string, fromRevision: number, options?: WatchOptions): StoreWatch {
    const inner = this.#store.watch(this.#prefix(prefix), fromRevision, options);
    const strip = (ev: StoreEvent) => this.#stripEvent(ev);
    return {
      get progress() {
        return inner.progress;
      },
      [Symbol.asyncIterator](): AsyncIterator<StoreEvent> {
        const it = inner[Symbol.asyncIterator]();
        return {
          async next(): Promise<IteratorResult<StoreEvent>> {
            const r = await it.next();
            return r.done ? r : { value: strip(r.value), done: false };
          },
          async return(): Promise<IteratorResult<StoreEvent>> {
            await it.return?.();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  async changes(prefix: string, fromRevision: number, toRevision?: number): Promise<StoreEvent[]> {
    const events = await this.#store.changes(this.#prefix(prefix), fromRevision, toRevision);
    return events.map((ev) => this.#stripEvent(ev));
  }

  compact(revision: number): Promise<void> {
    return this.#store.compact(revision);
  }

  close(): Promise<void> {
    return this.#store.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Returns a view of `store` for one tenant: every key is stored as
 * `/<tenant><key>` and returned without that prefix (in gets, lists, list
 * `after`, watch events, changes and errors), so one tenant never sees another's keys.
 *
 * Keys and non-empty prefixes of a tenant view must start with `/`
 * (otherwise a TypeError is thrown). Revisions and compaction are shared by
 * all tenants of the underlying store; the view owns the store, so closing
 * the view closes it.
 *
 * @param store the underlying store
 * @param tenant a DNS-1123 label (lowercase alphanumerics and `-`, at most 63 characters)
 * @throws {TypeError} when `tenant` is not a DNS-1123 label
 *
 * @example
 * ```ts
 * import { withTenant } from "./tenant.ts";
 * import { openMemoryStore } from "./memory.ts";
 *
 * const shared = openMemoryStore();
 * const a = withTenant(shared, "a");
 * const b = withTenant(shared, "b");
 * await a.create("/k", "from a");
 * console.assert((await b.get("/k")) === undefined);
 * await shared.close();
 * ```
 */
export function withTenant(store: Store, tenant: string): Store {
  if (typeof tenant !== "string" || tenant.length > 63 || !DNS1123_LABEL.test(tenant)) {
    throw new TypeError(
      `invalid tenant ${JSON.stringify(tenant)}: must be a DNS-1123 label ` +
        "(lowercase letters, digits and '-', starting and ending with an alphanumeric, at most 63 characters)",
    );
  }
  return new TenantStore(store, tenant);
}
