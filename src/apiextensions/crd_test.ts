// CustomResourceDefinition through a real runtime: defaults, status bookkeeping and
// the Invalid errors of kube's ValidateCustomResourceDefinition(Update).
import assert from "node:assert/strict";
import { ApiError } from "../apimachinery/errors.ts";
import { isDNS1035Label } from "../apimachinery/validation.ts";
import { createRuntime, type Runtime } from "../runtime.ts";
import { createRuntimeCore, type RuntimeCore } from "../runtime_core.ts";
import type {
  CustomResourceDefinitionInput,
  CustomResourceDefinitionVersion,
} from "../resources/apiextensions_v1.ts";
import { apiextensionsV1Kinds, CustomResourceDefinition } from "./crd.ts";

const DNS1035 = isDNS1035Label("1x")[0];

async function rt(): Promise<Runtime> {
  return await createRuntime({ store: "memory:" });
}

/** A runtime without controllers: CRDs written stay as written (never established). */
async function core(): Promise<RuntimeCore> {
  return await createRuntimeCore({ store: "memory:" });
}

const objectSchema = {
  openAPIV3Schema: {
    type: "object",
    properties: {
      spec: { type: "object", properties: { size: { type: "integer" } } },
      status: { type: "object", properties: { replicas: { type: "integer" } } },
    },
  },
};

/** A minimal valid CRD: widgets.example.com, one version. */
function widget(
  mutate: (crd: CustomResourceDefinitionInput) => void = () => {},
): CustomResourceDefinitionInput {
  const crd: CustomResourceDefinitionInput = {
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      names: { plural: "widgets", kind: "Widget" },
      scope: "Namespaced",
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        schema: structuredClone(objectSchema),
      }],
    },
  };
  mutate(crd);
  return crd;
}

/** A CRD modelled on Strimzi's kafkaconnects.kafka.strimzi.io. */
function kafkaConnect(): CustomResourceDefinitionInput {
  const version = (name: string, storage: boolean): CustomResourceDefinitionVersion => ({
    name,
    served: true,
    storage,
    ...(storage ? {} : { deprecated: true, deprecationWarning: `${name} is deprecated` }),
    schema: structuredClone(objectSchema),
    subresources: {
      status: {},
      scale: {
        specReplicasPath: ".spec.replicas",
        statusReplicasPath: ".status.replicas",
        labelSelectorPath: ".status.labelSelector",
      },
    },
    additionalPrinterColumns: [
      {
        name: "Desired replicas",
        description: "The desired number of Kafka Connect replicas",
        jsonPath: ".spec.replicas",
        type: "integer",
      },
      {
        name: "Ready",
        description: "The state of the custom resource",
        jsonPath: '.status.conditions[?(@.type=="Ready")].status',
        type: "string",
      },
      { name: "Age", jsonPath: ".metadata.creationTimestamp", type: "date", priority: 1 },
    ],
  });
  return {
    metadata: {
      name: "kafkaconnects.kafka.strimzi.io",
      labels: { app: "strimzi", "strimzi.io/crd-install": "true" },
    },
    spec: {
      group: "kafka.strimzi.io",
      names: {
        kind: "KafkaConnect",
        listKind: "KafkaConnectList",
        singular: "kafkaconnect",
        plural: "kafkaconnects",
        shortNames: ["kc"],
        categories: ["strimzi"],
      },
      scope: "Namespaced",
      conversion: { strategy: "None" },
      versions: [version("v1beta2", true), version("v1beta1", false), version("v1alpha1", false)],
    },
  };
}

/**
 * Asserts a 422 Invalid whose causes are `expected` (each `field: message`, as
 * `field.Error.Error()` prints it), in order, with kube's Status message.
 */
