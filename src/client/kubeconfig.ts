/**
 * Kubeconfig handling modelled on client-go's `tools/clientcmd`: parse kubeconfig files, merge
 * them the way `KUBECONFIG=a:b:c` does, and resolve the connection settings for one context.
 *
 * The module is pure: the caller reads the files (splitting `KUBECONFIG` on the path-list
 * separator, dropping empty and duplicate entries and skipping missing files, as client-go's
 * loader does), runs exec plugins and sets up TLS; this module only turns texts into data.
 *
 * YAML parsing goes through the `yaml` npm package, which reads the `LOG_TOKENS` and
 * `LOG_STREAM` environment variables, so under Deno it needs `--allow-env` (or
 * `--allow-env=LOG_TOKENS,LOG_STREAM`). Kubeconfigs written as JSON are parsed without it.
 *
 * @module
 */
import { parseAllDocuments, type Tags } from "yaml";

/** One kubeconfig file as read by the caller. */
export interface KubeconfigFile {
  /** Where the file was read from; relative paths inside it are resolved against its directory. */
  path: string;
  /** The file's contents (YAML or JSON). */
  text: string;
}

/** A parsed kubeconfig (clientcmd api.Config), with each named entry remembering the file it came from (for resolving relative paths). */
export interface Kubeconfig {
  /** The `current-context`, "" when none. */
  currentContext: string;
  /** Clusters by name. */
  clusters: Record<string, KubeconfigCluster & { origin: string }>;
  /** Users (clientcmd AuthInfos) by name. */
  users: Record<string, KubeconfigUser & { origin: string }>;
  /** Contexts by name. */
  contexts: Record<string, KubeconfigContext & { origin: string }>;
}

/** A `clusters[].cluster` entry; fields k1s does not use are ignored, empty strings dropped. */
export interface KubeconfigCluster {
  /** API server URL. */
  server?: string;
  /** Path of a PEM CA bundle. */
  "certificate-authority"?: string;
  /** Base64 of a PEM CA bundle (checked to be base64 when parsed). */
  "certificate-authority-data"?: string;
  /** Skip server certificate verification. */
  "insecure-skip-tls-verify"?: boolean;
  /** Server name for SNI and certificate verification. */
  "tls-server-name"?: string;
  /** http, https or socks5 proxy URL. */
  "proxy-url"?: string;
  /** Do not ask for compressed responses. */
  "disable-compression"?: boolean;
}

/** A `users[].user` entry (clientcmd AuthInfo); empty strings dropped. */
export interface KubeconfigUser {
  /** Bearer token. */
  token?: string;
  /** Path of a file holding the bearer token. */
  tokenFile?: string;
  /** Path of a PEM client certificate. */
  "client-certificate"?: string;
  /** Base64 of a PEM client certificate. */
  "client-certificate-data"?: string;
  /** Path of a PEM client key. */
  "client-key"?: string;
  /** Base64 of a PEM client key. */
  "client-key-data"?: string;
  /** Basic-auth user name. */
  username?: string;
  /** Basic-auth password. */
  password?: string;
  /** User to impersonate. */
  as?: string;
  /** UID to impersonate (needs `as`). */
  "as-uid"?: string;
  /** Groups to impersonate (needs `as`). */
  "as-groups"?: string[];
  /** Extra user fields to impersonate (needs `as`). */
  "as-user-extra"?: Record<string, string[]>;
  /** Exec credential plugin. */
  exec?: ExecConfig;
  /** Legacy auth provider (gcp, azure, oidc, ...): parsed, but refused by {@link resolveKubeconfig}. */
  "auth-provider"?: { name: string; config?: Record<string, string> };
}

/** An exec credential plugin (`users[].user.exec`). */
export interface ExecConfig {
  /** `client.authentication.k8s.io/v1` or `/v1beta1`. */
  apiVersion: string;
  /** Program to run; {@link resolveKubeconfig} makes it absolute when it contains a path separator. */
  command: string;
  /** Arguments. */
  args?: string[];
  /** Extra environment variables for the plugin. */
  env?: { name: string; value: string }[];
  /** Shown when the command is missing ({@link resolveKubeconfig} neutralises ANSI escapes). */
  installHint?: string;
  /** Pass cluster information to the plugin in `ExecCredential.spec.cluster`. */
  provideClusterInfo?: boolean;
  /** Defaults to "IfAvailable" for v1beta1 as in client-go; required for v1 (checked when resolving). */
  interactiveMode?: "Never" | "IfAvailable" | "Always";
}

