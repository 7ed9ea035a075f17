import assert from "node:assert/strict";
import type { KubeObject } from "../apimachinery/meta.ts";
import {
  fieldIndex,
  Indexer,
  NAMESPACE_INDEX,
  objectKeyOf,
  OWNER_INDEX,
  splitObjectKey,
} from "./indexer.ts";

function cm(
  namespace: string | undefined,
  name: string,
  extra: Partial<KubeObject> & { labels?: Record<string, string>; owners?: string[] } = {},
): KubeObject {
  const { labels, owners, ...rest } = extra;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace,
      labels,
      ownerReferences: owners?.map((uid) => ({ apiVersion: "v1", kind: "X", name: uid, uid })),
    },
    ...rest,
  };
}

const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name).sort();

Deno.test("objectKeyOf and splitObjectKey round-trip namespaced and cluster keys", () => {
  assert.equal(objectKeyOf(cm("ns", "a")), "ns/a");
  assert.equal(objectKeyOf(cm(undefined, "a")), "a");
  assert.deepEqual(splitObjectKey("ns/a"), { namespace: "ns", name: "a" });
  assert.deepEqual(splitObjectKey("a"), { namespace: undefined, name: "a" });
  assert.throws(() => splitObjectKey("a/b/c"), /Cannot split object key "a\/b\/c"/);
});

Deno.test("Indexer: add, update, get, delete by object or key, size", () => {
  const s = new Indexer();
  s.add(cm("a", "x", { data: { v: "1" } }));
  s.update(cm("a", "x", { data: { v: "2" } }));
  s.add(cm("b", "y"));
  assert.equal(s.size, 2);
  assert.deepEqual(s.get("a/x")?.data, { v: "2" });
  assert.equal(s.getByName("b", "y")?.metadata.name, "y");
  assert.equal(s.getByName("b", "nope"), undefined);
  assert.deepEqual(s.keys(), ["a/x", "b/y"]);
  assert.equal(s.delete("a/x")?.metadata.name, "x");
  assert.equal(s.delete("a/x"), undefined);
  assert.equal(s.delete(cm("b", "y"))?.metadata.name, "y");
  assert.equal(s.size, 0);
  assert.deepEqual(s.indexValues(NAMESPACE_INDEX), []);
});

Deno.test("Indexer: stores objects as given, without copies", () => {
  const s = new Indexer();
  const o = cm("a", "x");
  s.add(o);
  assert.equal(s.get("a/x"), o);
  assert.equal(s.list()[0], o);
  assert.equal(s.byIndex(NAMESPACE_INDEX, "a")[0], o);
});

Deno.test("Indexer: namespace index follows adds and deletes; cluster objects are not in it", () => {
  const s = new Indexer();
  s.add(cm("a", "x"));
  s.add(cm("a", "y"));
  s.add(cm("b", "z"));
  s.add(cm(undefined, "cluster"));
  assert.deepEqual(names(s.byIndex(NAMESPACE_INDEX, "a")), ["x", "y"]);
  assert.deepEqual(s.indexValues(NAMESPACE_INDEX).sort(), ["a", "b"]);
  s.delete("b/z");
  assert.deepEqual(s.indexValues(NAMESPACE_INDEX), ["a"]);
  assert.deepEqual(s.byIndex(NAMESPACE_INDEX, "b"), []);
  assert.deepEqual(s.indexKeys(NAMESPACE_INDEX, "a").sort(), ["a/x", "a/y"]);
});

Deno.test("Indexer: owner index has one entry per owner uid and follows updates", () => {
  const s = new Indexer();
  s.add(cm("a", "x", { owners: ["u1", "u2"] }));
  s.add(cm("a", "y", { owners: ["u2"] }));
  assert.deepEqual(names(s.byIndex(OWNER_INDEX, "u2")), ["x", "y"]);
  assert.deepEqual(names(s.byIndex(OWNER_INDEX, "u1")), ["x"]);
  s.update(cm("a", "x", { owners: ["u3"] }));
  assert.deepEqual(names(s.byIndex(OWNER_INDEX, "u1")), []);
  assert.deepEqual(names(s.byIndex(OWNER_INDEX, "u2")), ["y"]);
  assert.deepEqual(s.indexValues(OWNER_INDEX).sort(), ["u2", "u3"]);
});

