import assert from "node:assert/strict";
import { PatchError } from "./json_patch.ts";
import {
  applyStrategicMergePatch,
  createThreeWayStrategicMergePatch,
  createTwoWayStrategicMergePatch,
  type PatchMeta,
} from "./strategic_merge_patch.ts";

const container: PatchMeta = {
  env: { patchStrategy: "merge", patchMergeKey: "name" },
  ports: { patchStrategy: "merge", patchMergeKey: "containerPort" },
  args: {},
};
const podMeta: PatchMeta = {
  metadata: {
    fields: {
      finalizers: { patchStrategy: "merge" },
      ownerReferences: { patchStrategy: "merge", patchMergeKey: "uid" },
    },
  },
  spec: {
    fields: {
      containers: { patchStrategy: "merge", patchMergeKey: "name", fields: container },
      volumes: { patchStrategy: "merge,retainKeys", patchMergeKey: "name" },
      tolerations: {},
      strategy: { patchStrategy: "retainKeys" },
      nodeSelector: { patchStrategy: "replace" },
    },
  },
};

function pod(containers: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { spec: { containers, ...extra } };
}

Deno.test("maps merge recursively, null deletes", () => {
  const out = applyStrategicMergePatch(
    { metadata: { labels: { a: "1", b: "2" }, name: "x" } },
    { metadata: { labels: { a: null, c: "3" } } },
    podMeta,
  );
  assert.deepEqual(out, { metadata: { labels: { b: "2", c: "3" }, name: "x" } });
  // null for an absent key is dropped
  assert.deepEqual(applyStrategicMergePatch({ a: 1 }, { b: null }), { a: 1 });
  // nested nulls in a new subtree are dropped
  assert.deepEqual(applyStrategicMergePatch({}, { a: { b: null, c: 1 } }), { a: { c: 1 } });
});

