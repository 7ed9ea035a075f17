import assert from "node:assert/strict";
import { applyJsonPatch, decodeJsonPatch, jsonEqual, PatchError } from "./json_patch.ts";

function fails(doc: unknown, patch: unknown, message: string, code = 422): void {
  assert.throws(() => applyJsonPatch(doc, patch), (e: unknown) => {
    assert.ok(e instanceof PatchError, String(e));
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    return true;
  });
}

Deno.test("RFC 6902 appendix A examples", () => {
  assert.deepEqual(applyJsonPatch({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }]), {
    foo: "bar",
    baz: "qux",
  });
  assert.deepEqual(
    applyJsonPatch({ foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }]),
    { foo: ["bar", "qux", "baz"] },
  );
  assert.deepEqual(
    applyJsonPatch({ baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }]),
    { foo: "bar" },
  );
  assert.deepEqual(
    applyJsonPatch({ foo: ["bar", "qux", "baz"] }, [{ op: "remove", path: "/foo/1" }]),
    { foo: ["bar", "baz"] },
  );
  assert.deepEqual(
    applyJsonPatch({ baz: "qux", foo: "bar" }, [{ op: "replace", path: "/baz", value: "boo" }]),
    { baz: "boo", foo: "bar" },
  );
  assert.deepEqual(
    applyJsonPatch(
      { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } },
      [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }],
    ),
    { foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } },
  );
  assert.deepEqual(
    applyJsonPatch({ foo: ["all", "grass", "cows", "eat"] }, [
      { op: "move", from: "/foo/1", path: "/foo/3" },
    ]),
    { foo: ["all", "cows", "eat", "grass"] },
  );
  assert.deepEqual(
    applyJsonPatch({ baz: "qux", foo: ["a", 2, "c"] }, [
      { op: "test", path: "/baz", value: "qux" },
      { op: "test", path: "/foo/1", value: 2 },
    ]),
    { baz: "qux", foo: ["a", 2, "c"] },
  );
  fails(
    { baz: "qux" },
    [{ op: "test", path: "/baz", value: "bar" }],
    "testing value /baz failed: test failed",
  );
  assert.deepEqual(
    applyJsonPatch({ foo: "bar" }, [{ op: "add", path: "/child", value: { grandchild: {} } }]),
    { foo: "bar", child: { grandchild: {} } },
  );
  fails(
    { foo: "bar" },
    [{ op: "add", path: "/baz/bat", value: "qux" }],
    'add operation does not apply: doc is missing path: "/baz/bat": missing value',
  );
  assert.deepEqual(
    applyJsonPatch({ "/": 9, "~1": 10 }, [{ op: "test", path: "/~01", value: 10 }]),
    { "/": 9, "~1": 10 },
  );
  fails(
    { "/": 9, "~1": 10 },
    [{ op: "test", path: "/~01", value: "10" }],
    "testing value /~01 failed: test failed",
  );
  assert.deepEqual(
    applyJsonPatch({ foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: ["abc", "def"] }]),
    { foo: ["bar", ["abc", "def"]] },
  );
});

Deno.test("copy, escaping and negative indices", () => {
  assert.deepEqual(
    applyJsonPatch({ a: { b: [1] } }, [{ op: "copy", from: "/a", path: "/c" }]),
    { a: { b: [1] }, c: { b: [1] } },
  );
  const out = applyJsonPatch<{ a: { b: number[] }; c: { b: number[] } }>({ a: { b: [1] } }, [
    { op: "copy", from: "/a", path: "/c" },
    { op: "add", path: "/c/b/-", value: 2 },
  ]);
  assert.deepEqual(out.a.b, [1], "copy is deep");
  assert.deepEqual(
    applyJsonPatch({ m: {} }, [{ op: "add", path: "/m/a~1b~0c", value: 1 }]),
    { m: { "a/b~c": 1 } },
  );
  assert.deepEqual(applyJsonPatch({ l: [1, 2, 3] }, [{ op: "remove", path: "/l/-1" }]), {
    l: [1, 2],
  });
  assert.deepEqual(applyJsonPatch({ l: [1, 2, 3] }, [{ op: "replace", path: "/l/-3", value: 0 }]), {
    l: [0, 2, 3],
  });
  assert.deepEqual(applyJsonPatch({ l: [1, 2] }, [{ op: "add", path: "/l/2", value: 3 }]), {
    l: [1, 2, 3],
  });
});