/** A `contexts[].context` entry. */
export interface KubeconfigContext {
  /** Cluster name, "" when unset. */
  cluster: string;
  /** User name. */
  user?: string;
  /** Default namespace. */
  namespace?: string;
}

/** Errors of this module. */
export class KubeconfigError extends Error {
  /**
   * For a configuration client-go calls invalid: each problem, as kubectl
   * lists them after `Error in configuration: `.
   */
  readonly problems?: readonly string[];

  /** Creates an error with the given message (and the problems of an invalid configuration). */
  constructor(message: string, problems?: readonly string[]) {
    super(message);
    this.name = "KubeconfigError";
    this.problems = problems;
  }
}

type Obj = Record<string, unknown>;
type FieldType = "string" | "boolean" | "base64" | "strings";

const kindOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "list" : typeof v === "object" ? "mapping" : typeof v;

const isBase64 = (s: string): boolean => {
  const t = s.replace(/[\r\n]/g, "");
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t);
};

/** Sets an own enumerable property, safe for names such as `__proto__`. */
function put<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Reads an own property only, so names such as `toString` are never found on the prototype. */
const own = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** Type-checking accessors whose errors name the file and the field; null reads as absent. */
function reader(path: string) {
  const fail = (where: string, why: string): never => {
    throw new KubeconfigError(`error loading config file "${path}": ${where}: ${why}`);
  };
  const bad = (v: unknown, at: string, want: string): never =>
    fail(at, `expected ${want}, got ${kindOf(v)}`);
  const obj = (v: unknown, at: string): Obj =>
    v == null
      ? {}
      : typeof v === "object" && !Array.isArray(v)
      ? v as Obj
      : bad(v, at, "a mapping");
  const list = (v: unknown, at: string): unknown[] =>
    v == null ? [] : Array.isArray(v) ? v : bad(v, at, "a list");
  const str = (v: unknown, at: string): string =>
    v == null ? "" : typeof v === "string" ? v : bad(v, at, "a string");
  const strs = (v: unknown, at: string): string[] =>
    list(v, at).map((x, i) => str(x, `${at}[${i}]`));
  const dict = <T>(v: unknown, at: string, each: (x: unknown, at: string) => T) => {
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(obj(v, at))) put(out, k, each(x, `${at}.${k}`));
    return out;
  };
  /** Copies the listed fields, checking their types; null and "" are left out. */
  const pick = (src: Obj, spec: Record<string, FieldType>, where: string): Obj => {
    const out: Obj = {};
    for (const [key, type] of Object.entries(spec)) {
      const v = src[key], at = `${where}.${key}`;
      if (v == null) continue;
      if (type === "boolean") out[key] = typeof v === "boolean" ? v : bad(v, at, "a boolean");
      else if (type === "strings") out[key] = strs(v, at);
      else if (str(v, at) !== "") {
        if (type === "base64" && !isBase64(v as string)) fail(at, "illegal base64 data");
        out[key] = v;
      }
    }
    return out;
  };
  return { fail, obj, list, str, strs, dict, pick };
}
type Reader = ReturnType<typeof reader>;

/** Field specs: names grouped by type. */
const fields = (types: Partial<Record<FieldType, string>>): Record<string, FieldType> =>
  Object.fromEntries(
    Object.entries(types).flatMap(([type, names]) =>
      names.split(" ").map((n) => [n, type as FieldType])
    ),
  );
const CLUSTER_FIELDS = fields({
  string: "server certificate-authority tls-server-name proxy-url",
  base64: "certificate-authority-data",
  boolean: "insecure-skip-tls-verify disable-compression",
});
const USER_FIELDS = fields({
  string: "token tokenFile client-certificate client-key username password as as-uid",
  base64: "client-certificate-data client-key-data",
  strings: "as-groups",
});
const EXEC_FIELDS = fields({
  string: "command apiVersion installHint interactiveMode",
  strings: "args",
  boolean: "provideClusterInfo",
});
const CONTEXT_FIELDS = fields({ string: "cluster user namespace" });

