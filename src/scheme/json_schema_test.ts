import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigMap } from "../resources/core_v1.ts";
import { kindJSONSchema, META_V1_PREFIX, metaV1Schemas, toOpenAPIV3 } from "./json_schema.ts";
import { defineKind, type Schema } from "./kind.ts";

const ref = (name: string) => `#/components/schemas/x.${name}`;

Deno.test("kindJSONSchema: OpenAPI kinds, zod kinds (spec and status), and schemas nothing can describe", async () => {
  const cm = await kindJSONSchema(ConfigMap);
  assert.equal(cm.title, "ConfigMap");
  assert.deepEqual(Object.keys(cm.properties as object).sort(), [
    "binaryData",
    "data",
    "immutable",
  ]);
  const Item = defineKind({
    group: "x.example.com",
    version: "v1",
    kind: "Item",
    spec: z.object({ n: z.number().default(1) }),
    status: z.object({ ok: z.boolean() }),
  });
  const item = await kindJSONSchema(Item) as any;
  assert.deepEqual(Object.keys(item.properties), ["spec", "status"]);
  // Input side: defaulted fields are not required.
  assert.equal(item.properties.spec.required, undefined);
  const opaque: Schema = {
    _zod: undefined as never,
    safeParse: (data) => ({ success: true, data }),
  };
  assert.deepEqual(await kindJSONSchema({ schema: opaque }), {});
});

Deno.test("toOpenAPIV3: nullable, const, exclusive bounds, tuples and integer bounds", () => {
  const json = z.toJSONSchema(
    z.object({
      a: z.string().nullable(),
      b: z.literal(3),
      c: z.number().gt(0).lt(10),
      d: z.tuple([z.string()]),
      e: z.number().int(),
      f: z.union([z.string(), z.number()]),
      g: z.object({ x: z.string() }).nullable(),
      h: z.null(),
    }),
    { io: "input" },
  ) as Record<string, unknown>;
  const { schema } = toOpenAPIV3(json, { ref });
  assert.equal(schema.$schema, undefined);
  assert.deepEqual(schema.properties, {
    a: { type: "string", nullable: true },
    b: { type: "number", enum: [3] },
    c: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true },
    d: { type: "array", minItems: 1, maxItems: 1 },
    e: { type: "integer" },
    f: { anyOf: [{ type: "string" }, { type: "number" }] },
    g: {
      type: "object",
      properties: { x: { type: "string" } },
      required: ["x"],
      nullable: true,
    },
    h: { nullable: true },
  });
});

Deno.test("toOpenAPIV3: $defs become definitions; $ref with siblings becomes allOf", () => {
  const { schema, definitions } = toOpenAPIV3({
    type: "object",
    properties: {
      plain: { $ref: "#/$defs/Node" },
      described: { $ref: "#/$defs/Node", description: "A node." },
      maybe: { anyOf: [{ $ref: "#/$defs/Node" }, { type: "null" }] },
      self: { $ref: "#" },
    },
    $defs: { Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" } } } },
  }, { ref });
  assert.deepEqual(schema.properties, {
    plain: { $ref: ref("Node") },
    described: { description: "A node.", allOf: [{ $ref: ref("Node") }] },
    maybe: { allOf: [{ $ref: ref("Node") }], nullable: true },
    self: {},
  });
  assert.deepEqual(definitions, {
    Node: { type: "object", properties: { next: { $ref: ref("Node") } } },
  });
  assert.equal(schema.$defs, undefined);
});

Deno.test("toOpenAPIV3: unknown keywords dropped, x- extensions and OpenAPI keywords kept", () => {
  const { schema } = toOpenAPIV3({
    type: "object",
    propertyNames: { pattern: "^a" },
    unevaluatedProperties: false,
    additionalProperties: false,
    examples: [{ a: 1 }],
    "x-kubernetes-preserve-unknown-fields": true,
    minProperties: 1,
  }, { ref });
  assert.deepEqual(schema, {
    type: "object",
    additionalProperties: false,
    example: { a: 1 },
    "x-kubernetes-preserve-unknown-fields": true,
    minProperties: 1,
  });
});

Deno.test("metaV1Schemas: fresh copies each call", () => {
  const a = metaV1Schemas();
  (a[`${META_V1_PREFIX}.ObjectMeta`] as any).properties.name.type = "integer";
  assert.equal(
    (metaV1Schemas()[`${META_V1_PREFIX}.ObjectMeta`] as any).properties.name.type,
    "string",
  );
});
