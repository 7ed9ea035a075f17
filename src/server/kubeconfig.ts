/**
 * Kubeconfig files for clients of `k1s serve`: kubectl, client-go and
 * @kubernetes/client-node read the server URL, how to trust its certificate
 * (`certificate-authority-data`, or `insecure-skip-tls-verify`), the bearer
 * token and the namespace from one context.
 *
 * {@linkcode writeKubeconfig} merges into an existing file as
 * `kubectl config set-cluster/set-credentials/set-context/use-context` would:
 * entries with the same names are replaced, every other entry, setting and
 * comment is kept, and `current-context` points at the new context.
 *
 * @example
 * ```ts
 * import { writeKubeconfig } from "./kubeconfig.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await writeKubeconfig(`${dir}/config`, {
 *   server: "https://127.0.0.1:6443",
 *   insecureSkipTlsVerify: true,
 *   token: "s3cret",
 * });
 * assert.match(await Deno.readTextFile(`${dir}/config`), /current-context: k1s/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { type Document, isMap, isSeq, parseDocument, YAMLSeq } from "yaml";
import { withFileLock } from "./file_lock.ts";

/** What a kubeconfig written for a k1s server says. */
export interface KubeconfigOptions {
  /** The server URL, `https://127.0.0.1:PORT` (or `http://…`, where kubectl sends no token). */
  server: string;
  /** The CA certificate (PEM) to trust; written as base64 `certificate-authority-data`. */
  caPem?: string;
  /** Skip certificate verification instead (`insecure-skip-tls-verify: true`). */
  insecureSkipTlsVerify?: boolean;
  /** The bearer token; omitted: a user without credentials. */
  token?: string;
  /** The name of the cluster, user and context entries; default "k1s". */
  name?: string;
  /** The cluster entry's name; default {@linkcode KubeconfigOptions.name}. */
  cluster?: string;
  /** The user entry's name; default {@linkcode KubeconfigOptions.name}. */
  user?: string;
  /** The context entry's name; default {@linkcode KubeconfigOptions.name}. */
  context?: string;
  /** The context's namespace; default "default". */
  namespace?: string;
}

/** A kubeconfig (`apiVersion: v1`, `kind: Config`) holding one cluster, user and context. */
export interface Kubeconfig {
  /** Always "v1". */
  apiVersion: "v1";
  /** Always "Config". */
  kind: "Config";
  /** One cluster entry. */
  clusters: {
    name: string;
    cluster: {
      server: string;
      "certificate-authority-data"?: string;
      "insecure-skip-tls-verify"?: boolean;
    };
  }[];
  /** One user entry. */
  users: { name: string; user: { token?: string } }[];
  /** One context entry. */
  contexts: { name: string; context: { cluster: string; user: string; namespace: string } }[];
  /** The context's name. */
  "current-context": string;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * Builds the kubeconfig object for `options` (validated: an http(s) server
 * URL, a PEM CA, not both a CA and insecure-skip-tls-verify, a one-line
 * token, non-empty names).
 *
 * @example
 * ```ts
 * import { buildKubeconfig } from "./kubeconfig.ts";
 * import assert from "node:assert/strict";
 *
 * const config = buildKubeconfig({ server: "https://127.0.0.1:6443", token: "t" });
 * assert.equal(config["current-context"], "k1s");
 * assert.deepEqual(config.users, [{ name: "k1s", user: { token: "t" } }]);
 * ```
 */
export function buildKubeconfig(options: KubeconfigOptions): Kubeconfig {
  const fail = (why: string): never => {
    throw new Error(`Cannot build a kubeconfig for "${options.server}": ${why}`);
  };
  let url: URL | undefined;
  try {
    url = new URL(options.server);
  } catch {
    fail("the server is not a URL");
  }
  if (url!.protocol !== "https:" && url!.protocol !== "http:") {
    fail("the server URL must start with https:// or http://");
  }
  if (options.caPem !== undefined && options.insecureSkipTlsVerify) {
    // client-go: "specifying a root certificates file with the insecure flag is not allowed".
    fail("a CA certificate and insecure-skip-tls-verify cannot both be set");
  }
  if (options.caPem !== undefined && !/-----BEGIN CERTIFICATE-----/.test(options.caPem)) {
    fail("the CA is not a PEM certificate");
  }
  if (
    options.token !== undefined && (options.token === "" || /[\s\p{Cc}]/u.test(options.token))
  ) {
    fail("the token must be non-empty, without whitespace or control characters");
  }
  const base = options.name ?? "k1s";
  const cluster = options.cluster ?? base;
  const user = options.user ?? base;
  const context = options.context ?? base;
  const namespace = options.namespace ?? "default";
  for (
    const [what, v] of [["cluster", cluster], ["user", user], ["context", context], [
      "namespace",
      namespace,
    ]]
  ) {
    if (v === "") fail(`the ${what} name is empty`);
  }
  const clusterBody: Kubeconfig["clusters"][number]["cluster"] = { server: options.server };
  if (options.caPem !== undefined) {
    clusterBody["certificate-authority-data"] = base64(options.caPem);
  }
  if (options.insecureSkipTlsVerify) clusterBody["insecure-skip-tls-verify"] = true;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: clusterBody }],
    users: [{ name: user, user: options.token === undefined ? {} : { token: options.token } }],
    contexts: [{ name: context, context: { cluster, user, namespace } }],
    "current-context": context,
  };
}

