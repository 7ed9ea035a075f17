/**
 * The inventory kinds: `Item` (`itm`) and `Category` (`cat`) in
 * `inventory.k1s.dev/v1alpha1`.
 *
 * @module
 */
import { z } from "zod";
import { type CustomKind, defineKind, isNotFound } from "@k1s/k1s";

/** How deep categories may nest (a top-level category is depth 1). */
export const MAX_CATEGORY_DEPTH = 5;

const categorySpec = z.object({
  displayName: z.string().min(1).describe("Name shown to people."),
  description: z.string().optional().describe("What belongs in this category."),
  parent: z.string().optional().describe("Name of the parent category, in the same namespace."),
  tags: z.array(z.string()).default([]).describe("Free-form tags."),
});

const categoryStatus = z.object({
  items: z.number().int().optional().describe("Items in this category."),
  subcategories: z.number().int().optional().describe("Categories whose parent this is."),
});

/** Category: a named group of items, optionally inside a parent category. */
export const Category: CustomKind<typeof categorySpec, typeof categoryStatus> = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Category",
  plural: "categories",
  shortNames: ["cat"],
  categories: ["all", "inventory"],
  spec: categorySpec,
  status: categoryStatus,
  selectableFields: ["spec.parent"],
  printerColumns: [
    { name: "Display Name", type: "string", jsonPath: ".spec.displayName" },
    { name: "Parent", type: "string", jsonPath: ".spec.parent" },
    { name: "Items", type: "integer", jsonPath: ".status.items" },
    { name: "Subcategories", type: "integer", jsonPath: ".status.subcategories" },
    { name: "Tags", type: "string", jsonPath: ".spec.tags", priority: 1 },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  async admit(cat, old, reader) {
    if (!cat.spec.parent || (old && old.spec.parent === cat.spec.parent)) return;
    let depth = 1;
    let parent: string | undefined = cat.spec.parent;
    const seen = new Set([cat.metadata.name]);
    while (parent) {
      if (seen.has(parent)) return `category "${parent}" would become its own ancestor`;
      seen.add(parent);
      try {
        const p: { spec: { parent?: string } } = await reader.get(Category, parent, {
          namespace: cat.metadata.namespace,
        });
        depth++;
        parent = p.spec.parent;
      } catch (err) {
        if (isNotFound(err)) return `parent category "${parent}" does not exist`;
        throw err;
      }
    }
    if (depth > MAX_CATEGORY_DEPTH) {
      return `categories may nest at most ${MAX_CATEGORY_DEPTH} deep (this one would be at depth ${depth})`;
    }
  },
});

/** Item: something on the shelves. */
export const Item = defineKind({
  group: "inventory.k1s.dev",
  version: "v1alpha1",
  kind: "Item",
  shortNames: ["itm"],
  categories: ["all", "inventory"],
  spec: z.object({
    displayName: z.string().min(1).describe("Name shown to people."),
    description: z.string().optional().describe("What the item is."),
    quantity: z.number().int().min(0).max(10_000).default(1).describe("How many are in stock."),
    priceCents: z.number().int().min(0).describe("Unit price in cents."),
    category: z.string().min(1).describe("Name of the item's category, in the same namespace."),
  }),
  selectableFields: ["spec.category"],
  printerColumns: [
    { name: "Display Name", type: "string", jsonPath: ".spec.displayName" },
    { name: "Category", type: "string", jsonPath: ".spec.category" },
    { name: "Quantity", type: "integer", jsonPath: ".spec.quantity" },
    { name: "Price", type: "integer", jsonPath: ".spec.priceCents", description: "cents" },
    { name: "Description", type: "string", jsonPath: ".spec.description", priority: 1 },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  async admit(item, old, reader) {
    if (old && old.spec.category === item.spec.category) return;
    try {
      await reader.get(Category, item.spec.category, { namespace: item.metadata.namespace });
    } catch (err) {
      if (isNotFound(err)) return `category "${item.spec.category}" does not exist`;
      throw err;
    }
  },
});
