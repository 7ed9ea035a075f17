/**
 * `create`: from files (`-f`), or with the generators `namespace`,
 * `configmap`, `secret generic`, `secret tls`, `secret docker-registry` and
 * `serviceaccount`, as kubectl's (with `--from-env-file`, `--append-hash`
 * and `--save-config`).
 *
 * @module
 */
import { VALIDATE_OPTIONS, validateOptions } from "../validate.ts";
import { outputOf, PRINT_FLAGS, printFlags } from "./read_flags.ts";
import { ApiError } from "../../src/apimachinery/errors.ts";
import { type KubeObject, OBJECT_META_FIELDS } from "../../src/apimachinery/meta.ts";
import {
  ConfigMap,
  isConfigMapKey,
  Namespace,
  Secret,
  ServiceAccount,
} from "../../src/resources/core_v1.ts";
import type { Kind } from "../../src/scheme/kind.ts";
import { CliError } from "../errors.ts";
import type { Command, CommandContext } from "../kit.ts";
import { goJson, GoStruct } from "../jsonpath.ts";
import { OUTPUT_FORMATS, PrintError, printObjects } from "../printers/mod.ts";
import { kindLabel } from "../resources.ts";
import { DRY_RUN_FLAG } from "../kit.ts";
import { type DryRun, parseDryRun } from "../flags.ts";

/** The `-o` formats kubectl's create, apply and other writers accept: no tables or columns. */
const WRITE_OUTPUT_FORMATS = OUTPUT_FORMATS.filter((f) =>
  f !== "wide" && !f.startsWith("custom-columns")
);

/**
 * Prints what a writing command did, as kubectl's printer for `-o` does:
 * the `kind/name created` line by default, `kind/name` for `-o name`, else
 * the object (`-o yaml` separates objects with `---`). The format is
 * checked when the printer is made, before anything is written. `typed`:
 * the objects are the generators' (Go types in kubectl), so `-o json` prints
 * their fields in struct order rather than sorted.
 */
