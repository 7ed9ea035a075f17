import assert from "node:assert/strict";
import { formatFieldError } from "../../apimachinery/errors.ts";
import { applyDefaults, compileSchema, prune, validateObject } from "./mod.ts";

const msgs = (o: unknown, s: ReturnType<typeof compileSchema>, old?: unknown) =>
  validateObject(o, s, old).map(formatFieldError);

const spec = (props: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  compileSchema({
    type: "object",
    properties: { spec: { type: "object", properties: props, ...extra } },
  });

Deno.test("type errors", () => {
  const s = spec({ replicas: { type: "integer" }, name: { type: "string" } });
  assert.deepEqual(msgs({ spec: { replicas: "x", name: 1 } }, s), [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'spec.name: Invalid value: "integer": spec.name in body must be of type string: "integer"',
  ]);
  assert.deepEqual(msgs({ spec: { replicas: null } }, s), [
    'spec.replicas: Invalid value: "null": spec.replicas in body must be of type integer: "null"',
  ]);
  assert.deepEqual(msgs({ spec: { replicas: 1.5 } }, s), [
    'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
    '<nil>: Invalid value: "": Checked value must be of type integer (default format) in spec.replicas',
  ]);
});

Deno.test("numbers, strings, enum, required", () => {
  const s = spec({
    n: { type: "integer", minimum: 1, maximum: 10, exclusiveMaximum: true, multipleOf: 2 },
    f: { type: "number", maximum: 1000000 },
    s: { type: "string", minLength: 2, pattern: "^[a-z]+$" },
    e: { type: "string", enum: ["a", "b"] },
  }, { required: ["n"] });
  assert.deepEqual(msgs({ spec: { n: 11, f: 1000000.5, s: "A", e: "c" } }, s), [
    "spec.n: Invalid value: 11: spec.n in body should be a multiple of 2",
    "spec.n: Invalid value: 11: spec.n in body should be less than 10",
    "spec.f: Invalid value: 1000000.5: spec.f in body should be less than or equal to 1e+06",
    'spec.s: Invalid value: "A": spec.s in body should be at least 2 chars long',
    'spec.e: Unsupported value: "c": supported values: "a", "b"',
  ]);
  assert.deepEqual(msgs({ spec: { s: "AB" } }, s), [
    "spec.s: Invalid value: \"AB\": spec.s in body should match '^[a-z]+$'",
    "spec.n: Required value",
  ]);
});

Deno.test("arrays, objects, formats, anyOf", () => {
  const s = spec({
    l: { type: "array", maxItems: 1, minItems: 1, uniqueItems: true, items: { type: "string" } },
    m: { type: "object", maxProperties: 1, additionalProperties: { type: "string" } },
    d: { type: "string", format: "date-time" },
    x: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
  });
  const errs = validateObject(
    { spec: { l: ["a", "a"], m: { a: "1", b: 2 }, d: "nope", x: true } },
    s,
  );
  assert.deepEqual(errs.map(formatFieldError), [
    "spec.l: Too many: 2: must have at most 1 item",
    'spec.l: Invalid value: "": spec.l in body shouldn\'t contain duplicates',
    "spec.m: Too many: 2: must have at most 1 item",
    'spec.m.b: Invalid value: "integer": spec.m.b in body must be of type string: "integer"',
    'spec.d: Invalid value: "nope": spec.d in body must be of type date-time: "nope"',
    'spec.x: Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"',
    '<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)',
    'spec.x: Invalid value: "boolean": spec.x in body must be of type integer: "boolean"',
  ]);
  assert.equal(errs[0].badValue, 2);
});

Deno.test("list-type set and map duplicates", () => {
  const s = spec({
    set: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
    ports: {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: { type: "object", properties: { name: { type: "string" } } },
    },
  });
  assert.deepEqual(
    msgs({ spec: { set: ["a", "b", "a", "a"], ports: [{ name: "a" }, { name: "a" }] } }, s),
    ['spec.set[2]: Duplicate value: "a"', 'spec.ports[1]: Duplicate value: {"name":"a"}'],
  );
});

Deno.test("ratcheting on update", () => {
  const s = spec({ a: { type: "string", maxLength: 1 }, b: { type: "string", maxLength: 1 } });
  const old = { spec: { a: "xx", b: "y" } };
  assert.deepEqual(msgs({ spec: { a: "xx", b: "zz" } }, s, old), [
    "spec.b: Too long: may not be more than 1 byte",
  ]);
});

Deno.test("embedded resources", () => {
  const s = spec({
    t: {
      type: "object",
      "x-kubernetes-embedded-resource": true,
      "x-kubernetes-preserve-unknown-fields": true,
    },
  });
  assert.deepEqual(
    msgs({ spec: { t: { apiVersion: "", kind: "1a", metadata: { name: "a/b" } } } }, s),
    [
      'spec.t.apiVersion: Invalid value: "": must not be empty',
      "spec.t.kind: Invalid value: \"1a\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.t.metadata.name: Invalid value: \"a/b\": may not contain '/'",
    ],
  );
});

Deno.test("pruning", () => {
  const s = compileSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          items: {
            type: "array",
            items: { type: "object", properties: { a: { type: "string" } } },
          },
          free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          emb: {
            type: "object",
            "x-kubernetes-embedded-resource": true,
            properties: { spec: { type: "object" } },
          },
          s: { type: "string" },
        },
      },
    },
  });
  const o = {
    apiVersion: "a/v1",
    kind: "K",
    metadata: { name: "x", whatever: 1 },
    spec: {
      items: [{ a: "1", bar: 2 }],
      free: { anything: { deep: 1 } },
      emb: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", bogus: 1 }, spec: {}, junk: 1 },
      s: null,
      extra: 1,
    },
  };
  assert.deepEqual(prune(o, s), [
    "spec.emb.junk",
    "spec.extra",
    "spec.items[0].bar",
    "spec.emb.metadata.bogus",
  ]);
  assert.deepEqual(o, {
    apiVersion: "a/v1",
    kind: "K",
    metadata: { name: "x", whatever: 1 },
    spec: {
      items: [{ a: "1" }],
      free: { anything: { deep: 1 } },
      emb: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} },
    },
  });
});

