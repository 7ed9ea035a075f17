// CustomResourceDefinitions through the public package: a CRD's lifecycle (names accepted,
// established, served, deleted with its objects), two runtimes on one SQLite file, several
// versions with conversion `None`, the scale subresource, selectable fields, and refusals.
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import {
  type ApiError,
  crdCondition,
  createRuntime,
  CustomResourceDefinition,
  type CustomResourceDefinitionInput,
  InformerFactory,
  isCRDConditionTrue,
  isInvalid,
  isMethodNotAllowed,
  isNotFound,
  type Kind,
  type KubeObject,
  type Runtime,
} from "@k1s/k1s";

const EXAMPLE = new URL("../examples/crontabs/", import.meta.url);

async function yamlDocs(name: string): Promise<KubeObject[]> {
  const text = await Deno.readTextFile(new URL(name, EXAMPLE));
  return parseAllDocuments(text).map((d) => d.toJS() as KubeObject).filter((d) => d);
}

async function cronTabCRD(): Promise<CustomResourceDefinitionInput> {
  return (await yamlDocs("crd.yaml"))[0] as unknown as CustomResourceDefinitionInput;
}

function served(rt: Runtime, name: string): Kind {
  const k = rt.scheme.resolve(name);
  assert.ok(k, `${name} is served`);
  return k;
}

function messageOf(err: unknown): string {
  return (err as ApiError).message;
}

Deno.test("a CRD is named, established and served; its objects are defaulted, pruned and validated", async () => {
  await using rt = await createRuntime();
  const crd = await rt.client.create(CustomResourceDefinition, await cronTabCRD());
  // The create answer is what was stored first; the controller's status follows.
  assert.equal(crd.status?.conditions, undefined);
  const now = await rt.client.get(CustomResourceDefinition, "crontabs.stable.example.com");
  assert.deepEqual(
    now.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
    [
      ["NamesAccepted", "True", "NoConflicts", "no conflicts found"],
      ["Established", "True", "InitialNamesAccepted", "the initial names have been accepted"],
    ],
  );
  assert.deepEqual(now.status?.acceptedNames, {
    plural: "crontabs",
    singular: "crontab",
    shortNames: ["ct"],
    kind: "CronTab",
    listKind: "CronTabList",
    categories: ["all"],
  });
  assert.deepEqual(now.status?.storedVersions, ["v1"]);
  const CronTab = served(rt, "ct");
  assert.equal(CronTab.apiVersion, "stable.example.com/v1");
  assert.deepEqual(rt.scheme.versions("stable.example.com", "CronTab").map((k) => k.version), [
    "v1",
    "v1beta1",
  ]);

  const warnings: string[] = [];
  const [nightly] = await yamlDocs("crontabs.yaml");
  const made = await rt.client.create(CronTab, {
    ...nightly,
    spec: { ...(nightly.spec as object), unknownField: 1 },
  }, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, ['unknown field "spec.unknownField"']);
  assert.deepEqual(made.spec, {
    concurrencyPolicy: "Allow",
    cronSpec: "0 2 * * *",
    env: [{ name: "REGION", value: "eu-west-1" }],
    image: "reports:1.4",
    maxReplicas: 10,
    replicas: 1,
    timeout: "90s",
  });
  assert.equal(made.metadata.generation, 1);

  // Strict refuses what Warn reported, and stores nothing.
  await assert.rejects(
    rt.client.create(CronTab, {
      metadata: { name: "strict" },
      spec: { cronSpec: "* * * * *", image: "x", bogus: true },
    }, { fieldValidation: "Strict" }),
    (err) =>
      messageOf(err) ===
        'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"',
  );
  await assert.rejects(rt.client.get(CronTab, "strict"), isNotFound);

  // Schema errors, as the apiextensions server words them.
  const [bad] = await yamlDocs("bad/schema-errors.yaml");
  await assert.rejects(rt.client.create(CronTab, bad), (err) => {
    assert.ok(isInvalid(err));
    assert.equal(
      messageOf(err),
      // Properties in schema order (Go's map order is random), list checks after the schema's.
      'CronTab.stable.example.com "broken" is invalid: [' +
        'spec.cronSpec: Invalid value: "every minute": spec.cronSpec in body should match ' +
        "'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$', " +
        "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0, " +
        'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace", ' +
        'spec.env[1]: Duplicate value: {"name":"A"}, ' +
        // The enum error blocks the CEL rules, and kube says so.
        "<nil>: Invalid value: null: some validation rules were not checked because the object " +
        "was invalid; correct the existing errors to complete validation]",
    );
    return true;
  });
  // A CEL rule with a fieldPath reports there.
  const [over] = await yamlDocs("bad/replicas-over-max.yaml");
  await assert.rejects(
    rt.client.create(CronTab, over),
    (err) =>
      messageOf(err) ===
        'CronTab.stable.example.com "too-many" is invalid: spec.replicas: Invalid value: ' +
          "replicas must not exceed maxReplicas",
  );

  // Updates: generation follows spec; the status subresource keeps status apart.
  const up = await rt.client.update(CronTab, {
    ...made,
    spec: { ...(made.spec as object), replicas: 2 },
    status: { replicas: 9 },
  });
  assert.equal(up.metadata.generation, 2);
  assert.equal(up.status, undefined);
  const st = await rt.client.status.update(CronTab, { ...up, status: { replicas: 2 } });
  assert.deepEqual(st.status, { replicas: 2 });
  assert.equal(st.metadata.generation, 2);

  // Selectable fields and field selectors.
  const [, warmer] = await yamlDocs("crontabs.yaml");
  await rt.client.create(CronTab, warmer);
  const byImage = await rt.client.list(CronTab, { fieldSelector: "spec.image=warmer:2.0" });
  assert.deepEqual(byImage.items.map((o) => o.metadata.name), ["cache-warmer"]);
  await assert.rejects(
    rt.client.list(CronTab, { fieldSelector: "spec.cronSpec=x" }),
    (err) => /field label not supported: spec.cronSpec/.test(messageOf(err)),
  );
});

