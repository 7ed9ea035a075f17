import assert from "node:assert/strict";
import { z } from "zod";
import { defaultPlural, defineKind } from "./kind.ts";
import { Scheme } from "./scheme.ts";
import { ConfigMap, coreV1Kinds } from "../resources/core_v1.ts";

const Cat = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Category",
  shortNames: ["cat"],
  categories: ["all"],
  scope: "Cluster",
  spec: z.object({ parent: z.string().optional() }),
});

Deno.test("defaultPlural follows the English rules CRD tooling uses", () => {
  assert.equal(defaultPlural("Item"), "items");
  assert.equal(defaultPlural("Category"), "categories");
  assert.equal(defaultPlural("Ingress"), "ingresses");
  assert.equal(defaultPlural("Box"), "boxes");
  assert.equal(defaultPlural("Key"), "keys");
});

Deno.test("defineKind refuses malformed names", () => {
  assert.throws(
    () => defineKind({ group: "x.io", version: "v1", kind: "lower", spec: z.object({}) }),
    /must be UpperCamelCase/,
  );
  assert.throws(
    () => defineKind({ group: "Bad_Group", version: "v1", kind: "A", spec: z.object({}) }),
    /must be a DNS subdomain/,
  );
  assert.throws(
    () => defineKind({ group: "x.io", version: "1", kind: "A", spec: z.object({}) }),
    /version "1"/,
  );
  assert.throws(
    () =>
      defineKind({
        group: "x.io",
        version: "v1",
        kind: "A",
        shortNames: ["Bad Short"],
        spec: z.object({}),
      }),
    /DNS-1123 label/,
  );
});

Deno.test("the scheme resolves what kubectl users type", () => {
  const s = new Scheme([...coreV1Kinds, Cat]);
  for (const arg of ["cm", "configmap", "configmaps", "ConfigMap"]) {
    assert.equal(s.resolve(arg)?.kind, "ConfigMap", arg);
  }
  assert.equal(s.resolve("cat")?.kind, "Category");
  assert.equal(s.resolve("categories.inventory.k1s.dev")?.kind, "Category");
  assert.equal(s.resolve("categories.v1alpha1.inventory.k1s.dev")?.kind, "Category");
  assert.equal(s.resolve("categories.other.io"), undefined);
  assert.equal(s.resolve("nothing"), undefined);
  assert.deepEqual(s.category("all").map((k) => k.kind), ["Category"]);
  assert.equal(s.forResource("", "configmaps"), ConfigMap);
});

Deno.test("kinds can be added, replaced and removed while running, with notifications", () => {
  const s = new Scheme();
  const seen: string[] = [];
  const stop = s.onChange((c) => seen.push(`${c.type}:${c.kind.kind}`));
  s.register(Cat);
  s.register(Cat);
  assert.equal(s.kinds().length, 1);
  const Clash = defineKind({
    group: "inventory.k1s.dev",
    version: "v1alpha1",
    kind: "Other",
    plural: "categories",
    spec: z.object({}),
  });
  assert.throws(() => s.register(Clash), /already served by kind Category/);
  assert.ok(s.unregister(Cat));
  assert.ok(!s.unregister(Cat));
  stop();
  s.register(Cat);
  assert.deepEqual(seen, ["added:Category", "added:Category", "removed:Category"]);
});
