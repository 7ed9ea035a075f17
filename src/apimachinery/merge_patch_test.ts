import assert from "node:assert/strict";
import { PatchError } from "./json_patch.ts";
import { applyMergePatch, createMergePatch } from "./merge_patch.ts";

Deno.test("RFC 7386 appendix A test cases", () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) {
    assert.deepEqual(applyMergePatch(target, patch), want, JSON.stringify([target, patch]));
  }
});

Deno.test("does not modify inputs", () => {
  const target = { a: { b: 1 }, l: [1] };
  const patch = { a: { c: { d: 1 } } };
  const out = applyMergePatch<{ a: { b: number; c: { d: number } } }>(target, patch);
  out.a.c.d = 2;
  assert.deepEqual(target, { a: { b: 1 }, l: [1] });
  assert.deepEqual(patch, { a: { c: { d: 1 } } });
});

Deno.test("nulls inside arrays are kept, inside new objects pruned", () => {
  assert.deepEqual(applyMergePatch({}, { l: [null, { a: null, b: 1 }] }), { l: [null, { b: 1 }] });
  assert.deepEqual(applyMergePatch({ x: 1 }, [null, { a: null }]), [null, {}]);
});

Deno.test("scalar or null patches are rejected like kube-apiserver", () => {
  for (const p of [null, 1, "x", true]) {
    assert.throws(() => applyMergePatch({}, p), (e: unknown) => {
      return e instanceof PatchError && e.message === "Invalid JSON Patch" && e.code === 400;
    });
  }
});

Deno.test("createMergePatch", () => {
  assert.deepEqual(createMergePatch({}, {}), {});
  assert.deepEqual(createMergePatch({ a: 1 }, { a: 1 }), {});
  assert.deepEqual(createMergePatch({ a: [1, 2] }, { a: [1, 2] }), {});
  assert.deepEqual(createMergePatch({ a: [1, 2] }, { a: [2, 1] }), { a: [2, 1] });
  assert.deepEqual(createMergePatch({ a: { b: 1 } }, { a: "x" }), { a: "x" });
  assert.deepEqual(createMergePatch({ a: "x" }, { a: { b: 1 } }), { a: { b: 1 } });
  assert.deepEqual(createMergePatch({ a: { b: { c: 1, d: 2 } } }, { a: { b: { c: 1 } } }), {
    a: { b: { d: null } },
  });
  assert.throws(() => createMergePatch([], {}), { message: "Invalid JSON Document" });
});

Deno.test("createMergePatch round-trips through applyMergePatch", () => {
  const pairs: [Record<string, unknown>, Record<string, unknown>][] = [
    [
      { metadata: { name: "x", labels: { a: "1" } }, spec: { replicas: 1, ports: [{ port: 80 }] } },
      { metadata: { name: "x", annotations: { n: "y" } }, spec: { replicas: 3, ports: [] } },
    ],
    [{ a: { b: { c: {} } } }, { a: { b: {} } }],
    [{ k: "v" }, {}],
  ];
  for (const [o, m] of pairs) {
    assert.deepEqual(applyMergePatch(o, createMergePatch(o, m)), m);
  }
});