async function invalid(p: Promise<unknown>, name: string, expected: string[]): Promise<void> {
  const err = await p.then(
    () => assert.fail("expected an Invalid error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.code, 422);
  assert.equal(err.reason, "Invalid");
  const causes = (err.status.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  assert.deepEqual(causes, expected);
  const joined = expected.length === 1 ? expected[0] : `[${expected.join(", ")}]`;
  assert.equal(
    err.message,
    `CustomResourceDefinition.apiextensions.k8s.io "${name}" is invalid: ${joined}`,
  );
  assert.equal(err.status.details?.kind, "CustomResourceDefinition");
  assert.equal(err.status.details?.group, "apiextensions.k8s.io");
}

Deno.test("CustomResourceDefinition kind: names, scope, subresource", () => {
  const k = CustomResourceDefinition;
  assert.equal(k.apiVersion, "apiextensions.k8s.io/v1");
  assert.equal(k.plural, "customresourcedefinitions");
  assert.equal(k.singular, "customresourcedefinition");
  assert.equal(k.listKind, "CustomResourceDefinitionList");
  assert.deepEqual(k.shortNames, ["crd", "crds"]);
  assert.deepEqual(k.categories, ["api-extensions"]);
  assert.equal(k.scope, "Cluster");
  assert.equal(k.statusSubresource, true);
  assert.deepEqual(apiextensionsV1Kinds, [k]);
});

Deno.test("CRD: a real operator's CRD is accepted, defaulted and its storage version recorded", async () => {
  await using r = await rt();
  const input = kafkaConnect();
  (input as { status?: unknown }).status = { storedVersions: ["bogus"] };
  const crd = await r.client.create(CustomResourceDefinition, input);
  assert.equal(crd.metadata.generation, 1);
  assert.deepEqual(crd.status?.storedVersions, ["v1beta2"]); // status on create is the server's
  assert.equal(crd.spec.versions.length, 3);
  assert.equal(
    crd.spec.versions[0].subresources?.scale?.labelSelectorPath,
    ".status.labelSelector",
  );
  assert.equal(crd.spec.versions[1].deprecationWarning, "v1beta1 is deprecated");
  assert.deepEqual(crd.spec.conversion, { strategy: "None" });

  const minimal = await r.client.create(CustomResourceDefinition, widget());
  assert.equal(minimal.spec.names.singular, "widget");
  assert.equal(minimal.spec.names.listKind, "WidgetList");
  assert.deepEqual(minimal.spec.conversion, { strategy: "None" });
  assert.deepEqual(minimal.status?.storedVersions, ["v1"]);

  const got = await r.client.get(CustomResourceDefinition, "kafkaconnects.kafka.strimzi.io");
  assert.deepEqual(got.spec, crd.spec);
});

Deno.test("CRD: metadata.name must be plural.group", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => c.metadata.name = "gadgets.example.com"),
    ),
    "gadgets.example.com",
    ['metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group'],
  );
});

Deno.test("CRD: spec.group is required and a domain with a dot", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(CustomResourceDefinition, widget((c) => c.spec.group = "")),
    "widgets.example.com",
    [
      'metadata.name: Invalid value: "widgets.example.com": must be spec.names.plural+"."+spec.group',
      "spec.group: Required value",
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.metadata.name = "widgets.example";
        c.spec.group = "example";
      }),
    ),
    "widgets.example",
    ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
  );
});

Deno.test("CRD: spec.scope is Cluster or Namespaced", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(CustomResourceDefinition, widget((c) => c.spec.scope = "Global")),
    "widgets.example.com",
    ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'],
  );
  await invalid(
    r.client.create(CustomResourceDefinition, widget((c) => c.spec.scope = "")),
    "widgets.example.com",
    ["spec.scope: Required value"],
  );
});

Deno.test("CRD: names are validated as ValidateCustomResourceDefinitionNames does", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.names = {
          plural: "widgets",
          singular: "Widget",
          kind: "Wid_get",
          listKind: "Wid_get",
          shortNames: ["w", "1w"],
          categories: ["all", "All"],
        };
      }),
    ),
    "widgets.example.com",
    [
      `spec.names.singular: Invalid value: "Widget": ${DNS1035}`,
      `spec.names.kind: Invalid value: "Wid_get": may have mixed case, but should otherwise match: ${DNS1035}`,
      `spec.names.listKind: Invalid value: "Wid_get": may have mixed case, but should otherwise match: ${DNS1035}`,
      `spec.names.shortNames[1]: Invalid value: "1w": ${DNS1035}`,
      'spec.names.listKind: Invalid value: "Wid_get": kind and listKind may not be the same',
      `spec.names.categories[1]: Invalid value: "All": ${DNS1035}`,
    ],
  );
  // Without a kind nothing is defaulted: singular, kind and listKind are required.
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => c.spec.names = { plural: "widgets", kind: "" }),
    ),
    "widgets.example.com",
    [
      "spec.names.singular: Required value",
      "spec.names.kind: Required value",
      "spec.names.listKind: Required value",
    ],
  );
});

