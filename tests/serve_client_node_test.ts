// @kubernetes/client-node (the JavaScript client kubectl users' tools use) against `serve`: typed
// APIs, KubernetesObjectApi, Watch and an informer, and the errors it surfaces.
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { ConfigMap, createRuntime } from "../mod.ts";
import { serve } from "../src/server/server.ts";

Deno.test("client-node: typed API, object API, watch and informer against serve", async () => {
  await using rt = await createRuntime({ store: "memory:" });
  await using server = await serve(rt, { port: 0, token: "t0ken" });
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "k1s", server: server.url, skipTLSVerify: true }],
    users: [{ name: "u", token: "t0ken" }],
    contexts: [{ name: "k1s", cluster: "k1s", user: "u", namespace: "default" }],
    currentContext: "k1s",
  });
  const core = kc.makeApiClient(k8s.CoreV1Api);

  // Typed create: the body carries neither apiVersion nor kind.
  const made = await core.createNamespacedConfigMap({
    namespace: "default",
    body: { metadata: { name: "cn1" }, data: { a: "1" } },
  });
  assert.equal(made.metadata?.name, "cn1");
  assert.deepEqual((await rt.client.get(ConfigMap, "cn1", { namespace: "default" })).data, {
    a: "1",
  });

  // Errors arrive as ApiException carrying kube's Status.
  await assert.rejects(
    () =>
      core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "cn1" } } }),
    (err: { code?: number; body?: string }) =>
      err.code === 409 && JSON.parse(err.body ?? "{}").reason === "AlreadyExists",
  );

  // The object API maps kinds through legacy discovery.
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const read = await objects.read({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cn1", namespace: "default" },
  });
  assert.equal((read as k8s.V1ConfigMap).data?.a, "1");

  // Watch, while the typed client patches (JSON patch, its default) and deletes.
  const events: string[] = [];
  const w = new k8s.Watch(kc);
  const req = await w.watch(
    "/api/v1/namespaces/default/configmaps",
    { resourceVersion: made.metadata?.resourceVersion },
    (type: string, obj: k8s.V1ConfigMap) =>
      events.push(`${type} ${obj.metadata?.name} ${JSON.stringify(obj.data)}`),
    () => {},
  );
  await core.patchNamespacedConfigMap({
    namespace: "default",
    name: "cn1",
    body: [{ op: "add", path: "/data/b", value: "2" }],
  });
  await core.deleteNamespacedConfigMap({ namespace: "default", name: "cn1" });
  for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  req.abort();
  assert.deepEqual(events, ['MODIFIED cn1 {"a":"1","b":"2"}', 'DELETED cn1 {"a":"1","b":"2"}']);

  // An informer lists, then watches.
  const informer = k8s.makeInformer(
    kc,
    "/api/v1/namespaces/default/configmaps",
    () => core.listNamespacedConfigMap({ namespace: "default" }),
  );
  const added: string[] = [];
  informer.on("add", (obj: k8s.V1ConfigMap) => added.push(obj.metadata!.name!));
  await rt.client.create(ConfigMap, { metadata: { name: "before" } }, { namespace: "default" });
  await informer.start();
  await rt.client.create(ConfigMap, { metadata: { name: "after" } }, { namespace: "default" });
  for (let i = 0; i < 100 && added.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  await informer.stop();
  assert.deepEqual(added.sort(), ["after", "before"]);
});
