/**
 * Printers for `get` and the other commands that print objects: kubectl's table (and wide)
 * layout, `-o name|json|yaml|jsonpath=…|jsonpath-as-json=…|jsonpath-file=…|
 * custom-columns=…|custom-columns-file=…|go-template=…|go-template-file=…|template=…|
 * templatefile=…`, `--template`, `--sort-by`, `--show-labels`, `--no-headers` and the
 * NAMESPACE column of `-A`.
 *
 * @example
 * ```ts
 * import { printObjects } from "./mod.ts";
 * import { ConfigMap } from "@k1s/k1s";
 * import assert from "node:assert/strict";
 *
 * const cm = {
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   metadata: { name: "app", creationTimestamp: "2024-01-01T00:00:00Z" },
 *   data: { a: "1" },
 * };
 * const kindOf = () => ConfigMap;
 * const now = new Date("2024-01-01T00:00:30Z");
 * assert.equal(await printObjects([cm], { kindOf, now }), "NAME   DATA   AGE\napp    1      30s\n");
 * assert.equal(await printObjects([cm], { kindOf, output: "name" }), "configmap/app\n");
 * ```
 *
 * @module
 */

import type { KubeObject } from "../../src/apimachinery/meta.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import type { JsonPathTemplate } from "../jsonpath.ts";
import { loadPrinterColumns } from "./columns.ts";
import type { CustomColumn } from "./custom_columns.ts";
import { PrintError } from "./errors.ts";
import { kindFromObject, kindPrefix, printTable } from "./table.ts";

// JSONPath, the YAML printer, custom columns, Go templates and sorting load only for the
// formats that use them: a table of built-in kinds needs none of them.
export { age } from "./age.ts";
export { columnsFor, type KindInfo, loadPrinterColumns, type TableColumn } from "./columns.ts";
export { PrintError } from "./errors.ts";
export { cellText, kindPrefix, printTable, type TableOptions } from "./table.ts";
export { alignColumns } from "./tabwriter.ts";

/** Options shared by every output format. */
export interface PrintOptions {
  /** Show priority > 0 columns (`-o wide` sets this too). */
  wide?: boolean;
  /** Omit table and custom-columns headers (`--no-headers`). */
  noHeaders?: boolean;
  /** Add a LABELS column (`--show-labels`). */
  showLabels?: boolean;
  /** Add a NAMESPACE column first for namespaced kinds (`-A`). */
  namespaceColumn?: boolean;
  /** Sort by this JSONPath (`--sort-by`), e.g. `.metadata.name` or `{.spec.quantity}`. */
  sortBy?: string;
  /** The time ages are measured from; default now. */
  now?: Date | number;
  /**
   * True when the user named exactly one object (`get cm app`): json, yaml and jsonpath then
   * print that object itself instead of a `List`, as kubectl does.
   */
  singleItemImplied?: boolean;
  /** Print names as `kind/name` in tables; by default when objects of several kinds print. */
  withKind?: boolean;
  /** A table column per label key (`-L KEY`). */
  labelColumns?: readonly string[];
}

/** Options of {@linkcode printObjects}. */
export interface PrintObjectsOptions extends PrintOptions {
  /** `-o` value; empty or absent for the table. */
  output?: string;
  /** The kind of an object, for columns, scope and names. */
  kindOf(obj: KubeObject): Kind | undefined;
  /**
   * The `--template` flag: the template (or template file) of the `-o` template format,
   * `go-template` when `output` is empty.
   */
  template?: string;
  /**
   * `--allow-missing-template-keys`: false makes a missing field an error of jsonpath and Go
   * templates; default true.
   */
  allowMissingKeys?: boolean;
  /**
   * `--show-managed-fields`: keep `metadata.managedFields` in JSON and YAML output (kubectl
   * leaves them out by default; other formats see them).
   */
  showManagedFields?: boolean;
  /** Reads `*-file=` templates and columns; default `Deno.readTextFileSync`. */
  readFile?(path: string): string;
}

/** The `-o` formats kubectl's get accepts, in its order, as listed in its error message. */
export const OUTPUT_FORMATS: readonly string[] = [
  "custom-columns",
  "custom-columns-file",
  "go-template",
  "go-template-file",
  "json",
  "jsonpath",
  "jsonpath-as-json",
  "jsonpath-file",
  "name",
  "template",
  "templatefile",
  "wide",
  "yaml",
];

/**
 * Prints objects in the format `output` names, as `kubectl get -o OUTPUT` does, and returns
 * the text. Rejects with {@linkcode PrintError} with kubectl's message (without its `error: `
 * prefix) for an unknown format or a malformed template.
 */