function parseUser(r: Reader, o: Obj, at: string): KubeconfigUser {
  const user = r.pick(o, USER_FIELDS, at) as KubeconfigUser;
  if (o["as-user-extra"] != null) {
    user["as-user-extra"] = r.dict(o["as-user-extra"], `${at}.as-user-extra`, r.strs);
  }
  if (o.exec != null) {
    const e = r.obj(o.exec, `${at}.exec`);
    const exec = {
      apiVersion: "",
      command: "",
      ...r.pick(e, EXEC_FIELDS, `${at}.exec`),
    } as ExecConfig;
    if (e.env != null) {
      exec.env = r.list(e.env, `${at}.exec.env`).map((x, i) => {
        const v = r.obj(x, `${at}.exec.env[${i}]`);
        return {
          name: r.str(v.name, `${at}.exec.env[${i}].name`),
          value: r.str(v.value, `${at}.exec.env[${i}].value`),
        };
      });
    }
    // api/v1 SetDefaults_ExecConfig: the older plugin API versions default to IfAvailable.
    if (
      !exec.interactiveMode &&
      /^client\.authentication\.k8s\.io\/v1(alpha|beta)1$/.test(exec.apiVersion)
    ) {
      exec.interactiveMode = "IfAvailable";
    }
    user.exec = exec;
  }
  if (o["auth-provider"] != null) {
    const p = r.obj(o["auth-provider"], `${at}.auth-provider`);
    user["auth-provider"] = {
      name: r.str(p.name, `${at}.auth-provider.name`),
      config: r.dict(p.config, `${at}.auth-provider.config`, r.str),
    };
  }
  return user;
}

const YAML_OPTIONS = {
  version: "1.1" as const, // sigs.k8s.io/yaml decodes with go-yaml v2: YAML 1.1, so yes/no are booleans
  uniqueKeys: false,
  merge: true,
  // go-yaml v2 keeps timestamps as strings when decoding into untyped values.
  customTags: (tags: Tags) =>
    tags.filter((t) =>
      typeof t === "string" ? t !== "timestamp" : t.tag !== "tag:yaml.org,2002:timestamp"
    ),
};

function parseText(text: string, r: Reader): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // Not JSON after all: let the YAML parser report it.
    }
  }
  // Like go-yaml's Unmarshal, only the first document counts.
  const doc = parseAllDocuments(text, YAML_OPTIONS)[0];
  if (!doc) return null;
  const firstLine = (e: Error) => e.message.split("\n")[0].replace(/:$/, "");
  if (doc.errors.length > 0) r.fail("yaml", firstLine(doc.errors[0]));
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return r.fail("yaml", firstLine(e as Error)); // bad aliases, alias bombs
  }
}

/** Parses one file; throws {@link KubeconfigError} naming the file on malformed YAML or wrong types. An empty file is an empty config. */
export function parseKubeconfig(file: KubeconfigFile): Kubeconfig {
  const r = reader(file.path);
  const root = r.obj(parseText(file.text, r), "top level");
  const apiVersion = r.str(root.apiVersion, "apiVersion");
  if (apiVersion !== "" && apiVersion !== "v1") {
    r.fail("apiVersion", `unsupported version "${apiVersion}", want "v1"`);
  }
  const kind = r.str(root.kind, "kind");
  if (kind !== "" && kind !== "Config") r.fail("kind", `unexpected kind "${kind}", want "Config"`);
  const named = <T>(section: string, inner: string, entry: (o: Obj, at: string) => T) => {
    const out: Record<string, T & { origin: string }> = {};
    r.list(root[section], section).forEach((item, i) => {
      const o = r.obj(item, `${section}[${i}]`);
      const name = r.str(o.name, `${section}[${i}].name`);
      // api/v1 conversion refuses duplicate names within one file.
      if (Object.hasOwn(out, name)) r.fail(section, `duplicate name "${name}" in list`);
      const at = `${section}[${i}].${inner}`;
      put(out, name, { ...entry(r.obj(o[inner], at), at), origin: file.path });
    });
    return out;
  };
  return {
    currentContext: r.str(root["current-context"], "current-context"),
    clusters: named(
      "clusters",
      "cluster",
      (o, at) => r.pick(o, CLUSTER_FIELDS, at) as KubeconfigCluster,
    ),
    users: named("users", "user", (o, at) => parseUser(r, o, at)),
    contexts: named(
      "contexts",
      "context",
      (o, at) => ({ cluster: "", ...r.pick(o, CONTEXT_FIELDS, at) }),
    ),
  };
}

