import assert from "node:assert/strict";
import {
  formatApiVersion,
  formatGroupKind,
  formatGroupResource,
  formatGroupVersionKind,
  formatGroupVersionResource,
  gvkFromApiVersionAndKind,
  parseApiVersion,
  parseGroupKind,
  parseGroupResource,
  parseGroupVersionResource,
  parseKindArg,
  parseResourceArg,
} from "./gvk.ts";

Deno.test("parseApiVersion: good input", () => {
  assert.deepEqual(parseApiVersion("v1"), { group: "", version: "v1" });
  assert.deepEqual(parseApiVersion("apps/v1"), { group: "apps", version: "v1" });
  assert.deepEqual(parseApiVersion("example.com/v1beta1"), {
    group: "example.com",
    version: "v1beta1",
  });
  assert.deepEqual(parseApiVersion(""), { group: "", version: "" });
  assert.deepEqual(parseApiVersion("/"), { group: "", version: "" });
  assert.deepEqual(parseApiVersion("apps/"), { group: "apps", version: "" });
});

Deno.test("parseApiVersion: too many slashes", () => {
  assert.throws(() => parseApiVersion("a/b/c"), {
    message: "unexpected GroupVersion string: a/b/c",
  });
  assert.throws(() => parseApiVersion("//"), /unexpected GroupVersion string/);
});

Deno.test("formatApiVersion round-trips", () => {
  for (const s of ["v1", "apps/v1", "rbac.authorization.k8s.io/v1"]) {
    assert.equal(formatApiVersion(parseApiVersion(s)), s);
  }
});

Deno.test("gvkFromApiVersionAndKind", () => {
  assert.deepEqual(gvkFromApiVersionAndKind("v1", "Pod"), {
    group: "",
    version: "v1",
    kind: "Pod",
  });
  assert.deepEqual(gvkFromApiVersionAndKind("a/b/c", "X"), { group: "", version: "", kind: "X" });
});

Deno.test("string forms", () => {
  assert.equal(
    formatGroupVersionKind({ group: "apps", version: "v1", kind: "Deployment" }),
    "apps/v1, Kind=Deployment",
  );
  assert.equal(
    formatGroupVersionResource({ group: "", version: "v1", resource: "pods" }),
    "/v1, Resource=pods",
  );
  assert.equal(formatGroupResource({ group: "", resource: "pods" }), "pods");
  assert.equal(formatGroupKind({ group: "", kind: "Pod" }), "Pod");
});

Deno.test("parseGroupResource / parseGroupKind split at the first dot", () => {
  assert.deepEqual(parseGroupResource("a.b.c"), { group: "b.c", resource: "a" });
  assert.deepEqual(parseGroupKind("Kind.x.io"), { group: "x.io", kind: "Kind" });
  assert.deepEqual(parseGroupKind("Kind"), { group: "", kind: "Kind" });
});

Deno.test("parseResourceArg like schema.ParseResourceArg", () => {
  assert.deepEqual(parseResourceArg("pods"), { groupResource: { group: "", resource: "pods" } });
  assert.deepEqual(parseResourceArg("deployments.apps"), {
    groupResource: { group: "apps", resource: "deployments" },
  });
  assert.deepEqual(parseResourceArg("widgets.v1alpha1.example.com"), {
    gvr: { group: "example.com", version: "v1alpha1", resource: "widgets" },
    groupResource: { group: "v1alpha1.example.com", resource: "widgets" },
  });
  assert.throws(() => parseResourceArg(""), /resource must not be empty/);
});

Deno.test("parseKindArg like schema.ParseKindArg", () => {
  assert.deepEqual(parseKindArg("Deployment.apps"), {
    groupKind: { group: "apps", kind: "Deployment" },
  });
  assert.deepEqual(parseKindArg("Deployment.v1.apps").gvk, {
    group: "apps",
    version: "v1",
    kind: "Deployment",
  });
  assert.throws(() => parseKindArg(" "), /kind must not be empty/);
});

Deno.test("parseGroupVersionResource", () => {
  assert.deepEqual(parseGroupVersionResource("v1/pods"), {
    group: "",
    version: "v1",
    resource: "pods",
  });
  for (const bad of ["", "pods", "a/b/c/d", "/v1/pods", "apps//deployments", "v1/"]) {
    assert.throws(() => parseGroupVersionResource(bad), /invalid group\/version\/resource/, bad);
  }
});
