/**
 * `explain`: kubectl's explain layout (GROUP/KIND/VERSION, DESCRIPTION, FIELDS with
 * `<type>` and `-required-`) built from a kind's zod schema, for the kind or a field path,
 * optionally as the whole field tree (`--recursive`).
 *
 * @module
 */
import { metaV1Docs } from "../../src/scheme/meta_v1_docs.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import type { Command } from "../kit.ts";
import { resolveKind } from "../resources.ts";

/** A schema node as explain needs it (JSON Schema, resolved and simplified). */
export interface ExplainNode {
  /** JSON Schema type (`object`, `string`, `integer`, …); absent when unknown. */
  type?: string;
  /** Named type shown instead of `Object` (kubectl shows `ObjectMeta` for metadata). */
  typeName?: string;
  /** Description, from zod's `.describe()`. */
  description?: string;
  /** Object properties. */
  properties?: Record<string, ExplainNode>;
  /** Required property names. */
  required?: string[];
  /** Array items. */
  items?: ExplainNode;
  /** Map values. */
  additionalProperties?: ExplainNode;
  /** Allowed values. */
  enum?: unknown[];
}

type Json = Record<string, unknown>;

/** Turns JSON Schema into {@linkcode ExplainNode}s, resolving local `$ref`s (cycles stop). */
function fromJsonSchema(schema: Json, root: Json, seen: Set<string> = new Set()): ExplainNode {
  const ref = schema.$ref as string | undefined;
  if (ref?.startsWith("#")) {
    if (seen.has(ref)) return { type: "object" };
    const target = ref === "#" ? root : ref.slice(2).split("/").reduce<unknown>(
      (o, k) => (o as Json | undefined)?.[decodeURIComponent(k.replace(/~1/g, "/"))],
      root,
    ) as Json | undefined;
    if (target) {
      const node = fromJsonSchema(target, root, new Set([...seen, ref]));
      if (schema.description) node.description = schema.description as string;
      return node;
    }
  }
  const alternatives = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (alternatives) {
    const real = alternatives.filter((a) => a.type !== "null");
    if (real.length === 1) {
      const node = fromJsonSchema(real[0], root, seen);
      if (schema.description) node.description = schema.description as string;
      return node;
    }
  }
  const allOf = schema.allOf as Json[] | undefined;
  if (allOf?.length === 1 && !schema.properties) {
    const node = fromJsonSchema(allOf[0], root, seen);
    if (schema.description) node.description = schema.description as string;
    return node;
  }
  const node: ExplainNode = {};
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null");
  if (typeof type === "string") node.type = type;
  if (typeof schema.description === "string") node.description = schema.description;
  // A titled object shows its type name (`<ObjectReference>`), as kubectl shows Go type names.
  if (typeof schema.title === "string" && node.type === "object") node.typeName = schema.title;
  if (Array.isArray(schema.enum)) node.enum = schema.enum;
  else if (schema.const !== undefined) node.enum = [schema.const];
  if (schema.properties && typeof schema.properties === "object") {
    node.properties = {};
    for (const [k, v] of Object.entries(schema.properties as Record<string, Json>)) {
      node.properties[k] = fromJsonSchema(v, root, seen);
    }
  }
  if (Array.isArray(schema.required)) node.required = schema.required as string[];
  if (schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) {
    node.items = fromJsonSchema(schema.items as Json, root, seen);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    node.additionalProperties = fromJsonSchema(schema.additionalProperties as Json, root, seen);
  }
  return node;
}

const str = (description: string): ExplainNode => ({ type: "string", description });
const strMap = (description: string): ExplainNode => ({
  type: "object",
  description,
  additionalProperties: { type: "string" },
});

const OM = metaV1Docs.ObjectMeta;
const OR = metaV1Docs.OwnerReference;

/**
 * The metadata every kind has (the ObjectMeta fields k1s serves), with Kubernetes 1.32's
 * descriptions.
 */
