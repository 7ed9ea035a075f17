import assert from "node:assert/strict";
import { z } from "zod";
import {
  ApiError,
  ConfigMap,
  createRuntime,
  defineKind,
  isNotFound,
  type Kind,
  type KubeObject,
  Namespace,
  type Runtime,
} from "@k1s/k1s";
import {
  type ApplyClient,
  applyFailureOf,
  applyObject,
  applyWarningOf,
  createThreeWayMergePatch,
  LAST_APPLIED_ANNOTATION,
  lastAppliedConfiguration,
} from "./apply.ts";
import { parseManifests } from "./manifests.ts";

const Widget = defineKind({
  group: "widgets.example.com",
  version: "v1",
  kind: "Widget",
  spec: z.object({
    size: z.number().int().default(1),
    color: z.string().optional(),
    tags: z.array(z.string()).optional(),
    owner: z.string().optional(),
  }),
});

function newRuntime(): Promise<Runtime> {
  return createRuntime({ store: "memory:", kinds: [Widget] });
}

/** Applies YAML text as `k1s apply -f` would: load, find the kind, apply each object. */
async function apply(rt: Runtime, yaml: string, options = {}) {
  const results = [];
  for (const object of parseManifests(yaml, "test.yaml")) {
    const kind = rt.scheme.forObject(object)!;
    results.push(await applyObject(rt.client, kind, { object }, options));
  }
  return results;
}

const CM_V1 = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  labels: {team: a}
data:
  mode: fast
  level: "1"
`;

type CM = KubeObject & { data?: Record<string, string> };

Deno.test("create, then unchanged, then configured", async () => {
  await using rt = await newRuntime();
  const [created] = await apply(rt, CM_V1);
  assert.equal(created.operation, "created");
  assert.equal(created.object.metadata.namespace, "default");
  assert.equal(created.warning, undefined);

  const [again] = await apply(rt, CM_V1);
  assert.equal(again.operation, "unchanged");
  assert.equal(again.object.metadata.resourceVersion, created.object.metadata.resourceVersion);

  const [changed] = await apply(rt, CM_V1.replace("mode: fast", "mode: slow"));
  assert.equal(changed.operation, "configured");
  const live = await rt.client.get(ConfigMap, "app");
  assert.deepEqual(live.data, { mode: "slow", level: "1" });
  assert.notEqual(live.metadata.resourceVersion, created.object.metadata.resourceVersion);
});

Deno.test("the annotation holds the applied object as kubectl writes it", async () => {
  await using rt = await newRuntime();
  const [{ object }] = await apply(
    rt,
    `
kind: ConfigMap
apiVersion: v1
metadata:
  name: app
  annotations: {note: "<a&b>"}
data: {z: "1", a: "2"}
`,
  );
  // keys sorted, HTML characters escaped, namespace filled in, trailing newline
  assert.equal(
    object.metadata.annotations?.[LAST_APPLIED_ANNOTATION],
    '{"apiVersion":"v1","data":{"a":"2","z":"1"},"kind":"ConfigMap","metadata":' +
      '{"annotations":{"note":"\\u003ca\\u0026b\\u003e"},"name":"app","namespace":"default"}}\n',
  );
  assert.equal(object.metadata.annotations?.note, "<a&b>");
  // without other annotations kubectl leaves an empty map in the configuration
  assert.equal(
    lastAppliedConfiguration({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }),
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{},"name":"x"}}\n',
  );
  // re-applying replaces the annotation, it does not nest it
  const [next] = await apply(rt, CM_V1);
  const la = next.object.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  assert.equal(
    la,
    '{"apiVersion":"v1","data":{"level":"1","mode":"fast"},"kind":"ConfigMap","metadata":' +
      '{"annotations":{},"labels":{"team":"a"},"name":"app","namespace":"default"}}\n',
  );
  assert.equal(
    next.object.metadata.annotations?.note,
    undefined,
    "note was last-applied, so removed",
  );
});

Deno.test("removing a field removes it only if it was applied; others' fields survive", async () => {
  await using rt = await newRuntime();
  await apply(rt, CM_V1);
  // another writer adds a data key and a label
  const live = await rt.client.get(ConfigMap, "app");
  live.data = { ...live.data, extra: "by-controller" };
  live.metadata.labels = { ...live.metadata.labels, other: "x" };
  await rt.client.update(ConfigMap, live);

  // the new configuration drops `level` and the `team` label
  const next = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  labels: {tier: b}
data:
  mode: fast
`;
  const [res] = await apply(rt, next);
  assert.equal(res.operation, "configured");
  const after = await rt.client.get(ConfigMap, "app");
  assert.deepEqual(after.data, { mode: "fast", extra: "by-controller" });
  assert.deepEqual(after.metadata.labels, { other: "x", tier: "b" });

  // re-applying the same configuration keeps the other writer's fields and changes nothing
  const [again] = await apply(rt, next);
  assert.equal(again.operation, "unchanged");
  assert.equal((await rt.client.get(ConfigMap, "app")).data?.extra, "by-controller");

  // as in kubectl, dropping a whole map that was applied deletes the map, others' keys too
  await apply(rt, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {mode: fast}\n");
  assert.equal((await rt.client.get(ConfigMap, "app")).metadata.labels, undefined);
});