Deno.test("deleting a CRD deletes its objects, then the CRD, and the kind is no longer served", async () => {
  await using rt = await createRuntime();
  await rt.client.create(CustomResourceDefinition, await cronTabCRD());
  const CronTab = served(rt, "crontabs");
  for (const o of await yamlDocs("crontabs.yaml")) await rt.client.create(CronTab, o);
  // An object with a finalizer holds the CRD until the finalizer goes.
  await rt.client.create(CronTab, {
    metadata: { name: "held", finalizers: ["example.com/hold"] },
    spec: { cronSpec: "* * * * *", image: "x" },
  });
  await rt.client.delete(CustomResourceDefinition, "crontabs.stable.example.com");
  const terminating = await rt.client.get(CustomResourceDefinition, "crontabs.stable.example.com");
  assert.deepEqual(terminating.metadata.finalizers, ["customresourcecleanup.apiextensions.k8s.io"]);
  assert.equal(crdCondition(terminating, "Terminating")?.reason, "InstanceDeletionCheck");
  assert.deepEqual((await rt.client.list(CronTab)).items.map((o) => o.metadata.name), ["held"]);
  // Nothing new while it terminates (kube: 405).
  await assert.rejects(
    rt.client.create(CronTab, {
      metadata: { name: "late" },
      spec: { cronSpec: "* * * * *", image: "x" },
    }),
    (err) =>
      isMethodNotAllowed(err) &&
      messageOf(err) === "create not allowed while custom resource definition is terminating",
  );
  const held = await rt.client.get(CronTab, "held");
  await rt.client.update(CronTab, { ...held, metadata: { ...held.metadata, finalizers: [] } });
  await rt.settle();
  await assert.rejects(
    rt.client.get(CustomResourceDefinition, "crontabs.stable.example.com"),
    isNotFound,
  );
  await rt.crds.sync();
  assert.equal(rt.scheme.resolve("crontabs"), undefined);
  assert.deepEqual((await rt.store.list("/registry/crontabs.stable.example.com/")).items, []);
});

