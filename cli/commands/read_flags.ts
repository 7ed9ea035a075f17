/**
 * The flags the reading verbs (`get`, `describe`, `events`) share, with kubectl 1.32's help
 * texts and defaults, so that each verb's `--help` documents them as kubectl does.
 *
 * @module
 */
import type { FlagSpec } from "../flags.ts";

/** `-A, --all-namespaces`. */
export const ALL_NAMESPACES_FLAG: FlagSpec = {
  type: "boolean",
  short: "A",
  description: "If present, list the requested object(s) across all namespaces. Namespace in " +
    "current context is ignored even if specified with --namespace.",
};

/** `--chunk-size` (500 by default; 0 lists everything at once). */
export const CHUNK_SIZE_FLAG: FlagSpec = {
  type: "int",
  defaultText: "500",
  description: "Return large lists in chunks rather than all at once. Pass 0 to disable. This " +
    "flag is beta and may change in the future.",
};

/** `-l, --selector`. */
export const SELECTOR_FLAG: FlagSpec = {
  type: "string",
  short: "l",
  description: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l " +
    "key1=value1,key2=value2). Matching objects must satisfy all of the specified label " +
    "constraints.",
};

/** `--field-selector`. */
export const FIELD_SELECTOR_FLAG: FlagSpec = {
  type: "string",
  description: "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. " +
    "--field-selector key1=value1,key2=value2). The server only supports a limited number " +
    "of field queries per type.",
};

/** `-R, --recursive` (with `-f`). */
export const RECURSIVE_FLAG: FlagSpec = {
  type: "boolean",
  short: "R",
  description: "Process the directory used in -f, --filename recursively. Useful when you want " +
    "to manage related manifests organized within the same directory.",
};

/** `--template` (the template of the `-o` template formats). */
export const TEMPLATE_FLAG: FlagSpec = {
  type: "string",
  description: "Template string or path to template file to use when -o=go-template, " +
    "-o=go-template-file. The template format is golang templates " +
    "[http://golang.org/pkg/text/template/#pkg-overview].",
};

/** `--allow-missing-template-keys` (true unless set to false). */
export const ALLOW_MISSING_TEMPLATE_KEYS_FLAG: FlagSpec = {
  type: "boolean",
  defaultText: "true",
  description: "If true, ignore any errors in templates when a field or map key is missing in " +
    "the template. Only applies to golang and jsonpath output formats.",
};

/** `--show-managed-fields`. */
export const SHOW_MANAGED_FIELDS_FLAG: FlagSpec = {
  type: "boolean",
  description: "If true, keep the managedFields when printing objects in JSON or YAML format.",
};

/**
 * The flags of kubectl's printer that every verb printing objects with `-o` has (kubectl's
 * PrintFlags): `--template`, `--allow-missing-template-keys` and `--show-managed-fields`.
 */
export const PRINT_FLAGS: Record<string, FlagSpec> = {
  "allow-missing-template-keys": ALLOW_MISSING_TEMPLATE_KEYS_FLAG,
  "show-managed-fields": SHOW_MANAGED_FIELDS_FLAG,
  template: TEMPLATE_FLAG,
};

/** What the printer flags ask of printObjects and printNamed. */
export function printFlags(flags: Record<string, unknown>): {
  template?: string;
  allowMissingKeys: boolean;
  showManagedFields: boolean;
} {
  return {
    template: (flags.template as string | undefined) || undefined,
    allowMissingKeys: flags["allow-missing-template-keys"] !== false,
    showManagedFields: flags["show-managed-fields"] === true,
  };
}

/**
 * The `-o` format of a verb that prints what it did: `-o`, else `go-template` when only
 * `--template` is given (as kubectl), else undefined (the verb's own line).
 */
export function outputOf(flags: Record<string, unknown>): string | undefined {
  const output = flags.output as string | undefined;
  if (output) return output;
  return flags.template ? "go-template" : undefined;
}

/** `-f, --filename` of a verb that reads the objects the files name, in kubectl's words. */
export function filenameFlag(description: string): FlagSpec {
  return { type: "string", short: "f", multiple: true, description };
}
