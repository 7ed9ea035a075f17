/**
 * The k1s quick start: define a kind, open the default SQLite store, and use
 * the API the way a Kubernetes client would.
 *
 *   npx --yes deno@2.9.6 task demo            # store in ./.k1s-demo/store.db
 *   deno run -A examples/quickstart.ts sqlite:/tmp/demo.db
 */
import { z } from "zod";
import {
  ConfigMap,
  createRuntime,
  defineKind,
  isConflict,
  isInvalid,
  retryOnConflict,
} from "@k1s/k1s";

const Item = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Item",
  shortNames: ["itm"],
  spec: z.object({
    displayName: z.string(),
    quantity: z.number().int().min(0).max(10_000).default(1),
    priceCents: z.number().int().min(0).optional(),
    category: z.string().optional(),
  }),
  status: z.object({ restockNeeded: z.boolean().optional() }),
  selectableFields: ["spec.category"],
});

const url = Deno.args[0] ?? "sqlite:.k1s-demo/store.db";
if (url.startsWith("sqlite:") && !url.includes(":memory:")) {
  const path = url.slice("sqlite:".length);
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
}

await using rt = await createRuntime({ store: url, kinds: [Item] });
const items = rt.client.resource(Item, "default");
console.log(`store: ${url}  (revision ${await rt.store.currentRevision()})`);

// Watch everything that happens to items from now on.
const ac = new AbortController();
const from = String(await rt.store.currentRevision());
const watching = (async () => {
  for await (const ev of items.watch({ resourceVersion: from, signal: ac.signal })) {
    const o = ev.object;
    console.log(
      `  watch: ${ev.type.padEnd(8)} ${o.metadata.name} rv=${o.metadata.resourceVersion}`,
    );
  }
})();

// Create (idempotently across runs), defaults come from the zod schema.
for (
  const [name, displayName, category] of [
    ["pen", "Blue pen", "office"],
    ["stapler", "Stapler", "office"],
    ["mug", "Coffee mug", "kitchen"],
  ]
) {
  const existing = await items.list({ fieldSelector: `metadata.name=${name}` });
  if (existing.items.length === 0) {
    const it = await items.create({
      metadata: { name, labels: { category } },
      spec: { displayName, category },
    });
    console.log(
      `created ${name}: quantity=${it.spec.quantity} generation=${it.metadata.generation}`,
    );
  }
}

// Optimistic concurrency: a stale write is refused, retryOnConflict re-reads.
const pen = await items.get("pen");
await items.patch("pen", { spec: { quantity: pen.spec.quantity + 1 } });
try {
  await items.update({ ...pen, spec: { ...pen.spec, quantity: 0 } });
} catch (err) {
  if (isConflict(err)) console.log(`stale update refused: ${(err as Error).message}`);
}
await retryOnConflict(async () => {
  const fresh = await items.get("pen");
  await items.update({ ...fresh, spec: { ...fresh.spec, quantity: fresh.spec.quantity + 10 } });
});

// Validation errors read like the API server's.
try {
  await items.create({ metadata: { name: "Bad Name" }, spec: { displayName: "x", quantity: -1 } });
} catch (err) {
  if (isInvalid(err)) console.log(`invalid: ${(err as Error).message}`);
}

// Status is a subresource: it does not bump generation.
await rt.client.status.patch(Item, "pen", { status: { restockNeeded: false } }, {
  namespace: "default",
});

// Selectors.
const office = await items.list({ labelSelector: "category in (office)" });
console.log(`office items: ${office.items.map((i) => i.metadata.name).join(", ")}`);
const kitchen = await items.list({ fieldSelector: "spec.category=kitchen" });
console.log(`kitchen items: ${kitchen.items.map((i) => i.metadata.name).join(", ")}`);

// Built-in kinds behave as in Kubernetes.
await rt.client.patch(ConfigMap, "settings", { data: { theme: "dark" } }, { namespace: "default" })
  .catch(() =>
    rt.client.create(ConfigMap, { metadata: { name: "settings" }, data: { theme: "dark" } })
  );

const final = await items.get("pen");
console.log(
  `pen: quantity=${final.spec.quantity} generation=${final.metadata.generation} ` +
    `resourceVersion=${final.metadata.resourceVersion}`,
);
await new Promise((r) => setTimeout(r, 50));
ac.abort();
await watching;
