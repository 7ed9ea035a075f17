/**
 * TypeScript from a CustomResourceDefinition: interfaces for each served
 * version's spec and status (from its `openAPIV3Schema`) and a
 * `defineKind(...)` per served version with the CRD's schema, names, scope,
 * printer columns, selectable fields and root CEL rules. The module is laid
 * out as `deno fmt` lays it out, and is the same for the same CRD.
 *
 * @module
 */
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
} from "../resources/apiextensions_v1.ts";

/** Options of {@linkcode generateKindModule}. */
export interface GenerateKindModuleOptions {
  /** Where `defineKind` and friends come from. Default `@k1s/k1s`. */
  importFrom?: string;
  /** Where the CRD came from, named in the header comment. */
  source?: string;
}

type Schema = Record<string, unknown>;

const WIDTH = 100;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function isObject(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pascal(s: string): string {
  return s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1))
    .join("");
}

function camel(s: string): string {
  const p = pascal(s);
  return p[0].toLowerCase() + p.slice(1);
}

/** A JSDoc block at `indent`, or nothing. */
function jsdoc(text: string | undefined, indent: string, extra: string[] = []): string {
  const lines = [
    ...(text ?? "").replaceAll("*/", "*\\/").split("\n").flatMap((l) =>
      wrap(l.trimEnd(), WIDTH - indent.length - 3)
    ),
    ...(extra.length > 0 ? ["", ...extra] : []),
  ];
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  while (lines.length > 0 && lines[0] === "") lines.shift();
  if (lines.length === 0) return "";
  const one = `${indent}/** ${lines[0]} */`;
  if (lines.length === 1 && one.length <= WIDTH) return one + "\n";
  return `${indent}/**\n${lines.map((l) => l ? `${indent} * ${l}` : `${indent} *`).join("\n")}\n` +
    `${indent} */\n`;
}

/** Words of `line` in lines of at most `width` characters (a longer word stays whole). */
function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let cur = "";
  for (const word of line.split(" ")) {
    if (cur && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  return out;
}

function key(name: string): string {
  return IDENT.test(name) ? name : JSON.stringify(name);
}

/** A JSON value as TypeScript, as `deno fmt` prints it (objects one key a line). */
function literal(value: unknown, indent: string, prefixLen: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const scalar = value.every((v) => !isObject(v) && !Array.isArray(v));
    const inline = `[${value.map((v) => str(v)).join(", ")}]`;
    if (scalar && prefixLen + inline.length + 1 <= WIDTH) return inline;
    const inner = indent + "  ";
    return `[\n${
      value.map((v) => `${inner}${literal(v, inner, inner.length)},\n`).join("")
    }${indent}]`;
  }
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const inner = indent + "  ";
    return `{\n${
      entries.map(([k, v]) => {
        const head = `${inner}${key(k)}: `;
        const text = literal(v, inner, head.length);
        if (!text.includes("\n") && head.length + text.length + 1 > WIDTH) {
          return `${inner}${key(k)}:\n${inner}  ${text},\n`;
        }
        return `${head}${text},\n`;
      }).join("")
    }${indent}}`;
  }
  return str(value);
}

/** A JSON scalar as `deno fmt` writes it: strings in double quotes unless that needs more escapes. */
function str(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  if (typeof value !== "string" || !value.includes('"') || value.includes("'")) return json;
  return `'${json.slice(1, -1).replaceAll('\\"', '"')}'`;
}

interface Emitter {
  /** Interface declarations, in order. */
  decls: string[];
  /** Names taken. */
  taken: Set<string>;
  /** The kind and version, for documentation. */
  what: string;
  /** Interface names by schema node and mode. */
  named: Map<Schema, Map<string, string>>;
}

function hasDefault(s: unknown): boolean {
  if (!isObject(s)) return false;
  if (s.default !== undefined) return true;
  if (isObject(s.properties) && Object.values(s.properties).some(hasDefault)) return true;
  return hasDefault(s.items) || hasDefault(s.additionalProperties);
}

function unique(e: Emitter, name: string): string {
  let n = name;
  for (let i = 2; e.taken.has(n); i++) n = `${name}${i}`;
  e.taken.add(n);
  return n;
}

/** The TypeScript type of a schema node; objects with properties become named interfaces. */
function typeOf(s: Schema, name: string, mode: "out" | "in", e: Emitter, path: string): string {
  const t = baseType(s, name, mode, e, path);
  return s.nullable === true ? `${t} | null` : t;
}

