import assert from "node:assert/strict";
import { z } from "zod";
import { coreV1Kinds } from "../resources/core_v1.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import { defineKind, defineObjectKind } from "../scheme/kind.ts";
import { Scheme } from "../scheme/scheme.ts";
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  discoveryAnswer,
  type ExtraResource,
  negotiateDiscovery,
  parseAccept,
} from "./discovery.ts";
import { SELF_SUBJECT_REVIEW_RESOURCES } from "./review_resources.ts";

const spec = z.object({ size: z.number().optional() });
// Two versions of one kind: stored in v1, the same fields in both.
const conversion = {
  storageVersion: "v1",
  convert: (obj: KubeObject, apiVersion: string) => ({ ...obj, apiVersion }),
};
const Widget = defineKind({
  group: "widgets.example.com",
  version: "v1",
  kind: "Widget",
  shortNames: ["wd"],
  categories: ["all"],
  spec,
  status: z.object({ ready: z.boolean().optional() }),
  conversion,
});
const WidgetBeta = defineKind({
  group: "widgets.example.com",
  version: "v1beta1",
  kind: "Widget",
  spec,
  conversion,
});
const Dial = defineKind({
  group: "aa.example.com",
  version: "v1",
  kind: "Dial",
  scope: "Cluster",
  spec,
});
const Role = defineObjectKind({
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "Role",
  schema: z.object({}),
});

const extra = SELF_SUBJECT_REVIEW_RESOURCES;
const scheme = () => new Scheme([...coreV1Kinds, WidgetBeta, Widget, Dial, Role]);

const KUBECTL_132 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
const KUBECTL_128 =
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
const V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

Deno.test("legacy /api: the core versions and the address clients reach the server at", () => {
  assert.deepEqual(apiVersions(scheme(), { address: "127.0.0.1:6443" }), {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
  });
  assert.deepEqual(apiVersions(new Scheme([Widget])), { kind: "APIVersions", versions: [] });
});

Deno.test("legacy /apis: groups in kube's order (priority, then name), newest stable version preferred", () => {
  const list = apiGroupList(scheme(), { extra });
  assert.equal(list.kind, "APIGroupList");
  assert.equal(list.apiVersion, "v1");
  assert.deepEqual(list.groups.map((g) => g.name), [
    "authentication.k8s.io",
    "authorization.k8s.io",
    "rbac.authorization.k8s.io",
    "aa.example.com",
    "widgets.example.com",
  ]);
  assert.deepEqual(list.groups[4], {
    name: "widgets.example.com",
    versions: [
      { groupVersion: "widgets.example.com/v1", version: "v1" },
      { groupVersion: "widgets.example.com/v1beta1", version: "v1beta1" },
    ],
    preferredVersion: { groupVersion: "widgets.example.com/v1", version: "v1" },
  });
});

Deno.test("legacy /apis/<group>: one group, undefined for the core group and unknown groups", () => {
  assert.deepEqual(apiGroup(scheme(), "aa.example.com"), {
    kind: "APIGroup",
    apiVersion: "v1",
    name: "aa.example.com",
    versions: [{ groupVersion: "aa.example.com/v1", version: "v1" }],
    preferredVersion: { groupVersion: "aa.example.com/v1", version: "v1" },
  });
  assert.equal(apiGroup(scheme(), ""), undefined);
  assert.equal(apiGroup(scheme(), "nope.example.com"), undefined);
});

Deno.test("legacy /api/v1: resources and subresources by name, with kube's fields", () => {
  const list = apiResourceList(scheme(), { group: "", version: "v1" })!;
  assert.equal(list.groupVersion, "v1");
  const byName = Object.fromEntries(list.resources.map((r) => [r.name, r]));
  assert.deepEqual(list.resources.map((r) => r.name), [
    "configmaps",
    "events",
    "namespaces",
    "namespaces/finalize",
    "namespaces/status",
    "secrets",
    "serviceaccounts",
  ]);
  const verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
  assert.deepEqual(byName.configmaps, {
    name: "configmaps",
    singularName: "configmap",
    namespaced: true,
    kind: "ConfigMap",
    verbs,
    shortNames: ["cm"],
  });
  assert.deepEqual(byName.secrets, {
    name: "secrets",
    singularName: "secret",
    namespaced: true,
    kind: "Secret",
    verbs,
  });
  assert.deepEqual(byName["namespaces/status"], {
    name: "namespaces/status",
    singularName: "",
    namespaced: false,
    kind: "Namespace",
    verbs: ["get", "patch", "update"],
  });
  assert.deepEqual(byName["namespaces/finalize"].verbs, ["update"]);
  assert.equal(apiResourceList(scheme(), { group: "", version: "v2" }), undefined);
});

