/**
 * `explain`: kubectl's explain (GROUP/KIND/VERSION, DESCRIPTION, FIELDS with `<type>` and
 * `-required-`) for a kind or a field path, optionally as the whole field tree
 * (`--recursive`), rendered as kubectl renders it from the OpenAPI v3 document of the kind's
 * group-version: the server's against a server, else the one k1s serves for the store.
 *
 * @module
 */
import type { Kind } from "../../src/scheme/kind.ts";
import { Scheme } from "../../src/scheme/scheme.ts";
import { CliError } from "../errors.ts";
import { serverClient } from "./server_client.ts";
import { explainSchemaText, kindSchema } from "./explain_render.ts";
import type { Command } from "../kit.ts";
import { resolveKind } from "../resources.ts";

/** The OpenAPI v3 document k1s serves for `kind`'s group-version, from `scheme`. */
async function servedDocument(scheme: Scheme, kind: Kind): Promise<Record<string, unknown>> {
  const { openAPIV3Document } = await import("../../src/server/openapi.ts");
  const doc = await openAPIV3Document(scheme, { group: kind.group, version: kind.version });
  return (doc ?? {}) as unknown as Record<string, unknown>;
}

/**
 * A field path explain cannot follow: kubectl's `field "x" does not exist`, and the header
 * (GROUP, KIND, VERSION) kubectl has printed on standard output before it found out.
 */
export class ExplainFieldError extends CliError {
  /** The header lines and the blank line after them. */
  readonly header: string;
  /** The error for `field`, after `header`. */
  constructor(field: string, header: string) {
    super(`field "${field}" does not exist`);
    this.name = "ExplainFieldError";
    this.header = header;
  }
}

/** Options of {@linkcode explainKind}. */
export interface ExplainOptions {
  /** Field path below the kind, e.g. `["spec", "quantity"]`. */
  path?: string[];
  /** Print the field tree instead of one level with descriptions. */
  recursive?: boolean;
  /**
   * The OpenAPI v3 document of the kind's group-version, as a server serves
   * it at `/openapi/v3/…` (default: the one k1s serves for `scheme`).
   */
  document?: Record<string, unknown>;
  /** The kinds served beside this one (default: this kind alone). */
  scheme?: Scheme;
}

/**
 * kubectl explain's text for a kind or one of its fields, rendered from the
 * OpenAPI v3 document k1s serves for it (or `options.document`) as kubectl
 * renders it. Throws an {@linkcode ExplainFieldError} (`field "x" does not
 * exist`) for an unknown field.
 *
 * @example
 * ```ts
 * import { explainKind } from "./explain.ts";
 * import { ConfigMap } from "@k1s/k1s";
 * import assert from "node:assert/strict";
 *
 * const text = await explainKind(ConfigMap, { path: ["immutable"] });
 * assert.ok(text.startsWith("KIND:       ConfigMap\nVERSION:    v1\n\nFIELD: immutable <boolean>\n"));
 * ```
 */
export async function explainKind(kind: Kind, options: ExplainOptions = {}): Promise<string> {
  const path = options.path ?? [];
  const doc = options.document ?? await servedDocument(options.scheme ?? new Scheme([kind]), kind);
  const gvk = { group: kind.group, version: kind.version, kind: kind.kind };
  const schema = kindSchema(doc, gvk);
  if (!schema) {
    throw new CliError(
      `GVK map[group:${gvk.group} kind:${gvk.kind} version:${gvk.version}] not found in ` +
        "OpenAPI schema",
    );
  }
  const header = (kind.group ? `GROUP:      ${kind.group}\n` : "") +
    `KIND:       ${kind.kind}\nVERSION:    ${kind.version}\n\n`;
  const body = explainSchemaText(doc, schema, path, options.recursive === true);
  if (body === "") throw new ExplainFieldError(path[path.length - 1], header);
  return `${header}${body}\n`;
}

/**
 * The kind and field path of `explain`'s argument, as kubectl splits it: the
 * first word names the resource; when a resource of that name is also
 * written with its group (`leases.coordination.k8s.io.spec`), the group is
 * part of the name, not of the field path.
 */
