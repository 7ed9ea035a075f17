/**
 * `kubectl explain`'s plaintext rendering of an OpenAPI v3 document (its
 * `explain/v2` template, ported): the kind's schema is found by its
 * `x-kubernetes-group-version-kind`, the field path is followed through
 * properties, array items, map values and `allOf` references, and the
 * description, `FIELD:` line, enums and field list are printed as kubectl
 * prints them. Run on the document the server serves, it prints what kubectl
 * prints against that server.
 *
 * @module
 */
import { wrapText } from "../wordwrap.ts";

/** A schema (or any JSON object) of the document. */
type Node = Record<string, unknown>;

/** A group, version and kind. */
export interface ExplainGVK {
  /** API group ("" for core). */
  group: string;
  /** Version, e.g. `v1`. */
  version: string;
  /** Kind, e.g. `ConfigMap`. */
  kind: string;
}

const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);

/** Go template truth: empty strings, maps and lists are false. */
function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isNode(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** The object a local reference (`#/components/schemas/…`) points at, if any. */
function resolveRef(ref: unknown, doc: Node): Node | undefined {
  if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
  let cur: Node = doc;
  for (const k of ref.slice(1).split("/")) {
    if (k === "") continue;
    const next = cur[k.replaceAll("~1", "/").replaceAll("~0", "~")];
    if (!isNode(next)) return undefined;
    cur = next;
  }
  return cur;
}

/** kubectl's `or (resolveRef $ref) $schema`: what a reference points at, else the schema. */
function resolved(s: Node, doc: Node): Node {
  const target = resolveRef(s.$ref, doc);
  return target && truthy(target) ? target : s;
}

/** A map's value schema: `additionalProperties` when it is a schema (not `true`/`false`). */
const mapValues = (s: Node): Node | undefined =>
  isNode(s.additionalProperties) && truthy(s.additionalProperties)
    ? s.additionalProperties
    : undefined;

const indent = (amount: number, text: string) => {
  const pad = " ".repeat(amount);
  return pad + text.replaceAll("\n", "\n" + pad);
};

/** The type hint after a field's name: `string`, `Object`, `[]OwnerReference`, `map[string]string`. */
function typeGuess(s: Node, doc: Node): string {
  if (truthy(s.items)) return `[]${typeGuess(s.items as Node, doc)}`;
  const values = mapValues(s);
  if (values) return `map[string]${typeGuess(values, doc)}`;
  const allOf = s.allOf as unknown[] | undefined;
  if (Array.isArray(allOf) && allOf.length === 1 && !truthy(s.properties)) {
    return typeGuess(allOf[0] as Node, doc);
  }
  if (typeof s.$ref === "string" && s.$ref) {
    const target = resolveRef(s.$ref, doc);
    if (!target || !target.type || target.type === "object") {
      return s.$ref.split("/").at(-1)!.split(".").at(-1) || "Object";
    }
    return String(target.type);
  }
  return s.type === "object" || !s.type ? "Object" : String(s.type);
}

/** `ENUM:` (one value a line) or `enum: a, b, c, ....` after the first `limit` values. */
function extractEnum(s: Node, long: boolean, limit: number, indentAmount = 0): string {
  const values = s.enum;
  if (!Array.isArray(values) || values.length === 0) return "";
  const max = limit || -1;
  let out = long ? "ENUM:" : `\n${" ".repeat(indentAmount)}enum: `;
  for (const [i, v] of values.entries()) {
    if (max > -1 && i >= max) {
      out += ", ....";
      break;
    }
    if (i > 0 && !long) out += ", ";
    else if (long) out += "\n    ";
    out += v === "" ? '""' : String(v);
  }
  return out;
}

/** The description of a schema and of everything it is made of (references, items, values). */
function description(s: Node, doc: Node): string {
  const node = resolved(s, doc);
  if (!truthy(node)) return "";
  let out = node.description ? `${node.description}\n` : "";
  for (const part of (node.allOf as Node[] | undefined) ?? []) out += description(part, doc);
  if (truthy(node.items)) out += description(node.items as Node, doc);
  const values = mapValues(node);
  if (values) out += description(values, doc);
  return out;
}

/**
 * `EXTERNAL DOCS:` of a schema: of the explained one at the margin (`field`
 * undefined), or of a field at `field` indentation (its name's columns).
 */
function externalDocs(s: Node, field?: number): string {
  const docs = s.externalDocs;
  if (!truthy(docs) || !isNode(docs)) return "";
  const at = field ?? 0;
  const head = field === undefined ? 0 : at + 2;
  let out = `${indent(head, "EXTERNAL DOCS:")}\n`;
  if (docs.description) {
    out += `${indent(at + 4, wrapText(String(docs.description), 76 - at))}\n`;
  }
  if (docs.url) out += `${indent(at + 4, `URL: ${docs.url}`)}\n`;
  return out;
}

function fieldDetail(name: string, s: Node, short: boolean, level: number, doc: Node): string {
  const amount = level * 2;
  const field = (s.properties as Record<string, Node>)[name];
  let out = `${indent(amount, name)}\t<${typeGuess(field, doc)}>`;
  if (Array.isArray(s.required) && s.required.includes(name)) out += " -required-";
  out += extractEnum(field, false, 4, amount) + "\n";
  if (!short) {
    const text = field.description ? String(field.description) : "<no description>";
    out += `${indent(amount + 2, wrapText(text, 78 - amount))}\n`;
    if (truthy(field.externalDocs)) out += `\n${externalDocs(field, amount)}`;
    out += "\n";
  }
  return out;
}

interface Walk {
  doc: Node;
  recursive: boolean;
  /** References already followed on the way here (cycles stop). */
  history: Set<string>;
}

function fieldList(s: Node, level: number, w: Walk): string {
  const ref = typeof s.$ref === "string" ? s.$ref : "";
  if (ref && w.history.has(ref)) return "";
  const next = { ...w, history: new Set([...w.history, ref]) };
  const node = resolved(s, w.doc);
  let out = "";
  const properties = isNode(node.properties) ? node.properties as Record<string, Node> : {};
  // Go's templates range over a map's keys in order.
  for (const name of Object.keys(properties).sort()) {
    out += fieldDetail(name, node, w.recursive, level, w.doc);
    if (w.recursive) out += fieldList(properties[name], level + 1, next);
  }
  for (const part of (node.allOf as Node[] | undefined) ?? []) out += fieldList(part, level, next);
  if (truthy(node.items)) out += fieldList(node.items as Node, level, next);
  const values = mapValues(node);
  if (values) out += fieldList(values, level, next);
  return out;
}

function output(s: Node, path: string[], w: Walk): string {
  const ref = typeof s.$ref === "string" ? s.$ref : "";
  const next = { ...w, history: new Set([...w.history, ref]) };
  const node = resolved(s, w.doc);
  if (path.length === 0) {
    let out = "DESCRIPTION:\n" +
      indent(4, wrapText(description(node, w.doc) || "<empty>", 76)) + "\n";
    const ext = externalDocs(node);
    if (ext) out += `\n${ext}`;
    const fields = fieldList(node, 1, { ...w, history: new Set() });
    if (fields) out += `FIELDS:\n${fields}`;
    return out;
  }
  if (ref && w.history.has(ref)) return ""; // a cycle
  const properties = isNode(node.properties) ? node.properties as Record<string, Node> : {};
  const sub = Object.hasOwn(properties, path[0]) ? properties[path[0]] : undefined;
  if (sub && truthy(sub)) {
    let out = "";
    if (path.length === 1) {
      out += `FIELD: ${path[0]} <${typeGuess(sub, w.doc)}>\n` +
        `${extractEnum(sub, true, -1)}\n\n`;
    }
    return out + output(sub, path.slice(1), { ...next, history: new Set() });
  }
  if (truthy(node.items)) return output(node.items as Node, path, next);
  const values = mapValues(node);
  if (values) return output(values, path, next);
  for (const part of (node.allOf as Node[] | undefined) ?? []) {
    const out = output(part, path, next);
    if (out) return out;
  }
  return "";
}

/** True when `list` (an `x-kubernetes-group-version-kind`) names `gvk`. */
function names(list: unknown, gvk: ExplainGVK): boolean {
  return Array.isArray(list) &&
    list.some((e) =>
      isNode(e) && Object.keys(e).length === 3 && e.group === gvk.group &&
      e.version === gvk.version && e.kind === gvk.kind
    );
}

/**
 * The schema of `gvk` in `doc`: the first (by name) of `components.schemas`
 * whose `x-kubernetes-group-version-kind` names it.
 */
export function kindSchema(doc: Node, gvk: ExplainGVK): Node | undefined {
  const components = isNode(doc.components) ? doc.components : {};
  const schemas = isNode(components.schemas) ? components.schemas as Record<string, Node> : {};
  for (const name of Object.keys(schemas).sort()) {
    if (names(schemas[name]["x-kubernetes-group-version-kind"], gvk)) return schemas[name];
  }
  return undefined;
}

/**
 * What `kubectl explain` prints below its `KIND:`/`VERSION:` header for the
 * schema `schema` of `doc` and the field `path` under it: `FIELD:` (for a
 * path), `DESCRIPTION:` and `FIELDS:`, with the field tree when `recursive`.
 * Empty when the path leads nowhere.
 */
export function explainSchemaText(
  doc: Node,
  schema: Node,
  path: readonly string[],
  recursive: boolean,
): string {
  return output(schema, [...path], { doc, recursive, history: new Set() });
}