export function resultPrinter(
  ctx: CommandContext,
  options: { typed?: boolean } = {},
): (obj: KubeObject, kind: Kind, line: string) => Promise<string> {
  const output = outputOf(ctx.flags) ?? "";
  const flags = printFlags(ctx.flags);
  const eq = output.indexOf("=");
  const format = eq < 0 ? output : output.slice(0, eq);
  if (output !== "" && !WRITE_OUTPUT_FORMATS.includes(format)) {
    throw new CliError(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: ${
        WRITE_OUTPUT_FORMATS.join(",")
      }`,
    );
  }
  let printed = 0;
  return async (obj, kind, line) => {
    if (output === "") return line + "\n";
    // kubectl's name printer: `<unknown>` for an object without a name.
    if (format === "name") return `${kindLabel(kind)}/${obj.metadata?.name || "<unknown>"}\n`;
    if (format === "json" && options.typed) return goJson(asGoStruct(obj), "    ") + "\n";
    try {
      const text = await printObjects([obj], {
        ...flags,
        output,
        kindOf: () => kind,
        singleItemImplied: true,
      });
      return (format === "yaml" && printed++ > 0 ? "---\n" : "") + text;
    } catch (err) {
      // (A template's failure keeps what kubectl prints on standard output with it.)
      if (err instanceof PrintError && !("output" in err)) throw new CliError(err.message);
      throw err;
    }
  };
}

/** Field orders of the Go types (k8s.io/api/core/v1) the generators build. */
const STRUCT_FIELDS: Record<string, string[]> = {
  ConfigMap: ["immutable", "data", "binaryData"],
  Secret: ["immutable", "data", "stringData", "type"],
  Namespace: ["spec", "status"],
  ServiceAccount: ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
};

/** `fields` of `o` in `order` (unknown ones last), as a struct for goJson. */
function struct(o: Record<string, unknown>, order: readonly string[]): GoStruct {
  const keys = [
    ...order.filter((k) => k in o),
    ...Object.keys(o).filter((k) => !order.includes(k)),
  ];
  return new GoStruct(Object.fromEntries(keys.map((k) => [k, o[k]])));
}

/** A generated object as encoding/json prints its Go type: TypeMeta, ObjectMeta, then fields. */
function asGoStruct(obj: KubeObject): GoStruct {
  const { kind, apiVersion, metadata, ...rest } = obj as KubeObject & Record<string, unknown>;
  return struct(
    {
      kind,
      apiVersion,
      metadata: struct(metadata as Record<string, unknown>, OBJECT_META_FIELDS),
      ...rest,
    },
    ["kind", "apiVersion", "metadata", ...(STRUCT_FIELDS[obj.kind ?? ""] ?? [])],
  );
}

function dryRunOf(ctx: CommandContext): DryRun {
  return parseDryRun(ctx.flags["dry-run"]);
}

function b64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

const utf8 = new TextEncoder();

function decodeUtf8(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    return undefined;
  }
}

/** The text Go prints for a failed system call (`no such file or directory`). */
function errnoText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /^(.*?) \(os error \d+\)/.exec(msg);
  if (!m) return msg;
  return m[1].charAt(0).toLowerCase() + m[1].slice(1);
}

/** Go's `path.Base`. */
function pathBase(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Go's `path.Join` of a directory and a name (enough for directory listings). */
function pathJoin(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** A pflag string slice: every occurrence, split at commas. */
function sliceFlag(ctx: CommandContext, name: string): string[] {
  return ((ctx.flags[name] as string[] | undefined) ?? []).flatMap((v) =>
    v === "" ? [] : v.split(",")
  );
}

/** kubectl's `util.ParseFileSource`: `[key=]path`. */
function parseFileSource(source: string): { key: string; path: string } {
  const n = source.split("=").length - 1;
  if (n === 0) return { key: pathBase(source), path: source };
  if (n === 1 && source.startsWith("=")) {
    throw new CliError(`key name for file path ${source.slice(1)} missing`);
  }
  if (n === 1 && source.endsWith("=")) {
    throw new CliError(`file path for key name ${source.slice(0, -1)} missing`);
  }
  if (n > 1) throw new CliError("key names or file paths cannot contain '='");
  const [key, path] = source.split("=");
  return { key, path };
}

/** kubectl's `util.ParseLiteralSource`: `key=value`. */
function parseLiteralSource(source: string): [string, string] {
  const eq = source.indexOf("=");
  if (eq <= 0) throw new CliError(`invalid literal source ${source}, expected key=value`);
  return [source.slice(0, eq), source.slice(eq + 1)];
}

/** `os.Stat` as kubectl's generators report its failure: `error reading PATH: ERRNO`. */
async function statSource(path: string): Promise<Deno.FileInfo> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    throw new CliError(`error reading ${path}: ${errnoText(err)}`);
  }
}

/** `os.ReadFile`, failing with Go's `open PATH: ERRNO` (or `read PATH: ...`). */
async function readGo(path: string): Promise<Uint8Array> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(path);
  } catch (err) {
    throw new CliError(`open ${path}: ${errnoText(err)}`);
  }
  try {
    return new Uint8Array(await new Response(f.readable).arrayBuffer());
  } catch (err) {
    throw new CliError(`read ${path}: ${errnoText(err)}`);
  }
}

/**
 * kubectl's `--from-file` sources: each file (or each regular file of a
 * directory, in name order) handed to `add` with its key.
 */
async function readFileSources(
  sources: string[],
  add: (key: string, bytes: Uint8Array) => void,
): Promise<void> {
  for (const source of sources) {
    const { key, path } = parseFileSource(source);
    const st = await statSource(path);
    if (!st.isDirectory) {
      add(key, await readGo(path));
      continue;
    }
    if (source.includes("=")) throw new CliError("cannot give a key name for a directory path");
    const names: string[] = [];
    try {
      for await (const e of Deno.readDir(path)) if (e.isFile) names.push(e.name);
    } catch (err) {
      throw new CliError(`error listing files in ${path}: open ${path}: ${errnoText(err)}`);
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) add(name, await readGo(pathJoin(path, name)));
  }
}

const ENV_VAR_NAME_RE = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
// unicode.IsSpace
const LEADING_SPACE_RE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** `validation.IsEnvVarName`. */
function isEnvVarName(key: string): string[] {
  const errs: string[] = [];
  if (!ENV_VAR_NAME_RE.test(key)) {
    errs.push(
      "a valid environment variable name must consist of alphabetic characters, digits, '_', " +
        "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  " +
        "or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    );
  }
  if (key === ".") errs.push("must not be '.'");
  else if (key === "..") errs.push("must not be '..'");
  else if (key.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

/**
 * kubectl's `--from-env-file` sources (`cmdutil.AddFromEnvFile`): one
 * `KEY=value` a line; leading blanks, blank lines and `#` comments are
 * skipped; a line without `=` takes its value from the environment.
 * `what` names the object in the directory error ("config" or "secret").
 */
async function readEnvFileSources(
  sources: string[],
  what: string,
  add: (key: string, value: string) => void,
): Promise<void> {
  for (const path of sources) {
    const st = await statSource(path);
    if (st.isDirectory) throw new CliError(`env ${what} file cannot be a directory`);
    const bytes = await readGo(path);
    // bufio.ScanLines: lines end at \n, a trailing \r is dropped, a last unterminated line counts.
    const lines: Uint8Array[] = [];
    let from = 0;
    while (from < bytes.length) {
      let nl = bytes.indexOf(10, from);
      const next = nl < 0 ? bytes.length : nl + 1;
      if (nl < 0) nl = bytes.length;
      let end = nl;
      if (end > from && bytes[end - 1] === 13) end--;
      lines.push(bytes.subarray(from, end));
      from = next;
    }
    for (let i = 0; i < lines.length; i++) {
      let line = decodeUtf8(lines[i]);
      if (line === undefined) {
        throw new CliError(
          `env file ${path} contains invalid utf8 bytes at line ${i + 1}: [${lines[i].join(" ")}]`,
        );
      }
      if (i === 0 && line.startsWith("\ufeff")) line = line.slice(1);
      line = line.replace(LEADING_SPACE_RE, "");
      if (line === "" || line.startsWith("#")) continue;
      const eq = line.indexOf("=");
      const key = eq < 0 ? line : line.slice(0, eq);
      const errs = isEnvVarName(key);
      if (errs.length) {
        throw new CliError(`${goQuote(key)} is not a valid key name: ${errs.join(";")}`);
      }
      add(key, eq < 0 ? Deno.env.get(key) ?? "" : line.slice(eq + 1));
    }
  }
}

/** Go's `%q` of a string (printable text as JSON writes it). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** A ConfigMap's data as kubectl's configmap generator fills it in. */
class ConfigMapData {
  readonly data: Record<string, string> = {};
  readonly binaryData: Record<string, Uint8Array> = {};
  constructor(readonly name: string) {}

  private check(key: string) {
    const errs = isConfigMapKey(key);
    if (errs.length) {
      throw new CliError(
        `${goQuote(key)} is not a valid key name for a ConfigMap: ${errs.join(",")}`,
      );
    }
    for (const [map, label] of [[this.data, "Data"], [this.binaryData, "BinaryData"]] as const) {
      if (Object.hasOwn(map, key)) {
        throw new CliError(
          `cannot add key ${goQuote(key)}, another key by that name already exists in ${label} ` +
            `for ConfigMap ${goQuote(this.name)}`,
        );
      }
    }
  }
  literal = (key: string, value: string) => {
    this.check(key);
    this.data[key] = value;
  };
  file = (key: string, bytes: Uint8Array) => {
    const text = decodeUtf8(bytes);
    if (text !== undefined) return this.literal(key, text);
    this.check(key);
    this.binaryData[key] = bytes;
  };
}

/** A Secret's data as kubectl's secret generators fill it in. */
class SecretData {
  readonly data: Record<string, Uint8Array> = {};
  add = (key: string, bytes: Uint8Array) => {
    const errs = isConfigMapKey(key);
    if (errs.length) {
      throw new CliError(`${goQuote(key)} is not valid key name for a Secret ${errs.join(";")}`);
    }
    if (Object.hasOwn(this.data, key)) {
      throw new CliError(`cannot add key ${key}, another key by that name already exists`);
    }
    this.data[key] = bytes;
  };
  literal = (key: string, value: string) => this.add(key, utf8.encode(value));
}

function b64Map(m: Record<string, Uint8Array>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, b64(v)]));
}