Deno.test("an object created without apply: fields are not removed, a warning is returned", async () => {
  await using rt = await newRuntime();
  await rt.client.create(ConfigMap, { metadata: { name: "app" }, data: { old: "1", mode: "x" } });
  const [res] = await apply(
    rt,
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {mode: slow}\n",
  );
  assert.equal(res.operation, "configured");
  assert.match(
    res.warning!,
    /^resource configmaps\/app is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/,
  );
  const live = await rt.client.get(ConfigMap, "app");
  assert.deepEqual(live.data, { old: "1", mode: "slow" });
  assert.ok(live.metadata.annotations?.[LAST_APPLIED_ANNOTATION]);
});

Deno.test("user kinds are applied with a JSON merge patch", async () => {
  await using rt = await newRuntime();
  const seen: string[] = [];
  const client: ApplyClient = {
    get: (k, n, o) => rt.client.get(k, n, o),
    create: (k, obj, o) => rt.client.create(k, obj, o),
    patch: (k, n, p, o) => {
      seen.push(`${k.kind}:${o?.type}:${JSON.stringify(p)}`);
      return rt.client.patch(k, n, p, o);
    },
  };
  const doc = (spec: string) =>
    `apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: ns1}\nspec: ${spec}\n`;
  const run = (spec: string) =>
    applyObject(client, Widget as unknown as Kind, { object: parseManifests(doc(spec), "w")[0] });

  await rt.client.create(Namespace, { metadata: { name: "ns1" } });
  assert.equal((await run("{size: 2, color: red, tags: [a, b]}")).operation, "created");
  // another writer sets spec.owner
  await rt.client.patch(Widget, "w", { spec: { owner: "ops" } }, { namespace: "ns1" });
  const res = await run("{size: 3, tags: [b]}");
  assert.equal(res.operation, "configured");
  const w = await rt.client.get(Widget, "w", { namespace: "ns1" });
  // color removed (it was applied), owner kept (set by someone else), the list replaced whole
  assert.deepEqual(w.spec, { size: 3, tags: ["b"], owner: "ops" });
  assert.equal(seen.length, 1);
  assert.match(seen[0], /^Widget:merge:/);
  assert.equal((await run("{size: 3, tags: [b]}")).operation, "unchanged");
});

Deno.test("built-in kinds are applied with a strategic merge patch", async () => {
  await using rt = await newRuntime();
  const types: (string | undefined)[] = [];
  const client: ApplyClient = {
    get: (k, n, o) => rt.client.get(k, n, o),
    create: (k, obj, o) => rt.client.create(k, obj, o),
    patch: (k, n, p, o) => {
      types.push(o?.type);
      return rt.client.patch(k, n, p, o);
    },
  };
  await applyObject(client, ConfigMap as unknown as Kind, {
    object: parseManifests(CM_V1, "x")[0],
  });
  await applyObject(client, ConfigMap as unknown as Kind, {
    object: parseManifests(CM_V1.replace("fast", "slow"), "x")[0],
  });
  assert.deepEqual(types, ["strategic"]);
});

Deno.test("three-way JSON merge patch keeps explicit empty maps and drops unmatched deletions", () => {
  assert.deepEqual(
    createThreeWayMergePatch(
      { spec: { a: 1, gone: 1 } },
      { spec: { a: 1, m: {} } },
      { spec: { a: 1, gone: 1, live: 2 } },
    ),
    { spec: { gone: null, m: {} } },
  );
  assert.deepEqual(createThreeWayMergePatch(undefined, { a: 1 }, { a: 1, b: 2 }), {});
});

Deno.test("dry run stores nothing, for create and for patch", async () => {
  await using rt = await newRuntime();
  const [dry] = await apply(rt, CM_V1, { dryRun: true });
  assert.equal(dry.operation, "created");
  assert.equal(dry.object.metadata.name, "app");
  await assert.rejects(() => rt.client.get(ConfigMap, "app"), (e) => isNotFound(e));

  const [created] = await apply(rt, CM_V1);
  const [dryPatch] = await apply(rt, CM_V1.replace("fast", "slow"), { dryRun: true });
  assert.equal(dryPatch.operation, "configured");
  assert.equal((dryPatch.object as CM).data?.mode, "slow");
  const live = await rt.client.get(ConfigMap, "app");
  assert.equal(live.data?.mode, "fast");
  assert.equal(live.metadata.resourceVersion, created.object.metadata.resourceVersion);
});

