// kinds.ts is generated from certificate.crd.yaml: regenerating must give the same bytes (so the
// checked-in module cannot rot), the module must be formatted, and the kinds it declares must
// export back to the CRD they came from.
import assert from "node:assert/strict";
import { parse } from "yaml";
import {
  crdFromKinds,
  createRuntime,
  CustomResourceDefinition,
  type CustomResourceDefinitionObject,
  generateKindModule,
  structuralProblems,
} from "@k1s/k1s";
import { CertificateV1, kinds } from "./kinds.ts";

const dir = new URL(".", import.meta.url);
const crd = parse(
  await Deno.readTextFile(new URL("certificate.crd.yaml", dir)),
) as CustomResourceDefinitionObject;

Deno.test("codegen: kinds.ts is what generateKindModule makes of the CRD", async () => {
  const checkedIn = await Deno.readTextFile(new URL("kinds.ts", dir));
  const generated = generateKindModule(crd, { source: "certificate.crd.yaml" });
  assert.equal(
    generated,
    checkedIn,
    "regenerate: k1s crd generate -f certificate.crd.yaml -o kinds.ts",
  );
});

Deno.test("codegen: the generated module is formatted", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--check", new URL("kinds.ts", dir).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
});

Deno.test("codegen: the CRD accepts its own manifest", async () => {
  await using rt = await createRuntime();
  await rt.client.create(CustomResourceDefinition, structuredClone(crd), { dryRun: true });
  for (const v of crd.spec.versions) {
    assert.deepEqual(structuralProblems(v.schema!.openAPIV3Schema!), []);
  }
});

Deno.test("codegen: the generated kinds export back to the same CRD", async () => {
  const back = await crdFromKinds(kinds);
  await using rt = await createRuntime();
  await rt.client.create(CustomResourceDefinition, structuredClone(back), { dryRun: true });
  assert.equal(back.metadata.name, crd.metadata.name);
  assert.deepEqual(back.spec.names, crd.spec.names);
  assert.equal(back.spec.scope, crd.spec.scope);
  assert.deepEqual(back.spec.versions.map((v) => v.name), crd.spec.versions.map((v) => v.name));
  for (const [i, v] of back.spec.versions.entries()) {
    const want = crd.spec.versions[i];
    assert.equal(v.storage, want.storage);
    assert.deepEqual(v.subresources, want.subresources);
    assert.deepEqual(v.additionalPrinterColumns, want.additionalPrinterColumns);
    assert.deepEqual(v.selectableFields, want.selectableFields);
    const got = v.schema!.openAPIV3Schema! as Record<string, Record<string, unknown>>;
    const wanted = want.schema!.openAPIV3Schema! as Record<string, Record<string, unknown>>;
    assert.deepEqual(got.properties.spec, wanted.properties.spec, `${v.name} spec`);
    assert.deepEqual(got.properties.status, wanted.properties.status, `${v.name} status`);
    assert.deepEqual(got["x-kubernetes-validations"], wanted["x-kubernetes-validations"]);
    assert.deepEqual(got.required, wanted.required);
  }
});

Deno.test("codegen: the generated kind validates and defaults with the CRD's schema", () => {
  const ok = CertificateV1.schema.safeParse({
    spec: { secretName: "web-tls", issuerRef: { name: "ca" }, renewBefore: "30%", extra: 1 },
  });
  assert.deepEqual(ok, {
    success: true,
    data: {
      spec: {
        secretName: "web-tls",
        duration: "2160h",
        renewBefore: "30%",
        issuerRef: { name: "ca", kind: "Issuer" },
      },
    },
  });
  const bad = CertificateV1.schema.safeParse({
    spec: { secretName: "x", issuerRef: { name: "ca", kind: "Vault" } },
  });
  assert.equal(bad.success, false);
});
