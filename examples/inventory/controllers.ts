/**
 * The inventory controller: a category's status counts its items and
 * subcategories; it records an event on the categories it changes.
 *
 * @module
 */
import { type Client, type Controller, controllerFor, EventRecorder, isNotFound } from "@k1s/k1s";
import { Category, Item } from "./kinds.ts";

/**
 * Builds the inventory's controllers for a runtime: an embedded one, or a
 * connection to an API server (`connect()`).
 */
export function inventoryControllers(rt: { client: Client }): Controller[] {
  const recorder = new EventRecorder(rt.client, { component: "inventory-controller" });
  const counter = controllerFor(Category)
    .named("category-counter")
    .watches(Item, (item) => [{ namespace: item.metadata.namespace, name: item.spec.category }])
    .watches(
      Category,
      (cat) =>
        cat.spec.parent ? [{ namespace: cat.metadata.namespace, name: cat.spec.parent }] : [],
    )
    .complete(async (req, ctx) => {
      let cat;
      try {
        cat = await ctx.reader.get(Category, req.name, { namespace: req.namespace });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      const [items, subs] = await Promise.all([
        ctx.reader.list(Item, {
          namespace: req.namespace,
          fieldSelector: `spec.category=${req.name}`,
        }),
        ctx.reader.list(Category, {
          namespace: req.namespace,
          fieldSelector: `spec.parent=${req.name}`,
        }),
      ]);
      const status = { items: items.items.length, subcategories: subs.items.length };
      if (
        cat.status?.items === status.items && cat.status?.subcategories === status.subcategories
      ) return;
      let updated;
      try {
        updated = await ctx.client.status.update(Category, { ...cat, status });
      } catch (err) {
        if (isNotFound(err)) return; // deleted meanwhile
        throw err;
      }
      await recorder.event(
        updated,
        "Normal",
        "Counted",
        `${status.items} item${status.items === 1 ? "" : "s"}, ${status.subcategories} ` +
          `subcategor${status.subcategories === 1 ? "y" : "ies"}`,
      );
    });
  return [counter];
}
