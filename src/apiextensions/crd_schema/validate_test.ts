import assert from "node:assert/strict";
import { formatFieldError } from "../../apimachinery/errors.ts";
import { type SchemaValidationOptions, validateOpenAPISchema } from "./validate.ts";
import { ratchetedSchemaOptions } from "./ratcheting.ts";
import { fieldPathError } from "./field_path.ts";

const P = "spec.validation.openAPIV3Schema";

/** kube's test cases start from zero-valued validationOptions. */
function kube(opts: SchemaValidationOptions = {}): SchemaValidationOptions {
  return {
    allowDefaults: false,
    requireValidPropertyType: false,
    requireStructuralSchema: false,
    requirePrunedDefaults: false,
    requireAtomicSetType: false,
    requireMapListKeysMapSetValidation: false,
    ...opts,
  };
}

function run(schema: Record<string, unknown>, opts: SchemaValidationOptions): string[] {
  return validateOpenAPISchema(schema, P, opts).map(formatFieldError);
}

/** Asserts the (type, path) pairs as kube's validationMatch does. */
function matches(
  schema: Record<string, unknown>,
  opts: SchemaValidationOptions,
  want: [string, string][],
) {
  const got = validateOpenAPISchema(schema, P, opts).map((e) => [e.type, e.field]);
  assert.deepEqual(got.sort(), want.map(([t, f]) => [t, f]).sort());
}

Deno.test("kube: root type having invalid value, with status", () => {
  assert.deepEqual(run({ type: "string" }, kube({ statusSubresourceEnabled: true })), [
    `${P}.type: Invalid value: "string": only "object" is allowed as the type at the root of the schema if the status subresource is enabled`,
  ]);
});

Deno.test("kube: non-allowed root field with status", () => {
  matches(
    { anyOf: [{ description: "First schema" }, { description: "Second schema" }] },
    kube({ statusSubresourceEnabled: true }),
    [["FieldValueInvalid", P]],
  );
});

Deno.test("kube: null type", () => {
  assert.deepEqual(run({ properties: { null: { type: "null" } } }, kube()), [
    `${P}.properties[null].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
  ]);
});

Deno.test("kube: nullable at the root", () => {
  assert.deepEqual(run({ type: "object", nullable: true }, kube()), [
    `${P}.nullable: Forbidden: nullable cannot be true at the root`,
  ]);
});

Deno.test("kube: must be structural, but isn't", () => {
  assert.deepEqual(run({}, kube({ requireStructuralSchema: true })), [
    `${P}.type: Required value: must not be empty at the root`,
  ]);
});

Deno.test("kube: require valid types, invalid (null)", () => {
  assert.deepEqual(
    run({ type: "null" }, kube({ requireValidPropertyType: true, requireStructuralSchema: true })),
    [
      `${P}.type: Invalid value: "null": must be object at the root`,
      `${P}.type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      `${P}.type: Forbidden: type cannot be set to null, use nullable as an alternative`,
    ],
  );
});

Deno.test("kube: list type extension rules", () => {
  matches({ type: "object", "x-kubernetes-list-type": "set" }, kube(), [[
    "FieldValueInvalid",
    `${P}.type`,
  ]]);
  matches({ "x-kubernetes-list-type": "set" }, kube(), [["FieldValueRequired", `${P}.type`]]);
  matches({ type: "array", "x-kubernetes-list-type": "invalid" }, kube(), [
    ["FieldValueNotSupported", `${P}.x-kubernetes-list-type`],
  ]);
  matches(
    { type: "array", "x-kubernetes-list-type": "set", "x-kubernetes-list-map-keys": ["key"] },
    kube(),
    [
      ["FieldValueInvalid", `${P}.x-kubernetes-list-type`],
    ],
  );
  matches({ "x-kubernetes-list-map-keys": ["key"] }, kube(), [
    ["FieldValueRequired", `${P}.x-kubernetes-list-type`],
  ]);
  matches({ type: "array", "x-kubernetes-list-type": "map" }, kube(), [
    ["FieldValueRequired", `${P}.x-kubernetes-list-map-keys`],
    ["FieldValueRequired", `${P}.items`],
  ]);
  matches(
    {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["key"],
      items: [{ type: "string" }, { type: "integer" }],
    },
    kube(),
    [["FieldValueForbidden", `${P}.items`], ["FieldValueInvalid", `${P}.items`]],
  );
  matches(
    {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["key"],
      items: { type: "string" },
    },
    kube(),
    [["FieldValueInvalid", `${P}.items.type`]],
  );
  assert.deepEqual(
    run(
      {
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["key"],
        items: { type: "object" },
      },
      kube(),
    ),
    [`${P}.x-kubernetes-list-map-keys: Invalid value: ["key"]: entries must all be names of item properties`],
  );
  matches(
    {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["key"],
      items: { type: "object", properties: { key: { type: "object" } } },
    },
    kube(),
    [["FieldValueInvalid", `${P}.items.properties[key].type`]],
  );
  matches(
    {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["key", "key"],
      items: { type: "object", properties: { key: { type: "string" } } },
    },
    kube(),
    [["FieldValueInvalid", `${P}.x-kubernetes-list-map-keys`]],
  );
});

