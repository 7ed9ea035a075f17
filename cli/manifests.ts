/**
 * Reading manifests the way `kubectl apply -f` / `kubectl create -f` does:
 * files, directories (`.json`, `.yaml`, `.yml`, sorted, `-R` recursing),
 * `-` for standard input, multi-document YAML, JSON streams and `List`
 * objects (flattened into their items). Every source is read and checked
 * before anything is returned, so a command can refuse bad input without
 * writing anything.
 *
 * @module
 */
import { jsonValueProblem } from "../src/apimachinery/json_value.ts";
import { isMap, isScalar, isSeq, type Node, parseDocument, type YAMLError } from "yaml";
import { jsonSyntaxError } from "../src/apimachinery/json_syntax.ts";
import type { KubeObject } from "../src/apimachinery/meta.ts";
import { glob, GlobPatternError } from "./glob.ts";
import { decodeProblem } from "./manifest_decode.ts";
import { goJson } from "../src/apimachinery/jsonpath.ts";

/** One object read from a manifest source. */
export interface Manifest {
  /** The object, as written (nothing defaulted). */
  object: KubeObject;
  /** The file path as the user gave it (joined with directory entries), or `STDIN`. */
  source: string;
  /** Position of the object within its source, counting from 0 (list items flattened). */
  index: number;
}

/** Options of {@linkcode loadManifests}. */
export interface LoadManifestsOptions {
  /** Recurse into subdirectories of directory sources (`-R`). */
  recursive?: boolean;
  /**
   * Standard input, read for the source `-`: a byte stream or a function
   * returning the text. Default `Deno.stdin.readable`.
   */
  stdin?: ReadableStream<Uint8Array> | (() => Promise<string>);
  /**
   * Check `apiVersion` and `kind` as kubectl's client-side validation does
   * (`error validating ...`), before decoding. Default true: `create` and
   * `apply` (and `replace`) without `--validate=false`. kubectl's other
   * commands (`label`, `annotate`, `patch`, `delete`, `get`, `set`, ...) do
   * not validate: a missing kind is then the decoder's `unable to decode
   * "x.yaml": Object 'Kind' is missing in '{...}'`.
   */
  validate?: boolean;
}

/** Options of {@linkcode parseManifestsPartly}. */
export interface ParseManifestsOptions {
  /** As {@linkcode LoadManifestsOptions.validate}; default true. */
  validate?: boolean;
}

/**
 * Bad manifest input. `messages` holds one line per problem (kubectl's
 * texts, without the `error: ` prefix); kubectl prints a single problem as
 * `error: MESSAGE` and several as one line each.
 */
export class ManifestError extends Error {
  /** The problems, in source order. */
  readonly messages: readonly string[];

  /** Creates an error from one or more messages. */
  constructor(messages: string | readonly string[]) {
    const list = typeof messages === "string" ? [messages] : [...messages];
    super(list.join("\n"));
    this.name = "ManifestError";
    this.messages = list;
  }
}

/** File name extensions read from directories, as in kubectl. */
export const MANIFEST_EXTENSIONS: readonly string[] = [".json", ".yaml", ".yml"];

const STDIN = "STDIN";

interface Source {
  name: string;
  read: () => Promise<string>;
}

/**
 * Reads every manifest of `sources` (paths, directories or `-`).
 *
 * Errors ({@linkcode ManifestError}), as kubectl words them:
 * - `the path "x.yaml" does not exist` (checked for all sources before any is read); a
 *   path that does not exist is expanded as a pattern first (`-f '*.yaml'`, Go's
 *   `filepath.Glob`), and a malformed one is `pattern "[a-" is not valid: syntax error
 *   in pattern`;
 * - `error reading [dir]: recognized file extensions are [.json .yaml .yml]` for a
 *   directory without manifests when nothing was found before it;
 * - `error parsing x.yaml: error converting YAML to JSON: yaml: line N: ...` for
 *   malformed YAML (the line counts within the document, as kubectl's does), and
 *   `error parsing x.json: ...` for malformed JSON;
 * - `error validating "x.yaml": error validating data: [apiVersion not set, kind not set];
 *   if you choose to ignore these errors, turn validation off with --validate=false`
 *   for objects without apiVersion or kind, and `... invalid object to validate ...`
 *   for documents that are not objects (unless `validate` is false);
 * - `unable to decode "x.yaml": ...` for what kubectl's decoder refuses: a document that
 *   is not an object, a missing kind (without validation), metadata of the wrong types
 *   (`json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type
 *   string`).
 *
 * Reading stops at the first bad document of a source; problems of
 * different sources are reported together.
 *
 * @example
 * ```ts
 * import { loadManifests } from "./manifests.ts";
 * import assert from "node:assert/strict";
 * const text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n" +
 *   '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}\n';
 * const manifests = await loadManifests(["-"], { stdin: () => Promise.resolve(text) });
 * assert.deepEqual(manifests.map((m) => [m.object.metadata.name, m.source, m.index]), [
 *   ["a", "STDIN", 0],
 *   ["b", "STDIN", 1],
 * ]);
 * ```
 */