Deno.test("fieldIndex: dotted, bracketed and quoted paths; scalars stringified; missing gives nothing", () => {
  const s = new Indexer({
    indexers: {
      app: fieldIndex("metadata.labels['app']"),
      app2: fieldIndex("metadata.labels.app"),
      dotted: fieldIndex('metadata.labels["app.kubernetes.io/name"]'),
      category: fieldIndex("spec.category"),
      count: fieldIndex(".spec.count"),
      tags: fieldIndex("spec.tags"),
    },
  });
  s.add(cm("a", "x", {
    labels: { app: "web", "app.kubernetes.io/name": "shop" },
    spec: { category: "pens", count: 3, tags: ["t1", "t2", { no: 1 }] },
  }));
  s.add(cm("a", "y", { spec: { category: { nested: true }, count: false } }));
  assert.deepEqual(names(s.byIndex("app", "web")), ["x"]);
  assert.deepEqual(names(s.byIndex("app2", "web")), ["x"]);
  assert.deepEqual(names(s.byIndex("dotted", "shop")), ["x"]);
  assert.deepEqual(names(s.byIndex("category", "pens")), ["x"]);
  assert.deepEqual(s.indexValues("category"), ["pens"]);
  assert.deepEqual(names(s.byIndex("count", "3")), ["x"]);
  assert.deepEqual(names(s.byIndex("count", "false")), ["y"]);
  assert.deepEqual(s.indexValues("tags").sort(), ["t1", "t2"]);
  assert.deepEqual(s.indexValues("app"), ["web"]);
  assert.equal(fieldIndex("spec.category"), fieldIndex("spec.category"));
  assert.throws(() => fieldIndex("spec['x"), /Cannot index by field path/);
});

Deno.test("Indexer: custom index functions, update moves entries, conflicts and unknown indexes", () => {
  const byLen = (o: KubeObject) => [String(o.metadata.name!.length)];
  const s = new Indexer({ indexers: { len: byLen } });
  s.add(cm("a", "x"));
  s.add(cm("a", "yy"));
  assert.deepEqual(names(s.byIndex("len", "1")), ["x"]);
  assert.throws(() => s.byIndex("nope", "1"), /Cannot read index "nope"/);
  assert.throws(() => s.indexValues("nope"), /Cannot read index "nope"/);
  // Same function again is fine, a different one under the same name is not.
  s.addIndexers({ len: byLen });
  assert.throws(() => s.addIndexers({ len: (o) => [o.metadata.name!] }), /already exists/);
  assert.throws(() => s.addIndexers({ namespace: (o) => [o.metadata.name!] }), /already exists/);
  // Added later: built from what is stored.
  s.addIndexers({ first: (o) => [o.metadata.name![0]] });
  assert.deepEqual(names(s.byIndex("first", "y")), ["yy"]);
  assert.ok(s.hasIndex("first"));
  assert.deepEqual(s.indexNames(), ["namespace", "owner", "len", "first"]);
});

Deno.test("Indexer: replace swaps the content and rebuilds every index", () => {
  const s = new Indexer({ indexers: { app: fieldIndex("metadata.labels.app") } });
  s.add(cm("a", "x", { labels: { app: "old" } }));
  s.add(cm("b", "y", { labels: { app: "old" } }));
  s.replace([cm("c", "z", { labels: { app: "new" } }), cm("a", "x", { labels: { app: "new" } })]);
  assert.equal(s.size, 2);
  assert.deepEqual(s.keys(), ["c/z", "a/x"]);
  assert.deepEqual(s.indexValues("app"), ["new"]);
  assert.deepEqual(s.indexValues(NAMESPACE_INDEX).sort(), ["a", "c"]);
  assert.deepEqual(names(s.byIndex("app", "new")), ["x", "z"]);
  assert.deepEqual(s.byIndex(NAMESPACE_INDEX, "b"), []);
  s.replace([]);
  assert.equal(s.size, 0);
  assert.deepEqual(s.indexValues("app"), []);
});
