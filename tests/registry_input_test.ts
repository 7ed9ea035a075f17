// What a write's body may be, as kube-apiserver decodes it: field validation (Strict, Warn,
// Ignore) of unknown and duplicate fields, JSON text and bytes, hostile values, patches that do
// not apply, and the options of writes. Every refusal leaves the stored object as it was.
import assert from "node:assert/strict";
import { z } from "zod";
import { ApiError, ConfigMap, createRuntimeCore, defineKind, Secret } from "@k1s/k1s";

const Widget = defineKind({
  group: "shop.k1s.dev",
  version: "v1",
  kind: "Widget",
  spec: z.object({
    size: z.number().int().default(1),
    parts: z.array(z.object({ name: z.string() })).default([]),
  }),
});

async function setup() {
  const rt = await createRuntimeCore({ kinds: [Widget] });
  await rt.registry.create(ConfigMap, {
    metadata: { name: "app", namespace: "default" },
    data: { a: "1" },
  });
  return rt;
}

async function fails(p: Promise<unknown>, code: number, message: string | RegExp) {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ApiError, `expected an ApiError, got ${String(caught)}`);
  assert.equal(caught.status.code, code, caught.message);
  if (typeof message === "string") assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}

const CM_STRICT =
  'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: ';

Deno.test("Strict refuses unknown fields of body and metadata; Warn warns; Ignore drops", async () => {
  await using rt = await setup();
  const r = rt.registry;
  const body = { metadata: { name: "x", labelz: { a: "b" } }, data: { k: "v" }, specc: 1 };
  await fails(
    r.create(ConfigMap, body, { fieldValidation: "Strict" }),
    400,
    CM_STRICT + 'unknown field "metadata.labelz", unknown field "specc"',
  );
  await fails(r.get(ConfigMap, "x", { namespace: "default" }), 404, 'configmaps "x" not found');
  const warnings: string[] = [];
  const made = await r.create(ConfigMap, body, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, ['unknown field "metadata.labelz"', 'unknown field "specc"']);
  assert.equal("specc" in made, false);
  assert.equal("labelz" in made.metadata, false);
  const quiet: string[] = [];
  await r.create(ConfigMap, { ...body, metadata: { name: "y" } }, {
    fieldValidation: "Ignore",
    onWarning: (w) => quiet.push(w),
  });
  assert.deepEqual(quiet, []);
  // Nested members of a user kind, with kube's paths; null members are not reported.
  await fails(
    r.create(Widget, {
      metadata: { name: "w", namespace: "default" },
      spec: { size: 2, colour: "red", parts: [{ name: "a" }, { name: "b", weight: 3 }], x: null },
    }, { fieldValidation: "Strict" }),
    400,
    'Widget in version "v1" cannot be handled as a Widget: strict decoding error: ' +
      'unknown field "spec.colour", unknown field "spec.parts[1].weight"',
  );
  // Secrets' stringData is known (folded into data), and ownerReferences members are checked.
  await r.create(Secret, {
    metadata: { name: "s", namespace: "default" },
    stringData: { p: "q" },
  }, { fieldValidation: "Strict" });
  await fails(
    r.create(ConfigMap, {
      metadata: {
        name: "o",
        ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "app", uid: "u", ctl: 1 }],
      },
    }, { fieldValidation: "Strict" }),
    400,
    CM_STRICT + 'unknown field "metadata.ownerReferences[0].ctl"',
  );
});