Deno.test("kube-apiserver quirks of json-patch v4", () => {
  // replace of a missing object member adds it
  assert.deepEqual(applyJsonPatch({ a: {} }, [{ op: "replace", path: "/a/b", value: 1 }]), {
    a: { b: 1 },
  });
  // add without a value adds null
  assert.deepEqual(applyJsonPatch({}, [{ op: "add", path: "/a" }]), { a: null });
  // test of a missing member against null succeeds
  assert.deepEqual(applyJsonPatch({}, [{ op: "test", path: "/a", value: null }]), {});
  // replace the whole document
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }]), {
    b: 2,
  });
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: "test", path: "", value: { a: 1 } }]), { a: 1 });
});

Deno.test("atomic: a failing patch leaves the input untouched", () => {
  const doc = { a: 1, l: [1] };
  fails(doc, [
    { op: "add", path: "/b", value: 2 },
    { op: "remove", path: "/l/0" },
    { op: "test", path: "/a", value: 2 },
  ], "testing value /a failed: test failed");
  assert.deepEqual(doc, { a: 1, l: [1] });
  const value = { nested: true };
  const out = applyJsonPatch<{ v: { nested: boolean } }>({}, [{ op: "add", path: "/v", value }]);
  out.v.nested = false;
  assert.equal(value.nested, true, "values from the patch are copied");
});