/** utilerrors.NewAggregate's text: one message as is, several (deduplicated) as `[a, b]`. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}

/**
 * Merges files in KUBECONFIG order with client-go's rules (first file to define a named
 * cluster/user/context wins, whole entries are never combined; current-context from the first
 * file that sets it non-empty). Errors of all files are reported together.
 */
export function mergeKubeconfigs(files: KubeconfigFile[]): Kubeconfig {
  const errors: string[] = [];
  const parsed: Kubeconfig[] = [];
  for (const file of files) {
    try {
      parsed.push(parseKubeconfig(file));
    } catch (e) {
      if (!(e instanceof KubeconfigError)) throw e;
      errors.push(e.message);
    }
  }
  if (errors.length > 0) throw new KubeconfigError(aggregate(errors));
  const merged: Kubeconfig = { currentContext: "", clusters: {}, users: {}, contexts: {} };
  for (const config of parsed) {
    if (merged.currentContext === "") merged.currentContext = config.currentContext;
    for (const section of ["clusters", "users", "contexts"] as const) {
      const into = merged[section] as Record<string, unknown>;
      for (const [name, entry] of Object.entries(config[section])) {
        if (!Object.hasOwn(into, name)) put(into, name, entry);
      }
    }
  }
  return merged;
}

/** What to use for one connection. Paths are absolute when the kubeconfig file paths were. */
export interface ResolvedKubeconfig {
  /** The context used, undefined when none was named. */
  contextName: string | undefined;
  /** The cluster entry used, if any. */
  clusterName?: string;
  /** The user entry used, if any. */
  userName?: string;
  /** Server URL; one without `scheme://host` gets `http://`, as client-go's rest client does. */
  server: string;
  /** `--namespace`, else the context's namespace, else "default". */
  namespace: string;
  /** Skip server certificate verification. */
  insecureSkipTlsVerify: boolean;
  /** Server name for SNI and verification. */
  tlsServerName?: string;
  /** Proxy to connect through. */
  proxyUrl?: string;
  /** Do not ask for compressed responses. */
  disableCompression?: boolean;
  /** PEM CA bundle (decoded `certificate-authority-data`). */
  caData?: string;
  /** CA bundle path. */
  caFile?: string;
  /** PEM client certificate. */
  clientCertData?: string;
  /** Client certificate path. */
  clientCertFile?: string;
  /** PEM client key. */
  clientKeyData?: string;
  /** Client key path. */
  clientKeyFile?: string;
  /** Bearer token. */
  token?: string;
  /** client-go re-reads this file (about once a minute) and prefers its contents over `token`. */
  tokenFile?: string;
  /** Basic-auth user name. */
  username?: string;
  /** Basic-auth password. */
  password?: string;
  /** Impersonation headers to send. */
  impersonate?: { user: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  /** Exec plugin to run for credentials; left out when a token, token file, basic auth or client certificate is set, since client-go's exec authenticator then steps aside. */
  exec?: ExecConfig;
}

const isWindowsPath = (p: string): boolean => /^[A-Za-z]:[\\/]/.test(p) || p.startsWith("\\\\");
const isAbsolute = (p: string): boolean => p.startsWith("/") || isWindowsPath(p);

/** filepath.Clean as pure string work; Windows-style paths use `\`. */
function cleanPath(p: string, windows: boolean): string {
  const root = windows
    ? (/^(?:\\\\|[A-Za-z]:[\\/]?|[\\/])/.exec(p)?.[0] ?? "")
    : p.startsWith("/")
    ? "/"
    : "";
  const sep = windows ? "\\" : "/";
  const parts: string[] = [];
  for (const part of p.slice(root.length).split(windows ? /[\\/]+/ : /\/+/)) {
    if (part === "" || part === ".") continue;
    if (part !== "..") parts.push(part);
    else if (parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else if (root === "") parts.push("..");
  }
  const rootOut = windows ? root.replace(/\//g, "\\") : root;
  return rootOut + parts.join(sep) || ".";
}

/** ResolvePaths for one reference: relative paths are joined to the directory of `origin`. */
function resolvePath(p: string | undefined, origin: string): string | undefined {
  if (!p || origin === "" || isAbsolute(p)) return p || undefined;
  const windows = isWindowsPath(origin);
  const cut = Math.max(origin.lastIndexOf("/"), windows ? origin.lastIndexOf("\\") : -1);
  const dir = cut < 0 ? "." : cleanPath(origin.slice(0, cut + 1), windows);
  return cleanPath(`${dir}${windows ? "\\" : "/"}${p}`, windows);
}

function decodeBase64(s: string): string {
  const binary = atob(s.replace(/[\r\n]/g, ""));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** client-go's cleanANSIEscapeCodes: characters outside letters, marks, numbers, punctuation, symbols, separators and \t-\r become `U+XXXX`. */
const cleanAnsi = (s: string): string =>
  s.replace(
    /[^\p{L}\p{M}\p{N}\p{P}\p{S}\p{Z}\t\n\v\f\r]/gu,
    (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
  );

const EMPTY_CLUSTER = "cluster has no server defined";

/** validateClusterInfo, minus the file-readability checks (the caller does I/O). */
function validateCluster(name: string, c: KubeconfigCluster, errors: string[]): void {
  if (!c.server) {
    errors.push(
      name ? `no server found for cluster "${name}"` : "default cluster has no server defined",
    );
  }
  const proxy = c["proxy-url"];
  if (proxy) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(proxy)?.[1].toLowerCase() ?? "";
    const why = !["http", "https", "socks5"].includes(scheme)
      ? `unsupported scheme "${scheme}", must be http, https, or socks5`
      : URL.canParse(proxy)
      ? ""
      : `could not parse: ${proxy}`;
    if (why) errors.push(`invalid 'proxy-url' "${proxy}" for cluster "${name}": ${why}`);
  }
  if (c["certificate-authority"] && c["certificate-authority-data"]) {
    errors.push(
      `certificate-authority-data and certificate-authority are both specified for ${name}. certificate-authority-data will override.`,
    );
  }
}

/** validateAuthInfo, minus file-readability checks, plus the refusal of auth providers. */
function validateUser(name: string, u: KubeconfigUser, errors: string[]): void {
  const check = (failed: unknown, message: string) => failed && errors.push(message);
  const cert = u["client-certificate"], certData = u["client-certificate-data"];
  const key = u["client-key"], keyData = u["client-key-data"];
  if (cert || certData) {
    check(
      cert && certData,
      `client-cert-data and client-cert are both specified for ${name}. client-cert-data will override.`,
    );
    check(
      key && keyData,
      `client-key-data and client-key are both specified for ${name}; client-key-data will override`,
    );
    check(
      !key && !keyData,
      `client-key-data or client-key must be specified for ${name} to use the clientCert authentication method.`,
    );
  }
  const provider = u["auth-provider"]?.name;
  check(
    provider !== undefined,
    `auth-provider "${provider}" of user "${name}" is not supported: legacy auth providers were removed from client-go; configure an exec credential plugin instead`,
  );
  const exec = u.exec;
  if (exec) {
    const plugin = `for ${name} to use exec authentication plugin`;
    check(
      provider !== undefined,
      `authProvider cannot be provided in combination with an exec plugin for ${name}`,
    );
    check(!exec.command, `command must be specified ${plugin}`);
    check(!exec.apiVersion, `apiVersion must be specified ${plugin}`);
    check(
      exec.apiVersion && !/^client\.authentication\.k8s\.io\/v1(beta1)?$/.test(exec.apiVersion),
      `exec plugin: invalid apiVersion "${exec.apiVersion}"`,
    );
    check(exec.env?.some((v) => !v.name), `env variable name must be specified ${plugin}`);
    const mode: string = exec.interactiveMode ?? "";
    check(!mode, `interactiveMode must be specified ${plugin}`);
    check(
      mode && !["Never", "IfAvailable", "Always"].includes(mode),
      `invalid interactiveMode for ${name}: "${mode}"`,
    );
  }
  const methods = [u.token && "token", (u.username || u.password) && "basicAuth"].filter(Boolean);
  check(
    methods.length > 1,
    `more than one authentication method found for ${name}; found [${
      methods.join(" ")
    }], only one is allowed`,
  );
  const extras = u["as-uid"] || u["as-groups"]?.length ||
    Object.keys(u["as-user-extra"] ?? {}).length;
  check(
    extras && !u.as,
    `requesting uid, groups or user-extra for ${name} without impersonating a user`,
  );
}

const isDns1123Label = (s: string): boolean =>
  s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);

/**
 * Picks the context (`options.context` or current-context), its cluster and user, applies the
 * overrides as kubectl's `--context`, `--server`, `--namespace` and `--token` do, and checks the
 * result with client-go's error texts (prefixed "invalid configuration: ").
 *
 * Following client-go: `--server` also drops the cluster's `tls-server-name`; `--token` replaces
 * the user's token and tokenFile (combined with username/password it is client-go's "more than
 * one authentication method" error); credentials and TLS settings are only returned when the
 * server is `https` (client-go never sends credentials over plain http). Stricter than
 * client-go's DirectClientConfig, as its `ConfirmUsable` validation is: a context naming a
 * missing user or cluster, or an invalid namespace, is an error. `auth-provider` users are refused.
 *
 * @example
 * ```ts
 * import { mergeKubeconfigs, resolveKubeconfig } from "./kubeconfig.ts";
 * import assert from "node:assert/strict";
 *
 * // JSON is YAML too; a YAML text works the same way.
 * const text = JSON.stringify({
 *   "current-context": "dev",
 *   clusters: [{ name: "dev", cluster: { server: "https://127.0.0.1:6443", "certificate-authority": "certs/ca.crt" } }],
 *   users: [{ name: "me", user: { token: "s3cret" } }],
 *   contexts: [{ name: "dev", context: { cluster: "dev", user: "me", namespace: "apps" } }],
 * });
 * const config = mergeKubeconfigs([{ path: "/home/me/.kube/config", text }]);
 * const resolved = resolveKubeconfig(config, { namespace: "web" });
 * assert.equal(resolved.server, "https://127.0.0.1:6443");
 * assert.equal(resolved.caFile, "/home/me/.kube/certs/ca.crt");
 * assert.equal(resolved.token, "s3cret");
 * assert.equal(resolved.namespace, "web");
 * ```
 */
export function resolveKubeconfig(
  config: Kubeconfig,
  options: { context?: string; server?: string; namespace?: string; token?: string } = {},
): ResolvedKubeconfig {
  const contextName = options.context || config.currentContext;
  const context = own(config.contexts, contextName);
  const errors: string[] = [];
  const check = (failed: unknown, message: string) => failed && errors.push(message);
  check(contextName && !context, `context was not found for specified context: ${contextName}`);
  const clusterName = context?.cluster ?? "", userName = context?.user ?? "";
  const clusterEntry = own(config.clusters, clusterName), userEntry = own(config.users, userName);
  // validateContext's reference and namespace checks.
  const ctx = `for context "${contextName}"`;
  check(userName && !userEntry, `user "${userName}" was not found ${ctx}`);
  check(clusterName && !clusterEntry, `cluster "${clusterName}" was not found ${ctx}`);
  const ns = context?.namespace;
  check(
    ns && !isDns1123Label(ns),
    `namespace "${ns}" ${ctx} does not conform to the kubernetes DNS_LABEL rules`,
  );

  const { origin: userOrigin = "", ...user }: KubeconfigUser & { origin?: string } = {
    ...userEntry,
  };
  if (options.token) {
    user.token = options.token;
    delete user.tokenFile;
  }
  if (userEntry || options.token) validateUser(userName, user, errors);
  const { origin: clusterOrigin = "", ...cluster }: KubeconfigCluster & { origin?: string } = {
    ...clusterEntry,
  };
  if (options.server) {
    cluster.server = options.server;
    delete cluster["tls-server-name"];
  }
  if (clusterEntry || options.server) validateCluster(clusterName, cluster, errors);
  // (A context that is missing is the one problem client-go names: its cluster is the defaults.)
  else check(!clusterName && !(contextName && !context), EMPTY_CLUSTER);
  if (errors.length === 1 && errors[0] === EMPTY_CLUSTER) {
    const empty =
      "no configuration has been provided, try setting KUBERNETES_MASTER environment variable";
    throw new KubeconfigError(`invalid configuration: ${empty}`, [empty]);
  }
  if (errors.length > 0) {
    throw new KubeconfigError(`invalid configuration: ${aggregate(errors)}`, errors);
  }

  const server = cluster.server!;
  const out: ResolvedKubeconfig = {
    contextName: contextName || undefined,
    server: /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/.test(server) ? server : `http://${server}`,
    namespace: options.namespace || context?.namespace || "default",
    insecureSkipTlsVerify: false,
  };
  if (clusterEntry) out.clusterName = clusterName;
  if (userEntry) out.userName = userName;
  if (cluster["proxy-url"]) out.proxyUrl = cluster["proxy-url"];
  if (cluster["disable-compression"]) out.disableCompression = true;
  if (!/^https:/i.test(out.server)) return out; // rest.IsConfigTransportTLS: no TLS, no credentials

  const cPath = (p?: string) => resolvePath(p, clusterOrigin),
    uPath = (p?: string) => resolvePath(p, userOrigin);
  if (cluster["insecure-skip-tls-verify"]) out.insecureSkipTlsVerify = true;
  if (cluster["tls-server-name"]) out.tlsServerName = cluster["tls-server-name"];
  const caData = cluster["certificate-authority-data"];
  if (caData) out.caData = decodeBase64(caData);
  else if (cluster["certificate-authority"]) out.caFile = cPath(cluster["certificate-authority"]);
  if (out.insecureSkipTlsVerify && (out.caData || out.caFile)) {
    throw new KubeconfigError(
      "specifying a root certificates file with the insecure flag is not allowed",
    );
  }

  if (user.token) out.token = user.token;
  if (user.tokenFile) out.tokenFile = uPath(user.tokenFile);
  const certData = user["client-certificate-data"], keyData = user["client-key-data"];
  if (certData) out.clientCertData = decodeBase64(certData);
  else if (user["client-certificate"]) out.clientCertFile = uPath(user["client-certificate"]);
  if (certData || user["client-certificate"]) {
    if (keyData) out.clientKeyData = decodeBase64(keyData);
    else if (user["client-key"]) out.clientKeyFile = uPath(user["client-key"]);
  }
  if (user.username || user.password) {
    out.username = user.username ?? "";
    out.password = user.password ?? "";
  }
  if (user.as) {
    out.impersonate = { user: user.as };
    if (user["as-uid"]) out.impersonate.uid = user["as-uid"];
    if (user["as-groups"]?.length) out.impersonate.groups = user["as-groups"];
    if (user["as-user-extra"]) out.impersonate.extra = user["as-user-extra"];
  }
  // plugin/pkg/client/auth/exec: the plugin is not run when token, basic or cert auth is set.
  const otherAuth = out.token || out.tokenFile || out.username || certData ||
    user["client-certificate"];
  if (user.exec && !otherAuth) {
    const exec = { ...user.exec };
    // GetAuthInfoFileReferences: only a command containing a path separator is a path.
    if (exec.command.includes("/") || (isWindowsPath(userOrigin) && exec.command.includes("\\"))) {
      exec.command = uPath(exec.command)!;
    }
    if (exec.installHint) exec.installHint = cleanAnsi(exec.installHint);
    out.exec = exec;
  }
  return out;
}

/** Where a pod's service-account files live; read them and pass their texts to {@link inClusterConfig}. */
export const inClusterFiles = {
  /** Bearer token (rotated by the kubelet; re-read it). */
  token: "/var/run/secrets/kubernetes.io/serviceaccount/token",
  /** Cluster CA bundle. */
  caCrt: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
  /** The pod's namespace. */
  namespace: "/var/run/secrets/kubernetes.io/serviceaccount/namespace",
} as const;

/**
 * client-go's rest.InClusterConfig from env KUBERNETES_SERVICE_HOST/PORT and the service-account
 * files' texts (token, ca.crt, namespace); IPv6 hosts bracketed. Throws client-go's ErrNotInCluster
 * text when host/port are missing. The namespace comes, as in clientcmd's in-cluster config,
 * from POD_NAMESPACE (`env.podNamespace`), else the namespace file, else "default". A CA text
 * without a PEM certificate is ignored, as client-go does when it cannot load ca.crt.
 */
export function inClusterConfig(
  env: { host?: string; port?: string; podNamespace?: string },
  files: { token?: string; caCrt?: string; namespace?: string },
): ResolvedKubeconfig {
  const { host, port } = env;
  if (!host || !port) {
    throw new KubeconfigError(
      "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined",
    );
  }
  if (files.token === undefined) {
    throw new KubeconfigError(
      `unable to load in-cluster configuration: cannot read ${inClusterFiles.token}`,
    );
  }
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const out: ResolvedKubeconfig = {
    contextName: undefined,
    server: `https://${hostPart}:${port}`,
    namespace: env.podNamespace || files.namespace?.trim() || "default",
    insecureSkipTlsVerify: false,
    token: files.token.trim(),
    tokenFile: inClusterFiles.token,
  };
  if (files.caCrt?.includes("-----BEGIN CERTIFICATE-----")) {
    out.caData = files.caCrt;
    out.caFile = inClusterFiles.caCrt;
  }
  return out;
}
