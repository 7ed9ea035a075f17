import assert from "node:assert/strict";
import {
  type AdmissionRequestInfo,
  PolicyEvaluator,
  type PolicyState,
} from "./admission_policy.ts";
import type {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from "../resources/admissionregistration_v1.ts";
import { labelSelectorAsSelector } from "../apimachinery/labels.ts";
import type { KubeObject } from "../apimachinery/meta.ts";

let uid = 0;
function policy(name: string, spec: Record<string, unknown>): ValidatingAdmissionPolicy {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name, uid: `u${++uid}`, generation: 1 },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        matchPolicy: "Equivalent",
        namespaceSelector: {},
        objectSelector: {},
        resourceRules: [{
          apiGroups: [""],
          apiVersions: ["v1"],
          operations: ["CREATE", "UPDATE"],
          resources: ["configmaps"],
          scope: "*",
        }],
      },
      ...spec,
    },
  };
}
function binding(
  name: string,
  policyName: string,
  spec: Record<string, unknown> = {},
): ValidatingAdmissionPolicyBinding {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name },
    spec: { policyName, validationActions: ["Deny"], ...spec },
  };
}
function cm(name: string, data: Record<string, string> = {}, labels?: Record<string, string>) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "ns1", labels },
    data,
  };
}
function req(obj: KubeObject, extra: Partial<AdmissionRequestInfo> = {}): AdmissionRequestInfo {
  return {
    operation: "CREATE",
    kind: { group: "", version: "v1", kind: "ConfigMap" },
    resource: { group: "", version: "v1", resource: "configmaps" },
    name: obj.metadata.name ?? "",
    namespace: "ns1",
    object: obj,
    dryRun: false,
    userInfo: { username: "alice", groups: ["devs"] },
    ...extra,
  };
}
const PARAMS: KubeObject[] = [
  {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "limits", namespace: "ns1", labels: { t: "a" } },
    data: { max: "2" },
  } as KubeObject,
  {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "other", namespace: "ns1", labels: { t: "a" } },
    data: { max: "5" },
  } as KubeObject,
];
function state(
  policies: ValidatingAdmissionPolicy[],
  bindings: ValidatingAdmissionPolicyBinding[],
): PolicyState {
  return {
    policies,
    bindings,
    paramScope: (av, k) => (av === "v1" && k === "ConfigMap" ? "Namespaced" : undefined),
    params: (_av, _k, ns, sel) =>
      PARAMS.filter((p) =>
        p.metadata.namespace === ns &&
        ("name" in sel
          ? p.metadata.name === sel.name
          : labelSelectorAsSelector(sel.selector as any).matches(p.metadata.labels))
      ),
    namespace: (n) =>
      n === "ns1"
        ? {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: "ns1", labels: { env: "prod" } },
        }
        : undefined,
  };
}
const ev = new PolicyEvaluator();

Deno.test("deny: kube's message, Status and default reason", () => {
  const r = ev.evaluate(
    req(cm("c1")),
    state([policy("p", { validations: [{ expression: "has(object.data.x)" }] })], [
      binding("b", "p"),
    ]),
  );
  assert.equal(
    r.denied?.message,
    `configmaps "c1" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed expression: has(object.data.x)`,
  );
  assert.equal(r.denied?.status.reason, "Invalid");
  assert.equal(r.denied?.code, 422);
  assert.deepEqual(r.denied?.status.details, {
    name: "c1",
    group: "",
    kind: "configmaps",
    causes: [{
      message:
        "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed expression: has(object.data.x)",
    }],
  });
  assert.equal(
    ev.evaluate(
      req(cm("c1", { x: "1" })),
      state([policy("p", { validations: [{ expression: "has(object.data.x)" }] })], [
        binding("b", "p"),
      ]),
    ).denied,
    undefined,
  );
});

Deno.test("message, messageExpression and reason", () => {
  const mk = (v: Record<string, unknown>) =>
    ev.evaluate(
      req(cm("c1")),
      state([policy("p", { validations: [{ expression: "false", ...v }] })], [binding("b", "p")]),
    ).denied!;
  assert.match(mk({ message: " static " }).message, /denied request: static$/);
  assert.match(
    mk({ message: "m", messageExpression: "'name ' + object.metadata.name" }).message,
    /denied request: name c1$/,
  );
  assert.match(
    mk({ message: "m", messageExpression: "object.nope" }).message,
    /denied request: m$/,
  );
  assert.match(mk({ messageExpression: "'a\\nb'" }).message, /failed expression: false$/);
  for (
    const [reason, code] of [["Forbidden", 403], ["Unauthorized", 401], [
      "RequestEntityTooLarge",
      413,
    ], ["Invalid", 422]] as const
  ) {
    const e = mk({ reason });
    assert.equal(e.code, code);
    assert.equal(e.status.reason, reason);
  }
});

