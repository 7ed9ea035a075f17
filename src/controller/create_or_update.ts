/**
 * `createOrUpdate`, as controller-runtime's controllerutil.CreateOrUpdate.
 *
 * @module
 */
import { isNotFound } from "../apimachinery/errors.ts";
import type { KubeObject, ObjectMeta } from "../apimachinery/meta.ts";
import { jsonEqual } from "../apimachinery/json_equal.ts";
import type { Client } from "../client/client.ts";
import type { Kind } from "../scheme/kind.ts";

/** What {@linkcode createOrUpdate} did. */
export type OperationResult = "created" | "updated" | "unchanged";

/**
 * Reads the object named by `key`, lets `mutate` change it (or a new object
 * with only that metadata when it does not exist), then creates or updates
 * it — or does nothing when `mutate` changed nothing. A concurrent change
 * surfaces as a Conflict, to be retried by the caller or the controller.
 *
 * @example
 * ```ts
 * import { createRuntime, ConfigMap } from "../../mod.ts";
 * import { createOrUpdate } from "./create_or_update.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime();
 * const key = { name: "settings", namespace: "default" };
 * const set = (cm: { data?: Record<string, string> }) => { cm.data = { mode: "on" }; };
 * assert.equal((await createOrUpdate(rt.client, ConfigMap, key, set)).operation, "created");
 * assert.equal((await createOrUpdate(rt.client, ConfigMap, key, set)).operation, "unchanged");
 * ```
 */
export async function createOrUpdate<T extends KubeObject, In>(
  client: Client,
  kind: Kind<T, In>,
  key: Pick<ObjectMeta, "name" | "namespace">,
  mutate: (obj: T) => void | Promise<void>,
): Promise<{ object: T; operation: OperationResult }> {
  let current: T | undefined;
  try {
    current = await client.get(kind, key.name!, { namespace: key.namespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!current) {
    const fresh = {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: { ...key },
    } as T;
    await mutate(fresh);
    checkKey(fresh, key);
    return { object: await client.create(kind, fresh as unknown as In), operation: "created" };
  }
  const next = structuredClone(current);
  await mutate(next);
  checkKey(next, key);
  if (jsonEqual(JSON.parse(JSON.stringify(next)), JSON.parse(JSON.stringify(current)))) {
    return { object: current, operation: "unchanged" };
  }
  return { object: await client.update(kind, next), operation: "updated" };
}

function checkKey(obj: KubeObject, key: Pick<ObjectMeta, "name" | "namespace">): void {
  if (obj.metadata.name !== key.name || (obj.metadata.namespace ?? undefined) !== key.namespace) {
    throw new TypeError("createOrUpdate: mutate must not change the object's name or namespace");
  }
}