export async function loadManifests(
  sources: string[],
  options: LoadManifestsOptions = {},
): Promise<Manifest[]> {
  const { manifests, problems } = await loadManifestsLeniently(sources, options);
  if (problems.length > 0) throw new ManifestError(problems);
  return manifests;
}

/**
 * As {@linkcode loadManifests}, but a file that does not parse is reported
 * in `problems` while the other files' objects are returned, as kubectl's
 * builder continues on error: `apply -f DIR` applies the good files and
 * reports the bad one. Paths that do not exist still fail at once.
 */
export async function loadManifestsLeniently(
  sources: string[],
  options: LoadManifestsOptions = {},
): Promise<{ manifests: Manifest[]; problems: string[] }> {
  const files: Source[] = [];
  // kubectl checks every path while parsing flags, before reading any of them; a path that
  // does not exist is a pattern (Go's filepath.Glob) if it expands to something.
  const errors: string[] = [];
  for (const arg of sources) {
    if (arg === "-") {
      files.push({ name: STDIN, read: () => readStdin(options.stdin) });
      continue;
    }
    let paths = [arg];
    if (!await pathExists(arg)) {
      try {
        paths = await glob(arg);
      } catch (err) {
        if (!(err instanceof GlobPatternError)) throw err;
        errors.push(`pattern "${arg}" is not valid: ${err.message}`);
        continue;
      }
      if (paths.length === 0) {
        errors.push(`the path "${arg}" does not exist`);
        continue;
      }
    }
    for (const path of paths) {
      const info = await Deno.stat(path).catch((err) => {
        if (err instanceof Deno.errors.NotFound) return undefined; // a dangling link
        throw err;
      });
      if (!info) {
        errors.push(`the path "${path}" does not exist`);
        continue;
      }
      if (!info.isDirectory) {
        files.push({ name: path, read: () => Deno.readTextFile(path) });
        continue;
      }
      const found = await walk(path, options.recursive ?? false);
      for (const f of found) files.push({ name: f, read: () => Deno.readTextFile(f) });
    }
    // As kubectl's builder: only when nothing at all has been found so far.
    if (files.length === 0 && errors.length === 0) {
      errors.push(
        `error reading [${paths.join(" ")}]: recognized file extensions are [${
          MANIFEST_EXTENSIONS.join(" ")
        }]`,
      );
    }
  }
  if (errors.length > 0) throw new ManifestError(errors);

  const out: Manifest[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const text = await file.read();
    const { objects, problem } = parseManifestsPartly(text, file.name, {
      validate: options.validate,
    });
    objects.forEach((object, index) => out.push({ object, source: file.name, index }));
    if (problem) problems.push(...problem.messages);
  }
  return { manifests: out, problems };
}

/**
 * Parses the text of one manifest source: a YAML stream (documents split on
 * `---` lines) or, when it starts with `{`, a stream of JSON objects. Empty
 * documents are skipped and lists are flattened. `source` names the input in
 * error messages.
 *
 * @example
 * ```ts
 * import { parseManifests } from "./manifests.ts";
 * import assert from "node:assert/strict";
 * const objs = parseManifests(
 *   "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n",
 *   "list.yaml",
 * );
 * assert.equal(objs[0].kind, "ConfigMap");
 * ```
 */