Deno.test("defaulting in items, additionalProperties, nulls", () => {
  const s = compileSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          list: {
            type: "array",
            items: { type: "object", properties: { p: { type: "integer", default: 80 } } },
          },
          m: { type: "object", additionalProperties: { type: "string", default: "d" } },
          nn: { type: "string", default: "x" },
          nl: { type: "string", nullable: true, default: "y" },
          obj: {
            type: "object",
            default: { a: 1, pruned: 2 },
            properties: { a: { type: "integer" } },
          },
        },
      },
    },
  });
  const o: { spec: Record<string, unknown> } = {
    spec: { list: [{}, { p: 1 }], m: { k: null }, nn: null, nl: null },
  };
  applyDefaults(o, s);
  assert.deepEqual(o.spec, {
    list: [{ p: 80 }, { p: 1 }],
    m: { k: "d" },
    nn: "x",
    nl: null,
    obj: { a: 1 },
  });
});

Deno.test("speed: 20-field object validates in microseconds", () => {
  const props: Record<string, unknown> = {};
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < 20; i++) {
    props[`f${i}`] = { type: "string", maxLength: 10, pattern: "^[a-z0-9]+$" };
    obj[`f${i}`] = `v${i}`;
  }
  const s = spec(props);
  const o = { spec: obj };
  for (let i = 0; i < 1000; i++) validateObject(o, s);
  const t0 = performance.now();
  const n = 10000;
  for (let i = 0; i < n; i++) validateObject(o, s);
  const perCallUs = ((performance.now() - t0) / n) * 1000;
  assert.ok(perCallUs < 100, `${perCallUs}us`);
});