const OBJECT_META: ExplainNode = {
  type: "object",
  typeName: "ObjectMeta",
  description: "Standard object's metadata. More info: " +
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  properties: {
    annotations: strMap(OM.annotations),
    creationTimestamp: str(OM.creationTimestamp),
    deletionGracePeriodSeconds: { type: "integer", description: OM.deletionGracePeriodSeconds },
    deletionTimestamp: str(OM.deletionTimestamp),
    finalizers: { type: "array", description: OM.finalizers, items: { type: "string" } },
    generateName: str(OM.generateName),
    generation: { type: "integer", description: OM.generation },
    labels: strMap(OM.labels),
    name: str(OM.name),
    namespace: str(OM.namespace),
    ownerReferences: {
      type: "array",
      description: OM.ownerReferences,
      items: {
        type: "object",
        typeName: "OwnerReference",
        description: OR[""],
        required: ["apiVersion", "kind", "name", "uid"],
        properties: {
          apiVersion: str(OR.apiVersion),
          blockOwnerDeletion: { type: "boolean", description: OR.blockOwnerDeletion },
          controller: { type: "boolean", description: OR.controller },
          kind: str(OR.kind),
          name: str(OR.name),
          uid: str(OR.uid),
        },
      },
    },
    resourceVersion: str(OM.resourceVersion),
    uid: str(OM.uid),
  },
};

/**
 * The schema explain walks for a kind: `apiVersion`, `kind`, `metadata` and the fields of the
 * kind's zod schema (via `z.toJSONSchema`, input side, so defaulted fields are not required).
 *
 * @example
 * ```ts
 * import { explainSchema } from "./explain.ts";
 * import { ConfigMap } from "@k1s/k1s";
 * import assert from "node:assert/strict";
 *
 * const root = await explainSchema(ConfigMap);
 * assert.deepEqual(Object.keys(root.properties ?? {}).sort(), [
 *   "apiVersion", "binaryData", "data", "immutable", "kind", "metadata",
 * ]);
 * ```
 */
export async function explainSchema(kind: Kind): Promise<ExplainNode> {
  const params = { io: "input", unrepresentable: "any" } as const;
  // zod and OpenAPI schemas describe themselves; other zod-shaped schemas (zod/mini) go through zod.
  const json =
    (kind.schema.toJSONSchema
      ? kind.schema.toJSONSchema(params)
      : (await import("zod")).z.toJSONSchema(kind.schema as any, params)) as Json;
  const body = fromJsonSchema(json, json);
  return {
    ...body,
    type: "object",
    description: body.description,
    properties: {
      apiVersion: str(
        "APIVersion defines the versioned schema of this representation of an object. " +
          "Servers should convert recognized schemas to the latest internal value, and may " +
          "reject unrecognized values. More info: " +
          "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
      ),
      kind: str(
        "Kind is a string value representing the REST resource this object represents. " +
          "Servers may infer this from the endpoint the client submits requests to. Cannot " +
          "be updated. In CamelCase. More info: " +
          "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
      ),
      metadata: OBJECT_META,
      ...body.properties,
    },
  };
}

/** go-wordwrap: greedy wrapping at spaces; a word longer than the limit stays whole. */
function wrap(text: string, limit: number): string {
  return text.split("\n").map((line) => {
    const words = line.split(" ");
    const lines: string[] = [];
    let cur = "";
    for (const word of words) {
      if (cur !== "" && [...cur].length + 1 + [...word].length > limit) {
        lines.push(cur);
        cur = word;
      } else {
        cur = cur === "" ? word : `${cur} ${word}`;
      }
    }
    lines.push(cur);
    return lines.join("\n");
  }).join("\n");
}

function indent(amount: number, text: string): string {
  const pad = " ".repeat(amount);
  return pad + text.replaceAll("\n", "\n" + pad);
}

function typeGuess(node: ExplainNode): string {
  if (node.items) return `[]${typeGuess(node.items)}`;
  if (node.additionalProperties) return `map[string]${typeGuess(node.additionalProperties)}`;
  if (node.typeName) return node.typeName;
  if (node.type === "object" || !node.type) return "Object";
  return node.type;
}

