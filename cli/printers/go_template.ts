/**
 * kubectl's Go template printer (`-o go-template=…`, `-o go-template-file=…`, `-o template=…`,
 * `-o templatefile=…`, `--template`): Go's `text/template` over the object as JSON, with
 * kubectl's extra functions `exists` and `base64decode` and kubectl's error messages.
 *
 * As in kubectl 1.32, JSON integers are Go `int64` and other numbers `float64`, a missing
 * key prints `<no value>` (unless missing keys are errors), and the template runs once on what
 * is printed: one object when one was named, else a `List`.
 *
 * @example
 * ```ts
 * import { goTemplatePrinter } from "./go_template.ts";
 * import assert from "node:assert/strict";
 *
 * const print = goTemplatePrinter('{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}');
 * assert.equal(print({ items: [{ metadata: { name: "a" } }, { metadata: { name: "b" } }] }), "a\nb\n");
 * ```
 *
 * @module
 */

import { PrintError } from "./errors.ts";
import { executeTemplate, TemplateExecError } from "./go_template_exec.ts";
import { OBJECT_META_FIELDS } from "../../src/apimachinery/meta.ts";
import { goJson, GoStruct } from "../../src/apimachinery/jsonpath.ts";
import { formatValue, GoInt, type GoMap, goQuote, isMap } from "./go_template_fmt.ts";
import { KUBECTL_FUNCS } from "./go_template_funcs.ts";
import { type ParsedTemplate, parseTemplate, TemplateParseError } from "./go_template_parse.ts";

export { TemplateExecError } from "./go_template_exec.ts";
export { TemplateParseError } from "./go_template_parse.ts";

const FUNC_NAMES: ReadonlySet<string> = new Set(KUBECTL_FUNCS.keys());

/** A parsed Go template with kubectl's functions. */
export interface GoTemplate {
  /** The parsed tree. */
  readonly parsed: ParsedTemplate;
  /**
   * Runs the template on Go values (see {@linkcode toGoValue}); throws
   * {@linkcode TemplateExecError} (with the partial output in `output`).
   */
  execute(data: unknown): string;
}

/**
 * Parses `text` as Go template `name` (kubectl names it `output`) with kubectl's functions;
 * throws {@linkcode TemplateParseError} with Go's message.
 */
export function parseGoTemplate(
  text: string,
  options: { name?: string; missingKeyError?: boolean } = {},
): GoTemplate {
  const parsed = parseTemplate(text, options.name ?? "output", FUNC_NAMES);
  return {
    parsed,
    execute: (data) =>
      executeTemplate(parsed, data, KUBECTL_FUNCS, { missingKeyError: options.missingKeyError }),
  };
}

/**
 * JSON as kubectl's template engine sees it: integers become Go `int64`s (other numbers stay
 * `float64`), everything else is copied.
 */
export function toGoValue(v: unknown): unknown {
  if (typeof v === "number") {
    return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? new GoInt(v, "int64") : v;
  }
  if (Array.isArray(v)) return v.map(toGoValue);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toGoValue(x);
    return out;
  }
  return v;
}

/** A {@linkcode PrintError} from executing a template, with what kubectl writes to stdout. */
export class GoTemplateExecPrintError extends PrintError {
  /**
   * What kubectl writes to standard output before failing: the output up to the error, then
   * its "Error executing template: … Printing more information for debugging the template:"
   * block.
   */
  readonly output: string;
  /** Creates the error. */
  constructor(message: string, output: string) {
    super(message);
    this.name = "GoTemplateExecPrintError";
    this.output = output;
  }
}

/**
 * kubectl's GoTemplatePrinter for `template` (already read from its file): a function that
 * renders one object (or List). Throws {@linkcode PrintError} with kubectl's message for a
 * template that does not parse (`error parsing template …`) and, when rendering, for one that
 * fails (`error executing template "…": …`).
 */
export function goTemplatePrinter(
  template: string,
  options: { allowMissingKeys?: boolean } = {},
): (obj: unknown) => string {
  let tmpl: GoTemplate;
  try {
    tmpl = parseGoTemplate(template, { missingKeyError: options.allowMissingKeys === false });
  } catch (e) {
    if (e instanceof TemplateParseError) {
      throw new PrintError(`error parsing template ${template}, ${e.message}`);
    }
    throw e;
  }
  return (obj) => {
    const data = toGoValue(obj);
    try {
      return tmpl.execute(data);
    } catch (e) {
      if (!(e instanceof TemplateExecError)) throw e;
      const partial = (e as TemplateExecError & { output?: string }).output ?? "";
      const debug = `Error executing template: ${e.message}. ` +
        "Printing more information for debugging the template:\n" +
        `\ttemplate was:\n\t\t${template}\n` +
        `\traw data was:\n\t\t${rawJson(obj)}\n` +
        `\tobject given to template engine was:\n\t\t${formatValue(data)}\n\n`;
      throw new GoTemplateExecPrintError(
        `error executing template ${goQuote(template)}: ${e.message}`,
        partial + debug,
      );
    }
  };
}

/** Field orders, after TypeMeta and ObjectMeta, of the Go types kubectl's generators build. */
const STRUCT_FIELDS: Record<string, readonly string[]> = {
  ConfigMap: ["immutable", "data", "binaryData"],
  Secret: ["immutable", "data", "stringData", "type"],
  Namespace: ["spec", "status"],
  ServiceAccount: ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
};

/**
 * Go's `json.Marshal` of what kubectl gives the printer, the "raw data" of its debugging block.
 * An object whose `metadata.creationTimestamp` is `null` is a Go type kubectl built
 * (`create configmap --dry-run=client`): its fields print in declaration order (kind,
 * apiVersion, metadata, then the type's fields). Any other is unstructured, a Go map: sorted
 * keys.
 */
function rawJson(obj: unknown): string {
  const meta = (obj as { metadata?: { creationTimestamp?: unknown } } | null)?.metadata;
  if (meta?.creationTimestamp !== null || !isMap(obj)) return goJson(obj);
  const { kind, apiVersion, metadata, ...rest } = obj;
  return goJson(
    struct(
      { kind, apiVersion, metadata: struct(metadata as GoMap, OBJECT_META_FIELDS), ...rest },
      ["kind", "apiVersion", "metadata", ...(STRUCT_FIELDS[String(kind)] ?? [])],
    ),
  );
}

/** `fields` of `o` in `order` (others after them), as a struct for goJson. */
function struct(o: GoMap, order: readonly string[]): GoStruct {
  const keys = [
    ...order.filter((k) => k in o),
    ...Object.keys(o).filter((k) => !order.includes(k)),
  ];
  return new GoStruct(Object.fromEntries(keys.map((k) => [k, o[k]])));
}