Deno.test("namespaces: -n fills in, an object naming another namespace is refused", async () => {
  await using rt = await newRuntime();
  await rt.client.create(Namespace, { metadata: { name: "team-a" } });
  const [res] = await apply(rt, CM_V1, { namespace: "team-a" });
  assert.equal(res.object.metadata.namespace, "team-a");
  await assert.rejects(
    () =>
      apply(rt, CM_V1.replace("name: app", "name: app\n  namespace: b"), { namespace: "team-a" }),
    {
      message:
        `the namespace from the provided object "b" does not match the namespace "team-a". ` +
        `You must pass '--namespace=b' to perform this operation.`,
    },
  );
});

Deno.test("a conflicting write is retried with the object read again", async () => {
  await using rt = await newRuntime();
  await apply(rt, CM_V1);
  let failures = 2;
  let gets = 0;
  const client: ApplyClient = {
    get: (k, n, o) => {
      gets++;
      return rt.client.get(k, n, o);
    },
    create: (k, obj, o) => rt.client.create(k, obj, o),
    patch: (k, n, p, o) => {
      if (failures-- > 0) {
        return Promise.reject(ApiError.of(409, "Conflict", "the object has been modified"));
      }
      return rt.client.patch(k, n, p, o);
    },
  };
  const object = parseManifests(CM_V1.replace("fast", "slow"), "x")[0];
  const res = await applyObject(client, ConfigMap as unknown as Kind, { object }, { backoffMs: 1 });
  assert.equal(res.operation, "configured");
  assert.equal(gets, 3);

  failures = 10;
  await assert.rejects(
    () =>
      applyObject(client, ConfigMap as unknown as Kind, {
        object: parseManifests(CM_V1.replace("fast", "x"), "x")[0],
      }, { backoffMs: 1, maxAttempts: 3 }),
    (e) => e instanceof ApiError && e.code === 409,
  );
});

Deno.test("API errors are thrown as they are", async () => {
  await using rt = await newRuntime();
  await assert.rejects(
    () => apply(rt, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n"),
    (e) => e instanceof ApiError && e.reason === "Invalid",
  );
});

Deno.test("a refused patch keeps kubectl's missing-annotation warning and the patch sent", async () => {
  await using rt = await newRuntime();
  await rt.client.create(ConfigMap, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "big", namespace: "default" },
  });
  const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {k: ${
    "x".repeat(300_000)
  }}\n`;
  const err = await apply(rt, big).then(() => undefined, (e) => e);
  assert.ok(err instanceof ApiError && err.reason === "Invalid", String(err));
  assert.match(applyWarningOf(err)!, /^resource configmaps\/big is missing the kubectl/);
  assert.equal(applyFailureOf(err)?.step, "patching");
  // Created by apply: no warning, the create step.
  const fresh = await apply(rt, big.replace("name: big", "name: fresh")).then(
    () => undefined,
    (e) => e,
  );
  assert.equal(applyWarningOf(fresh), undefined);
  assert.deepEqual(applyFailureOf(fresh), { step: "creating" });
});

Deno.test("force: an invalid patch deletes and re-creates, with the propagation policy asked", async () => {
  await using rt = await newRuntime();
  const frozen = (v: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\nimmutable: true\ndata: {k: ${v}}\n`;
  const [first] = await apply(rt, frozen("one"));
  const policies: unknown[] = [];
  const client: ApplyClient = {
    get: (...a) => rt.client.get(...a),
    create: (...a) => rt.client.create(...a),
    patch: (...a) => rt.client.patch(...a),
    delete: (kind, name, options) => {
      policies.push(options?.propagationPolicy);
      return rt.client.delete(kind, name, options);
    },
  };
  const object = parseManifests(frozen("two"), "test.yaml")[0];
  const r = await applyObject(client, ConfigMap, { object }, {
    force: true,
    propagationPolicy: "Foreground",
    // The garbage collector finishes a foreground deletion.
    waitForDeletion: async ({ name, namespace }) => {
      for (;;) {
        await rt.settle();
        try {
          await rt.client.get(ConfigMap, name, { namespace });
        } catch (err) {
          if (isNotFound(err)) return;
          throw err;
        }
      }
    },
  });
  assert.equal(r.operation, "configured");
  assert.deepEqual(r.object.data, { k: "two" });
  assert.notEqual(r.object.metadata.uid, first.object.metadata.uid);
  assert.deepEqual(policies, ["Foreground"]);
});
