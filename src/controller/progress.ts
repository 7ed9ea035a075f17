/**
 * Where a manager's triggered runs record the store revision they finished,
 * so the next run reads the change log from there.
 *
 * @module
 */
import type { Store } from "../storage/types.ts";

/** Where triggered runs keep the revision they finished. */
export interface ProgressStore {
  /** The revision recorded for `name`, if any. */
  load(name: string): Promise<number | undefined>;
  /** Records `revision` for `name`. */
  save(name: string, revision: number): Promise<void>;
}

/**
 * Progress kept in the store itself, under `/k1s/progress/<name>` (outside
 * the registry's keys, so no kind sees it; tenants each have their own).
 */
export function storeProgress(store: Store): ProgressStore {
  const key = (name: string) => `/k1s/progress/${name}`;
  return {
    async load(name) {
      const kv = await store.get(key(name));
      return kv ? (JSON.parse(kv.value) as { revision: number }).revision : undefined;
    },
    async save(name, revision) {
      const value = JSON.stringify({ revision });
      for (let i = 0; i < 16; i++) {
        const kv = await store.get(key(name));
        try {
          if (!kv) await store.create(key(name), value);
          else {
            // Progress only moves forward, whoever wrote last.
            if ((JSON.parse(kv.value) as { revision: number }).revision >= revision) return;
            await store.update(key(name), value, kv.revision);
          }
          return;
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code !== "conflict" && code !== "exists" && code !== "not-found") throw err;
        }
      }
    },
  };
}
