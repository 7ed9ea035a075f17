// Writes as kube-apiserver makes them: contention, preconditions, dry-run and
// the metadata rules of updates, on every embedded store.
import assert from "node:assert/strict";
import { z } from "zod";
import {
  ApiError,
  ConfigMap,
  createRuntime,
  defineKind,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isInvalid,
  isNotFound,
  type Runtime,
} from "@k1s/k1s";

const Item = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Item",
  spec: z.object({ quantity: z.number().int().default(1) }),
  status: z.object({ phase: z.string().optional() }),
  admit: (obj) => obj.spec.quantity === 13 ? "thirteen is unlucky" : undefined,
});

async function rejectsWith(
  p: Promise<unknown>,
  check: (e: ApiError) => boolean,
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

const STORES: [string, () => Promise<{ url: string; cleanup(): Promise<void> }>][] = [
  ["memory", () => Promise.resolve({ url: "memory:", cleanup: () => Promise.resolve() })],
  ["sqlite", async () => {
    const dir = await Deno.makeTempDir({ prefix: "k1s-writes-" });
    return { url: `sqlite:${dir}/s.db`, cleanup: () => Deno.remove(dir, { recursive: true }) };
  }],
  ["kv", async () => {
    const dir = await Deno.makeTempDir({ prefix: "k1s-writes-" });
    return { url: `kv:${dir}/s.kv`, cleanup: () => Deno.remove(dir, { recursive: true }) };
  }],
];

for (const [name, make] of STORES) {
  Deno.test(`${name}: 200 concurrent patches and unconditional updates of one object all land`, async () => {
    const { url, cleanup } = await make();
    try {
      await using rt = await createRuntime({ store: url, kinds: [Item] });
      const cm = await rt.client.create(ConfigMap, { metadata: { name: "hot" } });
      const start = Number(cm.metadata.resourceVersion);
      await Promise.all(
        Array.from(
          { length: 200 },
          (_, i) => rt.client.patch(ConfigMap, "hot", { data: { [`k${i}`]: String(i) } }),
        ),
      );
      const patched = await rt.client.get(ConfigMap, "hot");
      assert.equal(Object.keys(patched.data ?? {}).length, 200);
      assert.equal(Number(patched.metadata.resourceVersion), start + 200);
      // Unconditional updates (no resourceVersion): every one applies, in turn.
      const results = await Promise.all(
        Array.from(
          { length: 200 },
          (_, i) =>
            rt.client.update(ConfigMap, { metadata: { name: "hot" }, data: { n: String(i) } }),
        ),
      );
      const rvs = new Set(results.map((r) => r.metadata.resourceVersion));
      assert.equal(rvs.size, 200, "each update wrote its own revision");
      const last = await rt.client.get(ConfigMap, "hot");
      assert.equal(Number(last.metadata.resourceVersion), start + 400);
      // Status patches of a custom kind contend the same way.
      await rt.client.create(Item, { metadata: { name: "it" }, spec: {} });
      await Promise.all(
        Array.from(
          { length: 50 },
          (_, i) => rt.client.status.patch(Item, "it", { status: { phase: `p${i}` } }),
        ),
      );
      const it = await rt.client.get(Item, "it");
      assert.match(it.status?.phase ?? "", /^p\d+$/);
    } finally {
      await cleanup();
    }
  });
}

async function rt(): Promise<Runtime> {
  return await createRuntime({ store: "memory:", kinds: [Item] });
}

Deno.test("an update without resourceVersion is refused for custom kinds, allowed for built-in ones", async () => {
  await using r = await rt();
  const it = await r.client.create(Item, { metadata: { name: "pen" }, spec: { quantity: 1 } });
  for (const resourceVersion of [undefined, "", "0"]) {
    const err = await rejectsWith(
      r.client.update(Item, {
        metadata: { name: "pen", resourceVersion },
        spec: { quantity: 2 },
      }),
      isInvalid,
      'items.inventory.k1s.dev "pen" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    );
    assert.equal(err.code, 422);
    assert.equal(err.status.details?.causes?.[0]?.field, "metadata.resourceVersion");
  }
  // The status subresource follows the same strategy.
  await rejectsWith(
    r.client.status.update(Item, { ...it, metadata: { ...it.metadata, resourceVersion: "" } }),
    isInvalid,
    /must be specified for an update/,
  );
  assert.equal(
    (await r.client.get(Item, "pen")).metadata.resourceVersion,
    it.metadata.resourceVersion,
  );
  // Patches need no resourceVersion.
  assert.equal((await r.client.patch(Item, "pen", { spec: { quantity: 3 } })).spec.quantity, 3);
  // ConfigMaps, like every built-in kind, take unconditional updates, "0" included.
  const cm = await r.client.create(ConfigMap, { metadata: { name: "c" } });
  const u1 = await r.client.update(ConfigMap, { metadata: { name: "c" }, data: { a: "1" } });
  const u2 = await r.client.update(ConfigMap, {
    metadata: { name: "c", resourceVersion: "0" },
    data: { a: "2" },
  });
  assert.ok(Number(u2.metadata.resourceVersion) > Number(u1.metadata.resourceVersion));
  assert.ok(Number(u1.metadata.resourceVersion) > Number(cm.metadata.resourceVersion));
  // A resourceVersion that is not a number is a BadRequest, a stale one a Conflict.
  await rejectsWith(
    r.client.update(ConfigMap, { metadata: { name: "c", resourceVersion: "x1" } }),
    (e) => e.code === 400,
  );
  await rejectsWith(
    r.client.update(ConfigMap, {
      metadata: { name: "c", resourceVersion: cm.metadata.resourceVersion },
    }),
    isConflict,
    'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again',
  );
});

Deno.test("dry-run is a real run without the write", async () => {
  await using r = await rt();
  const cm = await r.client.create(ConfigMap, { metadata: { name: "c" }, data: { a: "1" } });
  const rev = await r.store.currentRevision();
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "c" } }, { dryRun: true }),
    isAlreadyExists,
    'configmaps "c" already exists',
  );
  const fresh = await r.client.create(ConfigMap, { metadata: { name: "d" } }, { dryRun: true });
  assert.equal(fresh.metadata.resourceVersion, undefined);
  assert.ok(fresh.metadata.uid);
  assert.ok(fresh.metadata.creationTimestamp);
  await rejectsWith(
    r.client.update(ConfigMap, { metadata: { name: "c", resourceVersion: "1" } }, { dryRun: true }),
    isConflict,
  );
  await rejectsWith(r.client.delete(ConfigMap, "ghost", { dryRun: true }), isNotFound);
  await rejectsWith(
    r.client.patch(ConfigMap, "ghost", { data: {} }, { dryRun: true }),
    isNotFound,
  );
  // Admission runs too.
  await rejectsWith(
    r.client.create(Item, { metadata: { name: "i" }, spec: { quantity: 13 } }, { dryRun: true }),
    isForbidden,
    /thirteen is unlucky/,
  );
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "x", namespace: "nope" } }, { dryRun: true }),
    isNotFound,
    'namespaces "nope" not found',
  );
  const dryDel = await r.client.delete(ConfigMap, "c", { dryRun: true });
  assert.equal(dryDel.metadata.name, "c");
  const dryUpd = await r.client.update(ConfigMap, { ...cm, data: { a: "2" } }, { dryRun: true });
  assert.equal(dryUpd.data?.a, "2");
  assert.equal(await r.store.currentRevision(), rev, "nothing was written");
  assert.equal((await r.client.get(ConfigMap, "c")).data?.a, "1");
  await rejectsWith(r.client.get(ConfigMap, "d"), isNotFound);
});

