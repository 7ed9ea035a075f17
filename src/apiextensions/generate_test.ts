import assert from "node:assert/strict";
import { generateKindModule } from "./generate.ts";
import type { CustomResourceDefinition } from "../resources/apiextensions_v1.ts";

const crd = (schema: Record<string, unknown>): CustomResourceDefinition => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
    scope: "Cluster",
    versions: [
      { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } },
      { name: "v0", served: false, storage: false },
    ],
  },
});

Deno.test("generateKindModule: types for every schema shape, deterministic", () => {
  const c = crd({
    type: "object",
    properties: {
      spec: {
        type: "object",
        required: ["size"],
        properties: {
          size: {
            "x-kubernetes-int-or-string": true,
            anyOf: [{ type: "integer" }, { type: "string" }],
          },
          mode: { type: "string", enum: ["a", 'b"c'], default: "a" },
          any: { "x-kubernetes-preserve-unknown-fields": true },
          bag: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          map: { type: "object", additionalProperties: { type: "integer" } },
          list: { type: "array", items: { type: "object", properties: { n: { type: "number" } } } },
          maybe: { type: "string", nullable: true },
          "odd-name": { type: "boolean" },
        },
      },
    },
  });
  const src = generateKindModule(c);
  assert.equal(generateKindModule(structuredClone(c)), src);
  for (
    const want of [
      "  size: number | string;\n",
      `  mode: "a" | 'b"c';\n`,
      `  mode?: "a" | 'b"c';\n`,
      "  any?: unknown;\n",
      "  bag?: Record<string, unknown>;\n",
      "  map?: Record<string, number>;\n",
      "  list?: WidgetV1SpecListItem[];\n",
      "  maybe?: string | null;\n",
      `  "odd-name"?: boolean;\n`,
      "export interface WidgetV1SpecInput {\n",
      "export const WidgetV1: WidgetV1Kind = defineKind({\n",
      '  scope: "Cluster",\n',
      "export const kinds: Kind[] = [WidgetV1];\n",
    ]
  ) assert.ok(src.includes(want), `${want}\n${src}`);
  // Unserved versions are left out; one version needs no conversion.
  assert.ok(!src.includes("WidgetV0"));
  assert.ok(!src.includes("conversion"));
});

Deno.test("generateKindModule: options and errors", () => {
  const c = crd({ type: "object", properties: {} });
  assert.match(generateKindModule(c, { importFrom: "jsr:@k1s/k1s" }), /} from "jsr:@k1s\/k1s";/);
  // No spec in the schema: one that keeps anything.
  assert.match(generateKindModule(c), /schema<Record<string, unknown>>\(\{/);
  c.spec.versions[0].served = false;
  assert.throws(() => generateKindModule(c), /serves no version/);
});
