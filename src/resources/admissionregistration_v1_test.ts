import assert from "node:assert/strict";
import { formatFieldError } from "../apimachinery/errors.ts";
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from "./admissionregistration_v1.ts";

// The kinds' validation compiles CEL and loads on demand, as the registry loads it before a write.
await ValidatingAdmissionPolicy.load!();

const vap = (spec: Record<string, unknown>) => ({
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingAdmissionPolicy",
  metadata: { name: "p" },
  spec,
});
const rule = { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] };
const errsOf = (obj: any) => {
  ValidatingAdmissionPolicy.prepare!(obj, undefined);
  return ValidatingAdmissionPolicy.validate!(obj, undefined).map(formatFieldError);
};

Deno.test("policy defaults", () => {
  const p: any = vap({
    matchConstraints: { resourceRules: [{ ...rule }] },
    validations: [{ expression: "true" }],
  });
  assert.deepEqual(errsOf(p), []);
  assert.equal(p.spec.failurePolicy, "Fail");
  assert.equal(p.spec.matchConstraints.matchPolicy, "Equivalent");
  assert.deepEqual(p.spec.matchConstraints.namespaceSelector, {});
  assert.equal(p.spec.matchConstraints.resourceRules[0].scope, "*");
});

Deno.test("policy validation: required fields and CEL errors in kube's format", () => {
  assert.deepEqual(errsOf(vap({})), [
    "spec.matchConstraints: Required value",
    "spec.validations: Required value: validations or auditAnnotations must contain at least one item",
    "spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item",
  ]);
  const errs = errsOf(vap({
    matchConstraints: {
      resourceRules: [{ ...rule, operations: ["CREATE", "*"], resources: ["*", "pods"] }],
    },
    validations: [
      { expression: "object.x ==" },
      { expression: "1 + 1" },
      { expression: "foo == 1" },
      { expression: "true", reason: "Teapot", message: "a\nb", messageExpression: "1" },
    ],
    matchConditions: [{ name: "a", expression: "variables.x" }],
  }));
  assert.equal(
    errs[0],
    `spec.matchConstraints.resourceRules[0].operations: Invalid value: ["CREATE","*"]: if '*' is present, must not specify other operations`,
  );
  assert.equal(
    errs[1],
    `spec.matchConstraints.resourceRules[0].resources: Invalid value: ["*","pods"]: if '*' is present, must not specify other resources without subresources`,
  );
  assert.equal(
    errs[2],
    `spec.matchConditions[0].expression: Invalid value: "variables.x": compilation failed: ERROR: <input>:1:1: undeclared reference to 'variables' (in container '')\n | variables.x\n | ^`,
  );
  assert.match(
    errs[3],
    /^spec\.validations\[0\]\.expression: Invalid value: "object.x ==": compilation failed: ERROR: <input>:1:/,
  );
  assert.equal(
    errs[4],
    `spec.validations[1].expression: Invalid value: "1 + 1": must evaluate to bool but got int`,
  );
  assert.equal(
    errs[5],
    `spec.validations[2].expression: Invalid value: "foo == 1": compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo == 1\n | ^`,
  );
  assert.equal(
    errs[6],
    `spec.validations[3].messageExpression: Invalid value: "1": must evaluate to string but got int`,
  );
  assert.equal(
    errs[7],
    `spec.validations[3].message: Invalid value: "a\\nb": message must not contain line breaks`,
  );
  assert.equal(
    errs[8],
    `spec.validations[3].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge"`,
  );
});

Deno.test("policy validation: params and variables", () => {
  assert.deepEqual(
    errsOf(vap({
      paramKind: { apiVersion: "v1", kind: "ConfigMap" },
      matchConstraints: { resourceRules: [rule] },
      variables: [{ name: "n", expression: "params.data.size()" }, {
        name: "m",
        expression: "variables.n + 1",
      }],
      validations: [{ expression: "variables.m > 1", messageExpression: "string(variables.m)" }],
    })),
    [],
  );
  assert.deepEqual(
    errsOf(vap({
      matchConstraints: { resourceRules: [rule] },
      variables: [{ name: "in", expression: "params.x" }],
      validations: [{ expression: "true" }],
    })),
    [
      `spec.variables[0].name: Invalid value: "in": name is not a valid CEL identifier`,
      `spec.variables[0].expression: Invalid value: "params.x": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n | params.x\n | ^`,
    ],
  );
});

Deno.test("binding defaults and validation", () => {
  const b: any = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name: "b" },
    spec: { policyName: "p", paramRef: { name: "x" }, validationActions: ["Deny"] },
  };
  ValidatingAdmissionPolicyBinding.prepare!(b, undefined);
  assert.equal(b.spec.paramRef.parameterNotFoundAction, "Deny");
  assert.deepEqual(ValidatingAdmissionPolicyBinding.validate!(b, undefined), []);
  b.spec = {
    paramRef: { name: "x", selector: {}, parameterNotFoundAction: "Maybe" },
    validationActions: ["Deny", "Deny", "Nope"],
  };
  assert.deepEqual(ValidatingAdmissionPolicyBinding.validate!(b, undefined).map(formatFieldError), [
    "spec.policyName: Required value",
    "spec.paramRef.name: Forbidden: name and selector are mutually exclusive",
    "spec.paramRef.selector: Forbidden: name and selector are mutually exclusive",
    `spec.paramRef.parameterNotFoundAction: Unsupported value: "Maybe": supported values: "Deny", "Allow"`,
    `spec.validationActions[1]: Duplicate value: "Deny"`,
    `spec.validationActions[2]: Unsupported value: "Nope": supported values: "Audit", "Deny", "Warn"`,
  ]);
  b.spec = { policyName: "p", validationActions: [] };
  assert.deepEqual(ValidatingAdmissionPolicyBinding.validate!(b, undefined).map(formatFieldError), [
    "spec.validationActions: Required value: at least one validation action is required",
  ]);
});
