// Black-box tests of the API semantics through the public package entry.
import assert from "node:assert/strict";
import { z } from "zod";
import {
  ApiError,
  ConfigMap,
  createRuntime,
  defineKind,
  FakeClock,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isInvalid,
  isNotFound,
  isRequestEntityTooLarge,
  isResourceExpired,
  type KubeObject,
  Namespace,
  type Runtime,
  Secret,
  ServiceAccount,
  type Status,
  type WatchEvent,
} from "@k1s/k1s";

const Item = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Item",
  shortNames: ["itm"],
  spec: z.object({
    displayName: z.string().optional(),
    quantity: z.number().int().min(0).max(10000).default(1),
    category: z.string().optional(),
  }),
  status: z.object({ observed: z.number().optional(), phase: z.string().optional() }),
  selectableFields: ["spec.category"],
  immutableFields: ["spec.category"],
});

const Cluster = defineKind({
  group: "example.com",
  version: "v1",
  kind: "Cluster",
  scope: "Cluster",
  spec: z.object({ size: z.number().int().default(3) }),
});

async function rt(clock?: FakeClock): Promise<Runtime> {
  return await createRuntime({ store: "memory:", kinds: [Item, Cluster], clock });
}

function code(err: unknown): number | undefined {
  return err instanceof ApiError ? err.code : undefined;
}

async function rejectsWith(
  p: Promise<unknown>,
  check: (e: unknown) => boolean,
  message?: string | RegExp,
): Promise<ApiError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ApiError, `expected ApiError, got ${String(caught)}`);
  assert.ok(check(caught), `unexpected error: ${caught.message}`);
  if (typeof message === "string") assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

Deno.test("a new store has the default namespace", async () => {
  await using r = await rt();
  const ns = await r.client.get(Namespace, "default");
  assert.equal(ns.status?.phase, "Active");
  assert.deepEqual(ns.spec?.finalizers, ["kubernetes"]);
  assert.equal(ns.metadata.labels?.["kubernetes.io/metadata.name"], "default");
});

Deno.test("create sets server fields and returns the stored object", async () => {
  const clock = new FakeClock(Date.UTC(2024, 0, 2, 3, 4, 5));
  await using r = await rt(clock);
  const cm = await r.client.create(ConfigMap, {
    metadata: { name: "app", namespace: "default", labels: { app: "web" } },
    data: { a: "1" },
  });
  assert.equal(cm.apiVersion, "v1");
  assert.equal(cm.kind, "ConfigMap");
  assert.match(cm.metadata.uid!, /^[0-9a-f-]{36}$/);
  assert.equal(cm.metadata.creationTimestamp, "2024-01-02T03:04:05Z");
  assert.match(cm.metadata.resourceVersion!, /^\d+$/);
  assert.equal(cm.metadata.generation, undefined);
  const got = await r.client.get(ConfigMap, "app", { namespace: "default" });
  assert.deepEqual(got, cm);
});

Deno.test("create ignores client-set uid, timestamps and status of status-subresource kinds", async () => {
  await using r = await rt();
  const item = await r.client.create(Item, {
    metadata: {
      name: "pen",
      uid: "mine",
      creationTimestamp: "2000-01-01T00:00:00Z",
      deletionTimestamp: "2000-01-01T00:00:00Z",
      generation: 7,
    },
    spec: { quantity: 2 },
    status: { phase: "Faked" },
  });
  assert.notEqual(item.metadata.uid, "mine");
  assert.notEqual(item.metadata.creationTimestamp, "2000-01-01T00:00:00Z");
  assert.equal(item.metadata.deletionTimestamp, undefined);
  assert.equal(item.metadata.generation, 1);
  assert.equal(item.status, undefined);
});

Deno.test("generateName produces a unique name with a random suffix", async () => {
  await using r = await rt();
  const a = await r.client.create(ConfigMap, { metadata: { generateName: "job-" } });
  const b = await r.client.create(ConfigMap, { metadata: { generateName: "job-" } });
  assert.match(a.metadata.name!, /^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.notEqual(a.metadata.name, b.metadata.name);
});

Deno.test("create rejects duplicates, missing and invalid names and leaves the store alone", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "app" } });
  const before = await r.store.currentRevision();
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "app" } }),
    isAlreadyExists,
    'configmaps "app" already exists',
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: {} }),
    isInvalid,
    'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
  );
  const bad = await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "Bad_Name" } }),
    isInvalid,
    /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
  );
  assert.equal(bad.code, 422);
  assert.equal(bad.status.details?.causes?.[0].field, "metadata.name");
  await rejectsWith(
    r.client.create(Namespace, { metadata: { name: "a.b" } }),
    isInvalid,
    /metadata\.name: Invalid value: "a\.b": must not contain dots/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "x".repeat(254) } }),
    isInvalid,
    /must be no more than 253 characters/,
  );
  assert.equal(await r.store.currentRevision(), before);
});