Deno.test("duplicate members of JSON text are strict errors; text and bytes are bodies", async () => {
  await using rt = await setup();
  const r = rt.registry;
  const text = '{"metadata":{"name":"d","name":"d"},"data":{"k":"1","k":"2"}}';
  await fails(
    r.create(ConfigMap, text, { fieldValidation: "Strict" }),
    400,
    CM_STRICT + 'duplicate field "metadata.name", duplicate field "data.k"',
  );
  const warnings: string[] = [];
  const made = await r.create(ConfigMap, new TextEncoder().encode(text), {
    onWarning: (w) => warnings.push(w),
  });
  assert.deepEqual(warnings, ['duplicate field "metadata.name"', 'duplicate field "data.k"']);
  assert.deepEqual(made.data, { k: "2" }); // the last one wins, as Go's decoder keeps it
  // Invalid UTF-8 is read as U+FFFD, as Go's decoder reads it.
  const bytes = new Uint8Array([
    ...new TextEncoder().encode('{"metadata":{"name":"u"},"data":{"k":"'),
    0xff,
    ...new TextEncoder().encode('"}}'),
  ]);
  assert.deepEqual((await r.create(ConfigMap, bytes)).data, { k: "\ufffd" });
  await fails(
    r.create(ConfigMap, '{"metadata":{"name":"b",}'),
    400,
    "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; " +
      "json parse error: invalid character '}' looking for beginning of object key string " +
      '({"metadata":{"name":"b",})',
  );
  await fails(
    r.create(ConfigMap, "not json at all, and longer than thirty bytes"),
    400,
    /json parse error: invalid character 'o' in literal null \(expecting 'u'\) \(6e6f74/,
  );
  // An update by text, with the same rules.
  const cur = await r.get(ConfigMap, "app", { namespace: "default" });
  await fails(
    r.update(ConfigMap, JSON.stringify({ ...cur, spex: {} }), { fieldValidation: "Strict" }),
    400,
    CM_STRICT + 'unknown field "spex"',
  );
  assert.deepEqual(await r.get(ConfigMap, "app", { namespace: "default" }), cur);
});

Deno.test("values that are not JSON data are 400s and store nothing", async () => {
  await using rt = await setup();
  const r = rt.registry;
  const cyclic: Record<string, unknown> = { metadata: { name: "c" } };
  cyclic.data = { self: cyclic };
  const cases: [unknown, string][] = [
    [cyclic, "data.self: cyclic value"],
    [{ metadata: { name: "n" }, data: { k: NaN } }, "data.k: json: unsupported value: NaN"],
    [{ metadata: { name: "f" }, data: { k: () => 1 } }, "data.k: a function is not a JSON value"],
    [
      { metadata: { name: "t", creationTimestamp: new Date(0) } },
      "metadata.creationTimestamp: a Date is not a JSON value (use plain objects, arrays and scalars)",
    ],
    [{ metadata: { name: "b" }, data: { k: 1n } }, "data.k: a bigint is not a JSON value"],
  ];
  let deep: unknown = "x";
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  cases.push([{ metadata: { name: "deep" }, data: deep }, "json: exceeded max depth of 1000"]);
  let deepArray: unknown = [];
  for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
  cases.push([{ metadata: { name: "deep" }, data: deepArray }, "json: exceeded max depth of 1000"]);
  for (const [body, why] of cases) {
    await fails(
      r.create(ConfigMap, body),
      400,
      `ConfigMap in version "v1" cannot be handled as a ConfigMap: ${why}`,
    );
  }
  assert.deepEqual(
    (await r.list(ConfigMap, { namespace: "default" })).items.map((o) => o.metadata.name),
    ["app"],
  );
  await fails(
    r.patch(ConfigMap, "app", { data: deep }, { namespace: "default" }),
    400,
    "error decoding patch: json: exceeded max depth of 1000",
  );
  await fails(
    r.patch(ConfigMap, "app", JSON.stringify(deep), { namespace: "default", type: "json" }),
    400,
    "error decoding patch: json: exceeded max depth of 1000",
  );
});

Deno.test("patches: strict errors on 'patch', failed tests and oversized JSON patches", async () => {
  await using rt = await setup();
  const r = rt.registry;
  const before = await r.get(ConfigMap, "app", { namespace: "default" });
  const ns = { namespace: "default" };
  const merge = await fails(
    r.patch(ConfigMap, "app", '{"specc":1,"data":{"z":"1"}}', { ...ns, fieldValidation: "Strict" }),
    422,
    /^ "" is invalid: patch: Invalid value: "\{.*\\"specc\\":1\}": strict decoding error: unknown field "specc"$/,
  );
  assert.equal(merge.status.details?.causes?.[0]?.field, "patch");
  await fails(
    r.patch(ConfigMap, "app", '{"data":{"z":"1","z":"2"},"specc":1}', {
      ...ns,
      type: "strategic",
      fieldValidation: "Strict",
    }),
    422,
    ' "" is invalid: patch: Invalid value: "map[data:map[z:2] specc:1]": strict decoding error: ' +
      'duplicate field "data.z", unknown field "specc"',
  );
  await fails(
    r.patch(ConfigMap, "app", '[{"op":"add","path":"/specc","value":1,"op":"add"}]', {
      ...ns,
      type: "json",
      fieldValidation: "Strict",
    }),
    422,
    /strict decoding error: json patch duplicate field "\[0\]\.op", unknown field "specc"$/,
  );
  const warnings: string[] = [];
  await r.patch(ConfigMap, "app", { specc: 1, data: { w: "1" } }, {
    ...ns,
    onWarning: (w) => warnings.push(w),
  });
  assert.deepEqual(warnings, ['unknown field "specc"']);
  const after = await r.get(ConfigMap, "app", ns);
  assert.deepEqual(after.data, { a: "1", w: "1" });
  // A failed test operation: kube's generic 422, which kubectl prints as
  // "The request is invalid: the server rejected our request due to an error in our request".
  const failed = await fails(
    r.patch(ConfigMap, "app", [{ op: "test", path: "/data/a", value: "2" }], {
      ...ns,
      type: "json",
    }),
    422,
    "the server rejected our request due to an error in our request",
  );
  assert.equal(failed.reason, "Invalid");
  assert.deepEqual(failed.status.details, {});
  const many = Array.from({ length: 10_001 }, () => ({ op: "test", path: "/data/a", value: "1" }));
  await fails(
    r.patch(ConfigMap, "app", many, { ...ns, type: "json" }),
    413,
    "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
  );
  assert.deepEqual(await r.get(ConfigMap, "app", ns), after);
  assert.notDeepEqual(after, before);
});

Deno.test("write options are validated as kube validates CreateOptions, UpdateOptions, PatchOptions", async () => {
  await using rt = await setup();
  const r = rt.registry;
  await fails(
    r.create(ConfigMap, { metadata: { name: "a1" } }, { fieldValidation: "strict" as "Strict" }),
    422,
    'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": ' +
      'supported values: "", "Ignore", "Strict", "Warn"',
  );
  await fails(
    r.create(ConfigMap, { metadata: { name: "a2" } }, { fieldManager: "m".repeat(129) }),
    422,
    'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
  );
  const cur = await r.get(ConfigMap, "app", { namespace: "default" });
  await fails(
    r.update(ConfigMap, cur, { fieldManager: "bad\tname" }),
    422,
    'UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "bad\\tname": ' +
      "invalid character U+0009 (at position 3)",
  );
  await fails(
    r.patch(ConfigMap, "app", {}, { namespace: "default", fieldManager: "é\u0000" }),
    422,
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "é\\u0000": ' +
      "invalid character U+0000 (at position 2)",
  );
  await r.create(ConfigMap, { metadata: { name: "ok" } }, {
    fieldManager: "kubectl-client-side-apply",
  });
  assert.deepEqual(
    (await r.list(ConfigMap, { namespace: "default" })).items.map((o) => o.metadata.name),
    ["app", "ok"],
  );
});

Deno.test("bad base64 in a Secret's data or a ConfigMap's binaryData: Go's decoder's 400", async () => {
  await using rt = await createRuntimeCore({});
  // [value, the offset Go's base64.StdEncoding names]
  const cases: [string, number][] = [
    ["not base64!", 3],
    ["abc", 0],
    ["abcdef", 4],
    ["ab=c", 2],
    ["YQ==YQ==", 4],
    ["YQ=", 3],
    ["a==", 1],
  ];
  for (const [value, at] of cases) {
    await assert.rejects(
      rt.client.create(Secret, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "s", namespace: "default" },
        data: { k: value },
      }),
      (err: ApiError) => {
        assert.equal(err.code, 400, value);
        assert.equal(
          err.message,
          `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at}`,
        );
        return true;
      },
    );
  }
  await assert.rejects(
    rt.client.create(ConfigMap, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default" },
      binaryData: { k: "abc" },
    }),
    /ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 0/,
  );
  const ok = await rt.client.create(Secret, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "default" },
    data: { k: "YWJj", e: "" },
  });
  assert.equal(ok.data?.k, "YWJj");
});