/**
 * kubectl's `hash.encodeHash(hash.hash(json))` (k8s.io/kubectl/pkg/util/hash):
 * the first ten hex digits of the SHA-256 of `json`, with 0, 1, 3, a and e
 * replaced so the suffix is not a word or a number.
 */
async function nameHash(json: string): Promise<string> {
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8.encode(json)));
  const hex = Array.from(sum.subarray(0, 5), (b) => b.toString(16).padStart(2, "0")).join("");
  const swap: Record<string, string> = { "0": "g", "1": "h", "3": "k", a: "m", e: "t" };
  return hex.replace(/[013ae]/g, (c) => swap[c]);
}

/** `hash.ConfigMapHash`: kind, name, data (and binaryData when any), as a Go map. */
function configMapHash(name: string, d: ConfigMapData): Promise<string> {
  const m: Record<string, unknown> = { kind: "ConfigMap", name, data: d.data };
  if (Object.keys(d.binaryData).length) m.binaryData = b64Map(d.binaryData);
  return nameHash(goJson(m));
}

/** `hash.SecretHash`: kind, type, name and data, as a Go map. */
function secretHash(name: string, type: string, d: SecretData): Promise<string> {
  return nameHash(goJson({ kind: "Secret", type, name, data: b64Map(d.data) }));
}