Deno.test("legacy /apis/<group>/<version>: categories, status subresource, extra resources", () => {
  const widgets = apiResourceList(scheme(), { group: "widgets.example.com", version: "v1" })!;
  assert.deepEqual(widgets.resources, [
    {
      name: "widgets",
      singularName: "widget",
      namespaced: true,
      kind: "Widget",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["wd"],
      categories: ["all"],
    },
    {
      name: "widgets/status",
      singularName: "",
      namespaced: true,
      kind: "Widget",
      verbs: ["get", "patch", "update"],
    },
  ]);
  assert.deepEqual(
    apiResourceList(scheme(), { group: "authorization.k8s.io", version: "v1" }, { extra }),
    {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: "authorization.k8s.io/v1",
      resources: [
        {
          name: "selfsubjectaccessreviews",
          singularName: "selfsubjectaccessreview",
          namespaced: false,
          kind: "SelfSubjectAccessReview",
          verbs: ["create"],
        },
        {
          name: "selfsubjectrulesreviews",
          singularName: "selfsubjectrulesreview",
          namespaced: false,
          kind: "SelfSubjectRulesReview",
          verbs: ["create"],
        },
      ],
    },
  );
});

Deno.test("an extra resource a scheme kind already serves is left out", () => {
  const dup: ExtraResource = {
    group: "",
    version: "v1",
    resource: "configmaps",
    kind: "Other",
    scope: "Cluster",
    verbs: ["create"],
  };
  const list = apiResourceList(scheme(), { group: "", version: "v1" }, { extra: [dup] })!;
  assert.deepEqual(list.resources.filter((r) => r.name === "configmaps").map((r) => r.kind), [
    "ConfigMap",
  ]);
});

Deno.test("aggregated /api: the core group only, as kubectl 1.30+ reads it", () => {
  const list = aggregatedDiscovery(scheme(), { root: "api", extra });
  assert.equal(list.kind, "APIGroupDiscoveryList");
  assert.equal(list.apiVersion, "apidiscovery.k8s.io/v2");
  assert.deepEqual(list.metadata, {});
  assert.equal(list.items.length, 1);
  assert.deepEqual(list.items[0].metadata, {});
  const [v1] = list.items[0].versions;
  assert.equal(v1.version, "v1");
  assert.equal(v1.freshness, "Current");
  assert.deepEqual(v1.resources.map((r) => r.resource), [
    "configmaps",
    "events",
    "namespaces",
    "secrets",
    "serviceaccounts",
  ]);
  assert.deepEqual(v1.resources[2], {
    resource: "namespaces",
    responseKind: { group: "", version: "v1", kind: "Namespace" },
    scope: "Cluster",
    singularResource: "namespace",
    // kube serves no deletecollection for namespaces (the registry answers 405).
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    shortNames: ["ns"],
    subresources: [
      {
        subresource: "finalize",
        responseKind: { group: "", version: "v1", kind: "Namespace" },
        verbs: ["update"],
      },
      {
        subresource: "status",
        responseKind: { group: "", version: "v1", kind: "Namespace" },
        verbs: ["get", "patch", "update"],
      },
    ],
  });
});