export function parseManifests(
  text: string,
  source: string,
  options: ParseManifestsOptions = {},
): KubeObject[] {
  const { objects, problem } = parseManifestsPartly(text, source, options);
  if (problem) throw problem;
  return objects;
}

/**
 * As {@linkcode parseManifests}, but the objects of the documents before a
 * bad one are returned with the problem, as kubectl's stream visitor has
 * already handed them on (`apply -f` applies them) when it meets the bad one.
 *
 * @example
 * ```ts
 * import { parseManifestsPartly } from "./manifests.ts";
 * import assert from "node:assert/strict";
 * const { objects, problem } = parseManifestsPartly(
 *   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [\n",
 *   "two.yaml",
 * );
 * assert.deepEqual(objects.map((o) => o.metadata.name), ["a"]);
 * assert.match(problem!.message, /^error parsing two.yaml: error converting YAML to JSON/);
 * ```
 */
export function parseManifestsPartly(
  text: string,
  source: string,
  options: ParseManifestsOptions = {},
): { objects: KubeObject[]; problem?: ManifestError } {
  const json = /^\s*\{/.test(text);
  const docs = json ? jsonStream(text, source) : yamlStream(text, source);
  const out: KubeObject[] = [];
  // kubectl's stream visitor hands a document its decoder refuses on as an error and reads on;
  // a parse or validation error ends the source.
  const refused: string[] = [];
  try {
    for (const { value: doc, raw } of docs) {
      if (doc === null || doc === undefined) continue;
      // Nothing recursive (cloning, apply's patches) may see nesting the server would refuse.
      const problem = jsonValueProblem(doc);
      if (problem) throw new ManifestError(`error parsing ${source}: ${problem}`);
      if (options.validate ?? true) {
        const errors = validate(doc);
        if (errors.length > 0) throw new ManifestError(validationMessage(source, errors));
      }
      const refusal = decodeProblem(doc, () => raw ?? goJson(doc), !json);
      if (refusal) {
        refused.push(`unable to decode "${source}": ${refusal}`);
        continue;
      }
      const obj = doc as Record<string, unknown>;
      if (isList(obj)) {
        for (const item of obj.items as unknown[]) out.push(item as KubeObject);
      } else {
        out.push(obj as unknown as KubeObject);
      }
    }
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    return { objects: out, problem: new ManifestError([...refused, ...err.messages]) };
  }
  return refused.length > 0
    ? { objects: out, problem: new ManifestError(refused) }
    : { objects: out };
}

function validationMessage(source: string, errors: string[]): string {
  const agg = errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`;
  return `error validating "${source}": error validating data: ${agg}; ` +
    "if you choose to ignore these errors, turn validation off with --validate=false";
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** kubectl's `getObjectKind` checks, and `validateList` for lists. */
function objectKindErrors(v: unknown): string[] {
  if (!isPlainObject(v)) return ["invalid object to validate"];
  const errs: string[] = [];
  for (const field of ["apiVersion", "kind"]) {
    const value = v[field];
    if (value === undefined || value === null || value === "") errs.push(`${field} not set`);
    else if (typeof value !== "string") errs.push(`${field} isn't string type`);
  }
  return errs;
}

function validate(doc: unknown): string[] {
  const errs = objectKindErrors(doc);
  if (errs.length > 0) return errs;
  const obj = doc as Record<string, unknown>;
  if (obj.apiVersion === "v1" && obj.kind === "List" && !Array.isArray(obj.items)) {
    return ["items isn't a slice"];
  }
  if (!isList(obj)) return [];
  return (obj.items as unknown[]).flatMap((item) => objectKindErrors(item));
}

/** `kind: List` or `kind: SomethingList` with an `items` array. */
function isList(obj: Record<string, unknown>): boolean {
  return typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items);
}

// ------------------------------------------------------------------- YAML

/**
 * YAML 1.1 as go-yaml v2 (kubectl's parser) reads it: `yes`/`on` are
 * booleans, `0777` is octal, but timestamps and `12:30` stay strings.
 */
