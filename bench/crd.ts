/**
 * The CustomResourceDefinition figures for `deno task bench` (section `crd`),
 * on the memory store, creates with sequential awaits (4 rounds of each
 * series, alternating, best shown):
 *
 * - `crd_create_ops`: creates/s of a custom resource whose CRD has a
 *   20-field structural schema (types, defaults, enums, bounds, a pattern,
 *   a list-map), against ConfigMap creates in the same process
 *   (`crd_baseline_configmap_ops`, the raw figure; target >= 0.5 of it);
 * - `cel_validate_ops`: creates/s of a custom resource with three CEL rules
 *   (target >= 20,000/s).
 *
 * @module
 */
import { ConfigMap, createRuntime, CustomResourceDefinition } from "@k1s/k1s";
import type { Kind, Runtime } from "@k1s/k1s";
import type { Reporters } from "./serve.ts";

const str = { type: "string", maxLength: 128 };

/** 20 fields of spec, the shapes operators' CRDs have (also read by profiling scripts). */
export const SPEC = {
  type: "object",
  required: ["image", "replicas"],
  properties: {
    image: { type: "string", minLength: 1, maxLength: 256 },
    replicas: { type: "integer", minimum: 0, maximum: 1000, default: 1 },
    maxReplicas: { type: "integer", minimum: 1, maximum: 1000, default: 10 },
    paused: { type: "boolean", default: false },
    policy: { type: "string", enum: ["Allow", "Forbid", "Replace"], default: "Allow" },
    schedule: { type: "string", pattern: "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$" },
    timeout: { "x-kubernetes-int-or-string": true },
    owner: str,
    team: str,
    tier: { type: "string", enum: ["frontend", "backend", "data"] },
    priority: { type: "integer", format: "int32", minimum: -100, maximum: 100 },
    ratio: { type: "number", minimum: 0, maximum: 1 },
    labels: { type: "object", additionalProperties: { type: "string", maxLength: 63 } },
    ports: {
      type: "array",
      maxItems: 16,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: {
        type: "object",
        required: ["name", "port"],
        properties: {
          name: { type: "string", maxLength: 15 },
          port: { type: "integer", minimum: 1, maximum: 65535 },
        },
      },
    },
    args: { type: "array", maxItems: 32, items: { type: "string", maxLength: 256 } },
    resources: {
      type: "object",
      properties: { cpu: str, memory: str },
    },
    storage: {
      type: "object",
      properties: { size: str, className: str, retain: { type: "boolean" } },
    },
    endpoint: { type: "string", maxLength: 256 },
    notes: { type: "string", maxLength: 1024 },
    revision: { type: "integer", minimum: 0 },
  },
};

function crd(plural: string, kind: string, rules: unknown[]) {
  return {
    metadata: { name: `${plural}.bench.k1s.dev` },
    spec: {
      group: "bench.k1s.dev",
      scope: "Namespaced" as const,
      names: { plural, kind },
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: rules.length ? { ...SPEC, "x-kubernetes-validations": rules } : SPEC,
              status: { type: "object", properties: { ready: { type: "boolean" } } },
            },
          },
        },
      }],
    },
  };
}

const RULES = [
  { rule: "self.replicas <= self.maxReplicas", message: "replicas must not exceed maxReplicas" },
  { rule: "!has(self.tier) || self.tier != 'data' || has(self.storage)" },
  {
    rule: "self.ports.all(p, p.port != 22)",
    message: "port 22 is reserved",
  },
];

function object(kind: Kind, name: string) {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata: { name, namespace: "default", labels: { app: "bench" } },
    spec: {
      image: "registry.example.com/app:1.2.3",
      replicas: 3,
      schedule: "*/5 * * * *",
      timeout: "30s",
      owner: "team-a",
      team: "platform",
      tier: "backend",
      priority: 10,
      ratio: 0.5,
      labels: { a: "1", b: "2" },
      ports: [{ name: "http", port: 8080 }, { name: "metrics", port: 9090 }],
      args: ["--verbose", "--port=8080"],
      resources: { cpu: "500m", memory: "256Mi" },
      endpoint: "https://example.com/hook",
      revision: 7,
    },
  };
}

/** One timed round of `per` sequential creates; returns creates/s. */
async function round(
  rt: Runtime,
  make: (i: number) => unknown,
  kind: Kind,
  from: number,
  per: number,
): Promise<number> {
  const t0 = performance.now();
  for (let i = from; i < from + per; i++) {
    await rt.client.create(kind, make(i) as never, { namespace: "default" });
  }
  return Math.round(per / ((performance.now() - t0) / 1000));
}

/** Runs the section. */
export async function benchCrd(r: Reporters): Promise<void> {
  await using rt = await createRuntime({ store: "memory:", compaction: false });
  await rt.client.create(CustomResourceDefinition, crd("plains", "Plain", []) as never);
  await rt.client.create(CustomResourceDefinition, crd("ruled", "Ruled", RULES) as never);
  const plain = rt.scheme.resolve("plains.bench.k1s.dev");
  const ruled = rt.scheme.resolve("ruled.bench.k1s.dev");
  if (!plain || !ruled) throw new Error("the bench CRDs are not served");
  const series: [Kind, (i: number) => unknown][] = [
    [ConfigMap as unknown as Kind, (i) => ({
      metadata: { name: `cm-${i}`, namespace: "default", labels: { app: "bench" } },
      data: { image: "registry.example.com/app:1.2.3", replicas: "3", tier: "backend" },
    })],
    [plain, (i) => object(plain, `p-${i}`)],
    [ruled, (i) => object(ruled, `r-${i}`)],
  ];
  // Warm-up, then rounds that alternate between the three, so machine load hits them alike.
  for (const [kind, make] of series) await round(rt, make, kind, -r.scale(2_000), r.scale(2_000));
  const per = r.scale(10_000);
  const best = [0, 0, 0];
  for (let n = 0; n < 4; n++) {
    for (let k = 0; k < series.length; k++) {
      const [kind, make] = series[k];
      best[k] = Math.max(best[k], await round(rt, make, kind, n * per, per));
    }
  }
  r.ratio("crd_create_ops", best[1], "crd_baseline_configmap_ops", best[0], 0.5);
  r.ops("cel_validate_ops", best[2], 20_000);
}