Deno.test("validation actions: Warn, Audit, Deny", () => {
  const p = policy("p", { validations: [{ expression: "false", message: "nope" }] });
  const warn = ev.evaluate(
    req(cm("c1")),
    state([p], [binding("b", "p", { validationActions: ["Warn", "Audit"] })]),
  );
  assert.equal(warn.denied, undefined);
  assert.deepEqual(warn.warnings, [
    "Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': nope",
  ]);
  assert.deepEqual(warn.validationFailures, [{
    message: "nope",
    policy: "p",
    binding: "b",
    expressionIndex: 0,
    validationActions: ["Warn", "Audit"],
  }]);
  assert.equal(
    warn.auditAnnotations["validation.policy.admission.k8s.io/validation_failure"],
    '[{"message":"nope","policy":"p","binding":"b","expressionIndex":0,"validationActions":["Warn","Audit"]}]',
  );
});

Deno.test("failure policy on evaluation errors", () => {
  const v = [{ expression: "object.data.missing == 'x'" }];
  const fail = ev.evaluate(
    req(cm("c1")),
    state([policy("p", { validations: v })], [binding("b", "p")]),
  );
  assert.match(
    fail.denied!.message,
    /denied request: expression 'object.data.missing == 'x'' resulted in error: no such key: missing$/,
  );
  const ignore = ev.evaluate(
    req(cm("c1")),
    state([policy("p", { validations: v, failurePolicy: "Ignore" })], [binding("b", "p")]),
  );
  assert.equal(ignore.denied, undefined);
});

Deno.test("params: by name, by selector, not found, paramKind not served", () => {
  const p = policy("p", {
    paramKind: { apiVersion: "v1", kind: "ConfigMap" },
    validations: [{
      expression: "size(object.data) <= int(params.data.max)",
      messageExpression: "'max ' + params.data.max",
    }],
  });
  const big = cm("c1", { a: "1", b: "2", c: "3" });
  const byName = ev.evaluate(
    req(big),
    state([p], [
      binding("b", "p", { paramRef: { name: "limits", parameterNotFoundAction: "Deny" } }),
    ]),
  );
  assert.match(byName.denied!.message, /denied request: max 2$/);
  const sel = ev.evaluate(
    req(cm("c1", { a: "1", b: "2", c: "3" })),
    state([p], [
      binding("b", "p", {
        paramRef: { selector: { matchLabels: { t: "a" } }, parameterNotFoundAction: "Deny" },
      }),
    ]),
  );
  assert.match(sel.denied!.message, /max 2$/);
  const missing = ev.evaluate(
    req(big),
    state([p], [binding("b", "p", { paramRef: { name: "zzz", parameterNotFoundAction: "Deny" } })]),
  );
  assert.equal(
    missing.denied!.message,
    "configmaps \"c1\" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
  );
  const allow = ev.evaluate(
    req(big),
    state([p], [
      binding("b", "p", { paramRef: { name: "zzz", parameterNotFoundAction: "Allow" } }),
    ]),
  );
  assert.equal(allow.denied, undefined);
  const unserved = policy("q", {
    paramKind: { apiVersion: "example.com/v1", kind: "Limits" },
    validations: [{ expression: "true" }],
  });
  const r = ev.evaluate(
    req(big),
    state([unserved], [
      binding("b", "q", { paramRef: { name: "x", parameterNotFoundAction: "Deny" } }),
    ]),
  );
  assert.equal(
    r.denied!.message,
    "configmaps \"c1\" is forbidden: ValidatingAdmissionPolicy 'q' denied request: failed to configure policy: failed to find resource referenced by paramKind: 'example.com/v1, Kind=Limits'",
  );
});