Deno.test("map list keys must be required or defaulted, not nullable", () => {
  const schema = {
    type: "object",
    properties: {
      l: {
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["k"],
        items: {
          type: "object",
          nullable: true,
          properties: { k: { type: "string", nullable: true } },
        },
      },
    },
  };
  assert.deepEqual(run(schema, {}), [
    `${P}.properties[l].items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is map`,
    `${P}.properties[l].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    `${P}.properties[l].items.properties[k].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`,
  ]);
  // ratcheting: an old CRD with the same problem relaxes the rule
  assert.deepEqual(run(schema, ratchetedSchemaOptions([schema])), []);
});

Deno.test("set items must be atomic", () => {
  const schema = {
    type: "object",
    properties: {
      s: { type: "array", "x-kubernetes-list-type": "set", items: { type: "object" } },
    },
  };
  assert.deepEqual(run(schema, {}), [
    `${P}.properties[s].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`,
  ]);
  assert.equal(ratchetedSchemaOptions([schema]).requireAtomicSetType, false);
});

Deno.test("forbidden JSON-schema features", () => {
  const errs = run(
    {
      type: "object",
      properties: {
        a: { type: "string", $ref: "#/x" },
        b: { type: "string", id: "b" },
        c: { type: "object", patternProperties: { x: { type: "string" } } },
        d: { type: "array", items: { type: "string" }, additionalItems: false },
        e: { type: "array", items: { type: "string" }, uniqueItems: true },
        f: {
          type: "object",
          properties: { x: { type: "string" } },
          additionalProperties: { type: "string" },
        },
        g: { type: "object", definitions: { x: { type: "string" } } },
        h: { type: "object", dependencies: { x: ["y"] } },
      },
    },
    {},
  );
  assert.deepEqual(errs, [
    `${P}.properties[a].$ref: Forbidden: $ref is not supported`,
    `${P}.properties[b].id: Forbidden: id is not supported`,
    `${P}.properties[c].patternProperties: Forbidden: patternProperties is not supported`,
    `${P}.properties[d].additionalItems: Forbidden: additionalItems is not supported`,
    `${P}.properties[e].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    `${P}.properties[f].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    `${P}.properties[g].definitions: Forbidden: definitions is not supported`,
    `${P}.properties[h].dependencies: Forbidden: dependencies is not supported`,
  ]);
});

Deno.test("$schema only gives the structural conversion error", () => {
  assert.deepEqual(
    run({ type: "object", $schema: "http://json-schema.org/draft-04/schema#" }, {}),
    [
      `${P}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`,
    ],
  );
});

Deno.test("structural: value validations", () => {
  const errs = run(
    {
      type: "object",
      properties: {
        a: {
          type: "object",
          properties: { x: { type: "string" } },
          allOf: [{ type: "string", description: "d", properties: { y: { nullable: true } } }],
          anyOf: [{ properties: { metadata: {} } }],
        },
      },
    },
    {},
  );
  assert.deepEqual(errs, [
    `${P}.properties[a].allOf[0].description: Forbidden: must be empty to be structural`,
    `${P}.properties[a].allOf[0].properties[y].nullable: Forbidden: must be false to be structural`,
    `${P}.properties[a].allOf[0].type: Forbidden: must be empty to be structural`,
    `${P}.properties[a].anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`,
  ]);
});

Deno.test("structural: completeness is checked from the root's value validations", () => {
  assert.deepEqual(
    run({
      type: "object",
      properties: { a: { type: "string" } },
      oneOf: [{ properties: { b: { minLength: 1 } } }],
    }, {}),
    [`${P}.properties[b]: Required value: because it is defined in ${P}.oneOf[0].properties[b]`],
  );
});

Deno.test("structural: int-or-string patterns are allowed", () => {
  assert.deepEqual(
    run({
      type: "object",
      properties: {
        a: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
        b: {
          "x-kubernetes-int-or-string": true,
          allOf: [{ anyOf: [{ type: "integer" }, { type: "string" }] }, { pattern: "^[0-9]+$" }],
        },
        c: { "x-kubernetes-int-or-string": true, "x-kubernetes-preserve-unknown-fields": true },
      },
    }, {}),
    [`${P}.properties[c].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`],
  );
});

Deno.test("structural: embedded resources and metadata", () => {
  assert.deepEqual(
    run({
      type: "object",
      properties: {
        metadata: {
          type: "object",
          properties: { name: { type: "string" }, labels: { type: "object" } },
        },
        e: { "x-kubernetes-embedded-resource": true },
        f: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { kind: { type: "integer" } },
        },
      },
    }, {}),
    [
      `${P}.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
      `${P}.properties[e].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
      `${P}.properties[f].properties[kind].type: Invalid value: "integer": must be string`,
      `${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    ],
  );
});

Deno.test("defaults: forbidden in top-level metadata, pruned, validated by callback", () => {
  const seen: string[] = [];
  const errs = validateOpenAPISchema(
    {
      type: "object",
      properties: {
        metadata: { type: "object", properties: { name: { type: "string", default: "x" } } },
        spec: {
          type: "object",
          properties: {
            a: { type: "string", default: "ok" },
            b: { type: "object", properties: { c: { type: "string" } }, default: { d: 1 } },
          },
        },
      },
    },
    P,
    {
      validateDefault: (_v, _s, path) => {
        seen.push(path);
        return [];
      },
    },
  ).map(formatFieldError);
  assert.deepEqual(errs, [
    `${P}.properties[spec].properties[b].default: Invalid value: {"d":1}: must not have unknown fields`,
    `${P}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`,
  ]);
  assert.ok(seen.includes(`${P}.properties[spec].properties[a].default`));
});

Deno.test("x-kubernetes-validations: non-CEL checks and CEL callback gating", () => {
  const cel: string[] = [];
  const validateCEL = (_s: Record<string, unknown>, path: string) => {
    cel.push(path);
    return [];
  };
  const errs = run({
    type: "object",
    properties: { a: { type: "string" } },
    "x-kubernetes-validations": [
      { rule: "  " },
      { rule: "self.a == 'x'", message: "  " },
      { rule: "true", message: "a\nb" },
      { rule: "a ==\n b" },
      { rule: "true", messageExpression: " ", reason: "Bogus", fieldPath: ".b" },
    ],
  }, { validateCEL });
  assert.deepEqual(errs, [
    `${P}.x-kubernetes-validations[0].rule: Required value: rule is not specified`,
    `${P}.x-kubernetes-validations[1].message: Invalid value: "  ": must be non-empty if specified`,
    `${P}.x-kubernetes-validations[2].message: Invalid value: "a\\nb": must not contain line breaks`,
    `${P}.x-kubernetes-validations[3].message: Required value: message must be specified if rule contains line breaks`,
    `${P}.x-kubernetes-validations[4].messageExpression: Required value: messageExpression must be non-empty if specified`,
    `${P}.x-kubernetes-validations[4].reason: Unsupported value: "Bogus": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
    `${P}.x-kubernetes-validations[4].fieldPath: Invalid value: ".b": must be a valid path`,
  ]);
  assert.deepEqual(cel, []);
  run({ type: "object", "x-kubernetes-validations": [{ rule: "true" }] }, { validateCEL });
  assert.deepEqual(cel, [P]);
});

Deno.test("kube TestValidateFieldPath", () => {
  const schema = {
    type: "object",
    properties: {
      foo: {
        type: "object",
        additionalProperties: { type: "object", properties: { f1: { type: "number" } } },
      },
      a: {
        type: "object",
        properties: {
          bbb: { type: "object", properties: { c: { type: "number" }, "34": { type: "number" } } },
          "bbb.c": { type: "object", properties: { "a-b34": { type: "number" } } },
        },
      },
    },
  };
  assert.equal(fieldPathError(".a.bbb", schema), undefined);
  assert.equal(fieldPathError(".a['bbb.c']", schema), undefined);
  assert.equal(fieldPathError(".a['bbb.c']['a-b34']", schema), undefined);
  assert.equal(fieldPathError(".foo['abc'].f1", schema), undefined);
  assert.equal(fieldPathError(".a.bbb.d", schema), "does not refer to a valid field");
  assert.equal(fieldPathError("a.bbb", schema), "expected [ or . but got: a");
  assert.equal(fieldPathError(".a[bbb]", schema), "expected single quoted string but got bbb");
});

Deno.test("pattern must be a valid Go regexp", () => {
  assert.deepEqual(
    run({ type: "object", properties: { a: { type: "string", pattern: "(a" } } }, {}),
    [
      `${P}.properties[a].pattern: Invalid value: "(a": must be a valid regular expression, but isn't: error parsing regexp: missing closing ): \`(a\``,
    ],
  );
});