Deno.test("create rejects bad labels, annotations, wrong types and unknown kinds", async () => {
  await using r = await rt();
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "a", labels: { "bad key!": "v" } } }),
    isInvalid,
    /metadata\.labels: Invalid value: "bad key!"/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "a", labels: { k: "v".repeat(64) } } }),
    isInvalid,
    /must be no more than 63 characters/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, {
      metadata: { name: "a", annotations: { big: "x".repeat(256 * 1024) } },
    }),
    isInvalid,
    /metadata\.annotations: Too long: may not be more than 262144 bytes/,
  );
  await rejectsWith(
    r.client.create(Item, {
      metadata: { name: "a" },
      spec: { quantity: "many" as unknown as number },
    }),
    isInvalid,
    'Item.inventory.k1s.dev "a" is invalid: spec.quantity: Invalid value: "many": must be of type number',
  );
  await rejectsWith(
    r.client.create(Item, { metadata: { name: "a" }, spec: { quantity: 10001 } }),
    isInvalid,
    /spec\.quantity: Invalid value: 10001: must be less than or equal to 10000/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, { apiVersion: "v2", metadata: { name: "a" } } as never),
    isBadRequest,
    "the API version in the data (v2) does not match the expected API version (v1)",
  );
  const Unknown = defineKind({
    group: "x.example.com",
    version: "v1",
    kind: "Unknown",
    spec: z.object({}),
  });
  const e = await rejectsWith(
    r.client.create(Unknown, { metadata: { name: "a" }, spec: {} }),
    isNotFound,
    "the server could not find the requested resource",
  );
  assert.equal(e.code, 404);
  assert.equal((await r.client.list(ConfigMap)).items.length, 0);
});

Deno.test("oversized objects are refused with 413 and nothing stored", async () => {
  await using r = await createRuntime({ store: "memory:", maxObjectBytes: 10_000 });
  const err = await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "big" }, data: { a: "x".repeat(20_000) } }),
    isRequestEntityTooLarge,
    "Request entity too large: limit is 10000",
  );
  assert.equal(err.code, 413);
  await rejectsWith(r.client.get(ConfigMap, "big"), isNotFound);
});

Deno.test("namespaced objects need an existing, active namespace", async () => {
  await using r = await rt();
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "a", namespace: "nope" } }),
    isNotFound,
    'namespaces "nope" not found',
  );
  await r.client.create(Namespace, { metadata: { name: "team" } });
  await r.client.create(ConfigMap, { metadata: { name: "a", namespace: "team" } });
  const ns = await r.client.delete(Namespace, "team");
  assert.equal(ns.status?.phase, "Terminating");
  assert.ok(ns.metadata.deletionTimestamp);
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "b", namespace: "team" } }),
    isForbidden,
    'configmaps "b" is forbidden: unable to create new content in namespace team because it is being terminated',
  );
  await rejectsWith(
    r.client.delete(Namespace, "default"),
    isForbidden,
    'namespaces "default" is forbidden: this namespace may not be deleted',
  );
});

Deno.test("a namespace goes away once its spec finalizers are removed", async () => {
  await using r = await rt();
  await r.client.create(Namespace, { metadata: { name: "tmp" } });
  await r.client.delete(Namespace, "tmp");
  const ns = await r.client.get(Namespace, "tmp");
  await r.registry.update(Namespace, { ...ns, spec: { finalizers: [] } }, {
    subresource: "finalize",
  });
  await rejectsWith(r.client.get(Namespace, "tmp"), isNotFound);
  // A namespace whose metadata finalizer holds it stays until that one goes, then a delete removes it.
  await r.client.create(Namespace, { metadata: { name: "held", finalizers: ["example.com/x"] } });
  await r.client.delete(Namespace, "held");
  const held = await r.client.get(Namespace, "held");
  await r.registry.update(Namespace, { ...held, spec: { finalizers: [] } }, {
    subresource: "finalize",
  });
  const still = await r.client.delete(Namespace, "held");
  assert.deepEqual(still.metadata.finalizers, ["example.com/x"]);
  await r.client.patch(Namespace, "held", { metadata: { finalizers: null } });
  await rejectsWith(r.client.get(Namespace, "held"), isNotFound);
});

Deno.test("namespace mismatch between request and object is a BadRequest", async () => {
  await using r = await rt();
  await r.client.create(Namespace, { metadata: { name: "other" } });
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "a", namespace: "other" } }, {
      namespace: "default",
    }),
    isBadRequest,
    "the namespace of the provided object does not match the namespace sent on the request",
  );
});

Deno.test("cluster-scoped kinds ignore namespaces", async () => {
  await using r = await rt();
  const c = await r.client.create(Cluster, {
    metadata: { name: "c1", namespace: "default" },
    spec: {},
  });
  assert.equal(c.metadata.namespace, undefined);
  assert.equal(c.spec.size, 3);
  assert.equal((await r.client.get(Cluster, "c1")).metadata.name, "c1");
});

Deno.test("update: stale resourceVersion conflicts, unconditional update wins", async () => {
  await using r = await rt();
  const cm = await r.client.create(ConfigMap, { metadata: { name: "a" }, data: { v: "1" } });
  const fresh = await r.client.update(ConfigMap, { ...cm, data: { v: "2" } });
  assert.ok(Number(fresh.metadata.resourceVersion) > Number(cm.metadata.resourceVersion));
  await rejectsWith(
    r.client.update(ConfigMap, { ...cm, data: { v: "3" } }),
    isConflict,
    'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
  );
  assert.equal((await r.client.get(ConfigMap, "a")).data?.v, "2");
  const { resourceVersion: _rv, ...meta } = cm.metadata;
  const un = await r.client.update(ConfigMap, { ...cm, metadata: meta, data: { v: "4" } });
  assert.equal(un.data?.v, "4");
  assert.equal(un.metadata.uid, cm.metadata.uid);
  assert.equal(un.metadata.creationTimestamp, cm.metadata.creationTimestamp);
});