Deno.test("selectors, rules, excludes, resourceNames, bindings without policy", () => {
  const v = [{ expression: "false" }];
  const nsSel = policy("p", { validations: v });
  nsSel.spec!.matchConstraints!.namespaceSelector = { matchLabels: { env: "dev" } };
  assert.equal(ev.evaluate(req(cm("c1")), state([nsSel], [binding("b", "p")])).denied, undefined);
  const objSel = policy("p", { validations: v });
  objSel.spec!.matchConstraints!.objectSelector = { matchLabels: { guard: "on" } };
  assert.equal(ev.evaluate(req(cm("c1")), state([objSel], [binding("b", "p")])).denied, undefined);
  assert.ok(
    ev.evaluate(req(cm("c1", {}, { guard: "on" })), state([objSel], [binding("b", "p")])).denied,
  );
  const excl = policy("p", { validations: v });
  excl.spec!.matchConstraints!.excludeResourceRules = [{
    apiGroups: ["*"],
    apiVersions: ["*"],
    operations: ["*"],
    resources: ["*"],
    resourceNames: ["c1"],
  }];
  assert.equal(ev.evaluate(req(cm("c1")), state([excl], [binding("b", "p")])).denied, undefined);
  assert.ok(ev.evaluate(req(cm("c2")), state([excl], [binding("b", "p")])).denied);
  // DELETE is not in the operations
  assert.equal(
    ev.evaluate(
      req(cm("c1"), { operation: "DELETE", object: undefined }),
      state([policy("p", { validations: v })], [binding("b", "p")]),
    ).denied,
    undefined,
  );
  // subresource rules
  const sub = policy("p", { validations: v });
  sub.spec!.matchConstraints!.resourceRules![0].resources = ["configmaps/status"];
  assert.equal(ev.evaluate(req(cm("c1")), state([sub], [binding("b", "p")])).denied, undefined);
  assert.ok(
    ev.evaluate(req(cm("c1"), { subResource: "status" }), state([sub], [binding("b", "p")])).denied,
  );
  // binding matchResources narrows
  const narrowed = binding("b", "p", {
    matchResources: {
      matchPolicy: "Equivalent",
      namespaceSelector: { matchLabels: { env: "dev" } },
      objectSelector: {},
    },
  });
  assert.equal(
    ev.evaluate(req(cm("c1")), state([policy("p", { validations: v })], [narrowed])).denied,
    undefined,
  );
  // binding to a missing policy: ignored
  assert.equal(ev.evaluate(req(cm("c1")), state([], [binding("b", "p")])).denied, undefined);
  // namespace missing with a namespace selector: configuration error
  const r = ev.evaluate(req(cm("c1"), { namespace: "ghost" }), state([nsSel], [binding("b", "p")]));
  assert.match(r.denied!.message, /failed to configure policy: namespaces "ghost" not found$/);
});

Deno.test("match conditions and variables", () => {
  const p = policy("p", {
    matchConditions: [{ name: "not-admin", expression: "!('admins' in request.userInfo.groups)" }],
    variables: [{ name: "n", expression: "size(object.data)" }, {
      name: "limit",
      expression: "variables.n * 0 + 1",
    }],
    validations: [{
      expression: "variables.n <= variables.limit",
      messageExpression: "'too many: ' + string(variables.n)",
    }],
  });
  const big = cm("c1", { a: "1", b: "2" });
  assert.match(
    ev.evaluate(req(big), state([p], [binding("b", "p")])).denied!.message,
    /too many: 2$/,
  );
  const admin = req(big, { userInfo: { username: "root", groups: ["admins"] } });
  assert.equal(ev.evaluate(admin, state([p], [binding("b", "p")])).denied, undefined);
  const err = policy("p", {
    matchConditions: [{ name: "x", expression: "object.nope == 1" }],
    validations: [{ expression: "false" }],
  });
  assert.match(
    ev.evaluate(req(big), state([err], [binding("b", "p")])).denied!.message,
    /denied request: expression 'object.nope == 1' resulted in error: no such key: nope$/,
  );
  err.spec!.failurePolicy = "Ignore";
  err.metadata.generation = 2;
  assert.equal(ev.evaluate(req(big), state([err], [binding("b", "p")])).denied, undefined);
  const badVar = policy("p", {
    variables: [{ name: "x", expression: "object.nope" }],
    validations: [{ expression: "variables.x == 1" }],
  });
  assert.match(
    ev.evaluate(req(big), state([badVar], [binding("b", "p")])).denied!.message,
    /expression 'variables.x == 1' resulted in error: composited variable "x" fails to evaluate: no such key: nope$/,
  );
});

Deno.test("request and namespaceObject variables; audit annotations", () => {
  const p = policy("p", {
    validations: [{
      expression:
        "request.operation == 'CREATE' && request.resource.resource == 'configmaps' && namespaceObject.metadata.labels.env == 'prod' && oldObject == null",
    }],
    auditAnnotations: [{ key: "who", valueExpression: "request.userInfo.username" }],
  });
  const r = ev.evaluate(req(cm("c1")), state([p], [binding("b", "p")]));
  assert.equal(r.denied, undefined);
  assert.deepEqual(r.auditAnnotations, { "p/who": "alice" });
});
