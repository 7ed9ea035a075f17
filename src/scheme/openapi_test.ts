import assert from "node:assert/strict";
import { openAPISchema } from "./openapi.ts";
import { defineKind } from "./kind.ts";
import { ConfigMap, createRuntime, Secret, ServiceAccount } from "../../mod.ts";
import { ApiError } from "../apimachinery/errors.ts";

const schema = openAPISchema({
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 5, pattern: "^[a-z]+$" },
    size: { type: "integer", minimum: 0, maximum: 10, default: 1 },
    mode: { type: "string", enum: ["fast", "slow"] },
    tags: { type: "array", maxItems: 2, items: { type: "string" } },
    labels: { type: "object", additionalProperties: { type: "string" } },
    nested: { type: "object", properties: { on: { type: "boolean" } } },
    free: { type: "object" },
  },
});

function issues(data: unknown) {
  const r = schema.safeParse(data);
  assert.equal(r.success, false);
  return (r.error!.issues as { code: string; path: unknown[] }[]).map((i) => [i.code, i.path]);
}

Deno.test("openAPISchema: defaults, pruning of unknown fields, null as absent, free-form objects", () => {
  assert.deepEqual(
    schema.safeParse({
      name: "ab",
      extra: 1,
      mode: null,
      nested: { on: true, x: 1 },
      free: { any: [1, { b: 2 }] },
    }),
    {
      success: true,
      data: { name: "ab", size: 1, nested: { on: true }, free: { any: [1, { b: 2 }] } },
    },
  );
});

Deno.test("openAPISchema: every problem is reported with its path, as zod issues", () => {
  assert.deepEqual(issues({}), [["invalid_type", ["name"]]]);
  assert.deepEqual(issues("str"), [["invalid_type", []]]);
  assert.deepEqual(
    issues({
      name: "TOOLONGNAME",
      size: 11.5,
      mode: "medium",
      tags: ["a", 2, "c"],
      labels: { a: "x", b: false },
      nested: { on: "yes" },
    }),
    [
      ["too_big", ["name"]],
      ["invalid_format", ["name"]],
      ["invalid_type", ["size"]],
      ["invalid_value", ["mode"]],
      ["too_big", ["tags"]],
      ["invalid_type", ["tags", 1]],
      ["invalid_type", ["labels", "b"]],
      ["invalid_type", ["nested", "on"]],
    ],
  );
  assert.deepEqual(issues({ name: "", size: -1 }), [
    ["too_small", ["name"]],
    ["invalid_format", ["name"]],
    ["too_small", ["size"]],
  ]);
});

Deno.test("openAPISchema: toJSONSchema is a copy of the document", () => {
  const json = schema.toJSONSchema() as { properties: Record<string, unknown> };
  json.properties.name = "changed";
  assert.equal(
    (schema.openAPIV3Schema.properties!.name as { type: string }).type,
    "string",
  );
});

Deno.test("defineKind with OpenAPI spec/status: paths start at spec, status is optional", () => {
  const Widget = defineKind({
    group: "w.example.com",
    version: "v1",
    kind: "Widget",
    spec: openAPISchema<{ size: number }>({
      type: "object",
      properties: { size: { type: "integer", default: 3 } },
    }),
    status: openAPISchema<{ ready?: boolean }>({
      type: "object",
      properties: { ready: { type: "boolean" } },
    }),
  });
  assert.deepEqual(Widget.schema.safeParse({ spec: {}, junk: 1 }), {
    success: true,
    data: { spec: { size: 3 } },
  });
  const bad = Widget.schema.safeParse({ spec: { size: "x" }, status: { ready: 1 } });
  assert.deepEqual(
    (bad.error!.issues as { path: unknown[] }[]).map((i) => i.path),
    [["spec", "size"], ["status", "ready"]],
  );
  assert.deepEqual(
    (Widget.schema.safeParse({}).error!.issues as { path: unknown[] }[]).map((i) => i.path),
    [["spec"]],
  );
  const json = Widget.schema.toJSONSchema!() as Record<string, unknown>;
  assert.deepEqual(json.required, ["spec"]);
  assert.deepEqual(Object.keys(json.properties as object), ["spec", "status"]);
});

Deno.test("built-in kinds: a wrong type is the Go decoder's 400, as kube-apiserver's; nothing stored", async () => {
  await using rt = await createRuntime();
  const err = await rt.client.create(ConfigMap, {
    metadata: { name: "x" },
    data: { a: 1 as unknown as string },
  }).catch((e) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 400);
  assert.equal(
    err.message,
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number ' +
      "into Go struct field ConfigMap.data of type string",
  );
  const secret = await rt.client.create(Secret, {
    metadata: { name: "s" },
    type: 5 as unknown as string,
  }).catch((e) => e);
  assert.equal(secret.code, 400);
  assert.match(
    secret.message,
    /cannot unmarshal number into Go struct field Secret\.type of type string$/,
  );
  const sa = await rt.client.create(ServiceAccount, {
    metadata: { name: "sa" },
    secrets: [{ name: 7 as unknown as string }],
  }).catch((e) => e);
  assert.match(
    sa.message,
    /cannot unmarshal number into Go struct field ObjectReference\.secrets\.name of type string$/,
  );
  assert.deepEqual((await rt.client.list(ConfigMap)).items, []);
  // null is absent, as the API server decodes it; Secret.type defaults to Opaque.
  const s = await rt.client.create(Secret, {
    metadata: { name: "ok" },
    data: null as unknown as undefined,
  });
  assert.equal(s.type, "Opaque");
  assert.equal("data" in s, false);
});

Deno.test("user kinds with OpenAPI schemas: wrong types are 422 field errors (as for CRDs)", async () => {
  const Widget = defineKind({
    group: "w.example.com",
    version: "v1",
    kind: "Widget",
    spec: openAPISchema<{ size: number }>({
      type: "object",
      properties: { size: { type: "integer" } },
    }),
  });
  await using rt = await createRuntime({ kinds: [Widget] });
  const err = await rt.client.create(Widget, {
    metadata: { name: "w" },
    spec: { size: "big" as unknown as number },
  }).catch((e) => e);
  assert.equal(err.code, 422);
  assert.match(err.message, /spec\.size: Invalid value: "big": must be of type integer/);
});