function enumText(node: ExplainNode, long: boolean, limit: number, indentAmount = 0): string {
  if (!node.enum?.length) return "";
  let s = long ? "ENUM:" : `\n${" ".repeat(indentAmount)}enum: `;
  for (let i = 0; i < node.enum.length; i++) {
    if (limit > -1 && i >= limit) {
      s += ", ....";
      break;
    }
    if (i > 0 && !long) s += ", ";
    else if (long) s += "\n    ";
    const v = node.enum[i];
    s += v === "" ? '""' : String(v);
  }
  return s;
}

function descriptionOf(node: ExplainNode): string {
  let s = node.description ? node.description + "\n" : "";
  if (node.items) s += descriptionOf(node.items);
  if (node.additionalProperties) s += descriptionOf(node.additionalProperties);
  return s;
}

function fieldDetail(parent: ExplainNode, name: string, short: boolean, level: number): string {
  const amount = level * 2;
  const field = parent.properties![name];
  let s = indent(amount, name) + `\t<${typeGuess(field)}>`;
  if (parent.required?.includes(name)) s += " -required-";
  s += enumText(field, false, 4, amount) + "\n";
  if (!short) {
    s += indent(amount + 2, wrap(field.description || "<no description>", 78 - amount)) + "\n";
    s += "\n";
  }
  return s;
}

function fieldList(node: ExplainNode, level: number, recursive: boolean, depth = 0): string {
  if (depth > 32) return ""; // a self-referencing schema: stop, as kubectl stops at a cycle
  let s = "";
  for (const name of Object.keys(node.properties ?? {}).sort()) {
    s += fieldDetail(node, name, recursive, level);
    if (recursive) s += fieldList(node.properties![name], level + 1, recursive, depth + 1);
  }
  if (node.items) s += fieldList(node.items, level, recursive, depth + 1);
  if (node.additionalProperties) {
    s += fieldList(node.additionalProperties, level, recursive, depth + 1);
  }
  return s;
}

function output(node: ExplainNode, path: string[], recursive: boolean): string {
  if (path.length === 0) {
    let s = "DESCRIPTION:\n" + indent(4, wrap(descriptionOf(node) || "<empty>", 76)) + "\n";
    const fields = fieldList(node, 1, recursive);
    if (fields) s += "FIELDS:\n" + fields;
    return s;
  }
  const sub = node.properties?.[path[0]];
  if (sub) {
    let s = "";
    if (path.length === 1) {
      s += `FIELD: ${path[0]} <${typeGuess(sub)}>\n${enumText(sub, true, -1)}\n\n`;
    }
    return s + output(sub, path.slice(1), recursive);
  }
  if (node.items) return output(node.items, path, recursive);
  if (node.additionalProperties) return output(node.additionalProperties, path, recursive);
  return "";
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
}

/**
 * kubectl explain's text for a kind or one of its fields. Throws an
 * {@linkcode ExplainFieldError} (`field "x" does not exist`) for an unknown field.
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
  const root = await explainSchema(kind);
  const body = output(root, path, options.recursive === true);
  const header = (kind.group ? `GROUP:      ${kind.group}\n` : "") +
    `KIND:       ${kind.kind}\nVERSION:    ${kind.version}\n\n`;
  if (body === "") throw new ExplainFieldError(path[path.length - 1], header);
  return `${header}${body}\n`;
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
    const [type, ...path] = ctx.args[0].split(".");
    let kind = resolveKind(scheme, type.toLowerCase());
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
    try {
      ctx.io.stdout(await explainKind(kind, { path, recursive: ctx.flags.recursive === true }));
    } catch (err) {
      // kubectl's template has written the header by the time it finds the field missing.
      if (err instanceof ExplainFieldError) ctx.io.stdout(err.header);
      throw err;
    }
  },
};