Deno.test("containers merge by name, env by name; order kept", () => {
  const original = pod([
    { name: "app", image: "app:1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] },
    { name: "sidecar", image: "side:1" },
  ]);
  const out = applyStrategicMergePatch(
    original,
    {
      spec: {
        containers: [
          {
            name: "app",
            image: "app:2",
            env: [{ name: "B", value: "3" }, { name: "C", value: "4" }],
          },
          { name: "new", image: "new:1" },
        ],
      },
    },
    podMeta,
  );
  assert.deepEqual(
    out,
    pod([
      {
        name: "app",
        image: "app:2",
        env: [{ name: "A", value: "1" }, { name: "B", value: "3" }, { name: "C", value: "4" }],
      },
      // As in Kubernetes, new items follow the patch items they were listed with.
      { name: "new", image: "new:1" },
      { name: "sidecar", image: "side:1" },
    ]),
  );
  assert.equal((original.spec as { containers: { image: string }[] }).containers[0].image, "app:1");
});

Deno.test("$patch: delete and replace in merged lists", () => {
  const original = pod([{ name: "a", image: "1" }, { name: "b", image: "2" }]);
  assert.deepEqual(
    applyStrategicMergePatch(
      original,
      { spec: { containers: [{ name: "a", $patch: "delete" }] } },
      podMeta,
    ),
    pod([{ name: "b", image: "2" }]),
  );
  assert.deepEqual(
    applyStrategicMergePatch(
      original,
      { spec: { containers: [{ name: "c", image: "3" }, { $patch: "replace" }] } },
      podMeta,
    ),
    pod([{ name: "c", image: "3" }]),
  );
  assert.throws(
    () =>
      applyStrategicMergePatch(original, { spec: { containers: [{ $patch: "delete" }] } }, podMeta),
    { message: "map: map[$patch:delete] does not contain declared merge key: name" },
  );
  assert.throws(
    () =>
      applyStrategicMergePatch(
        original,
        { spec: { containers: [{ name: "a", $patch: "merge" }] } },
        podMeta,
      ),
    { message: "merging lists cannot yet be specified in the patch" },
  );
  assert.throws(
    () =>
      applyStrategicMergePatch(
        original,
        { spec: { containers: [{ name: "a", $patch: "nope" }] } },
        podMeta,
      ),
    { message: "unknown patch type: nope in map: map[$patch:nope name:a]" },
  );
  assert.throws(
    () => applyStrategicMergePatch(original, { spec: { containers: [{ image: "x" }] } }, podMeta),
    (e: unknown) =>
      e instanceof PatchError && e.code === 422 &&
      e.message === "map: map[image:x] does not contain declared merge key: name",
  );
});

Deno.test("$patch on maps", () => {
  assert.deepEqual(
    applyStrategicMergePatch({ spec: { a: 1, b: { c: 2 } } }, {
      spec: { b: { $patch: "replace", d: 3 } },
    }),
    { spec: { a: 1, b: { d: 3 } } },
  );
  assert.deepEqual(
    applyStrategicMergePatch({ spec: { a: 1, b: { c: 2 } } }, {
      spec: { b: { $patch: "delete" } },
    }),
    { spec: { a: 1, b: {} } },
  );
  assert.deepEqual(applyStrategicMergePatch({ a: 1 }, { $patch: "replace", b: 2 }), { b: 2 });
  assert.deepEqual(applyStrategicMergePatch({ a: 1 }, { x: { $patch: "delete" } }), { a: 1 });
  assert.throws(() => applyStrategicMergePatch({ a: {} }, { a: { $patch: "bad" } }), {
    message: "unknown patch type: bad in map: map[$patch:bad]",
  });
});

Deno.test("lists without a merge strategy are replaced; replace strategy on maps", () => {
  assert.deepEqual(
    applyStrategicMergePatch(
      { spec: { tolerations: [{ key: "a" }], nodeSelector: { a: "1", b: "2" } } },
      { spec: { tolerations: [{ key: "b" }], nodeSelector: { c: "3" } } },
      podMeta,
    ),
    { spec: { tolerations: [{ key: "b" }], nodeSelector: { c: "3" } } },
  );
  assert.deepEqual(applyStrategicMergePatch({ l: [1, 2] }, { l: [3] }), { l: [3] });
  assert.deepEqual(applyStrategicMergePatch({ l: [1, 2] }, { l: "x" }), { l: "x" });
});

Deno.test("finalizers: primitive list union and $deleteFromPrimitiveList", () => {
  const obj = { metadata: { finalizers: ["a", "b"] } };
  assert.deepEqual(
    applyStrategicMergePatch(obj, { metadata: { finalizers: ["c", "a"] } }, podMeta),
    { metadata: { finalizers: ["c", "a", "b"] } },
  );
  assert.deepEqual(
    applyStrategicMergePatch(
      obj,
      { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } },
      podMeta,
    ),
    { metadata: { finalizers: ["b"] } },
  );
  assert.deepEqual(
    applyStrategicMergePatch(
      obj,
      { metadata: { "$deleteFromPrimitiveList/missing": ["a"] } },
      podMeta,
    ),
    obj,
  );
  assert.throws(
    () =>
      applyStrategicMergePatch(
        obj,
        { metadata: { "$deleteFromPrimitiveListfinalizers": ["a"] } },
        podMeta,
      ),
    { message: "invalid patch format of primitive list" },
  );
});

Deno.test("ownerReferences merge by uid", () => {
  const obj = {
    metadata: {
      ownerReferences: [
        { uid: "1", kind: "ReplicaSet", name: "a" },
        { uid: "2", kind: "ReplicaSet", name: "b" },
      ],
    },
  };
  assert.deepEqual(
    applyStrategicMergePatch(
      obj,
      {
        metadata: {
          ownerReferences: [{ uid: "2", controller: true }, { uid: "1", $patch: "delete" }],
        },
      },
      podMeta,
    ),
    {
      metadata: {
        ownerReferences: [{ uid: "2", kind: "ReplicaSet", name: "b", controller: true }],
      },
    },
  );
});

Deno.test("$setElementOrder reorders merged lists", () => {
  const original = pod([{ name: "a" }, { name: "b" }, { name: "c" }]);
  assert.deepEqual(
    applyStrategicMergePatch(
      original,
      {
        spec: {
          "$setElementOrder/containers": [{ name: "c" }, { name: "a" }, { name: "b" }],
          containers: [{ name: "a", image: "x" }],
        },
      },
      podMeta,
    ),
    pod([{ name: "c" }, { name: "a", image: "x" }, { name: "b" }]),
  );
  assert.deepEqual(
    applyStrategicMergePatch(
      { metadata: { finalizers: ["a", "b", "c"] } },
      { metadata: { "$setElementOrder/finalizers": ["c", "b", "a"] } },
      podMeta,
    ),
    { metadata: { finalizers: ["c", "b", "a"] } },
  );
  assert.throws(
    () =>
      applyStrategicMergePatch(
        original,
        { spec: { "$setElementOrder/containers": [{ name: "a" }], containers: [{ name: "z" }] } },
        podMeta,
      ),
    /^PatchError: The order in patch list:\n\[map\[name:z\]\]\n doesn't match \$setElementOrder list:\n\[map\[name:a\]\]\n$/,
  );
  assert.throws(
    () =>
      applyStrategicMergePatch(original, { spec: { "$setElementOrder/containers": "x" } }, podMeta),
    { message: "expected a []interface {}, but received a string" },
  );
});

