// ValidatingAdmissionPolicy in the write path: in-process through the registry, and over HTTP
// with real kubectl, with kube's denial texts, warnings, params and the policies' own refusals.
import assert from "node:assert/strict";
import {
  type ApiError,
  ConfigMap,
  createRuntime,
  isForbidden,
  isInvalid,
  isNotFound,
  Namespace,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from "@k1s/k1s";
import { haveKubectl, kubectlFixture } from "./_kubectl.ts";

const policy = {
  metadata: { name: "small-configmaps" },
  spec: {
    failurePolicy: "Fail" as const,
    matchConstraints: {
      resourceRules: [{
        apiGroups: [""],
        apiVersions: ["v1"],
        operations: ["CREATE", "UPDATE"],
        resources: ["configmaps"],
      }],
    },
    validations: [
      {
        expression: "!has(object.data) || size(object.data) <= 2",
        messageExpression: "'at most 2 keys, got ' + string(size(object.data))",
      },
      { expression: "object.metadata.name != 'forbidden'", reason: "Forbidden" },
    ],
  },
};

const binding = (actions: string[]) => ({
  metadata: { name: "small-configmaps-binding" },
  spec: {
    policyName: "small-configmaps",
    validationActions: actions,
    matchResources: { namespaceSelector: { matchLabels: { policed: "yes" } } },
  },
});

function message(err: unknown): string {
  return (err as ApiError).message;
}

Deno.test("a policy and its binding deny, warn, and leave other namespaces alone", async () => {
  await using rt = await createRuntime();
  await rt.client.create(ValidatingAdmissionPolicy, policy);
  await rt.client.create(ValidatingAdmissionPolicyBinding, binding(["Deny"]));
  await rt.client.create(Namespace, {
    metadata: { name: "team", labels: { policed: "yes" } },
  });
  const big = { a: "1", b: "2", c: "3" };
  // Denied in a namespace the binding selects, with kube's text and the reason's code (422).
  await assert.rejects(
    rt.client.create(ConfigMap, { metadata: { name: "big", namespace: "team" }, data: big }),
    (err) =>
      isInvalid(err) &&
      message(err) ===
        "configmaps \"big\" is forbidden: ValidatingAdmissionPolicy 'small-configmaps' with " +
          "binding 'small-configmaps-binding' denied request: at most 2 keys, got 3",
  );
  await assert.rejects(
    rt.client.get(ConfigMap, "big", { namespace: "team" }),
    isNotFound,
  );
  // reason: Forbidden gives 403 and kube's default message.
  await assert.rejects(
    rt.client.create(ConfigMap, { metadata: { name: "forbidden", namespace: "team" } }),
    (err) =>
      isForbidden(err) &&
      message(err) ===
        "configmaps \"forbidden\" is forbidden: ValidatingAdmissionPolicy 'small-configmaps' " +
          "with binding 'small-configmaps-binding' denied request: failed expression: " +
          "object.metadata.name != 'forbidden'",
  );
  // Other namespaces are not selected.
  await rt.client.create(ConfigMap, { metadata: { name: "big", namespace: "default" }, data: big });
  // Updates are checked too; a dry run is.
  const ok = await rt.client.create(ConfigMap, {
    metadata: { name: "ok", namespace: "team" },
    data: { a: "1" },
  });
  await assert.rejects(
    rt.client.update(ConfigMap, { ...ok, data: big }, { dryRun: true }),
    (err) => /at most 2 keys, got 3/.test(message(err)),
  );
  // Warn instead of Deny: admitted, with kube's warning.
  await rt.client.update(ValidatingAdmissionPolicyBinding, {
    ...(await rt.client.get(ValidatingAdmissionPolicyBinding, "small-configmaps-binding")),
    spec: { ...binding(["Warn"]).spec },
  });
  const warnings: string[] = [];
  await rt.client.create(
    ConfigMap,
    { metadata: { name: "warned", namespace: "team" }, data: big },
    { onWarning: (w) => warnings.push(w) },
  );
  assert.deepEqual(warnings, [
    "Validation failed for ValidatingAdmissionPolicy 'small-configmaps' with binding " +
    "'small-configmaps-binding': at most 2 keys, got 3",
  ]);
  // The binding gone: nothing is checked.
  await rt.client.delete(ValidatingAdmissionPolicyBinding, "small-configmaps-binding");
  await rt.client.create(ConfigMap, { metadata: { name: "free", namespace: "team" }, data: big });
});

Deno.test("policies are validated as kube validates them", async () => {
  await using rt = await createRuntime();
  await assert.rejects(
    rt.client.create(ValidatingAdmissionPolicy, {
      metadata: { name: "bad" },
      spec: {
        ...policy.spec,
        validations: [{ expression: "object.nope(" }],
      },
    }),
    (err) => isInvalid(err) && /spec\.validations\[0\]\.expression/.test(message(err)),
  );
  await assert.rejects(
    rt.client.create(ValidatingAdmissionPolicyBinding, {
      metadata: { name: "b" },
      spec: { policyName: "x", validationActions: ["Deny", "Warn"] },
    }),
    isInvalid,
  );
});

Deno.test({
  name: "kubectl 1.32: a policy applied from YAML denies kubectl's create",
  ignore: !haveKubectl(32),
  async fn() {
    await using f = await kubectlFixture(32);
    const { dir, kubectl: k } = f;
    // Two documents (a `kind: List` makes kubectl validate with OpenAPI v2, not served).
    await Deno.writeTextFile(
      `${dir}/policy.json`,
      [
        {
          apiVersion: "admissionregistration.k8s.io/v1",
          kind: "ValidatingAdmissionPolicy",
          ...policy,
        },
        {
          apiVersion: "admissionregistration.k8s.io/v1",
          kind: "ValidatingAdmissionPolicyBinding",
          metadata: binding(["Deny"]).metadata,
          spec: { policyName: "small-configmaps", validationActions: ["Deny"] },
        },
      ].map((d) => JSON.stringify(d)).join("\n"),
    );
    const applied = await k.run(["apply", "-f", `${dir}/policy.json`]);
    assert.equal(applied.code, 0, applied.err);
    assert.equal(
      applied.out,
      "validatingadmissionpolicy.admissionregistration.k8s.io/small-configmaps created\n" +
        "validatingadmissionpolicybinding.admissionregistration.k8s.io/small-configmaps-binding created\n",
    );
    const denied = await k.run([
      "create",
      "configmap",
      "big",
      "--from-literal=a=1",
      "--from-literal=b=2",
      "--from-literal=c=3",
    ]);
    assert.equal(denied.code, 1);
    assert.equal(
      denied.err,
      'error: failed to create configmap: configmaps "big" is forbidden: ' +
        "ValidatingAdmissionPolicy 'small-configmaps' with binding 'small-configmaps-binding' " +
        "denied request: at most 2 keys, got 3\n",
    );
    const fine = await k.run(["create", "configmap", "fine", "--from-literal=a=1"]);
    assert.equal(fine.code, 0, fine.err);
  },
});