function baseType(
  s: Schema,
  name: string,
  mode: "out" | "in",
  e: Emitter,
  path: string,
): string {
  if (s["x-kubernetes-int-or-string"] === true) return "number | string";
  if (Array.isArray(s.enum) && s.enum.length > 0) {
    return s.enum.map((v) => str(v)).join(" | ");
  }
  switch (s.type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array": {
      const item = isObject(s.items)
        ? typeOf(s.items, `${name}Item`, mode, e, `${path}[*]`)
        : "unknown";
      return /[| ]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case "object": {
      if (isObject(s.properties) && Object.keys(s.properties).length > 0) {
        return emitInterface(s, name, mode, e, path);
      }
      if (isObject(s.additionalProperties)) {
        return `Record<string, ${
          typeOf(s.additionalProperties, `${name}Value`, mode, e, `${path}.*`)
        }>`;
      }
      return s["x-kubernetes-preserve-unknown-fields"] === true
        ? "Record<string, unknown>"
        : "Record<string, never>";
    }
    default:
      return "unknown";
  }
}

function emitInterface(
  s: Schema,
  base: string,
  mode: "out" | "in",
  e: Emitter,
  path: string,
): string {
  const effective = mode === "in" && hasDefault(s) ? "in" : "out";
  const known = e.named.get(s)?.get(effective);
  if (known) return known;
  const name = unique(e, effective === "in" ? `${base}Input` : base);
  if (!e.named.has(s)) e.named.set(s, new Map());
  e.named.get(s)!.set(effective, name);
  const props = s.properties as Record<string, Schema>;
  const required = new Set(Array.isArray(s.required) ? s.required as string[] : []);
  const lines: string[] = [];
  const nested: string[] = [];
  for (const [prop, sub] of Object.entries(props)) {
    if (!isObject(sub)) continue;
    const childName = `${base}${pascal(prop)}`;
    // Nested declarations follow their parent.
    const before = e.decls.length;
    const type = typeOf(sub, childName, hasDefault(sub) ? mode : "out", e, `${path}.${prop}`);
    nested.push(...e.decls.splice(before));
    const optional = mode === "out"
      ? !required.has(prop) && sub.default === undefined
      : !required.has(prop) || sub.default !== undefined;
    lines.push(jsdoc(sub.description as string | undefined, "  "));
    const head = `  ${key(prop)}${optional ? "?" : ""}:`;
    const one = `${head} ${type};`;
    if (one.length <= WIDTH || !type.includes(" | ")) lines.push(one + "\n");
    else lines.push(`${head}\n${type.split(" | ").map((t) => `    | ${t}`).join("\n")};\n`);
  }
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  if (preserve) {
    lines.push("  /** Fields the schema keeps without describing them. */\n");
    lines.push("  [field: string]: unknown;\n");
  }
  const input = effective === "in"
    ? "\n\nAs create accepts it: fields with defaults are optional."
    : "";
  const doc = jsdoc(
    `${(s.description as string | undefined) ?? `\`${path}\` of ${e.what}.`}${input}`,
    "",
  );
  e.decls.push(`${doc}export interface ${name} {\n${lines.join("")}}\n`, ...nested);
  return name;
}

function versionTypes(
  crd: CustomResourceDefinition,
  v: CustomResourceDefinitionVersion,
  e: Emitter,
): { spec?: [string, string]; status?: [string, string]; body: string } {
  const root = (v.schema?.openAPIV3Schema ?? {}) as Schema;
  const props = (root.properties ?? {}) as Record<string, Schema>;
  const prefix = `${crd.spec.names.kind}${pascal(v.name)}`;
  e.what = `${crd.spec.names.kind} ${v.name}`;
  const out: { spec?: [string, string]; status?: [string, string]; body: string } = { body: "" };
  for (const part of ["spec", "status"] as const) {
    const s = props[part];
    if (!isObject(s)) continue;
    const before = e.decls.length;
    const outType = typeOf(s, `${prefix}${pascal(part)}`, "out", e, part);
    const inType = hasDefault(s) ? typeOf(s, `${prefix}${pascal(part)}`, "in", e, part) : outType;
    out[part] = [outType, inType];
    out.body += e.decls.splice(before).join("\n");
    if (out.body && !out.body.endsWith("\n\n")) out.body += "\n";
  }
  return out;
}

/** The schema of `part` for `openAPISchema`: the version's, or one that accepts anything. */
function partSchema(v: CustomResourceDefinitionVersion, part: string): Schema {
  const root = (v.schema?.openAPIV3Schema ?? {}) as Schema;
  const s = ((root.properties ?? {}) as Record<string, Schema>)[part];
  return isObject(s) ? s : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
}

/**
 * TypeScript source of a module declaring the kinds of `crd`: for each
 * served version, interfaces for spec and status (nested objects as named
 * interfaces, enums as unions, int-or-string as `number | string`, unknown
 * fields as `unknown`; `…Input` interfaces where defaults make fields
 * optional on create), and a `defineKind` with the version's schema
 * (`openAPISchema`), names, scope, printer columns, selectable fields and
 * root `x-kubernetes-validations`. With several versions the kinds share the
 * storage version and convert as kube's `None` strategy does (only
 * `apiVersion` changes). `kinds` lists them all.
 *
 * @example
 * ```ts
 * import { generateKindModule } from "./generate.ts";
 * import assert from "node:assert/strict";
 *
 * const source = generateKindModule({
 *   apiVersion: "apiextensions.k8s.io/v1",
 *   kind: "CustomResourceDefinition",
 *   metadata: { name: "pets.pets.example.com" },
 *   spec: {
 *     group: "pets.example.com",
 *     names: { kind: "Pet", plural: "pets", singular: "pet", listKind: "PetList" },
 *     scope: "Namespaced",
 *     versions: [{
 *       name: "v1",
 *       served: true,
 *       storage: true,
 *       schema: {
 *         openAPIV3Schema: {
 *           type: "object",
 *           properties: {
 *             spec: { type: "object", properties: { mood: { type: "string", enum: ["calm", "wild"] } } },
 *           },
 *         },
 *       },
 *     }],
 *   },
 * });
 * assert.match(source, /mood\?: "calm" \| "wild";/);
 * assert.match(source, /export const PetV1: PetV1Kind = defineKind\(\{/);
 * ```
 */
export function generateKindModule(
  crd: CustomResourceDefinition,
  options: GenerateKindModuleOptions = {},
): string {
  const from = options.importFrom ?? "@k1s/k1s";
  const names = crd.spec.names;
  const served = crd.spec.versions.filter((v) => v.served);
  if (served.length === 0) throw new TypeError(`CRD ${crd.metadata.name} serves no version`);
  const storage = crd.spec.versions.find((v) => v.storage)?.name;
  const multi = served.length > 1;
  const e: Emitter = { decls: [], taken: new Set(), named: new Map(), what: "" };
  const parts: string[] = [];
  const kindNames: string[] = [];
  for (const v of served) {
    const types = versionTypes(crd, v, e);
    if (types.body) parts.push(types.body.trimEnd() + "\n");
    const prefix = `${names.kind}${pascal(v.name)}`;
    const schemaVar = camel(prefix);
    const typeArgs = (t?: [string, string]) =>
      t ? (t[0] === t[1] ? `<${t[0]}>` : `<${t[0]}, ${t[1]}>`) : "<Record<string, unknown>>";
    const decl = (name: string, t: [string, string] | undefined, part: string) => {
      const head = `const ${name} = schema${typeArgs(t)}(`;
      return `${head}${literal(partSchema(v, part), "", head.length)});\n`;
    };
    parts.push(decl(`${schemaVar}Spec`, types.spec, "spec"));
    const hasStatus = types.status !== undefined || v.subresources?.status !== undefined;
    if (hasStatus) parts.push(decl(`${schemaVar}Status`, types.status, "status"));
    const kindType = `${prefix}Kind`;
    const args = [`typeof ${schemaVar}Spec`, ...(hasStatus ? [`typeof ${schemaVar}Status`] : [])];
    const alias = `export type ${kindType} = CustomKind<${args.join(", ")}>;`;
    parts.push(
      jsdoc(`The type of {@linkcode ${prefix}}.`, "") +
        (alias.length <= WIDTH
          ? alias + "\n"
          : `export type ${kindType} = CustomKind<\n${
            args.map((a) => `  ${a}`).join(",\n")
          }\n>;\n`),
    );
    const fields: Record<string, unknown> = {
      group: crd.spec.group,
      version: v.name,
      kind: names.kind,
      plural: names.plural,
    };
    if (names.singular && names.singular !== names.kind.toLowerCase()) {
      fields.singular = names.singular;
    }
    if (names.shortNames?.length) fields.shortNames = names.shortNames;
    if (names.categories?.length) fields.categories = names.categories;
    fields.scope = crd.spec.scope;
    const body = Object.entries(fields).map(([k, val]) =>
      `  ${k}: ${literal(val, "  ", k.length + 4)},\n`
    );
    body.push(`  spec: ${schemaVar}Spec,\n`);
    if (hasStatus) body.push(`  status: ${schemaVar}Status,\n`);
    const extra: Record<string, unknown> = {};
    if (v.additionalPrinterColumns?.length) {
      extra.printerColumns = v.additionalPrinterColumns.map((c) => {
        const col: Record<string, unknown> = { name: c.name, type: c.type, jsonPath: c.jsonPath };
        if (c.description !== undefined) col.description = c.description;
        if (c.format !== undefined) col.format = c.format;
        if (c.priority) col.priority = c.priority;
        return col;
      });
    }
    if (v.selectableFields?.length) {
      extra.selectableFields = v.selectableFields.map((f) => f.jsonPath.replace(/^\./, ""));
    }
    const rules = (v.schema?.openAPIV3Schema as Schema | undefined)?.["x-kubernetes-validations"];
    if (Array.isArray(rules) && rules.length > 0) extra.validations = rules;
    for (const [k, val] of Object.entries(extra)) {
      body.push(`  ${k}: ${literal(val, "  ", k.length + 4)},\n`);
    }
    if (multi && storage) {
      body.push(`  conversion: ${camel(names.kind)}Conversion,\n`);
    }
    const doc = [
      `${names.kind} ${v.name} (\`${crd.spec.group}/${v.name}\`)${
        v.name === storage ? ", the storage version" : ""
      }.`,
    ];
    const tags = v.deprecated ? [`@deprecated ${v.deprecationWarning ?? ""}`.trimEnd()] : [];
    parts.push(
      jsdoc(doc.join(""), "", tags) +
        `export const ${prefix}: ${kindType} = defineKind({\n${body.join("")}});\n`,
    );
    kindNames.push(prefix);
  }
  const header = [
    `// Code generated by k1s crd generate${
      options.source ? ` from ${options.source}` : ""
    }. DO NOT EDIT.`,
    `/**`,
    ` * Kinds of the CustomResourceDefinition \`${crd.metadata.name}\`: ${names.kind} in ${
      served.map((v) => `\`${crd.spec.group}/${v.name}\``).join(", ")
    }.`,
    ` *`,
    ` * @module`,
    ` */`,
  ];
  const wrapped = wrapComment(header);
  const imports = `import {\n  type CustomKind,\n  defineKind,\n  type Kind,\n${
    multi && storage ? "  type KindConversion,\n" : ""
  }  type OpenAPIObjectSchema,\n  type OpenAPISchema,\n  openAPISchema,\n} from ${
    JSON.stringify(from)
  };\n`;
  const helper = `function schema<O, I = O>(s: unknown): OpenAPIObjectSchema<O, I> {\n` +
    `  return openAPISchema<O, I>(s as OpenAPISchema);\n}\n`;
  const conversion = multi && storage
    ? `${
      jsdoc(
        `The versions of ${names.kind} are stored in ${storage}; conversion changes only ` +
          "`apiVersion`, as kube's `None` strategy does.",
        "",
      )
    }const ${camel(names.kind)}Conversion: KindConversion = {\n` +
      `  storageVersion: ${JSON.stringify(storage)},\n` +
      `  convert: (obj, apiVersion) => ({ ...obj, apiVersion }),\n};\n`
    : "";
  const list = `${
    jsdoc(`Every served version of ${names.kind}.`, "")
  }export const kinds: Kind[] = ${
    kindNames.length === 1 ? `[${kindNames[0]}]` : `[${kindNames.join(", ")}]`
  };\n`;
  const listFits = list.split("\n").every((l) => l.length <= WIDTH);
  const listText = listFits ? list : `${jsdoc(`Every served version of ${names.kind}.`, "")}` +
    `export const kinds: Kind[] = [\n${kindNames.map((k) => `  ${k},\n`).join("")}];\n`;
  return [wrapped, imports, helper, conversion, ...parts, listText].filter(Boolean).join("\n");
}

function wrapComment(lines: string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line.length <= WIDTH || !line.startsWith(" * ")) {
      out.push(line);
      continue;
    }
    let cur = " *";
    for (const word of line.slice(3).split(" ")) {
      if (cur.length + 1 + word.length > WIDTH && cur !== " *") {
        out.push(cur);
        cur = " *";
      }
      cur += " " + word;
    }
    out.push(cur);
  }
  return out.join("\n") + "\n";
}