/**
 * Merges the entries for `options` into the kubeconfig text `existing` and
 * returns the new text: same-named cluster, user and context entries are
 * replaced, everything else (other entries, preferences, comments) is kept,
 * `current-context` is set. An empty `existing` gives a new kubeconfig.
 * `source` names the text in errors (a file path).
 *
 * @example
 * ```ts
 * import { mergeKubeconfig } from "./kubeconfig.ts";
 * import assert from "node:assert/strict";
 *
 * const text = mergeKubeconfig("", { server: "https://127.0.0.1:6443", insecureSkipTlsVerify: true });
 * assert.match(text, /insecure-skip-tls-verify: true/);
 * ```
 */
export function mergeKubeconfig(
  existing: string,
  options: KubeconfigOptions,
  source = "kubeconfig",
): string {
  const config = buildKubeconfig(options);
  const fail = (why: string): never => {
    throw new Error(`Cannot merge into ${source}: ${why}`);
  };
  const doc: Document = parseDocument(existing);
  if (doc.errors.length > 0) fail(`it is not valid YAML (${doc.errors[0].message})`);
  if (doc.contents === null || doc.contents === undefined) {
    doc.contents = doc.createNode({ apiVersion: "v1", kind: "Config" });
  }
  if (!isMap(doc.contents)) fail("it is not a YAML mapping");
  const kind = doc.get("kind");
  if (kind !== undefined && kind !== null && kind !== "Config") {
    fail(`its kind is "${String(kind)}", not "Config"`);
  }
  if (doc.get("apiVersion") == null) doc.set("apiVersion", "v1");
  if (kind == null) doc.set("kind", "Config");
  const lists = [
    ["clusters", config.clusters[0]],
    ["users", config.users[0]],
    ["contexts", config.contexts[0]],
  ] as const;
  for (const [key, entry] of lists) {
    let seq = doc.get(key);
    if (seq === undefined || seq === null) {
      seq = new YAMLSeq();
      doc.set(key, seq);
    }
    if (!isSeq(seq)) fail(`its "${key}" is not a list`);
    const items = (seq as YAMLSeq).items;
    const node = doc.createNode(entry);
    const same = (item: unknown) => isMap(item) && item.get("name") === entry.name;
    const at = items.findIndex(same);
    if (at < 0) items.push(node);
    else {
      items[at] = node;
      // Duplicates of the name would shadow or be shadowed by the new entry: drop them.
      for (let i = items.length - 1; i > at; i--) if (same(items[i])) items.splice(i, 1);
    }
  }
  doc.set("current-context", config["current-context"]);
  return doc.toString({ lineWidth: 0 });
}

/**
 * Writes the kubeconfig for `options` to `path` (mode 0600, through a
 * rename), merging into the file if it exists (see
 * {@linkcode mergeKubeconfig}); a symbolic link is followed and its target
 * rewritten. The parent directory is created (mode 0700) if missing.
 * Holds `path.lock` while writing, the lock file kubectl uses, so a
 * concurrent `kubectl config …` does not lose either write.
 *
 * @example
 * ```ts
 * import { writeKubeconfig } from "./kubeconfig.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await writeKubeconfig(`${dir}/config`, { server: "https://127.0.0.1:1", name: "a" });
 * await writeKubeconfig(`${dir}/config`, { server: "https://127.0.0.1:2", name: "b" });
 * const text = await Deno.readTextFile(`${dir}/config`);
 * assert.match(text, /127\.0\.0\.1:1/);
 * assert.match(text, /current-context: b/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  buildKubeconfig(options); // validate before touching the disk
  let target = path;
  try {
    target = await Deno.realPath(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new Error(`Cannot write kubeconfig "${path}": ${(e as Error).message}`, { cause: e });
    }
    const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
    if (parent !== "") {
      await Deno.mkdir(parent, { recursive: true, mode: 0o700 }).catch((err) => {
        throw new Error(`Cannot create the directory of kubeconfig "${path}": ${err.message}`, {
          cause: err,
        });
      });
    }
  }
  const lock = `${target}.lock`;
  await withFileLock(lock, {
    waitMs: 1_000,
    cannotCreate: (why) => `Cannot lock kubeconfig "${path}": ${why}`,
    held: `Cannot write kubeconfig "${path}": "${lock}" is held by another writer; ` +
      "delete it if none is running",
  }, async () => {
    let existing = "";
    try {
      existing = await Deno.readTextFile(target);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new Error(`Cannot read kubeconfig "${path}": ${(e as Error).message}`, { cause: e });
      }
    }
    const text = mergeKubeconfig(existing, options, `kubeconfig "${path}"`);
    const tmp = `${target}.tmp-${crypto.randomUUID()}`;
    try {
      await Deno.writeTextFile(tmp, text, { mode: 0o600, createNew: true });
      await Deno.rename(tmp, target);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw new Error(`Cannot write kubeconfig "${path}": ${(e as Error).message}`, { cause: e });
    }
  });
}
