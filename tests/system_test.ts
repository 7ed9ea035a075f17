// Built-in controllers: garbage collection under each propagation policy, namespace lifecycle,
// event expiry. Run the way a CLI runs them (triggered) and the way a service does (start).
import assert from "node:assert/strict";
import { z } from "zod";
import {
  ConfigMap,
  createRuntime,
  defineKind,
  Event,
  FakeClock,
  isNotFound,
  type KubeObject,
  Namespace,
  type Runtime,
  Secret,
  ServiceAccount,
} from "@k1s/k1s";

const Widget = defineKind({
  group: "example.com",
  version: "v1",
  kind: "Widget",
  spec: z.object({ size: z.number().int().default(1) }),
});

function ownedBy(owner: KubeObject, block = false) {
  return [{
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    ...(block ? { blockOwnerDeletion: true } : {}),
  }];
}

async function exists(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function settle(rt: Runtime): Promise<void> {
  const report = await rt.settle();
  assert.ok(report.idle, `not idle: ${report.unfinished.join(", ")}`);
}

Deno.test("background deletion removes dependents whose owners are all gone", async () => {
  await using rt = await createRuntime({ kinds: [Widget] });
  const owner = await rt.client.create(Widget, { metadata: { name: "w" }, spec: {} });
  const other = await rt.client.create(ConfigMap, { metadata: { name: "other" } });
  await rt.client.create(ConfigMap, { metadata: { name: "dep", ownerReferences: ownedBy(owner) } });
  await rt.client.create(Secret, {
    metadata: {
      name: "shared",
      ownerReferences: [
        ...ownedBy(owner),
        ...ownedBy(other).map((r) => ({ ...r, controller: false })),
      ],
    },
  });
  await settle(rt);
  await rt.client.delete(Widget, "w");
  await settle(rt);
  assert.equal(await exists(rt.client.get(ConfigMap, "dep")), false);
  const shared = await rt.client.get(Secret, "shared");
  assert.deepEqual(shared.metadata.ownerReferences?.map((r) => r.name), ["other"]);
});

Deno.test("a dependent created with an owner that does not exist is collected", async () => {
  await using rt = await createRuntime();
  await rt.client.create(ConfigMap, {
    metadata: {
      name: "orphaned",
      ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "ghost", uid: "nope" }],
    },
  });
  await settle(rt);
  assert.equal(await exists(rt.client.get(ConfigMap, "orphaned")), false);
});

Deno.test("foreground deletion deletes blocking dependents first, then the owner", async () => {
  await using rt = await createRuntime({ kinds: [Widget] });
  const owner = await rt.client.create(Widget, { metadata: { name: "w" }, spec: {} });
  const child = await rt.client.create(ConfigMap, {
    metadata: {
      name: "child",
      ownerReferences: ownedBy(owner, true),
      finalizers: ["example.com/hold"],
    },
  });
  await rt.client.create(Secret, {
    metadata: { name: "grandchild", ownerReferences: ownedBy(child, true) },
  });
  await settle(rt);
  const marked = await rt.client.delete(Widget, "w", { propagationPolicy: "Foreground" });
  assert.deepEqual(marked.metadata.finalizers, ["foregroundDeletion"]);
  await settle(rt);
  // The child waits on its own finalizer, so the owner waits too.
  assert.ok((await rt.client.get(Widget, "w")).metadata.deletionTimestamp);
  assert.ok((await rt.client.get(ConfigMap, "child")).metadata.deletionTimestamp);
  assert.equal(await exists(rt.client.get(Secret, "grandchild")), false);
  // Its own dependents are gone, so only the child's own finalizer is left.
  assert.deepEqual((await rt.client.get(ConfigMap, "child")).metadata.finalizers, [
    "example.com/hold",
  ]);
  await rt.client.patch(ConfigMap, "child", { metadata: { finalizers: null } });
  await settle(rt);
  assert.equal(await exists(rt.client.get(ConfigMap, "child")), false);
  assert.equal(await exists(rt.client.get(Widget, "w")), false);
});

Deno.test("orphan deletion removes the owner and keeps dependents without the reference", async () => {
  await using rt = await createRuntime({ kinds: [Widget] });
  const owner = await rt.client.create(Widget, { metadata: { name: "w" }, spec: {} });
  await rt.client.create(ConfigMap, {
    metadata: { name: "kept", ownerReferences: ownedBy(owner) },
  });
  await settle(rt);
  await rt.client.delete(Widget, "w", { propagationPolicy: "Orphan" });
  await settle(rt);
  assert.equal(await exists(rt.client.get(Widget, "w")), false);
  const kept = await rt.client.get(ConfigMap, "kept");
  assert.equal(kept.metadata.ownerReferences, undefined);
});