const v1NoStorage =
  '{"Name":"v1","Served":true,"Storage":false,"Deprecated":false,"DeprecationWarning":null,' +
  '"Schema":null,"Subresources":null,"AdditionalPrinterColumns":null,"SelectableFields":null}';

Deno.test("CRD: versions need exactly one storage version and unique DNS-1035 names", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(CustomResourceDefinition, widget((c) => c.spec.versions = [])),
    "widgets.example.com",
    [
      "spec.versions: Invalid value: []: must have exactly one version marked as storage version",
      "status.storedVersions: Invalid value: null: must have at least one stored version",
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => delete (c.spec as { versions?: unknown }).versions),
    ),
    "widgets.example.com",
    [
      "spec.versions: Invalid value: null: must have exactly one version marked as storage version",
      "status.storedVersions: Invalid value: null: must have at least one stored version",
    ],
  );
  await invalid(
    r.client.create(CustomResourceDefinition, widget((c) => c.spec.versions[0].storage = false)),
    "widgets.example.com",
    [
      `spec.versions: Invalid value: [${v1NoStorage}]: must have exactly one version marked as storage version`,
      "status.storedVersions: Invalid value: null: must have at least one stored version",
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.versions[0].storage = false;
        c.spec.versions.push({ ...c.spec.versions[0] });
      }),
    ),
    "widgets.example.com",
    [
      `spec.versions: Invalid value: [${v1NoStorage},${v1NoStorage}]: must contain unique version names`,
      `spec.versions: Invalid value: [${v1NoStorage},${v1NoStorage}]: must have exactly one version marked as storage version`,
      "status.storedVersions: Invalid value: null: must have at least one stored version",
    ],
  );
  // The first version is also spec.version in kube's internal form.
  await invalid(
    r.client.create(CustomResourceDefinition, widget((c) => c.spec.versions[0].name = "V1")),
    "widgets.example.com",
    [
      `spec.versions[0].name: Invalid value: "V1": ${DNS1035}`,
      `spec.version: Invalid value: "V1": ${DNS1035}`,
    ],
  );
});

Deno.test("CRD: every version needs a schema; deprecationWarning needs deprecated", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.versions.push({ name: "v2", served: false, storage: false });
        c.spec.versions[0].deprecationWarning = "use v2";
      }),
    ),
    "widgets.example.com",
    [
      "spec.versions[1].schema.openAPIV3Schema: Required value",
      'spec.versions[0].deprecationWarning: Invalid value: "use v2": can only be set for deprecated versions',
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.versions[0].deprecated = true;
        c.spec.versions[0].deprecationWarning = "bad\nwarning";
      }),
    ),
    "widgets.example.com",
    [
      'spec.versions[0].deprecationWarning: Invalid value: "bad\\nwarning": must only contain printable UTF-8 characters; non-printable character found at index 3',
    ],
  );
});

Deno.test("CRD: printer columns (top-level when identical, per version otherwise)", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.versions[0].additionalPrinterColumns = [
          { name: "", type: "", jsonPath: "" },
          { name: "Size", type: "int", format: "uint8", jsonPath: "spec.size" },
          { name: "Ok", type: "string", jsonPath: ".status.ok", priority: -1 },
        ];
      }),
    ),
    "widgets.example.com",
    [
      "spec.additionalPrinterColumns[0].name: Required value",
      "spec.additionalPrinterColumns[0].type: Required value: must be one of boolean,date,integer,number,string",
      "spec.additionalPrinterColumns[0].JSONPath: Required value",
      'spec.additionalPrinterColumns[1].type: Invalid value: "int": must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[1].format: Invalid value: "uint8": must be one of byte,date,date-time,double,float,int32,int64,password',
      'spec.additionalPrinterColumns[1].JSONPath: Invalid value: "spec.size": must be a simple json path starting with .',
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.versions.push({
          name: "v2",
          served: true,
          storage: false,
          schema: structuredClone(objectSchema),
          additionalPrinterColumns: [{ name: "Size", type: "integer", jsonPath: "" }],
        });
      }),
    ),
    "widgets.example.com",
    ["spec.versions[1].additionalPrinterColumns[0].JSONPath: Required value"],
  );
});

