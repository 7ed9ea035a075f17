// The full template language is tested against kubectl's output in cli/jsonpath_test.ts; these
// tests cover what printer columns rely on: FindResults and PrintResults.
import assert from "node:assert/strict";
import {
  goFormatFloat,
  goFormatNumber,
  JsonPathError,
  parseJsonPath,
  printJsonPathResults,
} from "./jsonpath.ts";

const item = {
  metadata: { name: "widget", labels: { b: "2", a: "1" } },
  spec: { quantity: 3, price: 2.5, tags: ["x", "y"], note: null, onSale: false },
};

Deno.test("results: one list per action, missing keys give an empty list", () => {
  assert.deepEqual(parseJsonPath("{.spec.quantity}").results(item), [[3]]);
  assert.deepEqual(parseJsonPath("{.spec.missing}").results(item), [[]]);
  assert.deepEqual(parseJsonPath("{.metadata.missing.deeper}").results(item), [[]]);
  assert.deepEqual(parseJsonPath("{.spec.tags[*]}").results(item), [["x", "y"]]);
  assert.deepEqual(parseJsonPath("{.spec.tags[1]}").results(item), [["y"]]);
  // A JSON null is a value (client-go keeps it), unlike a missing key.
  assert.deepEqual(parseJsonPath("{.spec.note}").results(item), [[null]]);
  assert.deepEqual(parseJsonPath("{.spec.onSale}").results(item), [[false]]);
});

Deno.test("results: with allowMissingKeys false a missing key fails", () => {
  const strict = parseJsonPath("{.spec.missing}", { allowMissingKeys: false });
  assert.throws(() => strict.results(item), (e: unknown) => {
    assert.ok(e instanceof JsonPathError);
    assert.equal(e.phase, "execute");
    assert.equal(e.reason, "missing is not found");
    return true;
  });
});

Deno.test("results: an index out of range fails; a malformed template fails to parse", () => {
  assert.throws(() => parseJsonPath("{.spec.tags[5]}").results(item), {
    name: "JsonPathError",
    message: /array index out of bounds: index 5, length 2/,
  });
  assert.throws(() => parseJsonPath("{.spec["), (e: unknown) => {
    assert.ok(e instanceof JsonPathError);
    assert.equal(e.phase, "parse");
    assert.equal(e.message, "error parsing jsonpath {.spec[, unterminated array");
    return true;
  });
});

Deno.test("printJsonPathResults: maps and lists as sorted compact JSON, scalars as Go prints them", () => {
  assert.equal(printJsonPathResults([item.metadata.labels]), '{"a":"1","b":"2"}');
  assert.equal(printJsonPathResults([item.spec.tags]), '["x","y"]');
  assert.equal(printJsonPathResults(["widget"]), "widget");
  assert.equal(printJsonPathResults([3]), "3");
  assert.equal(printJsonPathResults([2.5]), "2.5");
  assert.equal(printJsonPathResults([1e21]), "1e+21");
  assert.equal(printJsonPathResults([true]), "true");
  assert.equal(printJsonPathResults([null]), "null");
  assert.equal(printJsonPathResults(["a", 1, ["b"]]), 'a 1 ["b"]');
  assert.equal(printJsonPathResults([{ html: "<&>" }]), '{"html":"\\u003c\\u0026\\u003e"}');
  assert.equal(printJsonPathResults([]), "");
});

Deno.test("Go number formatting: int64 and float64 as fmt prints them", () => {
  assert.equal(goFormatNumber(1_000_000), "1000000");
  assert.equal(goFormatNumber(2 ** 60), "1152921504606846976");
  assert.equal(goFormatNumber(0.5), "0.5");
  assert.equal(goFormatFloat(1_000_000), "1e+06");
  assert.equal(goFormatFloat(123456.5), "123456.5");
  assert.equal(goFormatFloat(0.0001), "0.0001");
  assert.equal(goFormatFloat(0.00001), "1e-05");
  assert.equal(goFormatFloat(-0), "-0");
});
