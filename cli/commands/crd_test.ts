// `crd export` and `crd generate`, run in-process.
import assert from "node:assert/strict";
import { parse } from "yaml";
import { defineCli } from "../kit.ts";
import { runCli } from "../_test_helpers.ts";
import { crdCommand } from "./crd.ts";
import { Category, Item } from "../../examples/inventory/kinds.ts";
import { ConfigMap } from "../../src/resources/core_v1.ts";

const cli = defineCli({
  name: "inventory",
  version: "0.1.0",
  kinds: [Item, Category, ConfigMap],
  commands: [crdCommand],
});

Deno.test("crd export: the CLI's own kinds as CRD YAML", async () => {
  const r = await runCli(cli, ["crd", "export"]);
  assert.equal(r.code, 0, r.err);
  const docs = r.out.split(/^---$/m).map((d) => parse(d));
  assert.deepEqual(docs.map((d) => d.metadata.name), [
    "items.inventory.k1s.dev",
    "categories.inventory.k1s.dev",
  ]);
  assert.equal(docs[0].apiVersion, "apiextensions.k8s.io/v1");
});

Deno.test("crd export: chosen kinds, as JSON", async () => {
  const r = await runCli(cli, ["crd", "export", "cat", "-o", "json"]);
  assert.equal(r.code, 0, r.err);
  const crd = JSON.parse(r.out);
  assert.equal(crd.kind, "CustomResourceDefinition");
  assert.equal(crd.spec.names.kind, "Category");
  const both = JSON.parse(
    (await runCli(cli, ["crd", "export", "items", "Category", "-o=json"])).out,
  );
  assert.equal(both.kind, "List");
  assert.equal(both.items.length, 2);
  const bad = await runCli(cli, ["crd", "export", "configmaps"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /doesn't have a resource type "configmaps"/);
  assert.match((await runCli(cli, ["crd", "export", "-o", "wide"])).err, /--output must be/);
});

Deno.test("crd generate: a module from a CRD file, to stdout or a file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "k1s-crd-" });
  try {
    const exported = (await runCli(cli, ["crd", "export", "itm"])).out;
    await Deno.writeTextFile(`${dir}/item.yaml`, exported);
    const r = await runCli(cli, ["crd", "generate", "-f", `${dir}/item.yaml`]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /export const ItemV1alpha1: ItemV1alpha1Kind = defineKind\(\{/);
    const w = await runCli(cli, ["crd", "generate", "-f", `${dir}/item.yaml`, "-o", `${dir}/k.ts`]);
    assert.equal(w.code, 0, w.err);
    assert.equal(
      await Deno.readTextFile(`${dir}/k.ts`),
      r.out.replace("from item.yaml", "from item.yaml"),
    );
    const none = await runCli(cli, ["crd", "generate"]);
    assert.equal(none.code, 1);
    assert.match(none.err, /needs -f FILE/);
    assert.match((await runCli(cli, ["crd"])).err, /needs a subcommand/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
