/**
 * kubectl's JSONPath template language, for `-o jsonpath=…`, `-o custom-columns=…`,
 * `--sort-by` and printer columns. The implementation lives in the package
 * (`src/apimachinery/jsonpath.ts`), where the API server's Tables use it for printer columns;
 * this module re-exports it for the CLI.
 *
 * @example
 * ```ts
 * import { parseJsonPath } from "./jsonpath.ts";
 * import assert from "node:assert/strict";
 *
 * const list = { items: [{ metadata: { name: "a" } }, { metadata: { name: "b" } }] };
 * assert.equal(parseJsonPath("{.items[*].metadata.name}").execute(list), "a b");
 * ```
 *
 * @module
 */

export * from "../src/apimachinery/jsonpath.ts";