Deno.test("update of a missing object is NotFound; immutable metadata stays", async () => {
  await using r = await rt();
  await rejectsWith(
    r.client.update(ConfigMap, { metadata: { name: "ghost" } }),
    isNotFound,
    'configmaps "ghost" not found',
  );
  const cm = await r.client.create(ConfigMap, { metadata: { name: "a" } });
  // A uid in the body is a precondition (409, retryable), as kube-apiserver's update.
  const err = await rejectsWith(
    r.client.update(ConfigMap, { ...cm, metadata: { ...cm.metadata, uid: "other" } }),
    isConflict,
    `Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: other, UID in object meta: ${cm.metadata.uid}`,
  );
  assert.equal(err.code, 409);
  // A patch cannot change it either.
  await rejectsWith(
    r.client.patch(ConfigMap, "a", { metadata: { uid: "other" } }),
    isInvalid,
    /metadata\.uid: Invalid value: "other": field is immutable/,
  );
  assert.equal(
    (await r.client.get(ConfigMap, "a")).metadata.resourceVersion,
    cm.metadata.resourceVersion,
  );
});

Deno.test("generation moves on spec changes only; status subresource rules", async () => {
  await using r = await rt();
  const it = await r.client.create(Item, { metadata: { name: "pen" }, spec: { quantity: 1 } });
  const labelled = await r.client.update(Item, {
    ...it,
    metadata: { ...it.metadata, labels: { a: "b" } },
  });
  assert.equal(labelled.metadata.generation, 1);
  const reordered = await r.client.update(Item, {
    ...labelled,
    spec: { category: labelled.spec.category, quantity: labelled.spec.quantity },
  });
  assert.equal(reordered.metadata.generation, 1);
  const bumped = await r.client.update(Item, { ...labelled, spec: { quantity: 5 } });
  assert.equal(bumped.metadata.generation, 2);
  // main update cannot change status
  const noStatus = await r.client.update(Item, { ...bumped, status: { phase: "Ready" } });
  assert.equal(noStatus.status, undefined);
  assert.equal(noStatus.metadata.resourceVersion, bumped.metadata.resourceVersion);
  // status update changes only status
  const st = await r.client.status.update(Item, {
    ...bumped,
    spec: { quantity: 99, displayName: "changed" },
    metadata: { ...bumped.metadata, labels: { x: "y" } },
    status: { phase: "Ready", observed: 2 },
  });
  assert.equal(st.status?.phase, "Ready");
  assert.equal(st.spec.quantity, 5);
  assert.deepEqual(st.metadata.labels, { a: "b" });
  assert.equal(st.metadata.generation, 2);
  const main = await r.client.update(Item, { ...st, spec: { quantity: 6 }, status: undefined });
  assert.equal(main.status?.phase, "Ready");
  await rejectsWith(
    r.client.status.update(ConfigMap, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x" },
    }),
    isNotFound,
  );
});

Deno.test("an update that changes nothing keeps the resourceVersion and emits no event", async () => {
  await using r = await rt();
  const cm = await r.client.create(ConfigMap, {
    metadata: { name: "a" },
    data: { x: "1", y: "2" },
  });
  const ac = new AbortController();
  const events: WatchEvent[] = [];
  const watching = (async () => {
    for await (
      const ev of r.client.watch(ConfigMap, {
        resourceVersion: cm.metadata.resourceVersion,
        signal: ac.signal,
      })
    ) events.push(ev);
  })();
  const same = await r.client.update(ConfigMap, { ...cm, data: { y: "2", x: "1" } });
  assert.equal(same.metadata.resourceVersion, cm.metadata.resourceVersion);
  const patched = await r.client.patch(ConfigMap, "a", { data: { x: "1" } });
  assert.equal(patched.metadata.resourceVersion, cm.metadata.resourceVersion);
  const changed = await r.client.patch(ConfigMap, "a", { data: { x: "9" } });
  await new Promise((res) => setTimeout(res, 20));
  ac.abort();
  await watching;
  assert.deepEqual(events.map((e) => [e.type, e.object.metadata.resourceVersion]), [
    ["MODIFIED", changed.metadata.resourceVersion],
  ]);
});

Deno.test("ConfigMap and Secret rules: immutable, keys, stringData, base64", async () => {
  await using r = await rt();
  const cm = await r.client.create(ConfigMap, {
    metadata: { name: "frozen" },
    data: { a: "1" },
    immutable: true,
  });
  await rejectsWith(
    r.client.update(ConfigMap, { ...cm, data: { a: "2" } }),
    isInvalid,
    /data: Forbidden: field is immutable when `immutable` is set/,
  );
  await rejectsWith(
    r.client.patch(ConfigMap, "frozen", { immutable: false }),
    isInvalid,
    /immutable: Forbidden: field is immutable when `immutable` is set/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "k" }, data: { "bad/key": "x" } }),
    isInvalid,
    /data\[bad\/key\]: Invalid value: "bad\/key": a valid config key must consist of alphanumeric characters/,
  );
  const s = await r.client.create(Secret, {
    metadata: { name: "s" },
    stringData: { password: "héllo" },
    data: { user: btoa("admin") },
  });
  assert.equal(s.type, "Opaque");
  assert.equal(s.stringData, undefined);
  assert.equal(s.data?.user, btoa("admin"));
  assert.equal(
    new TextDecoder().decode(Uint8Array.from(atob(s.data!.password), (c) => c.charCodeAt(0))),
    "héllo",
  );
  await rejectsWith(
    r.client.create(Secret, { metadata: { name: "b" }, data: { x: "not base64!" } }),
    isBadRequest, // Go's decoder refuses it before validation, as kube-apiserver does
    /cannot be handled as a Secret: illegal base64 data at input byte 3/,
  );
  await rejectsWith(
    r.client.create(Secret, { metadata: { name: "t" }, type: "kubernetes.io/tls", data: {} }),
    isInvalid,
    /data\[tls\.crt\]: Required value/,
  );
  await rejectsWith(
    r.client.update(Secret, { ...s, type: "kubernetes.io/basic-auth" }),
    isInvalid,
    /type: Invalid value: "kubernetes.io\/basic-auth": field is immutable/,
  );
});