/** What the generators settle before reading any source (kubectl's Complete). */
interface Prepared {
  dry: "none" | "client" | "server";
  print: ReturnType<typeof resultPrinter>;
  validation: ReturnType<typeof validateOptions>;
}

function prepare(ctx: CommandContext): Prepared {
  const dry = dryRunOf(ctx);
  const print = resultPrinter(ctx, { typed: true });
  const validation = validateOptions(ctx.flags, ctx.io);
  return { dry, print, validation };
}

/**
 * What kubectl prints for a generated object it did not send (client dry
 * run): the typed object as Go serializes it, with `creationTimestamp: null`
 * (and a Namespace's empty `spec` and `status`).
 */
function asGenerated(kind: Kind, obj: KubeObject): KubeObject {
  const out = {
    ...obj,
    metadata: { ...obj.metadata, creationTimestamp: null },
  } as unknown as KubeObject;
  if (kind === (Namespace as unknown as Kind)) Object.assign(out, { spec: {}, status: {} });
  return out;
}

async function createOne(
  ctx: CommandContext,
  p: Prepared,
  kind: typeof ConfigMap | typeof Namespace | typeof Secret | typeof ServiceAccount,
  obj: KubeObject,
  failure?: string,
): Promise<void> {
  const { dry, print, validation } = p;
  // kubectl's generators name the namespace in the object only when -n was given.
  if (kind.scope === "Namespaced" && ctx.namespaceGiven) obj.metadata.namespace = ctx.namespace;
  if (ctx.flags["save-config"]) {
    // kubectl's CreateApplyAnnotation on the typed object: its JSON in struct order, with
    // `creationTimestamp: null` and no (empty) annotations.
    const { LAST_APPLIED_ANNOTATION } = await import("../apply.ts");
    const config = goJson(asGoStruct(asGenerated(kind as unknown as Kind, obj))) + "\n";
    obj.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: config };
  }
  const rt = await ctx.runtime();
  let shown = asGenerated(kind as unknown as Kind, obj);
  if (dry !== "client") {
    try {
      shown = await rt.client.create(kind as never, obj as never, {
        namespace: kind.scope === "Namespaced" ? ctx.namespace : undefined,
        dryRun: dry === "server",
        ...validation,
      });
    } catch (err) {
      // kubectl wraps the server's error for these generators: "failed to create configmap: ...".
      if (failure !== undefined && err instanceof ApiError) {
        throw new CliError(`${failure}${err.message}`);
      }
      throw err;
    }
  }
  const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
  ctx.io.stdout(
    await print(
      shown,
      kind as unknown as Kind,
      `${kindLabel(kind)}/${obj.metadata.name} created${suffix}`,
    ),
  );
}

/** `create -f ... --save-config`: kubectl's create with the last-applied annotation. */
async function createFromFilesSavingConfig(ctx: CommandContext): Promise<number> {
  const [{ forEachManifest }, { withLastApplied }] = await Promise.all([
    import("./files.ts"),
    import("../apply.ts"),
  ]);
  const rt = await ctx.runtime();
  const dry = ctx.flags["dry-run"] as string | undefined;
  const validation = validateOptions(ctx.flags, ctx.io);
  const print = resultPrinter(ctx);
  return await forEachManifest(ctx, "create", async (m) => {
    let object = m.object;
    if (m.namespace !== undefined) {
      object = { ...object, metadata: { ...object.metadata, namespace: m.namespace } };
    }
    object = withLastApplied(object);
    let shown = object;
    if (dry !== "client") {
      shown = await rt.client.create(m.kind, object, {
        namespace: m.namespace,
        dryRun: dry === "server",
        ...validation,
      });
    }
    const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
    return print(shown, m.kind, `${kindLabel(m.kind)}/${m.object.metadata.name} created${suffix}`);
  });
}

