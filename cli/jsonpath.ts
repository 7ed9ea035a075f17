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

import {
  compareGoStrings,
  goFormatFloat,
  goFormatNumber,
  type JsonPathError,
} from "../src/apimachinery/jsonpath.ts";
import { goQuote } from "./printers/go_template_fmt.ts";

export * from "../src/apimachinery/jsonpath.ts";

/**
 * kubectl's message for a jsonpath template that failed while running on `data` (without
 * kubectl's `error: ` prefix): the error, then its debugging block with the template and the
 * object given to the engine as Go's `%#v` prints it. The message ends in three newlines, as
 * kubectl prints it (no newline is added after a message that ends in one).
 *
 * An object whose `metadata.creationTimestamp` is `null` is one kubectl built as a Go type
 * (`create configmap --dry-run=client`): it reaches the engine through JSON, so its numbers are
 * `float64`s; the objects of a server are unstructured, with `int64` integers.
 *
 * @example
 * ```ts
 * import { jsonPathDebug, JsonPathError, parseJsonPath } from "./jsonpath.ts";
 * import assert from "node:assert/strict";
 *
 * const data = { kind: "ConfigMap", data: { a: "1" }, n: [1, true, null] };
 * try {
 *   parseJsonPath("{.kind[0]}").execute(data);
 *   assert.fail();
 * } catch (e) {
 *   assert.equal(
 *     jsonPathDebug(e as JsonPathError, data),
 *     'error executing jsonpath "{.kind[0]}": Error executing template: string is not array or ' +
 *       "slice. Printing more information for debugging the template:\n" +
 *       "\ttemplate was:\n\t\t{.kind[0]}\n\tobject given to jsonpath engine was:\n" +
 *       '\t\tmap[string]interface {}{"data":map[string]interface {}{"a":"1"}, "kind":"ConfigMap", ' +
 *       '"n":[]interface {}{1, true, interface {}(nil)}}\n\n\n',
 *   );
 * }
 * ```
 */
export function jsonPathDebug(err: JsonPathError, data: unknown): string {
  const meta = (data as { metadata?: { creationTimestamp?: unknown } } | null)?.metadata;
  const floats = meta?.creationTimestamp === null;
  return `${err.message}. Printing more information for debugging the template:\n` +
    `\ttemplate was:\n\t\t${err.template}\n` +
    `\tobject given to jsonpath engine was:\n\t\t${goSyntax(data, floats)}\n\n\n`;
}

/** Go's `%#v` of a decoded JSON value held in an `interface{}`. */
function goSyntax(v: unknown, floats: boolean): string {
  if (v === null || v === undefined) return "interface {}(nil)";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number") return floats ? goFormatFloat(v) : goFormatNumber(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    return `[]interface {}{${v.map((x) => goSyntax(x, floats)).join(", ")}}`;
  }
  if (typeof v === "object") {
    const m = v as Record<string, unknown>;
    const keys = Object.keys(m).filter((k) => m[k] !== undefined).sort(compareGoStrings);
    return `map[string]interface {}{${
      keys.map((k) => `${goQuote(k)}:${goSyntax(m[k], floats)}`).join(", ")
    }}`;
  }
  return String(v);
}