Deno.test("finalizers: delete marks, removing the last finalizer deletes", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "f", finalizers: ["example.com/hold"] } });
  const marked = await r.client.delete(ConfigMap, "f");
  assert.ok(marked.metadata.deletionTimestamp);
  assert.deepEqual(marked.metadata.finalizers, ["example.com/hold"]);
  const still = await r.client.get(ConfigMap, "f");
  assert.ok(still.metadata.deletionTimestamp);
  await rejectsWith(
    r.client.update(ConfigMap, {
      ...still,
      metadata: { ...still.metadata, finalizers: ["example.com/hold", "example.com/new"] },
    }),
    isInvalid,
    /no new finalizers can be added if the object is being deleted/,
  );
  await r.client.update(ConfigMap, { ...still, metadata: { ...still.metadata, finalizers: [] } });
  await rejectsWith(r.client.get(ConfigMap, "f"), isNotFound);
});

Deno.test("delete propagation policies add the orphan / foregroundDeletion finalizers", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "o" } });
  const o = await r.client.delete(ConfigMap, "o", { propagationPolicy: "Orphan" });
  assert.deepEqual(o.metadata.finalizers, ["orphan"]);
  await r.client.create(ConfigMap, { metadata: { name: "g" } });
  const g = await r.client.delete(ConfigMap, "g", { propagationPolicy: "Foreground" });
  assert.deepEqual(g.metadata.finalizers, ["foregroundDeletion"]);
  await r.client.create(ConfigMap, { metadata: { name: "b" } });
  await r.client.delete(ConfigMap, "b", { propagationPolicy: "Background" });
  await rejectsWith(r.client.get(ConfigMap, "b"), isNotFound);
});

Deno.test("delete preconditions on uid and resourceVersion", async () => {
  await using r = await rt();
  const cm = await r.client.create(ConfigMap, { metadata: { name: "p" } });
  await rejectsWith(
    r.client.delete(ConfigMap, "p", { preconditions: { uid: "nope" } }),
    isConflict,
    `Operation cannot be fulfilled on configmaps "p": Precondition failed: UID in precondition: nope, UID in object meta: ${cm.metadata.uid}`,
  );
  await rejectsWith(
    r.client.delete(ConfigMap, "p", { preconditions: { resourceVersion: "1" } }),
    isConflict,
    /Precondition failed: ResourceVersion in precondition: 1/,
  );
  const gone = await r.client.delete(ConfigMap, "p", {
    preconditions: { uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion },
  });
  assert.equal(gone.metadata.name, "p");
  await rejectsWith(r.client.delete(ConfigMap, "p"), isNotFound, 'configmaps "p" not found');
});

Deno.test("dry-run runs every check but stores nothing", async () => {
  await using r = await rt();
  const rev = await r.store.currentRevision();
  const cm = await r.client.create(ConfigMap, { metadata: { name: "d" } }, { dryRun: true });
  assert.ok(cm.metadata.uid);
  assert.equal(cm.metadata.resourceVersion, undefined);
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "D" } }, { dryRun: true }),
    isInvalid,
  );
  assert.equal(await r.store.currentRevision(), rev);
  await rejectsWith(r.client.get(ConfigMap, "d"), isNotFound);
  const real = await r.client.create(ConfigMap, { metadata: { name: "d" } });
  await r.client.patch(ConfigMap, "d", { data: { a: "b" } }, { dryRun: true });
  await r.client.delete(ConfigMap, "d", { dryRun: true });
  const after = await r.client.get(ConfigMap, "d");
  assert.deepEqual(after, real);
});

Deno.test("patch: merge, json (all ops), strategic, preconditions", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, {
    metadata: { name: "p", labels: { a: "1", b: "2" } },
    data: { x: "1" },
  });
  const merged = await r.client.patch(ConfigMap, "p", {
    metadata: { labels: { b: null, c: "3" } },
    data: { y: "2" },
  });
  assert.deepEqual(merged.metadata.labels, { a: "1", c: "3" });
  assert.deepEqual(merged.data, { x: "1", y: "2" });
  const json = await r.client.patch(ConfigMap, "p", [
    { op: "test", path: "/data/x", value: "1" },
    { op: "add", path: "/data/z", value: "3" },
    { op: "remove", path: "/data/y" },
    { op: "replace", path: "/data/x", value: "10" },
    { op: "copy", from: "/data/x", path: "/data/copy" },
    { op: "move", from: "/data/z", path: "/data/moved" },
  ], { type: "json" });
  assert.deepEqual(json.data, { x: "10", copy: "10", moved: "3" });
  const before = json.metadata.resourceVersion;
  await rejectsWith(
    r.client.patch(ConfigMap, "p", [{ op: "test", path: "/data/x", value: "nope" }], {
      type: "json",
    }),
    (e) => code(e) === 422,
  );
  assert.equal((await r.client.get(ConfigMap, "p")).metadata.resourceVersion, before);
  await rejectsWith(
    r.client.patch(ConfigMap, "p", { metadata: { resourceVersion: "1" }, data: { q: "1" } }),
    isConflict,
  );
  await rejectsWith(r.client.patch(ConfigMap, "p", "{not json", { type: "merge" }), isBadRequest);
  await rejectsWith(r.client.patch(ConfigMap, "missing", { data: {} }), isNotFound);
  await r.client.create(ServiceAccount, {
    metadata: { name: "sa", finalizers: ["a.example.com/x"] },
    secrets: [{ name: "one" }],
  });
  const sa = await r.client.patch(ServiceAccount, "sa", {
    metadata: { finalizers: ["b.example.com/y"] },
    secrets: [{ name: "two" }],
  }, { type: "strategic" });
  assert.deepEqual(sa.secrets, [{ name: "two" }, { name: "one" }]);
  assert.deepEqual(sa.metadata.finalizers, ["b.example.com/y", "a.example.com/x"]);
  await rejectsWith(
    r.client.patch(Item, "x", {}, { type: "strategic" }),
    (e) => code(e) === 415,
  );
  // A patch producing an invalid object is refused and leaves data untouched.
  await rejectsWith(
    r.client.patch(ConfigMap, "p", { metadata: { labels: { "no way": "x" } } }),
    isInvalid,
  );
  assert.equal((await r.client.get(ConfigMap, "p")).metadata.resourceVersion, before);
});