const ENV_FILE_COMBINED = "from-env-file cannot be combined with from-file or from-literal";

/** kubectl's `--docker-server` default. */
const DOCKER_HUB = "https://index.docker.io/v1/";

/** The PEM blocks of `text` (type and body), as Go's `pem.Decode` finds them one after another. */
function pemBlocks(text: string): { type: string; der: Uint8Array }[] {
  const out: { type: string; der: Uint8Array }[] = [];
  const re = /-----BEGIN ([^\r\n]*?)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    // Headers (`Proc-Type: ...`) end at a blank line; the rest is base64.
    let body = m[2];
    if (/^[^\r\n]*:/.test(body)) body = body.replace(/^[\s\S]*?\r?\n\r?\n/, "");
    try {
      const bin = atob(body.replace(/\s+/g, ""));
      out.push({ type: m[1], der: Uint8Array.from(bin, (c) => c.charCodeAt(0)) });
    } catch {
      // Go skips a block whose base64 does not decode.
    }
  }
  return out;
}

/**
 * Go's `tls.X509KeyPair` checks (kubectl's `create secret tls`): a
 * CERTIFICATE block in the certificate, a private key block in the key, and
 * a private key matching the certificate's public key. Node's crypto
 * (built into Deno) parses the DER; it is loaded only here.
 */
async function checkKeyPair(certPem: Uint8Array, keyPem: Uint8Array): Promise<void> {
  const dec = new TextDecoder("latin1");
  const certBlocks = pemBlocks(dec.decode(certPem));
  const certs = certBlocks.filter((b) => b.type === "CERTIFICATE");
  if (certs.length === 0) {
    const skipped = certBlocks.map((b) => b.type);
    if (skipped.length === 0) {
      throw new CliError("tls: failed to find any PEM data in certificate input");
    }
    if (skipped.length === 1 && skipped[0].endsWith("PRIVATE KEY")) {
      throw new CliError(
        "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched",
      );
    }
    throw new CliError(
      `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${
        skipped.join(" ")
      }]`,
    );
  }
  const keyBlocks = pemBlocks(dec.decode(keyPem));
  const keyAt = keyBlocks.findIndex((b) =>
    b.type === "PRIVATE KEY" || b.type.endsWith(" PRIVATE KEY")
  );
  if (keyAt < 0) {
    const skipped = keyBlocks.map((b) => b.type);
    if (skipped.length === 0) throw new CliError("tls: failed to find any PEM data in key input");
    if (skipped.length === 1 && skipped[0] === "CERTIFICATE") {
      throw new CliError(
        "tls: found a certificate rather than a key in the PEM for the private key",
      );
    }
    throw new CliError(
      `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${
        skipped.join(" ")
      }]`,
    );
  }
  const { Buffer } = await import("node:buffer");
  const { X509Certificate, createPrivateKey, createPublicKey } = await import("node:crypto");
  let pub: Record<string, unknown>;
  try {
    const cert = new X509Certificate(Buffer.from(certs[0].der));
    pub = cert.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
  } catch {
    throw new CliError("x509: malformed certificate");
  }
  const der = Buffer.from(keyBlocks[keyAt].der);
  let priv: Record<string, unknown> | undefined;
  for (const type of ["pkcs1", "pkcs8", "sec1"] as const) {
    try {
      const key = createPrivateKey({ key: der, format: "der", type });
      priv = createPublicKey(key).export({ format: "jwk" }) as Record<string, unknown>;
      break;
    } catch {
      // Go tries PKCS #1, PKCS #8, then SEC 1.
    }
  }
  if (!priv) throw new CliError("tls: failed to parse private key");
  if (pub.kty !== priv.kty || pub.crv !== priv.crv) {
    throw new CliError("tls: private key type does not match public key type");
  }
  const same = pub.kty === "RSA" ? pub.n === priv.n : pub.x === priv.x && pub.y === priv.y;
  if (!same) throw new CliError("tls: private key does not match public key");
}