Deno.test("names taken by another CRD of the group are not accepted, and the CRD is not served", async () => {
  await using rt = await createRuntime();
  await rt.client.create(CustomResourceDefinition, await cronTabCRD());
  const other = await cronTabCRD();
  other.metadata.name = "crontasks.stable.example.com";
  other.spec.names = { plural: "crontasks", kind: "CronTab", shortNames: ["ct"] };
  await rt.client.create(CustomResourceDefinition, other);
  const crd = await rt.client.get(CustomResourceDefinition, "crontasks.stable.example.com");
  assert.deepEqual(
    crd.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
    [
      ["NamesAccepted", "False", "ListKindConflict", '"CronTabList" is already in use'],
      ["Established", "False", "NotAccepted", "not all names are accepted"],
    ],
  );
  assert.equal(isCRDConditionTrue(crd, "Established"), false);
  assert.equal(rt.scheme.resolve("crontasks"), undefined);
});

Deno.test("two runtimes on one SQLite file: a CRD made by one is served by the other", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-crd-" });
  try {
    const url = `sqlite:${dir}/store.db`;
    await using writer = await createRuntime({ store: url });
    await using follower = await createRuntime({ store: url });
    const stop = new AbortController();
    const following = follower.crds.start(stop.signal);
    await writer.client.create(CustomResourceDefinition, await cronTabCRD());
    // The follower serves the kind once it sees the established CRD; its informers can watch it.
    const deadline = Date.now() + 10_000;
    while (!follower.scheme.resolve("crontabs") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const CronTab = served(follower, "crontabs");
    const informers = new InformerFactory(follower.client);
    const inf = informers.informerFor(CronTab);
    const seen: string[] = [];
    inf.addEventHandler({ onAdd: (o) => seen.push(o.metadata.name!) });
    const informing = informers.start(stop.signal);
    await writer.client.create(served(writer, "crontabs"), (await yamlDocs("crontabs.yaml"))[0]);
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(seen, ["nightly-report"]);
    // A third runtime opened now serves it at once (what a CLI command does).
    await using third = await createRuntime({ store: url, readOnly: true });
    assert.equal(
      (await third.client.get(served(third, "ct"), "nightly-report")).metadata.name,
      "nightly-report",
    );
    stop.abort();
    await following;
    await informing;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("versions: stored in the storage version, served in each, deprecated ones warn", async () => {
  await using rt = await createRuntime();
  await rt.client.create(CustomResourceDefinition, await cronTabCRD());
  const [v1, v1beta1] = rt.scheme.versions("stable.example.com", "CronTab");
  const warnings: string[] = [];
  const old = await rt.client.create(v1beta1, {
    metadata: { name: "legacy" },
    spec: { cronSpec: "* * * * *", image: "old:1", extra: { kept: true } },
  }, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, [
    "stable.example.com/v1beta1 CronTab is deprecated; use stable.example.com/v1 CronTab",
  ]);
  assert.equal(old.apiVersion, "stable.example.com/v1beta1");
  const raw = await rt.store.get("/registry/crontabs.stable.example.com/default/legacy");
  assert.equal(JSON.parse(raw!.value).apiVersion, "stable.example.com/v1");
  // Read as v1, the v1 schema prunes and defaults what is stored.
  const now = await rt.client.get(v1, "legacy");
  assert.equal(now.apiVersion, "stable.example.com/v1");
  assert.deepEqual(now.spec, {
    concurrencyPolicy: "Allow",
    cronSpec: "* * * * *",
    image: "old:1",
    maxReplicas: 10,
    replicas: 1,
  });
  assert.equal(now.metadata.resourceVersion, old.metadata.resourceVersion);
});

Deno.test("webhook conversion is refused with a clear error; a bad schema refuses the CRD", async () => {
  await using rt = await createRuntime();
  const hooked = await cronTabCRD();
  hooked.spec.conversion = {
    strategy: "Webhook",
    webhook: {
      conversionReviewVersions: ["v1"],
      clientConfig: { url: "https://convert.example.com/crontabs" },
    },
  };
  await assert.rejects(
    rt.client.create(CustomResourceDefinition, hooked),
    (err) =>
      isInvalid(err) &&
      messageOf(err) ===
        'CustomResourceDefinition.apiextensions.k8s.io "crontabs.stable.example.com" is invalid: ' +
          'spec.conversion.strategy: Forbidden: k1s has no conversion webhooks: use "None" ' +
          "(versions then differ only in apiVersion)",
  );
  const untyped = await cronTabCRD();
  const schema = untyped.spec.versions[0].schema!.openAPIV3Schema as Record<string, unknown>;
  (schema.properties as Record<string, unknown>).spec = { properties: { a: { type: "string" } } };
  await assert.rejects(rt.client.create(CustomResourceDefinition, untyped), isInvalid);
  await assert.rejects(
    rt.client.get(CustomResourceDefinition, "crontabs.stable.example.com"),
    isNotFound,
  );
});

Deno.test("the scale subresource of a custom resource", async () => {
  await using rt = await createRuntime();
  await rt.client.create(CustomResourceDefinition, await cronTabCRD());
  const CronTab = served(rt, "crontabs");
  const [, warmer] = await yamlDocs("crontabs.yaml");
  const made = await rt.client.create(CronTab, warmer);
  await rt.client.status.update(CronTab, {
    ...made,
    status: { replicas: 3, selector: "app=warmer" },
  });
  const scale = await rt.registry.getScale(CronTab, "cache-warmer");
  assert.deepEqual([scale.spec, scale.status], [{ replicas: 3 }, {
    replicas: 3,
    selector: "app=warmer",
  }]);
  await rt.registry.patchScale(CronTab, "cache-warmer", { spec: { replicas: 5 } });
  assert.equal(
    (await rt.client.get(CronTab, "cache-warmer") as KubeObject & { spec: { replicas: number } })
      .spec.replicas,
    5,
  );
  // The object's own validation still applies: the CEL rule refuses more than maxReplicas.
  await assert.rejects(
    rt.registry.patchScale(CronTab, "cache-warmer", { spec: { replicas: 11 } }),
    (err) => /replicas must not exceed maxReplicas/.test(messageOf(err)),
  );
});

Deno.test("CEL rules ratchet: an update that leaves a failing value as it was passes", async () => {
  await using rt = await createRuntime();
  const crd = await cronTabCRD();
  await rt.client.create(CustomResourceDefinition, crd);
  const CronTab = served(rt, "crontabs");
  const made = await rt.client.create(CronTab, {
    metadata: { name: "old" },
    spec: { cronSpec: "* * * * *", image: "legacy:1" },
  });
  // A stricter rule arrives after the object was stored.
  const now = await rt.client.get(CustomResourceDefinition, "crontabs.stable.example.com");
  const spec = now.spec.versions[0].schema!.openAPIV3Schema!.properties as Record<
    string,
    Record<string, unknown>
  >;
  (spec.spec["x-kubernetes-validations"] as unknown[]).push({
    rule: "self.image.startsWith('registry.example.com/')",
    message: "images come from registry.example.com",
  });
  await rt.client.update(CustomResourceDefinition, now);
  const Strict = served(rt, "crontabs");
  // Labels change, spec does not: the failing rule on spec does not refuse it.
  const relabelled = await rt.client.update(Strict, {
    ...made,
    metadata: { ...made.metadata, labels: { team: "x" } },
  });
  assert.deepEqual(relabelled.metadata.labels, { team: "x" });
  // A change of spec meets the rule.
  await assert.rejects(
    rt.client.update(Strict, {
      ...relabelled,
      spec: { ...(relabelled.spec as object), replicas: 2 },
    }),
    (err) =>
      messageOf(err) ===
        'CronTab.stable.example.com "old" is invalid: spec: Invalid value: images come from registry.example.com',
  );
});

Deno.test("without a status subresource, status is written with the object and moves generation", async () => {
  await using rt = await createRuntime();
  const crd = await cronTabCRD();
  crd.spec.versions = [{ ...crd.spec.versions[0], subresources: undefined }];
  crd.spec.versions[0].additionalPrinterColumns = undefined;
  await rt.client.create(CustomResourceDefinition, crd);
  const CronTab = served(rt, "crontabs");
  assert.equal(CronTab.statusSubresource, false);
  const made = await rt.client.create(CronTab, {
    metadata: { name: "n" },
    spec: { cronSpec: "* * * * *", image: "x" },
    status: { replicas: 1 },
  });
  assert.deepEqual(made.status, { replicas: 1 });
  // kube's strategy: any change outside metadata bumps generation when status is not apart.
  const next = await rt.client.update(CronTab, { ...made, status: { replicas: 2 } });
  assert.equal(next.metadata.generation, 2);
});