const YAML_OPTIONS = {
  version: "1.1" as const,
  // go-yaml v2 (unlike the yaml package) takes the last of repeated keys.
  uniqueKeys: false,
  customTags: (tags: any[]) =>
    [...tags.filter((t) => t.tag !== "tag:yaml.org,2002:binary"), BINARY_TAG]
      .filter((t) => t.tag !== "tag:yaml.org,2002:timestamp" && t.format !== "TIME")
      // An exponent needs digits before it, as go-yaml's float pattern has it: `e1` is a string
      // (the yaml package's 1.1 schema read it as NaN).
      .map((t) =>
        t.tag === "tag:yaml.org,2002:float" && t.format === "EXP" ? { ...t, test: EXP_FLOAT } : t
      ),
};
const EXP_FLOAT = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$/;

/**
 * The documents of a YAML stream, split as kubectl's YAMLReader does (on
 * lines starting with `---`) and parsed one at a time: a bad separator or
 * document throws when it is reached.
 */
function* yamlStream(text: string, source: string): Generator<Doc> {
  let buf: string[] = [];
  const chunk = () => {
    let lines: string[];
    try {
      lines = firstDocument(buf);
    } catch (err) {
      if (!(err instanceof YamlChunkError)) throw err;
      throw new ManifestError(
        `error parsing ${source}: error converting YAML to JSON: yaml: ${err.message}`,
      );
    }
    return lines.join("\n").trim() !== "" ? parseYaml(lines.join("\n"), source) : undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("---")) {
      // The reader refuses a bad separator before it hands on the document it ends.
      const rest = line.slice(3).trim();
      if (rest.length > 0 && !rest.startsWith("#")) {
        throw new ManifestError(
          `error parsing ${source}: invalid Yaml document separator: ${rest}`,
        );
      }
      // A separator ends a chunk that has lines (blank ones too); one that starts a chunk
      // is kept in it, as go-yaml's document start (it counts in the chunk's line numbers).
      if (buf.length > 0) {
        if (buf.join("\n").trim() !== "") yield { value: chunk() };
        buf = [];
        continue;
      }
    }
    buf.push(line);
  }
  if (buf.join("\n").trim() !== "") yield { value: chunk() };
}

/** A document end marker (`...` at the start of a line). */
const DOCUMENT_END = /^\.\.\.(?:[ \t]|$)/;

/**
 * The lines go-yaml reads of a chunk between separators: its first document only
 * (kubectl unmarshals one document; what follows a `...` line is never read). A chunk
 * that ends before any content (`...` after blank and comment lines) is go-yaml's
 * parser error `did not find expected node content`.
 */
function firstDocument(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    if (!DOCUMENT_END.test(lines[i])) continue;
    const before = lines.slice(0, i);
    // After a document start `---`, `...` ends a document (empty, or not).
    if (lines[0].startsWith("---")) return before;
    if (before.every((l) => l.trim() === "" || l.trimStart().startsWith("#"))) {
      // A parser error: go-yaml names the line of the marker counting from 0, and none on 0.
      const message = "did not find expected node content";
      throw new YamlChunkError(i > 0 ? `line ${i}: ${message}` : message);
    }
    return before;
  }
  return lines;
}

/** A problem found in a chunk before it is parsed (worded as go-yaml's, after `yaml: `). */
class YamlChunkError extends Error {}

/** One document of a stream: its value and, for JSON, its text (kubectl quotes it as read). */
interface Doc {
  value: unknown;
  raw?: string;
}

