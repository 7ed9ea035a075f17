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
import { formatValue, GoInt, goQuote } from "./go_template_fmt.ts";
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
        `\traw data was:\n\t\t${goJsonCompact(obj)}\n` +
        `\tobject given to template engine was:\n\t\t${formatValue(data)}\n\n`;
      throw new GoTemplateExecPrintError(
        `error executing template ${goQuote(template)}: ${e.message}`,
        partial + debug,
      );
    }
  };
}

/** Go's `json.Marshal` of decoded JSON: sorted keys, `<`, `>` and `&` escaped. */
function goJsonCompact(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x !== null && typeof x === "object") {
      return Object.fromEntries(
        Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])]),
      );
    }
    return x;
  };
  return JSON.stringify(sort(v)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}
