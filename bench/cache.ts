/**
 * Heap per cached object for `deno task bench` (section `cache`), with and
 * without the {@linkcode stripForCache} transform, on ConfigMaps shaped like
 * what `kubectl apply` and a controller leave behind: 8 data keys, labels,
 * a `kubectl.kubernetes.io/last-applied-configuration` annotation of about
 * 2 KB, and three managedFields entries (kubectl-client-side-apply, an
 * operator, kubectl-edit).
 *
 * Method: N objects in one namespace of a `memory:` runtime; per round, a
 * full collection (`--v8-flags=--expose-gc`, three `gc()` calls), then a
 * shared informer lists and syncs the namespace, another full collection,
 * and the heap difference divided by N — the cache's whole cost per object
 * (the object, its store entry and its index entries). Rounds alternate
 * between the two informers after one warm-up each; the median of 5 is
 * reported:
 *
 * - `cache_bytes_per_object_unstripped`: the informer keeps objects as received;
 * - `cache_bytes_per_object_stripped`: with `stripForCache()` (no managed
 *   fields, no last-applied annotation); target <= 50% of the former.
 *
 * The unstripped key is not `cache_bytes_per_object`: the `informer` section
 * of bench/run.ts reports a different figure under that name (small
 * ConfigMaps, heap minus JSON length).
 *
 * @module
 */
import {
  ConfigMap,
  createRuntime,
  type KubeObject,
  listerWatcherFor,
  Namespace,
  type Runtime,
  SharedInformer,
  stripForCache,
} from "@k1s/k1s";
import type { Reporters } from "./serve.ts";

const NS = "bench-cache";
const gc = (globalThis as { gc?: () => void }).gc;

async function heapUsed(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 10));
  }
  return Deno.memoryUsage().heapUsed;
}

function time(i: number, minutes: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, minutes, i % 60)).toISOString().replace(".000", "");
}

/** One ConfigMap as `kubectl apply` then an operator and a `kubectl edit` leave it. */
function appliedConfigMap(i: number) {
  const data: Record<string, string> = {};
  for (let k = 0; k < 8; k++) {
    data[`setting-${k}.conf`] = `# setting ${k} of app-${i}\nkey_${k}=value-${i}-${k}-` +
      "x".repeat(90 + (i + k) % 20);
  }
  const labels = { app: `app-${i % 50}`, tier: "backend", "app.kubernetes.io/part-of": "bench" };
  const lastApplied = JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { annotations: {}, labels, name: `cm-${i}`, namespace: NS },
    data,
  });
  const dataFields = Object.fromEntries(Object.keys(data).map((k) => [`f:${k}`, {}]));
  return {
    metadata: {
      name: `cm-${i}`,
      namespace: NS,
      labels,
      annotations: {
        "kubectl.kubernetes.io/last-applied-configuration": lastApplied,
        "example.com/config-hash": `sha256-${(i * 2654435761 >>> 0).toString(16).padStart(8, "0")}`,
      },
      managedFields: [
        {
          manager: "kubectl-client-side-apply",
          operation: "Update",
          apiVersion: "v1",
          time: time(i, 0),
          fieldsType: "FieldsV1",
          fieldsV1: {
            "f:data": { ".": {}, ...dataFields },
            "f:metadata": {
              "f:annotations": {
                ".": {},
                "f:kubectl.kubernetes.io/last-applied-configuration": {},
              },
              "f:labels": {
                ".": {},
                "f:app": {},
                "f:tier": {},
                "f:app.kubernetes.io/part-of": {},
              },
            },
          },
        },
        {
          manager: "bench-operator",
          operation: "Update",
          apiVersion: "v1",
          time: time(i, 5),
          fieldsType: "FieldsV1",
          fieldsV1: { "f:metadata": { "f:annotations": { "f:example.com/config-hash": {} } } },
        },
        {
          manager: "kubectl-edit",
          operation: "Update",
          apiVersion: "v1",
          time: time(i, 9),
          fieldsType: "FieldsV1",
          fieldsV1: { "f:data": { "f:setting-3.conf": {}, "f:setting-7.conf": {} } },
        },
      ],
    },
    data,
  };
}

/** Heap per object of one informer over the bench namespace, after sync. */
async function heapPerObject(
  rt: Runtime,
  n: number,
  transform?: (o: KubeObject) => KubeObject,
): Promise<number> {
  const before = await heapUsed();
  const informer = new SharedInformer(listerWatcherFor(rt.client, ConfigMap, { namespace: NS }), {
    transform,
  });
  const stop = new AbortController();
  const running = informer.start(stop.signal);
  await informer.waitForSync();
  const after = await heapUsed();
  if (informer.store.size !== n) throw new Error(`cached ${informer.store.size} of ${n}`);
  stop.abort();
  await running;
  return (after - before) / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs the section. Figures go to `r.results` when given (the JSON line of
 * bench/run.ts); every figure is printed either way.
 */
export async function benchCache(
  r: Reporters & { results?: Record<string, number> },
): Promise<{ unstripped: number; stripped: number }> {
  const n = r.scale(5_000);
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  await rt.client.create(Namespace, { metadata: { name: NS } });
  for (let i = 0; i < n; i++) await rt.client.create(ConfigMap, appliedConfigMap(i));
  const sample = await rt.client.get(ConfigMap, "cm-0", { namespace: NS });
  const json = JSON.stringify(sample).length;
  const strippedJson = JSON.stringify(stripForCache()(structuredClone(sample))).length;
  const strip = stripForCache();
  await heapPerObject(rt, n);
  await heapPerObject(rt, n, strip);
  const full: number[] = [];
  const stripped: number[] = [];
  for (let round = 0; round < 5; round++) {
    full.push(await heapPerObject(rt, n));
    stripped.push(await heapPerObject(rt, n, strip));
  }
  const unstrippedB = Math.round(median(full));
  const strippedB = Math.round(median(stripped));
  const ratio = strippedB / unstrippedB;
  const note = gc ? "" : "; no --expose-gc, figures are noisy";
  if (r.results) {
    r.results.cache_bytes_per_object_unstripped = unstrippedB;
    r.results.cache_bytes_per_object_stripped = strippedB;
  }
  const fmt = (x: number) => x.toLocaleString("en-US").padStart(11);
  console.log(
    `${"cache_bytes_per_object_unstripped".padEnd(30)} ${fmt(unstrippedB)} B     ` +
      `(${n.toLocaleString("en-US")} applied ConfigMaps, JSON ${json} B; rounds ${
        full.map(Math.round).join(", ")
      }${note})`,
  );
  console.log(
    `${"cache_bytes_per_object_stripped".padEnd(30)} ${fmt(strippedB)} B     ` +
      `(ratio ${ratio.toFixed(2)}, target <= 0.50: ${ratio <= 0.5 ? "ok" : "MISS"}; ` +
      `JSON ${strippedJson} B; rounds ${stripped.map(Math.round).join(", ")})`,
  );
  return { unstripped: unstrippedB, stripped: strippedB };
}

if (import.meta.main) {
  await benchCache({
    ops: () => {},
    ratio: () => {},
    ms: () => {},
    tempDir: () => Deno.makeTempDir(),
    scale: (x) => (Deno.args.includes("--quick") ? Math.max(1, Math.floor(x / 10)) : x),
    percentile: (xs, p) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1],
  });
}
