// Kinds with several versions (one storage version, a conversion) and the scale subresource,
// defined in TypeScript: what is stored, what each version reads, and what is refused.
import assert from "node:assert/strict";
import { z } from "zod";
import {
  createRuntime,
  defineKind,
  isConflict,
  isInvalid,
  isNotFound,
  type KubeObject,
} from "@k1s/k1s";

// v1 has `size` (a number); v2 has `size` as { value, unit }. Stored as v2.
const conversion = {
  storageVersion: "v2",
  convert(obj: KubeObject, apiVersion: string): KubeObject {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    if (apiVersion === "example.com/v2" && obj.apiVersion === "example.com/v1") {
      return { ...obj, apiVersion, spec: { ...spec, size: { value: spec.size, unit: "Gi" } } };
    }
    if (apiVersion === "example.com/v1" && obj.apiVersion === "example.com/v2") {
      const size = spec.size as { value: number; unit: string } | undefined;
      return { ...obj, apiVersion, spec: { ...spec, size: size?.value } };
    }
    return { ...obj, apiVersion };
  },
};

const DiskV1 = defineKind({
  group: "example.com",
  version: "v1",
  kind: "Disk",
  spec: z.object({ size: z.number().int().min(1), replicas: z.number().int().optional() }),
  status: z.object({ replicas: z.number().int().optional(), selector: z.string().optional() }),
  conversion,
  scale: {
    specReplicasPath: ".spec.replicas",
    statusReplicasPath: ".status.replicas",
    labelSelectorPath: ".status.selector",
  },
});

const DiskV2 = defineKind({
  group: "example.com",
  version: "v2",
  kind: "Disk",
  spec: z.object({
    size: z.object({ value: z.number().int().min(1), unit: z.enum(["Gi", "Ti"]) }),
    replicas: z.number().int().optional(),
  }),
  status: z.object({ replicas: z.number().int().optional(), selector: z.string().optional() }),
  conversion,
});

Deno.test("versions of one kind share storage: written in one, read in the other", async () => {
  await using rt = await createRuntime({ kinds: [DiskV2, DiskV1] });
  const made = await rt.client.create(DiskV1, { metadata: { name: "a" }, spec: { size: 5 } });
  assert.equal(made.apiVersion, "example.com/v1");
  assert.equal(made.spec.size, 5);
  // Stored once, in the storage version.
  const stored = await rt.store.get("/registry/disks.example.com/default/a");
  assert.equal(JSON.parse(stored!.value).apiVersion, "example.com/v2");
  assert.deepEqual(JSON.parse(stored!.value).spec.size, { value: 5, unit: "Gi" });
  // Each version reads it in its own form, with one resourceVersion.
  const v2 = await rt.client.get(DiskV2, "a");
  assert.equal(v2.apiVersion, "example.com/v2");
  assert.deepEqual(v2.spec.size, { value: 5, unit: "Gi" });
  assert.equal(v2.metadata.resourceVersion, made.metadata.resourceVersion);
  const list = await rt.client.list(DiskV1);
  assert.deepEqual(list.items.map((d) => [d.apiVersion, d.spec.size]), [["example.com/v1", 5]]);
  // An update in v2 is seen by v1 readers, converted.
  await rt.client.update(DiskV2, { ...v2, spec: { size: { value: 7, unit: "Gi" } } });
  assert.equal((await rt.client.get(DiskV1, "a")).spec.size, 7);
  // Watches of each version get their version.
  const seen: string[] = [];
  for await (const ev of rt.client.watch(DiskV1, { timeoutSeconds: 0.01 })) {
    seen.push(`${ev.type} ${ev.object.apiVersion}`);
  }
  assert.deepEqual(seen, ["ADDED example.com/v1"]);
  // Deleting through either version deletes the one object.
  await rt.client.delete(DiskV1, "a");
  await assert.rejects(rt.client.get(DiskV2, "a"), isNotFound);
});

Deno.test("a second version without a shared storage version and conversion is refused", async () => {
  const Plain1 = defineKind({
    group: "example.com",
    version: "v1",
    kind: "Plain",
    spec: z.object({ a: z.string() }),
  });
  const Plain2 = defineKind({
    group: "example.com",
    version: "v2",
    kind: "Plain",
    spec: z.object({ b: z.string() }),
  });
  await assert.rejects(
    createRuntime({ kinds: [Plain1, Plain2] }),
    /kind Plain of group "example.com" is already served in version v1: versions of one kind need/,
  );
  const Other = defineKind({
    group: "example.com",
    version: "v3",
    kind: "Disk",
    spec: z.object({}),
    conversion: { ...conversion, storageVersion: "v3" },
  });
  await using rt = await createRuntime({ kinds: [DiskV1] });
  assert.throws(() => rt.registerKind(Other), /already served in version v1/);
  assert.equal(rt.scheme.served(Other), undefined);
});

Deno.test("the scale subresource reads and writes the replica fields", async () => {
  await using rt = await createRuntime({ kinds: [DiskV2, DiskV1] });
  const d = await rt.client.create(DiskV1, {
    metadata: { name: "s" },
    spec: { size: 1, replicas: 2 },
  });
  await rt.client.status.update(DiskV1, {
    ...d,
    status: { replicas: 1, selector: "app=disk" },
  });
  const scale = await rt.registry.getScale(DiskV1, "s");
  assert.deepEqual({ ...scale, metadata: { ...scale.metadata, creationTimestamp: "T" } }, {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: {
      name: "s",
      namespace: "default",
      uid: d.metadata.uid,
      resourceVersion: scale.metadata.resourceVersion,
      creationTimestamp: "T",
    },
    spec: { replicas: 2 },
    status: { replicas: 1, selector: "app=disk" },
  });
  // Writing the scale is an update of the object: generation moves, status stays.
  const up = await rt.registry.updateScale(DiskV1, "s", { spec: { replicas: 5 } });
  assert.equal(up.spec.replicas, 5);
  const after = await rt.client.get(DiskV1, "s");
  assert.equal(after.spec.replicas, 5);
  assert.equal(after.metadata.generation, 2);
  assert.deepEqual(after.status, { replicas: 1, selector: "app=disk" });
  const patched = await rt.registry.patchScale(DiskV1, "s", { spec: { replicas: 0 } });
  assert.deepEqual(patched.spec, {});
  assert.equal((await rt.client.get(DiskV1, "s")).spec.replicas, 0);
  // A stale resourceVersion conflicts; a negative count is Invalid, as kube says it; nothing changes.
  await assert.rejects(
    rt.registry.updateScale(DiskV1, "s", {
      metadata: { resourceVersion: d.metadata.resourceVersion },
      spec: { replicas: 1 },
    }),
    isConflict,
  );
  await assert.rejects(
    rt.registry.updateScale(DiskV1, "s", { spec: { replicas: -1 } }),
    (err: Error) =>
      isInvalid(err) &&
      err.message ===
        'Scale.autoscaling "s" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  );
  assert.equal((await rt.client.get(DiskV1, "s")).spec.replicas, 0);
  // A kind without the subresource has none.
  await assert.rejects(rt.registry.getScale(DiskV2, "s"), isNotFound);
});