/** kubectl's `readFile` of `create secret tls`. */
async function readTlsFile(path: string): Promise<Uint8Array> {
  try {
    return await readGo(path);
  } catch (err) {
    throw new CliError(`Cannot read file ${path}, ${err instanceof Error ? err.message : err}`);
  }
}

/** Go's json.Marshal of a string (with `<`, `>`, `&` escaped). */
function goString(s: string): string {
  return goJson(s);
}

/** The `.dockerconfigjson` kubectl writes (`handleDockerCfgJSONContent`). */
function dockerConfigJson(user: string, password: string, email: string, server: string): string {
  const entry: string[] = [];
  if (user) entry.push(`"username":${goString(user)}`);
  if (password) entry.push(`"password":${goString(password)}`);
  if (email) entry.push(`"email":${goString(email)}`);
  const auth = b64(utf8.encode(`${user}:${password}`));
  entry.push(`"auth":${goString(auth)}`);
  return `{"auths":{${goString(server)}:{${entry.join(",")}}}}`;
}

/**
 * The flags of `create` and of all its generators; ./help_texts.ts says which
 * of them each one takes (the kit parses each subcommand with its own).
 */
const GENERATOR_OPTIONS = {
  "from-literal": { type: "string" as const, multiple: true },
  "from-file": { type: "string" as const, multiple: true },
  "from-env-file": { type: "string" as const, multiple: true },
  type: { type: "string" as const },
  "append-hash": { type: "boolean" as const },
  "save-config": { type: "boolean" as const },
  ...PRINT_FLAGS,
  cert: { type: "string" as const },
  key: { type: "string" as const },
  "docker-username": { type: "string" as const },
  "docker-password": { type: "string" as const },
  "docker-email": { type: "string" as const },
  "docker-server": { type: "string" as const },
  "dry-run": DRY_RUN_FLAG,
  ...VALIDATE_OPTIONS,
  filename: { type: "string" as const, short: "f", multiple: true },
  recursive: { type: "boolean" as const, short: "R" },
  output: { type: "string" as const, short: "o" },
};

/**
 * The `create` command. `createFromFiles` handles `-f` (it is given by the
 * caller so the manifest loader stays out of start-up for the generators).
 */