Deno.test("CRD: the scale subresource's paths", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.versions[0].subresources = {
          status: {},
          scale: {
            specReplicasPath: "",
            statusReplicasPath: ".spec.replicas",
            labelSelectorPath: "labels",
          },
        };
      }),
    ),
    "widgets.example.com",
    [
      "spec.subresources.scale.specReplicasPath: Required value",
      'spec.subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status',
      'spec.subresources.scale.labelSelectorPath: Invalid value: "labels": must be a simple json path starting with .',
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.versions.push({
          name: "v2",
          served: true,
          storage: false,
          schema: structuredClone(objectSchema),
        });
        c.spec.versions[1].subresources = {
          scale: { specReplicasPath: ".status.replicas", statusReplicasPath: ".status.replicas" },
        };
      }),
    ),
    "widgets.example.com",
    [
      'spec.versions[1].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
    ],
  );
});

Deno.test("CRD: conversion strategy and webhook", async () => {
  await using r = await rt();
  const name = "widgets.example.com";
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => c.spec.conversion = { strategy: "Auto" }),
    ),
    name,
    ['spec.conversion.strategy: Unsupported value: "Auto": supported values: "None", "Webhook"'],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => c.spec.conversion = { strategy: "Webhook" }),
    ),
    name,
    [
      "spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook",
      "spec.conversion.conversionReviewVersions: Required value",
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) =>
        c.spec.conversion = {
          strategy: "None",
          webhook: {
            clientConfig: { url: "https://conv.example.com" },
            conversionReviewVersions: ["v1"],
          },
        }
      ),
    ),
    name,
    [
      "spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook",
      "spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook",
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) =>
        c.spec.conversion = {
          strategy: "Webhook",
          webhook: {
            clientConfig: { url: "http://conv.example.com/x?y=1" },
            conversionReviewVersions: ["v2", "v2"],
          },
        }
      ),
    ),
    name,
    [
      `spec.conversion.webhookClientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
      'spec.conversion.webhookClientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL',
      'spec.conversion.conversionReviewVersions[1]: Invalid value: "v2": duplicate version',
      'spec.conversion.conversionReviewVersions: Invalid value: ["v2","v2"]: must include at least one of v1, v1beta1',
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) =>
        c.spec.conversion = {
          strategy: "Webhook",
          webhook: {
            clientConfig: { service: { namespace: "", name: "conv", port: 0, path: "/a//b" } },
            conversionReviewVersions: ["v1"],
          },
        }
      ),
    ),
    name,
    [
      "spec.conversion.webhookClientConfig.service.namespace: Required value",
      "spec.conversion.webhookClientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive",
      'spec.conversion.webhookClientConfig.service.path: Invalid value: "/a//b": segment[1] may not be empty',
    ],
  );
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) =>
        c.spec.conversion = {
          strategy: "Webhook",
          webhook: {
            clientConfig: {
              url: "https://x.example.com",
              service: { namespace: "ns", name: "conv" },
            },
            conversionReviewVersions: ["v1"],
          },
        }
      ),
    ),
    name,
    ["spec.conversion.webhookClientConfig: Required value: exactly one of url or service is required"],
  );
  // A service's port defaults to 443.
  const ok = await r.client.create(
    CustomResourceDefinition,
    widget((c) =>
      c.spec.conversion = {
        strategy: "Webhook",
        webhook: {
          clientConfig: { service: { namespace: "ns", name: "conv", path: "/convert" } },
          conversionReviewVersions: ["v1", "v1beta1"],
        },
      }
    ),
  );
  assert.equal(ok.spec.conversion?.webhook?.clientConfig?.service?.port, 443);
});

Deno.test("CRD: preserveUnknownFields may not be set to true", async () => {
  await using r = await rt();
  await invalid(
    r.client.create(
      CustomResourceDefinition,
      widget((c) => {
        c.spec.preserveUnknownFields = true;
        c.spec.conversion = {
          strategy: "Webhook",
          webhook: {
            clientConfig: { url: "https://conv.example.com" },
            conversionReviewVersions: ["v1"],
          },
        };
      }),
    ),
    "widgets.example.com",
    [
      'spec.conversion.strategy: Invalid value: "Webhook": must be None if spec.preserveUnknownFields is true',
      "spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead",
    ],
  );
});

Deno.test("CRD: protected groups need the API approval annotation", async () => {
  await using r = await rt();
  const k8s = (annotation?: string) =>
    widget((c) => {
      c.metadata.name = "widgets.x.k8s.io";
      c.spec.group = "x.k8s.io";
      if (annotation !== undefined) {
        c.metadata.annotations = { "api-approved.kubernetes.io": annotation };
      }
    });
  await invalid(
    r.client.create(CustomResourceDefinition, k8s()),
    "widgets.x.k8s.io",
    [
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ],
  );
  await invalid(
    r.client.create(CustomResourceDefinition, k8s("yes")),
    "widgets.x.k8s.io",
    [
      'metadata.annotations[api-approved.kubernetes.io]: Invalid value: "yes": protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111',
    ],
  );
  await r.client.create(CustomResourceDefinition, k8s("unapproved, experimental"));
  await r.client.delete(CustomResourceDefinition, "widgets.x.k8s.io");
  await r.client.create(
    CustomResourceDefinition,
    k8s("https://github.com/kubernetes/enhancements/pull/1111"),
  );
});

Deno.test("CRD update: group and plural are immutable; scope and kind once Established", async () => {
  await using r = await core();
  const created = await r.client.create(CustomResourceDefinition, widget());
  const name = created.metadata.name!;
  const changed = structuredClone(created);
  changed.spec.group = "example.org";
  changed.spec.names.plural = "gadgets";
  await invalid(r.client.update(CustomResourceDefinition, changed), name, [
    'spec.group: Invalid value: "example.org": field is immutable',
    'spec.names.plural: Invalid value: "gadgets": field is immutable',
  ]);

  // Not established yet: scope and kind may change.
  const rescoped = structuredClone(created);
  rescoped.spec.scope = "Cluster";
  rescoped.spec.names = { ...rescoped.spec.names, kind: "Gizmo", listKind: "GizmoList" };
  const updated = await r.client.update(CustomResourceDefinition, rescoped);
  assert.equal(updated.metadata.generation, 2);

  const established = await r.client.status.update(CustomResourceDefinition, {
    ...updated,
    status: {
      ...updated.status,
      conditions: [{ type: "Established", status: "True", reason: "InitialNamesAccepted" }],
    },
  });
  const back = structuredClone(established);
  back.spec.scope = "Namespaced";
  back.spec.names = { ...back.spec.names, kind: "Widget", listKind: "WidgetList" };
  await invalid(r.client.update(CustomResourceDefinition, back), name, [
    'spec.scope: Invalid value: "Namespaced": field is immutable',
    'spec.names.kind: Invalid value: "Widget": field is immutable',
  ]);
});

Deno.test("CRD update: storedVersions grow with the storage version and must stay in spec", async () => {
  await using r = await core();
  const created = await r.client.create(CustomResourceDefinition, widget());
  const next = structuredClone(created);
  next.spec.versions[0].storage = false;
  next.spec.versions.push({
    name: "v2",
    served: true,
    storage: true,
    schema: structuredClone(objectSchema),
  });
  const moved = await r.client.update(CustomResourceDefinition, next);
  assert.deepEqual(moved.status?.storedVersions, ["v1", "v2"]);

  const dropped = structuredClone(moved);
  dropped.spec.versions = dropped.spec.versions.filter((v) => v.name !== "v1");
  await invalid(r.client.update(CustomResourceDefinition, dropped), created.metadata.name!, [
    'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
  ]);
});

Deno.test("CRD status: acceptedNames are validated as names", async () => {
  await using r = await core();
  const created = await r.client.create(CustomResourceDefinition, widget());
  await invalid(
    r.client.status.update(CustomResourceDefinition, {
      ...created,
      status: {
        ...created.status,
        acceptedNames: { plural: "widgets", kind: "Widget", listKind: "Widget" },
      },
    }),
    created.metadata.name!,
    ['status.acceptedNames.listKind: Invalid value: "Widget": kind and listKind may not be the same'],
  );
});
