// CEL rules on a kind defined in TypeScript (`defineKind({ validations })`): enforced on writes
// as a CRD's x-kubernetes-validations are, with transition rules, and exported into its CRD.
import assert from "node:assert/strict";
import { z } from "zod";
import { type ApiError, crdFromKind, createRuntime, defineKind, isInvalid } from "@k1s/k1s";

const Bucket = defineKind({
  group: "storage.example.com",
  version: "v1",
  kind: "Bucket",
  spec: z.object({
    size: z.number().int(),
    maxSize: z.number().int().default(100),
    region: z.string(),
  }),
  validations: [
    { rule: "self.spec.size <= self.spec.maxSize", message: "size must not exceed maxSize" },
    {
      rule: "!has(oldSelf.spec) || self.spec.region == oldSelf.spec.region",
      message: "region is immutable",
      fieldPath: ".spec.region",
    },
  ],
});

function message(err: unknown): string {
  return (err as ApiError).message;
}

Deno.test("a kind's CEL rules refuse writes, as kube words it, and transition rules see the old object", async () => {
  await using rt = await createRuntime({ kinds: [Bucket] });
  await assert.rejects(
    rt.client.create(Bucket, { metadata: { name: "b" }, spec: { size: 500, region: "eu" } }),
    (err) =>
      isInvalid(err) &&
      message(err) ===
        'Bucket.storage.example.com "b" is invalid: <nil>: Invalid value: size must not exceed maxSize',
  );
  const made = await rt.client.create(Bucket, {
    metadata: { name: "b" },
    spec: { size: 5, region: "eu" },
  });
  await assert.rejects(
    rt.client.update(Bucket, { ...made, spec: { ...made.spec, region: "us" } }),
    (err) =>
      message(err) ===
        'Bucket.storage.example.com "b" is invalid: spec.region: Invalid value: region is immutable',
  );
  const grown = await rt.client.update(Bucket, { ...made, spec: { ...made.spec, size: 50 } });
  assert.equal(grown.spec.size, 50);
});

Deno.test("a kind's CEL rules go into its exported CRD", async () => {
  const crd = await crdFromKind(Bucket);
  const schema = crd.spec.versions[0].schema?.openAPIV3Schema as Record<string, unknown>;
  assert.deepEqual(schema["x-kubernetes-validations"], [
    { rule: "self.spec.size <= self.spec.maxSize", message: "size must not exceed maxSize" },
    {
      rule: "!has(oldSelf.spec) || self.spec.region == oldSelf.spec.region",
      message: "region is immutable",
      fieldPath: ".spec.region",
    },
  ]);
});