Deno.test("status patch only touches status", async () => {
  await using r = await rt();
  await r.client.create(Item, { metadata: { name: "i" }, spec: { quantity: 3 } });
  const p = await r.client.status.patch(Item, "i", {
    status: { phase: "Ok" },
    spec: { quantity: 7 },
  });
  assert.equal(p.status?.phase, "Ok");
  assert.equal(p.spec.quantity, 3);
});

Deno.test("list: label and field selectors, namespaces, paging", async () => {
  await using r = await rt();
  await r.client.create(Namespace, { metadata: { name: "b" } });
  for (let i = 0; i < 25; i++) {
    await r.client.create(Item, {
      metadata: {
        name: `item-${String(i).padStart(2, "0")}`,
        namespace: i % 2 ? "b" : "default",
        labels: { tier: i % 3 === 0 ? "gold" : "silver", n: String(i) },
      },
      spec: { category: i < 5 ? "pens" : "paper" },
    });
  }
  const all = await r.client.list(Item);
  assert.equal(all.items.length, 25);
  assert.equal(all.kind, "ItemList");
  assert.equal(all.apiVersion, "inventory.k1s.dev/v1alpha1");
  assert.equal(all.metadata.resourceVersion, String(await r.store.currentRevision()));
  assert.equal((await r.client.list(Item, { namespace: "b" })).items.length, 12);
  const gold = await r.client.list(Item, { labelSelector: "tier=gold" });
  assert.equal(gold.items.length, 9);
  const notin = await r.client.list(Item, { labelSelector: "tier notin (gold),n in (1,2,4)" });
  assert.deepEqual(notin.items.map((i) => i.metadata.labels!.n).sort(), ["1", "2", "4"]);
  assert.equal(
    (await r.client.list(Item, { labelSelector: { matchLabels: { tier: "gold" } } })).items.length,
    9,
  );
  assert.equal(
    (await r.client.list(Item, {
      labelSelector: { matchExpressions: [{ key: "n", operator: "In", values: ["3", "5"] }] },
    })).items.length,
    2,
  );
  assert.equal(
    (await r.client.list(Item, { fieldSelector: "spec.category=pens" })).items.length,
    5,
  );
  assert.equal(
    (await r.client.list(Item, { fieldSelector: "metadata.name=item-03" })).items[0].metadata.name,
    "item-03",
  );
  assert.equal(
    (await r.client.list(Item, { fieldSelector: "metadata.namespace!=b" })).items.length,
    13,
  );
  await rejectsWith(
    r.client.list(Item, { fieldSelector: "spec.quantity=1" }),
    isBadRequest,
    "field label not supported: spec.quantity",
  );
  await rejectsWith(r.client.list(Item, { labelSelector: "tier in (gold" }), isBadRequest);
  await rejectsWith(r.client.list(Item, { labelSelector: "=x" }), isBadRequest);
  // Paging with and without selectors: no duplicates, no skips.
  for (const labelSelector of [undefined, "tier=silver"]) {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await r.client.list(Item, { limit: 4, continue: token, labelSelector });
      assert.ok(page.items.length <= 4);
      seen.push(...page.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`));
      token = page.metadata.continue;
      pages++;
    } while (token);
    const expected = (await r.client.list(Item, { labelSelector })).items.map((i) =>
      `${i.metadata.namespace}/${i.metadata.name}`
    );
    assert.deepEqual(seen, expected);
    assert.ok(pages > 1);
  }
  await rejectsWith(r.client.list(Item, { continue: "garbage!" }), isBadRequest);
});

Deno.test("list with a continue token older than the compaction point is 410 Expired", async () => {
  await using r = await rt();
  for (let i = 0; i < 5; i++) await r.client.create(ConfigMap, { metadata: { name: `c${i}` } });
  const page = await r.client.list(ConfigMap, { limit: 2 });
  for (let i = 0; i < 5; i++) await r.client.patch(ConfigMap, `c${i}`, { data: { a: "b" } });
  await r.store.compact(await r.store.currentRevision());
  const err = await rejectsWith(
    r.client.list(ConfigMap, { limit: 2, continue: page.metadata.continue }),
    isResourceExpired,
  );
  assert.equal(err.code, 410);
});

async function collect<T extends KubeObject>(
  it: AsyncIterable<WatchEvent<T>>,
  n: number,
): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  for await (const ev of it) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

Deno.test("watch without a resourceVersion starts with ADDED events for current objects", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "a" } });
  await r.client.create(ConfigMap, { metadata: { name: "b" } });
  const w = r.client.watch(ConfigMap, {
    allowWatchBookmarks: true,
    sendInitialEvents: true,
    resourceVersionMatch: "NotOlderThan",
  });
  const p = collect(w, 4);
  const first = await collect(r.client.watch(ConfigMap), 2);
  assert.deepEqual(first.map((e) => [e.type, e.object.metadata.name]), [["ADDED", "a"], [
    "ADDED",
    "b",
  ]]);
  await r.client.create(ConfigMap, { metadata: { name: "c" } });
  const evs = await p;
  assert.deepEqual(evs.map((e) => e.type), ["ADDED", "ADDED", "BOOKMARK", "ADDED"]);
  assert.equal(evs[2].object.metadata.annotations?.["k8s.io/initial-events-end"], "true");
  assert.equal(evs[3].object.metadata.name, "c");
});

Deno.test("watch from a resourceVersion: ordered events, DELETED with last state", async () => {
  await using r = await rt();
  const a = await r.client.create(ConfigMap, { metadata: { name: "a" } });
  const w = r.client.watch(ConfigMap, { resourceVersion: a.metadata.resourceVersion });
  const p = collect(w, 3);
  const b = await r.client.create(ConfigMap, { metadata: { name: "b" } });
  const a2 = await r.client.patch(ConfigMap, "a", { data: { k: "v" } });
  const del = await r.client.delete(ConfigMap, "b");
  const evs = await p;
  assert.deepEqual(
    evs.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion]),
    [
      ["ADDED", "b", b.metadata.resourceVersion],
      ["MODIFIED", "a", a2.metadata.resourceVersion],
      ["DELETED", "b", del.metadata.resourceVersion],
    ],
  );
});

Deno.test("watch with selectors reports objects leaving the selector as DELETED", async () => {
  await using r = await rt();
  const rv = String(await r.store.currentRevision());
  const w = r.client.watch(ConfigMap, { labelSelector: "app=web", resourceVersion: rv });
  const p = collect(w, 3);
  await r.client.create(ConfigMap, { metadata: { name: "other", labels: { app: "db" } } });
  await r.client.create(ConfigMap, { metadata: { name: "x", labels: { app: "web" } } });
  await r.client.patch(ConfigMap, "x", { metadata: { labels: { app: "db" } } });
  await r.client.patch(ConfigMap, "other", { metadata: { labels: { app: "web" } } });
  const evs = await p;
  assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name]), [
    ["ADDED", "x"],
    ["DELETED", "x"],
    ["ADDED", "other"],
  ]);
});

Deno.test("watch from a compacted resourceVersion ends with a 410 Expired ERROR event", async () => {
  await using r = await rt();
  const a = await r.client.create(ConfigMap, { metadata: { name: "a" } });
  for (let i = 0; i < 3; i++) await r.client.patch(ConfigMap, "a", { data: { i: String(i) } });
  await r.store.compact(await r.store.currentRevision());
  const [ev] = await collect(
    r.client.watch(ConfigMap, { resourceVersion: a.metadata.resourceVersion }),
    1,
  );
  assert.equal(ev.type, "ERROR");
  const err = new ApiError(ev.object as unknown as Status);
  assert.ok(isResourceExpired(err));
  assert.match(err.message, /^too old resource version: \d+ \(\d+\)$/);
  assert.equal(err.code, 410);
  // An unparsable resourceVersion is the versioner's error, which kube's watch passes on as a 500.
  await rejectsWith(
    collect(r.client.watch(ConfigMap, { resourceVersion: "abc" }), 1),
    (e) => (e as ApiError).code === 500,
  );
});

Deno.test("periodic bookmarks carry the store's newest resourceVersion", async () => {
  await using r = await createRuntime({ store: "memory:", bookmarkIntervalMs: 10 });
  const cm = await r.client.create(ConfigMap, { metadata: { name: "a" } });
  const watching = collect(
    r.client.watch(ConfigMap, {
      resourceVersion: cm.metadata.resourceVersion,
      allowWatchBookmarks: true,
    }),
    1,
  );
  // A write of another kind moves the store on; the bookmark says so.
  const ns = await r.client.create(Namespace, { metadata: { name: "elsewhere" } });
  const evs = await watching;
  assert.equal(evs[0].type, "BOOKMARK");
  assert.equal(evs[0].object.metadata.resourceVersion, ns.metadata.resourceVersion);
});

Deno.test("deleteCollection deletes what the selector matches", async () => {
  await using r = await rt();
  for (const [n, l] of [["a", "x"], ["b", "x"], ["c", "y"]]) {
    await r.client.create(ConfigMap, { metadata: { name: n, labels: { g: l } } });
  }
  const gone = await r.client.deleteCollection(ConfigMap, { labelSelector: "g=x" });
  assert.deepEqual(gone.items.map((i) => i.metadata.name), ["a", "b"]);
  assert.deepEqual((await r.client.list(ConfigMap)).items.map((i) => i.metadata.name), ["c"]);
});

Deno.test("kinds can be registered while running", async () => {
  await using r = await createRuntime({ store: "memory:" });
  await rejectsWith(r.client.list(Item), isNotFound);
  r.registerKind(Item);
  await r.client.create(Item, { metadata: { name: "late" }, spec: {} });
  assert.equal((await r.client.list(Item)).items.length, 1);
  assert.equal(r.scheme.resolve("itm")?.kind, "Item");
});

Deno.test("managedFields written by clients are kept", async () => {
  await using r = await rt();
  const mf = [{
    manager: "kubectl",
    operation: "Update",
    apiVersion: "v1",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:data": {} },
  }];
  const cm = await r.client.create(ConfigMap, { metadata: { name: "m", managedFields: mf } });
  assert.deepEqual(cm.metadata.managedFields, mf);
  const up = await r.client.update(ConfigMap, {
    ...cm,
    metadata: { ...cm.metadata, managedFields: undefined },
    data: { a: "b" },
  });
  assert.deepEqual(up.metadata.managedFields, mf);
});

Deno.test("tenants of one store do not see each other", async () => {
  const { openMemoryStore } = await import("@k1s/k1s/storage/memory");
  const store = openMemoryStore();
  await using a = await createRuntime({ store, tenant: "alpha" });
  await using b = await createRuntime({ store, tenant: "beta" });
  await a.client.create(ConfigMap, { metadata: { name: "only-a" } });
  assert.equal((await b.client.list(ConfigMap)).items.length, 0);
  await rejectsWith(b.client.get(ConfigMap, "only-a"), isNotFound);
  assert.equal((await a.client.list(ConfigMap)).items.length, 1);
});

Deno.test("malformed bodies get clear errors and store nothing", async () => {
  await using r = await rt();
  const rev = await r.store.currentRevision();
  await rejectsWith(
    r.client.create(ConfigMap, null as never),
    isBadRequest,
    "the body of the request must be a ConfigMap object",
  );
  await rejectsWith(
    r.client.create(ConfigMap, [] as never),
    isBadRequest,
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: "app" } as never),
    isInvalid,
    /metadata: Invalid value: "app": must be of type object/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, {
      metadata: { name: "a", labels: "app=web", finalizers: "x", generation: "1" },
    } as never),
    isInvalid,
    'ConfigMap "a" is invalid: [metadata.generation: Invalid value: "1": must be of type integer, ' +
      'metadata.labels: Invalid value: "app=web": must be of type object of strings, ' +
      'metadata.finalizers: Invalid value: "x": must be of type array of strings]',
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: 7 } } as never),
    isInvalid,
    /metadata\.name: Invalid value: 7: must be of type string/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "a", ownerReferences: [1] } } as never),
    isInvalid,
    /metadata\.ownerReferences: Invalid value: \[1\]: must be of type array of objects/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "a" }, data: { k: 1 } } as never),
    isBadRequest,
    // A built-in kind's wrong type is the Go decoder's error, as kube-apiserver reports it.
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number ' +
      "into Go struct field ConfigMap.data of type string",
  );
  await rejectsWith(
    r.client.create(ConfigMap, { kind: "Secret", metadata: { name: "a" } } as never),
    isBadRequest,
    "the kind in the data (Secret) does not match the expected kind (ConfigMap)",
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "a", resourceVersion: "5" } }),
    isBadRequest,
    "resourceVersion should not be set on objects to be created",
  );
  await r.client.create(ConfigMap, { metadata: { name: "ok" } });
  await rejectsWith(
    r.client.patch(ConfigMap, "ok", { op: "add" }, { type: "json" }),
    isBadRequest,
  );
  await rejectsWith(
    r.client.patch(ConfigMap, "ok", [{ op: "frobnicate", path: "/data" }], { type: "json" }),
    (e) => code(e) === 400 || code(e) === 422,
  );
  await rejectsWith(
    r.client.patch(ConfigMap, "ok", { metadata: { name: "renamed" } }),
    isBadRequest,
  );
  // As kube-apiserver, a negative limit lists everything; a fractional one is refused.
  assert.equal(
    (await r.client.list(ConfigMap, { limit: -1 })).items.length,
    (await r.client.list(ConfigMap)).items.length,
  );
  await rejectsWith(r.client.list(ConfigMap, { limit: 1.5 }), isBadRequest);
  await rejectsWith(
    r.client.patch(ConfigMap, "ok", {}, { type: "apply" as never }),
    (e) => code(e) === 415,
  );
  assert.equal(await r.store.currentRevision(), rev + 1);
});

Deno.test("Events and ServiceAccounts follow core/v1 rules", async () => {
  await using r = await rt();
  const { Event } = await import("@k1s/k1s");
  await r.client.create(Namespace, { metadata: { name: "other" } });
  await rejectsWith(
    r.client.create(Event, {
      metadata: { name: "e1" },
      involvedObject: { kind: "ConfigMap", name: "app", namespace: "other" },
    }),
    isInvalid,
    /involvedObject\.namespace: Invalid value: "other": does not match event\.namespace/,
  );
  await rejectsWith(
    r.client.create(Event, {
      metadata: { name: "e1" },
      involvedObject: { kind: "ConfigMap", name: "app" },
      type: "Fatal",
    }),
    isInvalid,
    /type: Unsupported value: "Fatal": supported values: "Normal", "Warning"/,
  );
  for (const [name, obj] of [["e1", "app"], ["e2", "db"]]) {
    await r.client.create(Event, {
      metadata: { name },
      involvedObject: { kind: "ConfigMap", name: obj, namespace: "default" },
      reason: "Synced",
      type: "Normal",
      count: 1,
    });
  }
  const evs = await r.client.list(Event, { fieldSelector: "involvedObject.name=db,type=Normal" });
  assert.deepEqual(evs.items.map((e) => e.metadata.name), ["e2"]);
  const sa = await r.client.create(ServiceAccount, {
    metadata: { name: "builder" },
    automountServiceAccountToken: false,
  });
  assert.equal(sa.automountServiceAccountToken, false);
  assert.equal(r.scheme.resolve("sa")?.kind, "ServiceAccount");
  assert.equal(r.scheme.resolve("ev")?.kind, "Event");
});

Deno.test("history is compacted automatically, and can be turned off", async () => {
  await using bounded = await createRuntime({
    store: "memory:",
    compaction: { retainRevisions: 5 },
  });
  const first = await bounded.client.create(ConfigMap, { metadata: { name: "a" } });
  for (let i = 0; i < 30; i++) {
    await bounded.client.patch(ConfigMap, "a", { data: { i: String(i) } });
  }
  assert.ok(await bounded.store.compactedRevision() > Number(first.metadata.resourceVersion));
  const [expired] = await collect(
    bounded.client.watch(ConfigMap, { resourceVersion: first.metadata.resourceVersion }),
    1,
  );
  assert.equal(expired.type, "ERROR");
  assert.equal((expired.object as unknown as Status).code, 410);
  await using unbounded = await createRuntime({ store: "memory:", compaction: false });
  for (let i = 0; i < 30; i++) {
    await unbounded.client.create(ConfigMap, { metadata: { name: `c${i}` } });
  }
  assert.equal(await unbounded.store.compactedRevision(), 0);
  // Explicit compaction keeps the newest revisions watchable.
  const kept = await unbounded.compact(10);
  assert.equal(kept, (await unbounded.store.currentRevision()) - 10);
  const evs = await collect(
    unbounded.client.watch(ConfigMap, { resourceVersion: String(kept) }),
    10,
  );
  assert.equal(evs.length, 10);
});

Deno.test("fields a kind declares immutable cannot change", async () => {
  await using r = await rt();
  const it = await r.client.create(Item, { metadata: { name: "i" }, spec: { category: "pens" } });
  await rejectsWith(
    r.client.update(Item, { ...it, spec: { ...it.spec, category: "paper" } }),
    isInvalid,
    'Item.inventory.k1s.dev "i" is invalid: spec.category: Invalid value: "paper": field is immutable',
  );
  await rejectsWith(
    r.client.patch(Item, "i", [{ op: "remove", path: "/spec/category" }], { type: "json" }),
    isInvalid,
    /spec\.category: Invalid value: null: field is immutable/,
  );
  const ok = await r.client.patch(Item, "i", { spec: { quantity: 4 } });
  assert.equal(ok.spec.category, "pens");
  assert.equal(ok.spec.quantity, 4);
});

Deno.test("changes reads what happened between two resourceVersions without waiting", async () => {
  await using r = await rt();
  await r.client.create(ConfigMap, { metadata: { name: "a" } });
  const from = String(await r.store.currentRevision());
  await r.client.create(ConfigMap, { metadata: { name: "b" } });
  const a2 = await r.client.patch(ConfigMap, "a", { data: { k: "v" } });
  await r.client.create(Secret, { metadata: { name: "s" } });
  await r.client.delete(ConfigMap, "b");
  const evs = await r.registry.changes(ConfigMap, { fromResourceVersion: from });
  assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name]), [
    ["ADDED", "b"],
    ["MODIFIED", "a"],
    ["DELETED", "b"],
  ]);
  assert.equal(evs[1].oldObject?.data, undefined);
  assert.equal(evs[1].object.metadata.resourceVersion, a2.metadata.resourceVersion);
  const upTo = await r.registry.changes(ConfigMap, {
    fromResourceVersion: from,
    toResourceVersion: a2.metadata.resourceVersion,
  });
  assert.equal(upTo.length, 2);
  await r.store.compact(await r.store.currentRevision());
  await rejectsWith(
    r.registry.changes(ConfigMap, { fromResourceVersion: from }),
    isResourceExpired,
  );
});

Deno.test("admission rules may read other objects and refuse with 403", async () => {
  const Shelf = defineKind({
    group: "example.com",
    version: "v1",
    kind: "Shelf",
    spec: z.object({}),
  });
  const Book = defineKind({
    group: "example.com",
    version: "v1",
    kind: "Book",
    spec: z.object({ shelf: z.string() }),
    admit: async (book, old, reader) => {
      if (old && old.spec.shelf === book.spec.shelf) return;
      try {
        await reader.get(Shelf, book.spec.shelf, { namespace: book.metadata.namespace });
      } catch {
        return `shelf "${book.spec.shelf}" does not exist`;
      }
    },
  });
  await using r = await createRuntime({ kinds: [Shelf, Book] });
  const rev = await r.store.currentRevision();
  const err = await rejectsWith(
    r.client.create(Book, { metadata: { name: "b" }, spec: { shelf: "top" } }),
    isForbidden,
    'books.example.com "b" is forbidden: shelf "top" does not exist',
  );
  assert.equal(err.code, 403);
  assert.equal(await r.store.currentRevision(), rev);
  await r.client.create(Shelf, { metadata: { name: "top" }, spec: {} });
  const b = await r.client.create(Book, {
    metadata: { name: "b", finalizers: ["x.io/y"] },
    spec: { shelf: "top" },
  });
  await rejectsWith(r.client.patch(Book, "b", { spec: { shelf: "none" } }), isForbidden);
  await r.client.delete(Shelf, "top");
  await r.client.patch(Book, "b", { metadata: { labels: { a: "b" } } }); // shelf unchanged: admitted
  await r.client.delete(Book, "b");
  await r.client.patch(Book, "b", { metadata: { finalizers: null } }); // being deleted: not re-admitted
  await rejectsWith(r.client.get(Book, b.metadata.name!), isNotFound);
});
