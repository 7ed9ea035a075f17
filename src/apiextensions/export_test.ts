import assert from "node:assert/strict";
import { z } from "zod";
import { defineKind, defineObjectKind } from "../scheme/kind.ts";
import { openAPISchema } from "../scheme/openapi.ts";
import { prepareCRD } from "../resources/apiextensions_v1.ts";
import { validateCRD } from "../resources/apiextensions_v1_validation.ts";
import type { CustomResourceDefinition } from "../resources/apiextensions_v1.ts";
import { Category, Item } from "../../examples/inventory/kinds.ts";
import {
  crdFromKind,
  crdFromKinds,
  crdsFromKinds,
  structuralProblems,
  structuralSchema,
} from "./export.ts";

/** What kube-apiserver checks on create: the CRD strategy's defaulting, static validation, structure. */
function assertAccepted(crd: CustomResourceDefinition) {
  const copy = structuredClone(crd);
  prepareCRD(copy);
  assert.deepEqual(validateCRD(copy, undefined), []);
  for (const v of crd.spec.versions) {
    assert.deepEqual(structuralProblems(v.schema!.openAPIV3Schema!), [], v.name);
  }
}

const props = (s: unknown, ...path: string[]) => {
  let node = s as Record<string, unknown>;
  for (const p of path) node = (node.properties as Record<string, Record<string, unknown>>)[p];
  return node;
};

Deno.test("crdFromKinds: the inventory kinds make CRDs kube accepts", async () => {
  const crds = await crdsFromKinds([Item, Category]);
  assert.deepEqual(crds.map((c) => c.metadata.name), [
    "items.inventory.k1s.dev",
    "categories.inventory.k1s.dev",
  ]);
  for (const crd of crds) assertAccepted(crd);
  const cat = crds[1];
  assert.deepEqual(cat.spec.names, {
    kind: "Category",
    listKind: "CategoryList",
    plural: "categories",
    singular: "category",
    shortNames: ["cat"],
    categories: ["all", "inventory"],
  });
  const v = cat.spec.versions[0];
  assert.deepEqual(v.subresources, { status: {} });
  assert.deepEqual(v.selectableFields, [{ jsonPath: ".spec.parent" }]);
  assert.equal(v.additionalPrinterColumns?.length, 6);
  assert.deepEqual(v.additionalPrinterColumns?.[4], {
    name: "Tags",
    type: "string",
    jsonPath: ".spec.tags",
    priority: 1,
  });
  const schema = v.schema!.openAPIV3Schema!;
  assert.deepEqual(Object.keys(schema.properties as object), [
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "status",
  ]);
  assert.deepEqual(props(schema, "spec", "tags"), {
    type: "array",
    description: "Free-form tags.",
    default: [],
    items: { type: "string" },
  });
  assert.deepEqual(schema.required, ["spec"]);
  // Item has no status: no subresource.
  assert.equal(crds[0].spec.versions[0].subresources, undefined);
});

Deno.test("crdFromKinds: zod shapes become structural", async () => {
  interface Node {
    name: string;
    children: Node[];
  }
  const node: z.ZodType<Node> = z.object({
    name: z.string(),
    get children() {
      return z.array(node);
    },
  });
  const warnings: string[] = [];
  const Thing = defineKind({
    group: "things.example.com",
    version: "v1",
    kind: "Thing",
    spec: z.object({
      port: z.union([z.number().int(), z.string()]),
      labels: z.record(z.string(), z.string()),
      pair: z.tuple([z.string(), z.number()]),
      when: z.date().optional(),
      size: z.int32(),
      count: z.uint32().optional(),
      email: z.string().email().nullable(),
      mode: z.enum(["fast", "slow"]).default("fast"),
      ratio: z.number().positive(),
      fixed: z.literal("k"),
      anything: z.any(),
      tree: node,
      choice: z.union([z.literal("a"), z.literal("b")]),
      shape: z.union([
        z.object({ kind: z.literal("circle"), radius: z.number() }),
        z.object({ kind: z.literal("square"), side: z.number() }),
      ]).optional(),
      lookahead: z.string().regex(/^(?!x)\w+$/).optional(),
    }),
    validations: [{ rule: "self.spec.size >= 0", message: "size must not be negative" }],
  });
  const crd = await crdFromKind(Thing, { onWarning: (m) => warnings.push(m) });
  assertAccepted(crd);
  const schema = crd.spec.versions[0].schema!.openAPIV3Schema!;
  const spec = (name: string) => props(schema, "spec", name);
  assert.deepEqual(spec("port"), {
    "x-kubernetes-int-or-string": true,
    anyOf: [{ type: "integer" }, { type: "string" }],
  });
  assert.deepEqual(spec("labels"), { type: "object", additionalProperties: { type: "string" } });
  assert.deepEqual(spec("pair"), {
    type: "array",
    minItems: 2,
    maxItems: 2,
    items: { "x-kubernetes-preserve-unknown-fields": true },
  });
  assert.deepEqual(spec("when"), { "x-kubernetes-preserve-unknown-fields": true });
  assert.deepEqual(spec("size"), { type: "integer", format: "int32" });
  assert.deepEqual(spec("count"), { type: "integer", minimum: 0, format: "int64" });
  assert.deepEqual(spec("email"), { type: "string", format: "email", nullable: true });
  assert.deepEqual(spec("mode"), { type: "string", default: "fast", enum: ["fast", "slow"] });
  assert.deepEqual(spec("ratio"), { type: "number", exclusiveMinimum: true, minimum: 0 });
  assert.deepEqual(spec("fixed"), { type: "string", enum: ["k"] });
  assert.deepEqual(spec("anything"), { "x-kubernetes-preserve-unknown-fields": true });
  assert.deepEqual(spec("choice"), { type: "string", enum: ["a", "b"] });
  assert.deepEqual(spec("shape"), {
    type: "object",
    properties: {
      kind: { type: "string", enum: ["circle", "square"] },
      radius: { type: "number" },
      side: { type: "number" },
    },
    required: ["kind"],
  });
  assert.deepEqual(spec("lookahead"), { type: "string" });
  // The recursion is cut off one level down.
  assert.deepEqual(props(schema, "spec", "tree", "children"), {
    type: "array",
    items: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
  });
  assert.ok(warnings.some((w) => w.includes("recursive reference")), warnings.join("\n"));
  assert.ok(warnings.some((w) => w.includes("tuples")));
  assert.ok(warnings.some((w) => w.includes("look-around")));
  assert.deepEqual(schema["x-kubernetes-validations"], [
    { rule: "self.spec.size >= 0", message: "size must not be negative" },
  ]);
  assert.ok(!JSON.stringify(crd).includes("$ref"));
});