function parseYaml(chunk: string, source: string): unknown {
  const fail = (message: string): never => {
    throw new ManifestError(
      `error parsing ${source}: error converting YAML to JSON: yaml: ${message}`,
    );
  };
  const doc = parseDocument(chunk, YAML_OPTIONS);
  const err = doc.errors[0];
  if (err) fail(goYamlError(err, chunk));
  const badKey = nullKeyProblem(doc.contents, doc);
  if (badKey) {
    throw new ManifestError(`error parsing ${source}: error converting YAML to JSON: ${badKey}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    if (e instanceof RangeError) fail("exceeded max depth");
    const alias = /^Unresolved alias \(the anchor must be set before the alias\): (.*)$/
      .exec((e as Error).message);
    if (alias) fail(`unknown anchor '${alias[1]}' referenced`);
    throw e;
  }
}

/**
 * sigs.k8s.io/yaml's refusal of a null mapping key (`~: a`, `null: a`), which it cannot
 * make a JSON key of: `unsupported map key of type: %!s(<nil>), key: <nil>, value: "a"`
 * (the value as Go's `%+#v` prints it).
 */
function nullKeyProblem(
  node: unknown,
  doc: Parameters<Node["toJS"]>[0],
): string | undefined {
  if (isSeq(node)) {
    for (const item of node.items) {
      const p = nullKeyProblem(item, doc);
      if (p) return p;
    }
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key;
      if (key === null || (isScalar(key) && key.value === null)) {
        const value = pair.value === null || pair.value === undefined
          ? null
          : (pair.value as Node).toJS(doc, { maxAliasCount: 1000 });
        return `unsupported map key of type: %!s(<nil>), key: <nil>, value: ${
          goSharpV(value, true)
        }`;
      }
      const p = nullKeyProblem(pair.value, doc);
      if (p) return p;
    }
  }
  return undefined;
}

/** Go's `%+#v` of a value go-yaml decoded (maps print with sorted keys). */
function goSharpV(v: unknown, top = false): string {
  if (v === null || v === undefined) return top ? "<nil>" : "interface {}(nil)";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSharpV(x)).join(", ")}}`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  );
  return `map[interface {}]interface {}{${
    entries.map(([k, x]) => `${JSON.stringify(k)}:${goSharpV(x)}`).join(", ")
  }}`;
}

/**
 * A YAML error as go-yaml v2 (kubectl's parser) words the common ones, with
 * its line: a scanner error names the line of the problem, a parser error the
 * line before the token it could not use (go-yaml counts those from 0).
 */
function goYamlError(err: YAMLError, chunk: string): string {
  const at = err.linePos?.[0].line ?? 1;
  const first = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  const scanner = (msg: string) => `line ${at}: ${msg}`;
  const parser = (msg: string) => at > 1 ? `line ${at - 1}: ${msg}` : msg;
  switch (err.code) {
    case "TAG_RESOLVE_FAILED":
      if (first.includes(BAD_BINARY)) return BAD_BINARY;
      break;
    case "TAB_AS_INDENT":
      return scanner(tabProblem(chunk.split(/\r?\n/), at));
    case "BAD_SCALAR_START":
      return scanner("found character that cannot start any token");
    case "BLOCK_AS_IMPLICIT_KEY":
      return scanner("mapping values are not allowed in this context");
    case "MULTILINE_IMPLICIT_KEY":
      return parser("did not find expected key");
    case "MISSING_CHAR":
      if (/^Missing closing/.test(first)) return scanner("found unexpected end of stream");
      break;
    case "BAD_INDENT": {
      if (/^Flow sequence/.test(first)) return parser("did not find expected ',' or ']'");
      if (/^Flow map/.test(first)) return parser("did not find expected ',' or '}'");
      if (/mapping items/.test(first)) {
        // Inside a block sequence go-yaml wanted the next `-`; inside a mapping, a key.
        const lines = chunk.split(/\r?\n/);
        const indent = (l: string) => l.length - l.trimStart().length;
        const n = indent(lines[at - 1] ?? "");
        const sibling = lines.slice(0, at - 1).reverse()
          .find((l) => l.trim() !== "" && !l.trim().startsWith("#") && indent(l) <= n);
        const inSequence = sibling !== undefined && indent(sibling) === n &&
          sibling.trimStart().startsWith("-");
        return parser(`did not find expected ${inSequence ? "'-' indicator" : "key"}`);
      }
      break;
    }
  }
  // The parser recurses: nesting deeper than it can follow is go-yaml's depth error.
  if (/call stack/.test(first)) return scanner("exceeded max depth");
  return scanner(first);
}

/**
 * go-yaml's words for a tab starting line `at` (from 1): inside a plain scalar that goes
 * on from the line before (blank lines between), a tab left of the scalar's indentation
 * "violates indentation"; anywhere else the tab is a token go-yaml cannot start.
 */
function tabProblem(lines: string[], at: number): string {
  const line = lines[at - 1] ?? "";
  const column = line.length - line.replace(/^ */, "").length;
  let i = at - 2;
  while (i >= 0 && lines[i].trim() === "") i--;
  const prev = lines[i] ?? "";
  // The previous line's last token: a plain scalar value (`key: value`, `- value`, or a
  // continued scalar), without a comment.
  let rest = prev.trimStart();
  let indent = prev.length - rest.length;
  while (/^-(?:[ \t]|$)/.test(rest)) {
    const next = rest.slice(1).trimStart();
    indent += rest.length - next.length;
    rest = next;
  }
  const colon = rest.search(/:(?:[ \t]|$)/);
  const value = colon >= 0 && !/^["'[{]/.test(rest) ? rest.slice(colon + 1).trim() : rest.trim();
  const plain = i >= 0 && value !== "" && !/[ \t]#/.test(` ${value}`) &&
    !/^["'[{|>*&!%@`]/.test(value) && !/:$/.test(value);
  if (plain && column < indent + 1) return "found a tab character that violates indentation";
  return "found character that cannot start any token";
}