Deno.test("$retainKeys clears unmentioned fields", () => {
  const obj = { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } };
  assert.deepEqual(
    applyStrategicMergePatch(
      obj,
      { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } },
      podMeta,
    ),
    { spec: { strategy: { type: "Recreate" } } },
  );
  assert.throws(
    () =>
      applyStrategicMergePatch(
        obj,
        { spec: { strategy: { $retainKeys: ["type"], other: 1 } } },
        podMeta,
      ),
    { message: "invalid patch format of retainKeys" },
  );
  assert.throws(
    () => applyStrategicMergePatch(obj, { spec: { strategy: { $retainKeys: "type" } } }, podMeta),
    { message: "invalid patch format of retainKeys" },
  );
  // Directive keys do not leak into new subtrees.
  assert.deepEqual(
    applyStrategicMergePatch({ spec: {} }, {
      spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } },
    }, podMeta),
    { spec: { strategy: { type: "Recreate" } } },
  );
});

Deno.test("errors for bad lists", () => {
  assert.throws(
    () => applyStrategicMergePatch({ m: [[1]] }, { m: [[2]] }, { m: { patchStrategy: "merge" } }),
    {
      message: "lists of lists are not supported",
    },
  );
  assert.throws(
    () => applyStrategicMergePatch({ m: [1] }, { m: ["a"] }, { m: { patchStrategy: "merge" } }),
    {
      message: "list element types are not identical: [[1] [a]]",
    },
  );
  assert.throws(
    () =>
      applyStrategicMergePatch({ m: [{ a: 1 }] }, { m: [{ a: 2 }] }, {
        m: { patchStrategy: "merge" },
      }),
    {
      message: "cannot merge lists without merge key for m",
    },
  );
  assert.throws(
    () => applyStrategicMergePatch({}, [], {}),
    (e: unknown) => e instanceof PatchError && e.code === 400,
  );
});

Deno.test("createTwoWayStrategicMergePatch", () => {
  const original = {
    metadata: { name: "p", labels: { a: "1", b: "2" }, finalizers: ["x"] },
    spec: {
      containers: [
        { name: "app", image: "app:1", env: [{ name: "A", value: "1" }] },
        { name: "side", image: "side:1" },
      ],
      tolerations: [{ key: "t" }],
    },
  };
  const modified = {
    metadata: { name: "p", labels: { a: "1", c: "3" }, finalizers: ["x", "y"] },
    spec: {
      containers: [{ name: "app", image: "app:2", env: [{ name: "A", value: "1" }] }],
      tolerations: [{ key: "t" }],
    },
  };
  const patch = createTwoWayStrategicMergePatch(original, modified, podMeta);
  assert.deepEqual(patch, {
    metadata: {
      labels: { b: null, c: "3" },
      finalizers: ["y"],
      "$setElementOrder/finalizers": ["x", "y"],
    },
    spec: {
      containers: [{ name: "app", image: "app:2" }, { name: "side", $patch: "delete" }],
      "$setElementOrder/containers": [{ name: "app" }],
    },
  });
  assert.deepEqual(applyStrategicMergePatch(original, patch, podMeta), modified);
  assert.deepEqual(createTwoWayStrategicMergePatch(original, original, podMeta), {});
});

Deno.test("two-way patches round-trip", () => {
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [pod([{ name: "a" }, { name: "b" }]), pod([{ name: "b" }, { name: "a" }])],
    [
      pod([{ name: "a", ports: [{ containerPort: 80 }] }]),
      pod([{ name: "a", ports: [{ containerPort: 443 }] }]),
    ],
    [{ metadata: { finalizers: ["a", "b", "c"] } }, { metadata: { finalizers: ["c", "a"] } }],
    [{ spec: { tolerations: [{ key: "a" }] } }, { spec: { tolerations: [] } }],
    [{ spec: { nodeSelector: { a: "1" } } }, { spec: { nodeSelector: { b: "2" } } }],
    [{ a: { b: 1 } }, { a: "scalar" }],
    [{}, pod([{ name: "x" }])],
  ];
  for (const [o, m] of cases) {
    const p = createTwoWayStrategicMergePatch(o, m, podMeta);
    assert.deepEqual(applyStrategicMergePatch(o, p, podMeta), m, JSON.stringify(p));
  }
});