Deno.test("crdFromKinds: versions, storage and priority", async () => {
  const spec = z.object({ a: z.string() });
  const mk = (version: string) =>
    defineKind({ group: "multi.example.com", version, kind: "Multi", spec });
  const crd = await crdFromKinds([mk("v1alpha1"), mk("v1beta2"), mk("v1beta1")]);
  assert.deepEqual(crd.spec.versions.map((v) => [v.name, v.storage]), [
    ["v1beta2", true],
    ["v1beta1", false],
    ["v1alpha1", false],
  ]);
  assertAccepted(crd);
  const chosen = await crdFromKinds([mk("v1alpha1"), mk("v1beta1")], {
    storageVersion: "v1alpha1",
  });
  assert.deepEqual(chosen.spec.versions.filter((v) => v.storage).map((v) => v.name), ["v1alpha1"]);
  await assert.rejects(() => crdFromKinds([mk("v1")], { storageVersion: "v2" }), /storage version/);
  const other = defineKind({ group: "multi.example.com", version: "v1", kind: "Other", spec });
  await assert.rejects(() => crdFromKinds([mk("v1"), other]), /separate CRDs/);
  await assert.rejects(() => crdFromKinds([mk("v1"), mk("v1")]), /given twice/);
});

Deno.test("crdFromKinds: openAPISchema kinds and object kinds", async () => {
  const Note = defineObjectKind({
    group: "notes.example.com",
    version: "v1",
    kind: "Note",
    scope: "Cluster",
    schema: openAPISchema({
      type: "object",
      properties: {
        text: { type: "string", maxLength: 10 },
        data: { type: "object", additionalProperties: { type: "string", format: "byte" } },
      },
      required: ["text"],
    }),
  });
  const crd = await crdFromKind(Note);
  assertAccepted(crd);
  assert.equal(crd.spec.scope, "Cluster");
  const schema = crd.spec.versions[0].schema!.openAPIV3Schema!;
  assert.deepEqual(schema.required, ["text"]);
  assert.deepEqual(props(schema, "data"), {
    type: "object",
    additionalProperties: { type: "string", format: "byte" },
  });
});

Deno.test("structuralSchema: $defs are inlined, shared ones each time", () => {
  const s = structuralSchema({
    type: "object",
    properties: { a: { $ref: "#/$defs/x" }, b: { $ref: "#/$defs/x", description: "B" } },
    $defs: { x: { type: "object", properties: { n: { type: "integer", format: "int32" } } } },
  });
  assert.deepEqual(s, {
    type: "object",
    properties: {
      a: { type: "object", properties: { n: { type: "integer", format: "int32" } } },
      b: {
        type: "object",
        description: "B",
        properties: { n: { type: "integer", format: "int32" } },
      },
    },
  });
});

Deno.test("structuralProblems: what kube refuses", () => {
  const problems = structuralProblems({
    type: "object",
    nullable: true,
    properties: {
      metadata: { type: "object", properties: { labels: { type: "object" } } },
      a: { $ref: "#/x" },
      b: { type: "array" },
      c: { type: "array", items: { type: "string" }, uniqueItems: true },
      d: { type: "object", properties: {}, additionalProperties: { type: "string" } },
      e: { anyOf: [{ type: "string" }, { type: "integer" }] },
      f: {
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["k"],
        items: { type: "object", properties: { k: { type: "string" } } },
      },
    },
  });
  // kube's own validation of the CRD (its first errors hide the structural ones).
  assert.deepEqual(problems, [
    "openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root",
    "openAPIV3Schema.properties[a].$ref: Forbidden: $ref is not supported",
    "openAPIV3Schema.properties[c].uniqueItems: Forbidden: uniqueItems cannot be set to true " +
    "since the runtime complexity becomes quadratic",
    "openAPIV3Schema.properties[f].items.properties[k].default: Required value: this property " +
    "is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
  ]);
});