export function createCommand(
  createFromFiles: (ctx: CommandContext) => Promise<number | void>,
): Command {
  return {
    name: "create",
    // kubectl's texts, its subcommands' docs and flags: ./help_texts.ts.
    summary: "Create a resource from a file or from stdin",
    usage: "create -f FILENAME",
    options: GENERATOR_OPTIONS,
    mutates: true,
    async run(ctx) {
      if (ctx.flags.filename) {
        if (ctx.args.length > 0) {
          throw new CliError(`Unexpected args: [${ctx.args.join(" ")}]`, {
            hint: `See '${ctx.cli.name} create -h' for help and examples`,
          });
        }
        if (ctx.flags["save-config"]) return await createFromFilesSavingConfig(ctx);
        return await createFromFiles(ctx);
      }
      const [what, ...rest] = ctx.args;
      // `emptyLater`: the generator checks for an empty name after its files (secret tls).
      const needName = (args: string[], usage: string, emptyLater = false) => {
        if (args.length !== 1) {
          throw new CliError(`exactly one NAME is required, got ${args.length}`, {
            hint: `See '${ctx.cli.name} create ${usage} -h' for help and examples`,
          });
        }
        if (args[0] === "" && !emptyLater) throw new CliError("name must be specified");
        return args[0];
      };
      const appendHash = ctx.flags["append-hash"] === true;
      switch (what) {
        case "namespace":
        case "ns": {
          const name = needName(rest, "namespace");
          return void await createOne(ctx, prepare(ctx), Namespace, {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name },
          });
        }
        case "serviceaccount":
        case "sa": {
          const name = needName(rest, "serviceaccount");
          return void await createOne(ctx, prepare(ctx), ServiceAccount, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name },
          }, "failed to create serviceaccount: ");
        }
        case "configmap":
        case "cm": {
          const name = needName(rest, "configmap");
          const p = prepare(ctx);
          const files = sliceFlag(ctx, "from-file");
          const literals = (ctx.flags["from-literal"] as string[] | undefined) ?? [];
          const envFiles = sliceFlag(ctx, "from-env-file");
          if (envFiles.length && (files.length || literals.length)) {
            throw new CliError(ENV_FILE_COMBINED);
          }
          // kubectl's order: files, literals, env files.
          const d = new ConfigMapData(name);
          await readFileSources(files, d.file);
          for (const lit of literals) d.literal(...parseLiteralSource(lit));
          await readEnvFileSources(envFiles, "config", d.literal);
          const obj: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name } };
          if (appendHash) obj.metadata.name = `${name}-${await configMapHash(name, d)}`;
          if (Object.keys(d.data).length) obj.data = d.data;
          if (Object.keys(d.binaryData).length) obj.binaryData = b64Map(d.binaryData);
          return void await createOne(ctx, p, ConfigMap, obj, "failed to create configmap: ");
        }
        case "secret": {
          const sub = rest[0];
          const usage = `secret ${sub}`;
          let type: string;
          let d: SecretData;
          let name: string;
          let p: Prepared;
          if (sub === "generic") {
            name = needName(rest.slice(1), usage);
            p = prepare(ctx);
            const files = sliceFlag(ctx, "from-file");
            const literals = (ctx.flags["from-literal"] as string[] | undefined) ?? [];
            const envFiles = sliceFlag(ctx, "from-env-file");
            if (envFiles.length && (files.length || literals.length)) {
              throw new CliError(ENV_FILE_COMBINED);
            }
            type = (ctx.flags.type as string | undefined) ?? "";
            // kubectl's order: literals, files, env files.
            d = new SecretData();
            for (const lit of literals) d.literal(...parseLiteralSource(lit));
            await readFileSources(files, d.add);
            await readEnvFileSources(envFiles, "secret", d.literal);
          } else if (sub === "tls") {
            name = needName(rest.slice(1), usage, true);
            p = prepare(ctx);
            const cert = (ctx.flags.cert as string | undefined) ?? "";
            const key = (ctx.flags.key as string | undefined) ?? "";
            if (!cert || !key) throw new CliError("key and cert must be specified");
            const certPem = await readTlsFile(cert);
            const keyPem = await readTlsFile(key);
            if (name === "") throw new CliError("name must be specified");
            await checkKeyPair(certPem, keyPem);
            type = "kubernetes.io/tls";
            d = new SecretData();
            d.data["tls.crt"] = certPem;
            d.data["tls.key"] = keyPem;
          } else if (sub === "docker-registry") {
            name = needName(rest.slice(1), usage);
            p = prepare(ctx);
            // A file source without a key name is the .dockerconfigjson.
            const files = sliceFlag(ctx, "from-file").map((f) =>
              f.includes("=") ? f : `.dockerconfigjson=${f}`
            );
            const user = (ctx.flags["docker-username"] as string | undefined) ?? "";
            const password = (ctx.flags["docker-password"] as string | undefined) ?? "";
            const email = (ctx.flags["docker-email"] as string | undefined) ?? "";
            const server = (ctx.flags["docker-server"] as string | undefined) ?? DOCKER_HUB;
            if (files.length === 0 && (!user || !password || !server)) {
              throw new CliError(
                "either --from-file or the combination of --docker-username, --docker-password and --docker-server is required",
              );
            }
            type = "kubernetes.io/dockerconfigjson";
            d = new SecretData();
            if (files.length) await readFileSources(files, d.add);
            else {d.data[".dockerconfigjson"] = utf8.encode(
                dockerConfigJson(user, password, email, server),
              );}
          } else if (sub === undefined) {
            // As kubectl: `create secret` alone prints its help, on standard error.
            ctx.io.stderr(await ctx.help());
            return 1;
          } else {
            throw new CliError(`unknown command "${rest.join(" ")}"`, {
              hint: `See '${ctx.cli.name} create secret -h' for help and examples`,
            });
          }
          const obj: KubeObject = { apiVersion: "v1", kind: "Secret", metadata: { name } };
          if (appendHash) obj.metadata.name = `${name}-${await secretHash(name, type, d)}`;
          if (Object.keys(d.data).length) obj.data = b64Map(d.data); // Go's omitempty
          if (type) obj.type = type;
          return void await createOne(ctx, p, Secret, obj, "failed to create secret ");
        }
        case undefined:
          throw new CliError("must specify one of -f and -k");
        default:
          // kubectl's words for arguments that name no generator.
          throw new CliError(`Unexpected args: [${ctx.args.join(" ")}]`, {
            hint: `See '${ctx.cli.name} create -h' for help and examples`,
          });
      }
    },
  };
}