export async function printObjects(
  objects: readonly KubeObject[],
  options: PrintObjectsOptions,
): Promise<string> {
  let output = options.output ?? "";
  let format: string;
  let arg: string | undefined;
  if (options.template) {
    // As kubectl: `--template` alone means go-template, and it is the template of any -o
    // template format (then given without `=…`).
    output ||= "go-template";
    format = output;
    arg = options.template;
  } else {
    const eq = output.indexOf("=");
    format = eq < 0 ? output : output.slice(0, eq);
    arg = eq < 0 ? undefined : output.slice(eq + 1);
    // Only the template and column formats take `=…`: `-o json=x` matches no printer.
    if (arg !== undefined && ["wide", "name", "json", "yaml"].includes(format)) format = output;
  }
  const readFile = options.readFile ?? ((p: string) => Deno.readTextFileSync(p));

  // Validate the format (and parse templates) before sorting, as kubectl builds its printer
  // before it prints.
  let printer: (objs: readonly KubeObject[]) => string;
  switch (format) {
    case "":
    case "wide":
      // Only kinds with a group (user kinds) have printer columns, which need JSONPath.
      if (objects.some((o) => o.apiVersion?.includes("/"))) await loadPrinterColumns();
      printer = (objs) =>
        printTable(objs, (o) => options.kindOf(o), {
          ...options,
          wide: options.wide || format === "wide",
        });
      break;
    case "name":
      // kubectl's name printer: `<unknown>` for an object without a name.
      printer = (objs) =>
        objs.map((o) => `${prefixOf(o, options)}/${o.metadata?.name || "<unknown>"}\n`).join("");
      break;
    case "json": {
      const { goJson } = await import("../jsonpath.ts");
      const keep = options.showManagedFields === true;
      printer = (objs) =>
        goJson(wrap(keep ? objs : withoutManagedFields(objs), options), "    ") + "\n";
      break;
    }
    case "yaml": {
      const { toKubectlYaml } = await import("./yaml.ts");
      const keep = options.showManagedFields === true;
      printer = (objs) => toKubectlYaml(wrap(keep ? objs : withoutManagedFields(objs), options));
      break;
    }
    case "jsonpath":
    case "jsonpath-as-json":
    case "jsonpath-file": {
      // As kubectl: the template must be given, but an empty template file is an empty
      // template, which prints nothing.
      if (!arg) throw new PrintError("template format specified but no template given");
      let template = arg;
      if (format === "jsonpath-file") {
        try {
          template = readFile(template);
        } catch (e) {
          throw new PrintError(`error reading --template ${arg}, ${errorText(e, arg ?? "")}`);
        }
      }
      const { goJson, JsonPathError, jsonPathDebug, parseJsonPath } = await import(
        "../jsonpath.ts"
      );
      let path: JsonPathTemplate;
      try {
        path = parseJsonPath(template, { allowMissingKeys: options.allowMissingKeys ?? true });
      } catch (e) {
        throw new PrintError((e as Error).message);
      }
      printer = (objs) => {
        const data = wrap(objs, options);
        try {
          if (format !== "jsonpath-as-json") return path.execute(data);
          return path.results(data).map((r) => goJson(r, "    ") + "\n").join("");
        } catch (e) {
          if (e instanceof JsonPathError && e.phase === "execute") {
            throw new PrintError(jsonPathDebug(e, data));
          }
          throw new PrintError((e as Error).message);
        }
      };
      break;
    }
    case "custom-columns":
    case "custom-columns-file": {
      const { parseCustomColumns, parseCustomColumnsFile, printCustomColumns } = await import(
        "./custom_columns.ts"
      );
      let columns: CustomColumn[];
      if (format === "custom-columns") {
        columns = parseCustomColumns(arg ?? "");
      } else {
        let text: string;
        try {
          text = readFile(arg ?? "");
        } catch (e) {
          throw new PrintError(`error reading template ${arg}, ${errorText(e, arg ?? "")}`);
        }
        columns = parseCustomColumnsFile(text);
      }
      printer = (objs) => printCustomColumns(objs, columns, !!options.noHeaders);
      break;
    }
    case "go-template":
    case "go-template-file":
    case "template":
    case "templatefile": {
      let template = arg ?? "";
      if (template === "") throw new PrintError("template format specified but no template given");
      if (format.endsWith("file")) {
        try {
          template = readFile(template);
        } catch (e) {
          throw new PrintError(`error reading --template ${arg}, ${errorText(e, arg ?? "")}`);
        }
      }
      const { goTemplatePrinter } = await import("./go_template.ts");
      const render = goTemplatePrinter(template, { allowMissingKeys: options.allowMissingKeys });
      printer = (objs) => render(wrap(objs, options));
      break;
    }
    default:
      throw new PrintError(
        `unable to match a printer suitable for the output format "${output}", allowed formats are: ${
          OUTPUT_FORMATS.join(",")
        }`,
      );
  }
  const sorted = options.sortBy
    ? (await import("./sort.ts")).sortObjects(
      objects,
      options.sortBy,
      format === "" || format === "wide",
    )
    : objects;
  return printer(sorted);
}

/**
 * Prints the one object a command acted on (`edit`, `patch`, `label`, `wait` with `-o`):
 * the object itself, not a List, in the `output` format.
 */
export function printNamed(
  obj: KubeObject,
  output: string,
  kindOf: (obj: KubeObject) => Kind | undefined,
  now: number,
  flags: Pick<PrintObjectsOptions, "template" | "allowMissingKeys" | "showManagedFields"> = {},
): Promise<string> {
  return printObjects([obj], { ...flags, output, kindOf, now, singleItemImplied: true });
}

/** `objects` without `metadata.managedFields`, as kubectl's JSON and YAML printers show them. */
function withoutManagedFields(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    if (!o.metadata || !("managedFields" in o.metadata)) return o;
    const { managedFields: _, ...metadata } = o.metadata;
    return { ...o, metadata } as KubeObject;
  });
}

function prefixOf(obj: KubeObject, options: PrintObjectsOptions): string {
  return kindPrefix(options.kindOf(obj) ?? kindFromObject(obj));
}

/** The object itself when one was asked for by name, else kubectl's `List` wrapper. */
function wrap(objects: readonly KubeObject[], options: PrintOptions): unknown {
  if (options.singleItemImplied && objects.length === 1) return objects[0];
  return { apiVersion: "v1", items: [...objects], kind: "List", metadata: { resourceVersion: "" } };
}

function errorText(e: unknown, path: string): string {
  if (e instanceof Deno.errors.NotFound) return `open ${path}: no such file or directory`;
  // Go opens a directory and then fails to read it.
  if (
    e instanceof Deno.errors.IsADirectory ||
    /^Is a directory \(os error 21\)/.test(String((e as Error)?.message))
  ) {
    return `read ${path}: is a directory`;
  }
  return (e as Error).message;
}
