import assert from "node:assert/strict";
import { Quantity, QUANTITY_FORMAT_ERROR } from "./quantity.ts";

Deno.test("quantity parsing and comparison", () => {
  assert.equal(Quantity.parse("1Ki").compareTo(Quantity.parse("1024")), 0);
  assert.equal(Quantity.parse("1k").compareTo(Quantity.parse("1000")), 0);
  assert.equal(Quantity.parse("100m").compareTo(Quantity.parse("0.1")), 0);
  assert.equal(Quantity.parse("1e-3").compareTo(Quantity.parse("1m")), 0);
  assert.equal(Quantity.parse("-1.5Gi").sign(), -1);
  assert.equal(Quantity.parse("1n").compareTo(Quantity.parse("1u")), -1);
  assert.throws(() => Quantity.parse("1GiB"), { message: QUANTITY_FORMAT_ERROR });
  assert.throws(() => Quantity.parse("abc"), { message: QUANTITY_FORMAT_ERROR });
});
