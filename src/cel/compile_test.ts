import assert from "node:assert/strict";
import { formatFieldError } from "../apimachinery/errors.ts";
import { compileKindRules, compileSchemaRules } from "./compile.ts";

const P = "spec.validation.openAPIV3Schema";
const fmt = (errs: Parameters<typeof formatFieldError>[0][]) => errs.map(formatFieldError);

function specSchema(rules: unknown[], props: Record<string, unknown> = {}) {
  return {
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          replicas: { type: "integer" },
          name: { type: "string", maxLength: 10 },
          "x-y": { type: "string" },
          ...props,
        },
        "x-kubernetes-validations": rules,
      },
    },
  };
}

Deno.test("failing rule with message, messageExpression, reason and fieldPath", () => {
  const { errors, validator } = compileSchemaRules(
    specSchema([
      { rule: "self.replicas >= 0", message: "replicas must be >= 0" },
      { rule: "self.name.startsWith('a')", messageExpression: "'name ' + self.name + ' is bad'" },
      {
        rule: "!has(self.x__dash__y)",
        reason: "FieldValueForbidden",
        fieldPath: ".x-y",
        message: "no",
      },
      { rule: "self.replicas < 10" },
    ]),
    P,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(fmt(validator!.validate({ spec: { replicas: -1, name: "bob", "x-y": "z" } })), [
    "spec: Invalid value: replicas must be >= 0",
    "spec: Invalid value: name bob is bad",
    "spec.x-y: Forbidden: no",
  ]);
  assert.deepEqual(fmt(validator!.validate({ spec: { replicas: 11, name: "al" } })), [
    "spec: Invalid value: failed rule: self.replicas < 10",
  ]);
});

Deno.test("rule on a scalar shows the value", () => {
  const { validator } = compileSchemaRules({
    type: "object",
    properties: {
      name: { type: "string", "x-kubernetes-validations": [{ rule: "self.size() < 3" }] },
    },
  }, P);
  assert.deepEqual(fmt(validator!.validate({ name: "abcd" })), [
    `name: Invalid value: "abcd": failed rule: self.size() < 3`,
  ]);
});

Deno.test("transition rules run on update only; optionalOldSelf runs on create", () => {
  const { errors, validator } = compileSchemaRules(
    specSchema([
      { rule: "self.replicas >= oldSelf.replicas", message: "no scale down" },
      {
        rule: "oldSelf.hasValue() ? self.name == oldSelf.value().name : self.name != 'x'",
        optionalOldSelf: true,
        message: "name",
      },
    ]),
    P,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(fmt(validator!.validate({ spec: { replicas: 1, name: "a" } })), []);
  assert.deepEqual(fmt(validator!.validate({ spec: { replicas: 1, name: "x" } })), [
    "spec: Invalid value: name",
  ]);
  assert.deepEqual(
    fmt(validator!.validate({ spec: { replicas: 1, name: "b" } }, {
      spec: { replicas: 2, name: "a" },
    })),
    ["spec: Invalid value: no scale down", "spec: Invalid value: name"],
  );
});

Deno.test("optionalOldSelf without oldSelf is invalid", () => {
  const { errors } = compileSchemaRules(specSchema([{ rule: "true", optionalOldSelf: true }]), P);
  assert.deepEqual(fmt(errors), [
    `${P}.properties[spec].x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`,
  ]);
});

Deno.test("compile errors", () => {
  const { errors } = compileSchemaRules(
    specSchema([{ rule: "foo == 1" }, { rule: "self.nope > 1" }, {
      rule: "self.replicas + 'a' == 1",
    }, {
      rule: "self.replicas",
    }]),
    P,
  );
  const at = (i: number) => `${P}.properties[spec].x-kubernetes-validations[${i}].rule`;
  const rule = (r: string) =>
    `{"Rule":"${r}","Message":"","MessageExpression":"","Reason":null,"FieldPath":"","OptionalOldSelf":null}`;
  assert.deepEqual(fmt(errors), [
    `${at(0)}: Invalid value: ${
      rule("foo == 1")
    }: compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo == 1\n | ^`,
    `${at(1)}: Invalid value: ${
      rule("self.nope > 1")
    }: compilation failed: ERROR: <input>:1:5: undefined field 'nope'\n | self.nope > 1\n | ....^`,
    `${at(2)}: Invalid value: ${
      rule("self.replicas + 'a' == 1")
    }: compilation failed: ERROR: <input>:1:15: found no matching overload for '_+_' applied to '(int, string)'\n | self.replicas + 'a' == 1\n | ..............^`,
    `${at(3)}: Invalid value: ${rule("self.replicas")}: cel expression must evaluate to a bool`,
  ]);
});

Deno.test("too costly rule and total", () => {
  const { errors } = compileSchemaRules(
    specSchema([{ rule: "self.l.all(x, self.l.all(y, x == y))" }], {
      l: { type: "array", items: { type: "string" } },
    }),
    P,
  );
  const at = `${P}.properties[spec].x-kubernetes-validations[0].rule`;
  const hint =
    "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";
  assert.deepEqual(fmt(errors), [
    `${at}: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${hint}`,
    `${at}: Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema`,
    `${P}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${hint}`,
  ]);
  const bounded = compileSchemaRules(
    specSchema([{ rule: "self.l.all(x, self.l.all(y, x == y))" }], {
      l: { type: "array", maxItems: 10, items: { type: "string", maxLength: 10 } },
    }),
    P,
  );
  assert.deepEqual(bounded.errors, []);
});

Deno.test("runtime errors", () => {
  const { validator } = compileKindRules([{ rule: "self.spec.a / self.spec.z > 0" }]);
  assert.deepEqual(fmt(validator!.validate({ spec: { a: 2, z: 0 } })), [
    `<nil>: Invalid value: "object": division by zero evaluating rule: self.spec.a / self.spec.z > 0`,
  ]);
});

Deno.test("int, uint and double semantics", () => {
  const { errors, validator } = compileSchemaRules(
    specSchema([
      { rule: "self.replicas / 2 == 1" },
      { rule: "self.ratio * 2.0 == 1.0" },
      { rule: "uint(self.replicas) + 1u == 4u" },
    ], { ratio: { type: "number" } }),
    P,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(validator!.validate({ spec: { replicas: 3, ratio: 0.5 } }), []);
  const bad = compileSchemaRules(specSchema([{ rule: "self.replicas == 1.0" }]), P);
  assert.match(
    bad.errors[0].detail!,
    /found no matching overload for '_==_' applied to '\(int, double\)'/,
  );
});

Deno.test("speed: three rules on a small object", () => {
  const { validator } = compileSchemaRules({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          replicas: { type: "integer" },
          name: { type: "string" },
          items: {
            type: "array",
            maxItems: 10,
            items: {
              type: "object",
              properties: { name: { type: "string" }, size: { type: "integer" } },
            },
          },
        },
        "x-kubernetes-validations": [
          { rule: "self.replicas >= 0 && self.replicas <= 100" },
          { rule: "self.name.startsWith('app-') && size(self.name) <= 63" },
          { rule: "self.items.all(i, i.size > 0 && i.name != '')" },
        ],
      },
    },
  }, P);
  const obj = { spec: { replicas: 3, name: "app-x", items: [{ name: "a", size: 1 }] } };
  const n = 20000;
  const t = performance.now();
  for (let i = 0; i < n; i++) assert.equal(validator!.validate(obj).length, 0);
  const perSec = n / ((performance.now() - t) / 1000);
  assert.ok(perSec > 20000, `${perSec} objects/s`);
});