Deno.test("deleting a namespace deletes everything in it, waiting for finalizers", async () => {
  await using rt = await createRuntime({ kinds: [Widget] });
  await rt.client.create(Namespace, { metadata: { name: "team" } });
  for (const n of ["a", "b"]) {
    await rt.client.create(ConfigMap, { metadata: { name: n, namespace: "team" } });
  }
  await rt.client.create(ServiceAccount, { metadata: { name: "sa", namespace: "team" } });
  await rt.client.create(Widget, {
    metadata: { name: "held", namespace: "team", finalizers: ["example.com/hold"] },
    spec: {},
  });
  await rt.client.create(ConfigMap, { metadata: { name: "elsewhere" } });
  await rt.client.delete(Namespace, "team");
  await settle(rt);
  const ns = await rt.client.get(Namespace, "team");
  assert.equal(ns.status?.phase, "Terminating");
  const content = ns.status?.conditions?.find((c) => c.type === "NamespaceContentRemaining");
  assert.equal(
    content?.message,
    "Some resources are remaining: widgets.example.com has 1 resource instances",
  );
  const fins = ns.status?.conditions?.find((c) => c.type === "NamespaceFinalizersRemaining");
  assert.equal(
    fins?.message,
    "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
  );
  assert.equal((await rt.client.list(ConfigMap, { namespace: "team" })).items.length, 0);
  assert.equal((await rt.client.list(ServiceAccount, { namespace: "team" })).items.length, 0);
  await assert.rejects(
    rt.client.create(ConfigMap, { metadata: { name: "late", namespace: "team" } }),
    /being terminated/,
  );
  await rt.client.patch(Widget, "held", { metadata: { finalizers: null } }, { namespace: "team" });
  await settle(rt);
  assert.equal(await exists(rt.client.get(Namespace, "team")), false);
  assert.ok(await exists(rt.client.get(ConfigMap, "elsewhere")));
});

Deno.test("events expire after their TTL", async () => {
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  await using rt = await createRuntime({ clock, eventTTLMs: 60_000 });
  const mk = (name: string) =>
    rt.client.create(Event, {
      metadata: { name },
      involvedObject: { kind: "ConfigMap", name: "x", namespace: "default" },
      lastTimestamp: new Date(clock.now()).toISOString().slice(0, 19) + "Z",
    });
  await mk("old");
  clock.advance(45_000);
  await mk("new");
  await settle(rt);
  assert.equal((await rt.client.list(Event)).items.length, 2);
  clock.advance(30_000);
  await settle(rt);
  assert.deepEqual((await rt.client.list(Event)).items.map((e) => e.metadata.name), ["new"]);
  clock.advance(60_000);
  await settle(rt);
  assert.equal((await rt.client.list(Event)).items.length, 0);
});

Deno.test("a running manager runs the system controllers too", async () => {
  await using rt = await createRuntime({ kinds: [Widget] });
  const mgr = rt.manager();
  const ac = new AbortController();
  const running = mgr.start(ac.signal);
  const owner = await rt.client.create(Widget, { metadata: { name: "w" }, spec: {} });
  await rt.client.create(ConfigMap, { metadata: { name: "dep", ownerReferences: ownedBy(owner) } });
  await rt.client.delete(Widget, "w");
  const end = Date.now() + 3000;
  while (await exists(rt.client.get(ConfigMap, "dep"))) {
    assert.ok(Date.now() < end, "dependent not collected");
    await new Promise((r) => setTimeout(r, 5));
  }
  ac.abort();
  await running;
});

Deno.test("a runtime that settles after writes finishes cascades before returning", async () => {
  await using rt = await createRuntime({ kinds: [Widget], settleAfterWrites: true });
  const owner = await rt.client.create(Widget, { metadata: { name: "w" }, spec: {} });
  await rt.client.create(ConfigMap, { metadata: { name: "dep", ownerReferences: ownedBy(owner) } });
  await rt.client.delete(Widget, "w");
  assert.equal(await exists(rt.client.get(ConfigMap, "dep")), false);
});