Deno.test("aggregated /apis: every other group, versions preferred first; v2beta1 has the same body", () => {
  const list = aggregatedDiscovery(scheme(), { root: "apis", extra });
  assert.deepEqual(list.items.map((g) => [g.metadata.name, g.versions.map((v) => v.version)]), [
    ["authentication.k8s.io", ["v1"]],
    ["authorization.k8s.io", ["v1"]],
    ["rbac.authorization.k8s.io", ["v1"]],
    ["aa.example.com", ["v1"]],
    ["widgets.example.com", ["v1", "v1beta1"]],
  ]);
  const widget = list.items[4].versions[0].resources[0];
  assert.deepEqual(widget, {
    resource: "widgets",
    responseKind: { group: "widgets.example.com", version: "v1", kind: "Widget" },
    scope: "Namespaced",
    singularResource: "widget",
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    shortNames: ["wd"],
    categories: ["all"],
    subresources: [{
      subresource: "status",
      responseKind: { group: "widgets.example.com", version: "v1", kind: "Widget" },
      verbs: ["get", "patch", "update"],
    }],
  });
  assert.deepEqual(list.items[0].versions[0].resources, [{
    resource: "selfsubjectreviews",
    responseKind: { group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview" },
    scope: "Cluster",
    singularResource: "selfsubjectreview",
    verbs: ["create"],
  }]);
  const beta = aggregatedDiscovery(scheme(), { root: "apis", extra, version: "v2beta1" });
  assert.equal(beta.apiVersion, "apidiscovery.k8s.io/v2beta1");
  assert.deepEqual(beta.items, list.items);
});

Deno.test("discovery follows the scheme: kinds registered or removed while serving", () => {
  const s = new Scheme(coreV1Kinds);
  assert.equal(discoveryAnswer(s, { path: "/apis/widgets.example.com/v1" }), undefined);
  s.register(Widget);
  const added = discoveryAnswer(s, { path: "/apis", accept: KUBECTL_132 })!;
  assert.deepEqual(
    JSON.parse(added.body!).items.map((g: { metadata: { name: string } }) => g.metadata.name),
    [
      "widgets.example.com",
    ],
  );
  assert.equal(discoveryAnswer(s, { path: "/apis/widgets.example.com/v1" })?.status, 200);
  s.unregister(Widget);
  assert.equal(discoveryAnswer(s, { path: "/apis/widgets.example.com/v1" }), undefined);
  assert.deepEqual(JSON.parse(discoveryAnswer(s, { path: "/apis" })!.body!).groups, []);
});

Deno.test("negotiation: kubectl's Accept headers and the Content-Type it parses", () => {
  assert.deepEqual(negotiateDiscovery(KUBECTL_132), { format: "v2", contentType: V2 });
  assert.deepEqual(negotiateDiscovery(KUBECTL_128), { format: "v2beta1", contentType: V2BETA1 });
  for (const accept of [null, undefined, "", "application/json", "application/json, */*"]) {
    assert.deepEqual(negotiateDiscovery(accept), {
      format: "legacy",
      contentType: "application/json",
    });
  }
});

Deno.test("negotiation: q values, wildcards, protobuf, quoting and other conversions", () => {
  const v2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  const beta = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
  const format = (accept: string) => negotiateDiscovery(accept).format;
  // Order is preference; q reorders.
  assert.equal(format(`${beta},${v2}`), "v2beta1");
  assert.equal(format(`${beta};q=0.5,${v2}`), "v2");
  assert.equal(format(`${v2};q=0, ${beta}`), "v2beta1");
  assert.equal(format(`${v2};q=0,application/json`), "legacy");
  // Like kube, a range without the discovery parameters does not stop the search.
  assert.equal(format(`application/json, ${v2}`), "v2");
  // Protobuf is not served: its aggregated range is skipped for the JSON one.
  assert.equal(
    format(
      "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
        `${v2},application/json`,
    ),
    "v2",
  );
  assert.equal(format("*/*;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"), "v2");
  assert.equal(
    format('application/json; g="apidiscovery.k8s.io"; v="v2"; as="APIGroupDiscoveryList"'),
    "v2",
  );
  assert.equal(
    format("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList"),
    "legacy",
  );
  assert.equal(format("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"), "legacy");
  assert.equal(format("text/plain;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"), "legacy");
});

Deno.test("parseAccept: quoted commas, parameter case, malformed ranges and q", () => {
  assert.deepEqual(
    parseAccept('a/b;x="1,2";Q=0.3, junk, c/d;q=nope, e/f;Y=Z;q=1.0, g/h;q=0.000'),
    [
      { type: "e", subtype: "f", params: { y: "Z" }, q: 1 },
      { type: "a", subtype: "b", params: { x: "1,2" }, q: 0.3 },
    ],
  );
});

Deno.test("discoveryAnswer: paths, trailing slashes, Content-Type and Vary", () => {
  const s = scheme();
  const api = discoveryAnswer(s, { path: "/api/", accept: KUBECTL_132, extra })!;
  assert.equal(api.status, 200);
  assert.deepEqual(api.headers, { "content-type": V2, vary: "Accept" });
  assert.equal(JSON.parse(api.body!).items.length, 1);
  const apis = discoveryAnswer(s, { path: "/apis", accept: "application/json", extra })!;
  assert.deepEqual(apis.headers, { "content-type": "application/json", vary: "Accept" });
  assert.equal(JSON.parse(apis.body!).kind, "APIGroupList");
  // Per-group and per-version documents are legacy whatever the Accept header asks.
  const gv = discoveryAnswer(s, { path: "/apis/widgets.example.com/v1", accept: KUBECTL_132 })!;
  assert.deepEqual(gv.headers, { "content-type": "application/json" });
  assert.equal(JSON.parse(gv.body!).kind, "APIResourceList");
  assert.equal(
    JSON.parse(discoveryAnswer(s, { path: "/apis/widgets.example.com" })!.body!).kind,
    "APIGroup",
  );
  assert.equal(JSON.parse(discoveryAnswer(s, { path: "/api/v1/" })!.body!).groupVersion, "v1");
  for (
    const path of [
      "/",
      "/apis/widgets.example.com/v1/widgets",
      "/api/v1/namespaces",
      "/apis//v1",
      "/version",
    ]
  ) {
    assert.equal(discoveryAnswer(s, { path }), undefined, path);
  }
});
