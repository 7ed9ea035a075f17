import assert from "node:assert/strict";
import { createRuntime } from "../runtime.ts";
import { ConfigMap, Secret } from "../resources/core_v1.ts";
import type { KubeObject } from "../apimachinery/meta.ts";
import {
  AlreadyOwnedError,
  getControllerOf,
  getControllerOwner,
  isOwnedBy,
  setControllerReference,
  setOwnerReference,
} from "./owner.ts";

Deno.test("setControllerReference refuses a second controller and cross-namespace owners", () => {
  const a = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "a", namespace: "x", uid: "ua" },
  };
  const b = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "b", namespace: "x", uid: "ub" },
  };
  const obj: KubeObject = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "x" },
  };
  setControllerReference(a, obj);
  setControllerReference(a, obj); // idempotent
  assert.equal(obj.metadata.ownerReferences?.length, 1);
  assert.deepEqual(getControllerOf(obj), {
    apiVersion: "v1",
    kind: "ConfigMap",
    name: "a",
    uid: "ua",
    controller: true,
    blockOwnerDeletion: true,
  });
  assert.throws(() => setControllerReference(b, obj), AlreadyOwnedError);
  setOwnerReference(b, obj);
  assert.ok(isOwnedBy(obj, b));
  assert.equal(obj.metadata.ownerReferences?.length, 2);
  const other = { apiVersion: "v1", kind: "Secret", metadata: { name: "t", namespace: "y" } };
  assert.throws(() => setControllerReference(a, other), /cross-namespace owner references/);
  const unsaved = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "n" } };
  const fresh = { apiVersion: "v1", kind: "Secret", metadata: { name: "f" } };
  assert.throws(() => setControllerReference(unsaved, fresh), /needs a name and a uid/);
});

Deno.test("getControllerOwner reads the owner and ignores a replaced one", async () => {
  await using rt = await createRuntime();
  const owner = await rt.client.create(ConfigMap, { metadata: { name: "o" } });
  const s = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "default" } };
  setControllerReference(owner, s);
  const secret = await rt.client.create(Secret, s);
  assert.equal(
    (await getControllerOwner(rt.client, rt.scheme, secret))?.metadata.uid,
    owner.metadata.uid,
  );
  await rt.client.delete(ConfigMap, "o");
  assert.equal(await getControllerOwner(rt.client, rt.scheme, secret), undefined);
  await rt.client.create(ConfigMap, { metadata: { name: "o" } });
  assert.equal(await getControllerOwner(rt.client, rt.scheme, secret), undefined);
});