Deno.test("retainKeys strategy builds a $retainKeys directive", () => {
  const patch = createTwoWayStrategicMergePatch(
    { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } },
    { spec: { strategy: { type: "Recreate" } } },
    podMeta,
  );
  assert.deepEqual(patch, {
    spec: { strategy: { $retainKeys: ["type"], rollingUpdate: null, type: "Recreate" } },
  });
});

Deno.test("createThreeWayStrategicMergePatch (kubectl apply)", () => {
  const lastApplied = {
    metadata: { name: "p", labels: { app: "web", old: "x" } },
    spec: { containers: [{ name: "app", image: "app:1" }, { name: "gone", image: "g:1" }] },
  };
  const live = {
    metadata: {
      name: "p",
      labels: { app: "web", old: "x", "added-by-controller": "y" },
      finalizers: ["example.com/protect"],
    },
    spec: {
      containers: [
        { name: "app", image: "app:1", terminationMessagePath: "/dev/termination-log" },
        { name: "gone", image: "g:1" },
        { name: "injected", image: "istio" },
      ],
    },
  };
  const config = {
    metadata: { name: "p", labels: { app: "web", tier: "front" } },
    spec: { containers: [{ name: "app", image: "app:2" }] },
  };
  const patch = createThreeWayStrategicMergePatch(lastApplied, config, live, podMeta);
  assert.deepEqual(patch, {
    metadata: { labels: { old: null, tier: "front" } },
    spec: {
      "$setElementOrder/containers": [{ name: "app" }],
      containers: [{ name: "app", image: "app:2" }, { name: "gone", $patch: "delete" }],
    },
  });
  assert.deepEqual(applyStrategicMergePatch(live, patch, podMeta), {
    metadata: {
      name: "p",
      labels: { app: "web", "added-by-controller": "y", tier: "front" },
      finalizers: ["example.com/protect"],
    },
    spec: {
      containers: [
        { name: "app", image: "app:2", terminationMessagePath: "/dev/termination-log" },
        { name: "injected", image: "istio" },
      ],
    },
  });
  // Re-applying the same configuration changes nothing but states the order.
  const applied = applyStrategicMergePatch(live, patch, podMeta);
  const again = createThreeWayStrategicMergePatch(config, config, applied, podMeta);
  assert.deepEqual(again, { spec: { "$setElementOrder/containers": [{ name: "app" }] } });
  assert.deepEqual(applyStrategicMergePatch(applied, again, podMeta), applied);
});

Deno.test("three-way: primitive list deletions from last-applied only", () => {
  const patch = createThreeWayStrategicMergePatch(
    { metadata: { finalizers: ["a", "b"] } },
    { metadata: { finalizers: ["a"] } },
    { metadata: { finalizers: ["a", "b", "live"] } },
    podMeta,
  );
  assert.deepEqual(patch, {
    metadata: {
      "$deleteFromPrimitiveList/finalizers": ["b"],
      "$setElementOrder/finalizers": ["a"],
    },
  });
  assert.deepEqual(
    applyStrategicMergePatch({ metadata: { finalizers: ["a", "b", "live"] } }, patch, podMeta),
    { metadata: { finalizers: ["a", "live"] } },
  );
});

Deno.test("literal: replaced lists and appended items keep the patch's directives", () => {
  const meta: PatchMeta = {
    spec: {
      fields: { variables: { patchStrategy: "merge", patchMergeKey: "name" }, validations: {} },
    },
  };
  const original = { spec: { validations: [{ expression: "a" }], variables: [{ name: "v1" }] } };
  const patch = {
    spec: {
      validations: [{ expression: "a", $patch: "delete" }],
      variables: [{ name: "v2", x: { $patch: "delete" }, y: null }],
    },
  };
  assert.deepEqual(applyStrategicMergePatch(original, patch, meta, { literal: true }), {
    spec: {
      validations: [{ expression: "a", $patch: "delete" }],
      variables: [{ name: "v2", x: { $patch: "delete" }, y: null }, { name: "v1" }],
    },
  });
  // By default (the server's typed result) directives and unmatched nulls are dropped.
  assert.deepEqual(applyStrategicMergePatch(original, patch, meta), {
    spec: { validations: [], variables: [{ name: "v2" }, { name: "v1" }] },
  });
});
