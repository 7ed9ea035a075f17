// Test doubles shared by the cache tests (no tests here).
import type { KubeList, KubeObject, WatchEvent } from "../apimachinery/meta.ts";
import type { ListerWatcher, ListerWatchOptions, ReflectorSink } from "./reflector.ts";

/** A ConfigMap-like object. */
export function obj(name: string, rv: string | number, data: Record<string, string> = {}) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "default", resourceVersion: String(rv) },
    data,
  } as KubeObject;
}

/** A list at `rv`. */
export function listOf(rv: string | number, items: KubeObject[]): KubeList {
  return {
    apiVersion: "v1",
    kind: "ConfigMapList",
    metadata: { resourceVersion: String(rv) },
    items,
  };
}

type Item = { ev: WatchEvent } | { err: unknown } | { end: true };

/** One scripted watch stream. */
export class FakeWatch implements AsyncIterable<WatchEvent> {
  readonly options: ListerWatchOptions;
  #queue: Item[] = [];
  #wake: (() => void) | undefined;
  constructor(options: ListerWatchOptions) {
    this.options = options;
    options.signal.addEventListener("abort", () => this.#wake?.());
  }
  send(type: WatchEvent["type"], object: KubeObject): void {
    this.#push({ ev: { type, object } });
  }
  fail(err: unknown): void {
    this.#push({ err });
  }
  end(): void {
    this.#push({ end: true });
  }
  #push(i: Item): void {
    this.#queue.push(i);
    this.#wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent> {
    for (;;) {
      while (this.#queue.length === 0) {
        if (this.options.signal.aborted) return;
        await new Promise<void>((r) => (this.#wake = r));
      }
      if (this.options.signal.aborted) return;
      const i = this.#queue.shift()!;
      if ("err" in i) throw i.err;
      if ("end" in i) return;
      yield i.ev;
    }
  }
}

/** A ListerWatcher whose lists are scripted and whose watches the test drives. */
export class FakeListerWatcher implements ListerWatcher<KubeObject> {
  /** Responses of the next lists, in order: a list, or an error to throw. */
  readonly lists: (KubeList | Error)[] = [];
  listCalls = 0;
  readonly watches: FakeWatch[] = [];

  list(): Promise<KubeList> {
    this.listCalls++;
    const next = this.lists.shift();
    if (next === undefined) return Promise.reject(new Error("no list scripted"));
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve(structuredClone(next));
  }

  watch(options: ListerWatchOptions): AsyncIterable<WatchEvent> {
    const w = new FakeWatch(options);
    this.watches.push(w);
    return w;
  }

  /** The latest watch. */
  get last(): FakeWatch {
    const w = this.watches.at(-1);
    if (!w) throw new Error("no watch yet");
    return w;
  }
}

/** Records what a sink receives as short strings. */
export class RecordingSink implements ReflectorSink<KubeObject> {
  readonly log: string[] = [];
  replace(items: KubeObject[], rv: string): void {
    this.log.push(`replace@${rv}:${items.map((o) => o.metadata.name).join(",")}`);
  }
  add(o: KubeObject, rv: string): void {
    this.log.push(`add:${o.metadata.name}@${rv}`);
  }
  update(o: KubeObject, rv: string): void {
    this.log.push(`update:${o.metadata.name}@${rv}`);
  }
  delete(o: KubeObject, rv: string): void {
    this.log.push(`delete:${o.metadata.name}@${rv}`);
  }
  bookmark(rv: string): void {
    this.log.push(`bookmark@${rv}`);
  }
}

/** Waits (on real macrotasks) until `cond` holds. */
export async function until(cond: () => boolean, what = "condition"): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, i < 50 ? 0 : 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}