Deno.test("error messages as evanphx/json-patch", () => {
  fails(
    {},
    [{ op: "remove", path: "/x" }],
    "error in remove for path: '/x': Unable to remove nonexistent key: x: missing value",
  );
  fails(
    {},
    [{ op: "remove", path: "/x/y" }],
    'remove operation does not apply: doc is missing path: "/x/y": missing value',
  );
  fails(
    { l: [] },
    [{ op: "remove", path: "/l/0" }],
    "error in remove for path: '/l/0': Unable to access invalid index: 0: invalid index referenced",
  );
  fails(
    { l: [1] },
    [{ op: "remove", path: "/l/-2" }],
    "error in remove for path: '/l/-2': Unable to access invalid index: -2: invalid index referenced",
  );
  fails(
    { l: [] },
    [{ op: "add", path: "/l/5", value: 1 }],
    "error in add for path: '/l/5': Unable to access invalid index: 5: invalid index referenced",
  );
  fails(
    { l: [] },
    [{ op: "add", path: "/l/x", value: 1 }],
    `error in add for path: '/l/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
  );
  fails(
    { l: [] },
    [{ op: "replace", path: "/l/0", value: 1 }],
    "replace operation does not apply: doc is missing key: /l/0: missing value",
  );
  fails(
    {},
    [{ op: "replace", path: "/a/b", value: 1 }],
    "replace operation does not apply: doc is missing path: /a/b: missing value",
  );
  fails(
    {},
    [{ op: "replace", path: "", value: 1 }],
    "replace operation value must be object or array",
  );
  fails(
    { a: "str" },
    [{ op: "add", path: "/a/b", value: 1 }],
    'add operation does not apply: doc is missing path: "/a/b": missing value',
  );
  fails(
    {},
    [{ op: "move", from: "/a", path: "/b" }],
    "error in move for path: 'a': Unable to remove nonexistent key: a: missing value",
  );
  fails(
    {},
    [{ op: "move", from: "/x/a", path: "/b" }],
    "move operation does not apply: doc is missing from path: /x/a: missing value",
  );
  fails(
    { a: 1 },
    [{ op: "move", from: "/a", path: "/x/y" }],
    "move operation does not apply: doc is missing destination path: /x/y: missing value",
  );
  fails(
    { a: { b: 1 } },
    [{ op: "move", from: "/a", path: "/a/b" }],
    "move operation does not apply: doc is missing destination path: /a/b: missing value",
  );
  fails(
    {},
    [{ op: "copy", from: "/x/a", path: "/b" }],
    "copy operation does not apply: doc is missing from path: /x/a: missing value",
  );
  fails(
    { a: 1 },
    [{ op: "copy", from: "/a", path: "/x/y" }],
    "copy operation does not apply: doc is missing destination path: /x/y: missing value",
  );
  fails(
    { l: [] },
    [{ op: "copy", from: "/l/3", path: "/x" }],
    "error in copy for from: '/l/3': Unable to access invalid index: 3: invalid index referenced",
  );
  fails(
    {},
    [{ op: "test", path: "/x/y", value: 1 }],
    "test operation does not apply: is missing path: /x/y: missing value",
  );
  fails({ a: 1 }, [{ op: "test", path: "/a" }], "testing value /a failed: test failed");
  fails(
    { l: [] },
    [{ op: "test", path: "/l/0", value: 1 }],
    "error in test for path: '/l/0': Unable to access invalid index: 0: invalid index referenced",
  );
  fails(
    {},
    [{ op: "add", path: "", value: 1 }],
    'add operation does not apply: doc is missing path: "": missing value',
  );
});

Deno.test("malformed operations", () => {
  fails({}, [{ op: "frobnicate", path: "/a" }], "Unexpected kind: frobnicate");
  fails({}, [{ path: "/a" }], "Unexpected kind: unknown");
  fails({}, [null], "Unexpected kind: unknown");
  fails({}, [{ op: "add", value: 1 }], "add operation failed to decode path: missing value");
  fails({}, [{ op: "remove" }], "remove operation failed to decode path: missing value");
  fails(
    {},
    [{ op: "replace", value: 1 }],
    "replace operation failed to decode path: operation missing path field: missing value",
  );
  fails(
    {},
    [{ op: "replace", path: 5, value: 1 }],
    "replace operation failed to decode path: json: cannot unmarshal number into Go value of type string",
  );
  fails(
    {},
    [{ op: "test" }],
    "test operation failed to decode path: operation missing path field: missing value",
  );
  fails(
    {},
    [{ op: "move", path: "/a" }],
    "move operation failed to decode from: operation, missing from field: missing value",
  );
  fails(
    { a: 1 },
    [{ op: "move", from: "/a" }],
    "move operation failed to decode path: operation missing path field: missing value",
  );
  fails(
    {},
    [{ op: "copy", path: "/a" }],
    "copy operation failed to decode from: operation, missing from field: missing value",
  );
  fails(
    { a: 1 },
    [{ op: "copy", from: "/a" }],
    "copy operation failed to decode path: missing value",
  );
});

Deno.test("patch document shape is validated (400 / 413)", () => {
  fails(
    {},
    { op: "add" },
    "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
    400,
  );
  fails({}, "[]", "json: cannot unmarshal string into Go value of type jsonpatch.Patch", 400);
  fails(
    {},
    ["add"],
    "json: cannot unmarshal string into Go value of type jsonpatch.Operation",
    400,
  );
  fails({}, [[]], "json: cannot unmarshal array into Go value of type jsonpatch.Operation", 400);
  const many = Array.from({ length: 10001 }, () => ({ op: "test", path: "", value: {} }));
  fails({}, many, "The allowed maximum operations in a JSON patch is 10000, got 10001", 413);
  assert.equal(decodeJsonPatch([]).length, 0);
  assert.deepEqual(applyJsonPatch({ a: 1 }, []), { a: 1 });
});

Deno.test("jsonEqual", () => {
  assert.ok(jsonEqual(null, null));
  assert.ok(!jsonEqual(null, {}));
  assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!jsonEqual({ a: undefined }, { b: undefined }));
  assert.ok(!jsonEqual("1", 1));
  assert.ok(jsonEqual([{ x: [1] }], [{ x: [1] }]));
});