function splitResource(scheme: Scheme, arg: string): { kind: Kind; path: string[] } {
  const text = arg.replace(/\.$/, "");
  const words = text.split(".");
  const kind = resolveKind(scheme, words[0].toLowerCase());
  const candidates = scheme.kinds().filter((k) => k.plural === kind.plural || k.kind === kind.kind);
  for (const k of [kind, ...candidates]) {
    const groupResource = k.group ? `${k.plural}.${k.group}` : k.plural;
    if (
      text.startsWith(groupResource) && (text.length === groupResource.length ||
        text[groupResource.length] === ".")
    ) {
      const rest = text.slice(groupResource.length + 1);
      return { kind: k, path: rest ? rest.split(".") : [] };
    }
  }
  return { kind, path: words.slice(1) };
}

const EXPLAIN_LONG = `Describe fields and structure of various resources.

 This command describes the fields associated with each supported API resource. Fields are \
identified via a simple JSONPath identifier:

        <type>.<fieldName>[.<fieldName>]
        ${""}
 Information about each field is retrieved from the server in OpenAPI format.

Use "k1s api-resources" for a complete list of supported resources.`;

const EXPLAIN_EXAMPLES = `# Get the documentation of the resource and its fields
k1s explain configmaps

# Get all the fields in the resource
k1s explain configmaps --recursive

# Get the explanation for leases in supported api versions
k1s explain leases --api-version=coordination.k8s.io/v1

# Get the documentation of a specific field of a resource
k1s explain serviceaccounts.secrets`;

/** The `explain` command. */
export const explainCommand: Command = {
  name: "explain",
  summary: "Get documentation for a resource",
  long: EXPLAIN_LONG,
  examples: EXPLAIN_EXAMPLES,
  usage: "explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] " +
    "[-o|--output=plaintext]",
  options: {
    recursive: {
      type: "boolean",
      description: "When true, print the name of all the fields recursively. Otherwise, print " +
        "the available fields with their description.",
    },
    "api-version": {
      type: "string",
      description: "Use given api-version (group/version) of the resource.",
    },
    output: {
      type: "string",
      short: "o",
      defaultText: "'plaintext'",
      description: "Format in which to render the schema. Valid values are: (plaintext, " +
        "plaintext-openapiv2).",
    },
  },
  async run(ctx) {
    if (ctx.args.length === 0) {
      // kubectl 1.32's words (lowercase where no kubeconfig is found, as for k1s).
      ctx.io.stderr(
        `error: You must specify the type of resource to explain. Use "${ctx.cli.name} ` +
          `api-resources" for a complete list of supported resources.\n`,
      );
      return 1;
    }
    if (ctx.args.length > 1) throw new CliError("We accept only this format: explain RESOURCE");
    const output = ctx.flags.output as string | undefined;
    if (output !== undefined && output !== "plaintext") {
      throw new CliError(`unsupported output format: ${output}`);
    }
    const scheme = await ctx.scheme();
    const split = splitResource(scheme, ctx.args[0]);
    const path = split.path;
    let kind = split.kind;
    const apiVersion = ctx.flags["api-version"] as string | undefined;
    if (apiVersion) {
      const match = scheme.kinds().find((k) =>
        k.kind === kind.kind && (k.apiVersion === apiVersion || k.group === apiVersion)
      );
      if (!match) {
        throw new CliError(
          `couldn't find resource for "${kind.plural}" in api version "${apiVersion}"`,
        );
      }
      kind = match;
    }
    // Against a server, its document, as kubectl reads it; else the one k1s would serve.
    let document: Record<string, unknown> | undefined;
    const remote = await serverClient(ctx);
    if (remote) {
      document = await remote.openAPIV3(kind);
      if (!document) throw new CliError(`couldn't find resource for "${kind.plural}"`);
    }
    try {
      ctx.io.stdout(
        await explainKind(kind, {
          path,
          recursive: ctx.flags.recursive === true,
          document,
          scheme,
        }),
      );
    } catch (err) {
      // kubectl's template has written the header by the time it finds the field missing.
      if (err instanceof ExplainFieldError) ctx.io.stdout(err.header);
      throw err;
    }
  },
};