Deno.test("metadata rules of updates: server-owned fields, finalizers while deleting", async () => {
  await using r = await rt();
  const cm = await r.client.create(ConfigMap, {
    metadata: { name: "c", finalizers: ["example.com/keep"] },
  });
  // creationTimestamp and generation are the server's: changes are ignored.
  const same = await r.client.update(ConfigMap, {
    ...cm,
    metadata: { ...cm.metadata, creationTimestamp: "2000-01-01T00:00:00Z", generation: 7 },
  });
  assert.equal(same.metadata.creationTimestamp, cm.metadata.creationTimestamp);
  assert.equal(same.metadata.resourceVersion, cm.metadata.resourceVersion, "a no-op");
  // A deletionTimestamp cannot be set by an update.
  await rejectsWith(
    r.client.update(ConfigMap, {
      ...cm,
      metadata: { ...cm.metadata, deletionTimestamp: "2030-01-01T00:00:00Z" },
    }),
    isInvalid,
    /metadata\.deletionTimestamp: Invalid value: .*: field is immutable/,
  );
  const deleting = await r.client.delete(ConfigMap, "c");
  assert.ok(deleting.metadata.deletionTimestamp);
  // Once deleting: no new finalizers, and the deletionTimestamp stays.
  await rejectsWith(
    r.client.patch(ConfigMap, "c", {
      metadata: { finalizers: ["example.com/keep", "b.io/x", "a.io/y"] },
    }),
    isInvalid,
    'ConfigMap "c" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/y", "b.io/x"}',
  );
  const cleared = await r.client.update(ConfigMap, {
    ...deleting,
    metadata: { ...deleting.metadata, deletionTimestamp: undefined },
    data: { a: "1" },
  });
  assert.equal(cleared.metadata.deletionTimestamp, deleting.metadata.deletionTimestamp);
  // Removing the last finalizer completes the delete.
  await r.client.patch(ConfigMap, "c", { metadata: { finalizers: null } });
  await rejectsWith(r.client.get(ConfigMap, "c"), isNotFound);
});

Deno.test("a namespace terminated by another process refuses creates at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-ns-" });
  try {
    const { createRuntimeCore, Namespace } = await import("@k1s/k1s");
    for (const url of [`sqlite:${dir}/s.db`, `kv:${dir}/s.kv`]) {
      await using a = await createRuntimeCore({ store: url });
      await using b = await createRuntimeCore({ store: url });
      await a.registry.create(Namespace, { metadata: { name: "team" } });
      const cm = (name: string) => ({ metadata: { name, namespace: "team" } });
      await a.registry.create(ConfigMap, cm("one")); // a has seen the namespace active
      await b.registry.delete(Namespace, "team"); // its finalizer keeps it, terminating
      await rejectsWith(
        a.registry.create(ConfigMap, cm("two")),
        isForbidden,
        'configmaps "two" is forbidden: unable to create new content in namespace team ' +
          "because it is being terminated",
      );
      await rejectsWith(a.registry.get(ConfigMap, "two", { namespace: "team" }), isNotFound);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("finalizer names are checked as qualified names, reported at metadata.finalizers", async () => {
  await using r = await createRuntime({ store: "memory:" });
  await rejectsWith(
    r.client.create(ConfigMap, { metadata: { name: "f", finalizers: ["ok.io/x", "Bad Name"] } }),
    isInvalid,
    /^ConfigMap "f" is invalid: metadata\.finalizers: Invalid value: "Bad Name": /,
  );
});