/** go-yaml's words for a `!!binary` scalar that is not base64 (it names no line). */
const BAD_BINARY = "!!binary value contains invalid base64 data";

/** go-yaml decodes `!!binary` into a string of the bytes (no Buffer reaches JSON). */
const BINARY_TAG = {
  tag: "tag:yaml.org,2002:binary",
  default: false,
  resolve(value: string, onError: (message: string) => void): string {
    const clean = value.replace(/\s+/g, "");
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) {
      onError(BAD_BINARY);
      return "";
    }
    const bytes = Uint8Array.from(atob(clean), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  },
};

// ------------------------------------------------------------------- JSON

/** A stream of concatenated JSON values, as Go's json.Decoder reads them, one at a time. */
function* jsonStream(text: string, source: string): Generator<Doc> {
  let i = 0;
  const n = text.length;
  const fail = (msg: string): never => {
    throw new ManifestError(`error parsing ${source}: ${msg}`);
  };
  while (true) {
    while (i < n && /\s/.test(text[i])) i++;
    if (i >= n) break;
    const start = i;
    if (text[i] === "{" || text[i] === "[") {
      let depth = 0;
      let inString = false;
      for (; i < n; i++) {
        const c = text[i];
        if (inString) {
          if (c === "\\") i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
      }
      if (depth > 0) {
        // An error before the end is still reported where it is.
        parseJson(text.slice(start), () => byteLength(text.slice(0, start)), fail, true);
        fail("unexpected EOF");
      }
    } else {
      while (i < n && !/[\s{[]/.test(text[i])) i++;
    }
    const raw = text.slice(start, i);
    yield { value: parseJson(raw, () => byteLength(text.slice(0, start)), fail, false), raw };
  }
}

const byteLength = (s: string) => new TextEncoder().encode(s).length;

/** Parses one JSON value of a stream; `before` counts the stream's bytes before it (Go offsets). */
function parseJson(
  chunk: string,
  before: () => number,
  fail: (msg: string) => never,
  truncated: boolean,
): unknown {
  try {
    return JSON.parse(chunk);
  } catch (err) {
    // JSON.parse finds the error; Go's scanner says it the way kubectl does.
    const syntax = jsonSyntaxError(chunk);
    if (!syntax) throw err;
    if (truncated && syntax.message === "unexpected end of JSON input") return undefined;
    return fail(`json: offset ${before() + syntax.offset}: ${syntax.message}`);
  }
}

// ------------------------------------------------------------- file system

async function readStdin(stdin: LoadManifestsOptions["stdin"]): Promise<string> {
  if (typeof stdin === "function") return await stdin();
  const stream = stdin ?? Deno.stdin.readable;
  return await new Response(stream).text();
}

function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** Files of `root` with a manifest extension, in lexical order (Go's filepath.Walk). */
async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

async function walk(root: string, recursive: boolean): Promise<string[]> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(root)) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(root, e.name);
    if (e.isDirectory) {
      if (recursive) out.push(...await walk(path, true));
    } else if (MANIFEST_EXTENSIONS.some((ext) => e.name.endsWith(ext))) {
      out.push(path);
    }
  }
  return out;
}
