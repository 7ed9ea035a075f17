// The inventory example through its CLI: admission, nesting, counts and events.
import assert from "node:assert/strict";
import { captureIO } from "@k1s/k1s/cli";
import { inventory } from "./cli.ts";

const sample = new URL("./sample/", import.meta.url).pathname;

Deno.test("the inventory CLI counts items, refuses bad references and deep nesting", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inventory-test-" });
  const run = async (args: string[], stdin = "") => {
    const io = captureIO({ stdin });
    const code = await inventory.run(["--store", `sqlite:${dir}/s.db`, ...args], io);
    return { code, out: io.out, err: io.err };
  };
  try {
    assert.equal((await run(["apply", "-f", `${sample}categories.yaml`])).code, 0);
    assert.equal((await run(["apply", "-f", `${sample}items.yaml`])).code, 0);
    const counts = await run([
      "get",
      "cat",
      "-o",
      "custom-columns=NAME:.metadata.name,ITEMS:.status.items,SUBS:.status.subcategories",
    ]);
    assert.equal(
      counts.out,
      "NAME      ITEMS   SUBS\nkitchen   1       0\noffice    1       1\nwriting   1       0\n",
    );
    // Both kinds are in the `all` and `inventory` categories.
    for (const category of ["all", "inventory"]) {
      const names = (await run(["get", category, "-o", "name"])).out.trim().split("\n");
      assert.equal(names.length, 6, category);
      assert.ok(names.includes("category.inventory.k1s.dev/office"), category);
    }
    const bad = await run(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "inventory.k1s.dev/v1alpha1",
        kind: "Item",
        metadata: { name: "ghost" },
        spec: { displayName: "Ghost", priceCents: 1, category: "nowhere" },
      }),
    );
    assert.equal(bad.code, 1);
    assert.equal(
      bad.err,
      'Error from server (Forbidden): error when creating "STDIN": items.inventory.k1s.dev "ghost" is forbidden: category "nowhere" does not exist\n',
    );
    const tooMany = await run(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "inventory.k1s.dev/v1alpha1",
        kind: "Item",
        metadata: { name: "lots" },
        spec: { displayName: "Lots", priceCents: 1, category: "office", quantity: 10001 },
      }),
    );
    assert.equal(tooMany.code, 1);
    assert.match(
      tooMany.err,
      /^The Item "lots" is invalid: spec\.quantity: Invalid value: 10001: must be less than or equal to 10000/,
    );
    // Nest 5 deep under office (depth 1): levels 2..5 are fine, level 6 is refused.
    let parent = "office";
    for (let depth = 2; depth <= 6; depth++) {
      const r = await run(
        ["apply", "-f", "-"],
        JSON.stringify({
          apiVersion: "inventory.k1s.dev/v1alpha1",
          kind: "Category",
          metadata: { name: `level-${depth}` },
          spec: { displayName: `Level ${depth}`, parent },
        }),
      );
      if (depth <= 5) assert.equal(r.code, 0, r.err);
      else {
        assert.equal(r.code, 1);
        assert.match(r.err, /categories may nest at most 5 deep \(this one would be at depth 6\)/);
      }
      parent = `level-${depth}`;
    }
    assert.equal((await run(["delete", "itm", "stapler"])).code, 0);
    const office = await run([
      "get",
      "cat",
      "office",
      "-o",
      "jsonpath={.status.items}/{.status.subcategories}",
    ]);
    assert.equal(office.out, "0/2");
    const events = await run([
      "get",
      "events",
      "-o",
      'jsonpath={range .items[*]}{.involvedObject.name} {.reason} {.message}{"\\n"}{end}',
    ]);
    assert.match(events.out, /^office Counted 0 items, 2 subcategories$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
