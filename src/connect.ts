/**
 * `connect()`: the typed client, informers and controllers against a
 * Kubernetes API server (`k1s serve` or any cluster) over HTTP, configured
 * as client-go configures itself:
 *
 * - a kubeconfig: `options.kubeconfig`, else the files of `KUBECONFIG`
 *   merged, else the in-cluster service account, else `~/.kube/config`
 *   (controller-runtime's order);
 * - its context (or `options.context`), with `server`, `namespace` and
 *   `token` overrides as kubectl's flags;
 * - TLS from `certificate-authority(-data)` and the client certificate and
 *   key; credentials from a token, a token file (read again every minute),
 *   basic auth, or an `exec` credential plugin (run again when its
 *   credential expires or the server answers 401). As client-go, no
 *   credentials are sent to an `http://` server.
 *
 * @example
 * ```ts
 * import { connect, createRuntime, ConfigMap } from "../mod.ts";
 * import { serve } from "./server/server.ts";
 * import assert from "node:assert/strict";
 *
 * await using rt = await createRuntime({ store: "memory:" });
 * await using server = await serve(rt, { port: 0 });
 * await using remote = await connect({ server: server.url });
 * await remote.client.create(ConfigMap, { metadata: { name: "app" } });
 * assert.equal((await rt.client.get(ConfigMap, "app")).metadata.name, "app");
 * ```
 *
 * @module
 */
import { HttpClient } from "./client/http.ts";
import {
  type ExecConfig,
  inClusterConfig,
  inClusterFiles,
  type KubeconfigFile,
  mergeKubeconfigs,
  type ResolvedKubeconfig,
  resolveKubeconfig,
} from "./client/kubeconfig.ts";
import { Manager, type ManagerOptions } from "./controller/manager.ts";

/** Options of {@linkcode connect}. */
export interface ConnectOptions {
  /** A kubeconfig file; default `KUBECONFIG`, in-cluster, then `~/.kube/config`. */
  kubeconfig?: string;
  /** The context to use; default the kubeconfig's current context. */
  context?: string;
  /** The server URL, over the context's (as `kubectl --server`). */
  server?: string;
  /** A bearer token, instead of the context user's credentials (as `kubectl --token`). */
  token?: string;
  /** The default namespace, over the context's. */
  namespace?: string;
  /** Retries of 429/5xx answers with Retry-After and of failed GET connections; default 10. */
  maxRetries?: number;
  /** The User-Agent header; default `k1s`. */
  userAgent?: string;
  /**
   * How often a token file and client certificate files are read again, in
   * ms (rotated credentials); default 60,000, as client-go.
   */
  reloadIntervalMs?: number;
}

/** A connection to an API server: what a runtime offers, over HTTP. */
export interface RemoteRuntime extends AsyncDisposable {
  /** The typed client. */
  readonly client: HttpClient;
  /** The server's URL. */
  readonly server: string;
  /** The default namespace of the context. */
  readonly namespace: string;
  /** The context used, if any. */
  readonly context: string | undefined;
  /**
   * A manager whose controllers and informers use this connection. The
   * server's own controllers (garbage collector, namespace lifecycle) do
   * their work there, so none are added; triggered mode needs an embedded
   * runtime.
   */
  manager(options?: ManagerOptions): Manager;
  /** Stops the managers made with {@linkcode RemoteRuntime.manager}, then closes the connection pool. */
  close(): Promise<void>;
}

/** How long a token file's contents are used before it is read again (client-go: 1 minute). */
const RELOAD_MS = 60_000;

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** The kubeconfig settings, found and resolved as client-go and controller-runtime do. */
async function loadConfig(options: ConnectOptions): Promise<ResolvedKubeconfig> {
  const overrides = {
    context: options.context,
    server: options.server,
    namespace: options.namespace,
    token: options.token,
  };
  const files: KubeconfigFile[] = [];
  if (options.kubeconfig !== undefined) {
    const text = await readIfExists(options.kubeconfig);
    if (text === undefined) {
      throw new Error(`stat ${options.kubeconfig}: no such file or directory`);
    }
    files.push({ path: absolute(options.kubeconfig), text });
  } else {
    const list = Deno.env.get("KUBECONFIG");
    if (list) {
      const paths = list.split(Deno.build.os === "windows" ? ";" : ":");
      for (const path of new Set(paths)) {
        if (path === "") continue;
        const text = await readIfExists(path);
        if (text !== undefined) files.push({ path: absolute(path), text });
      }
    } else {
      const host = Deno.env.get("KUBERNETES_SERVICE_HOST");
      const port = Deno.env.get("KUBERNETES_SERVICE_PORT");
      let inClusterError: unknown;
      if (host && port && options.server === undefined) {
        try {
          const [token, caCrt, namespace] = await Promise.all(
            [inClusterFiles.token, inClusterFiles.caCrt, inClusterFiles.namespace].map(
              readIfExists,
            ),
          );
          const podNamespace = Deno.env.get("POD_NAMESPACE");
          const cfg = inClusterConfig({ host, port, podNamespace }, { token, caCrt, namespace });
          if (options.token) {
            cfg.token = options.token;
            delete cfg.tokenFile;
          }
          if (options.namespace) cfg.namespace = options.namespace;
          return cfg;
        } catch (err) {
          // As controller-runtime: on to ~/.kube/config, and this error if there is none.
          inClusterError = err;
        }
      }
      const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
      if (home) {
        const path = `${home}/.kube/config`;
        const text = await readIfExists(path);
        if (text !== undefined) files.push({ path, text });
      }
      if (files.length === 0 && inClusterError && options.server === undefined) {
        throw inClusterError;
      }
    }
  }
  if (files.length === 0 && options.server !== undefined) {
    // No kubeconfig: the flags alone, as kubectl --server with an empty config.
    return {
      contextName: undefined,
      server: options.server,
      namespace: options.namespace ?? "default",
      insecureSkipTlsVerify: false,
      token: options.token,
    };
  }
  return resolveKubeconfig(mergeKubeconfigs(files), overrides);
}

function absolute(path: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `${Deno.cwd()}/${path}`;
}

/** What changes when a file is replaced: its modification time and size, for both files. */
async function fileStamp(...paths: string[]): Promise<string> {
  const infos = await Promise.all(paths.map((p) => Deno.stat(p)));
  return infos.map((i) => `${i.mtime?.getTime()}:${i.size}`).join(",");
}

/** A credential from an exec plugin (client.authentication.k8s.io ExecCredential status). */
interface ExecCredential {
  token?: string;
  cert?: string;
  key?: string;
  /** ms since the epoch; undefined: until the server refuses it. */
  expires?: number;
}

/** Runs an exec credential plugin as client-go does, and reads its ExecCredential. */
async function runExecPlugin(exec: ExecConfig, cfg: ResolvedKubeconfig): Promise<ExecCredential> {
  // As client-go: standard input goes to the plugin when it may be interactive and is a terminal.
  const mode = exec.interactiveMode ?? "IfAvailable";
  const terminal = Deno.stdin.isTerminal();
  if (mode === "Always" && !terminal) {
    throw new Error(
      "exec plugin cannot support interactive mode: standard input is not a terminal",
    );
  }
  const interactive = mode !== "Never" && terminal;
  const spec: Record<string, unknown> = { interactive };
  if (exec.provideClusterInfo) {
    const cluster: Record<string, unknown> = { server: cfg.server };
    if (cfg.tlsServerName) cluster["tls-server-name"] = cfg.tlsServerName;
    if (cfg.insecureSkipTlsVerify) cluster["insecure-skip-tls-verify"] = true;
    const ca = cfg.caData ?? (cfg.caFile ? await Deno.readTextFile(cfg.caFile) : undefined);
    if (ca) cluster["certificate-authority-data"] = btoa(ca);
    spec.cluster = cluster;
  }
  const info = { apiVersion: exec.apiVersion, kind: "ExecCredential", spec };
  const env: Record<string, string> = { KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(exec.command, {
      args: exec.args ?? [],
      env,
      stdin: interactive ? "inherit" : "null",
      stdout: "piped",
      // Prompts and messages go to the user, as client-go passes the plugin's stderr on.
      stderr: "inherit",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      const hint = exec.installHint ? `\n\n${exec.installHint}` : "";
      throw new Error(`exec: executable ${exec.command} not found${hint}`);
    }
    throw new Error(`exec: ${exec.command}: ${(err as Error).message}`, { cause: err });
  }
  if (!out.success) {
    throw new Error(`exec: executable ${exec.command} failed with exit code ${out.code}`);
  }
  let cred: {
    apiVersion?: string;
    kind?: string;
    status?: {
      token?: string;
      clientCertificateData?: string;
      clientKeyData?: string;
      expirationTimestamp?: string;
    };
  };
  try {
    cred = JSON.parse(new TextDecoder().decode(out.stdout));
  } catch (err) {
    throw new Error(`exec: decoding stdout: ${(err as Error).message}`);
  }
  if (cred?.kind !== "ExecCredential" || cred.apiVersion !== exec.apiVersion) {
    throw new Error(
      `exec plugin is configured to use API version ${exec.apiVersion}, plugin returned version ${
        cred?.apiVersion ?? ""
      }`,
    );
  }
  const st = cred.status;
  if (!st) throw new Error("exec plugin didn't return a status field");
  // Empty strings count as absent, as client-go reads them.
  const hasCert = !!st.clientCertificateData || !!st.clientKeyData;
  if (!st.token && !hasCert) {
    throw new Error("exec plugin didn't return a token or cert/key pair");
  }
  if (hasCert && (!st.clientCertificateData || !st.clientKeyData)) {
    throw new Error(
      "exec plugin returned only certificate or key, not both",
    );
  }
  const expires = st.expirationTimestamp ? Date.parse(st.expirationTimestamp) : undefined;
  return {
    token: st.token || undefined,
    cert: st.clientCertificateData || undefined,
    key: st.clientKeyData || undefined,
    expires: Number.isNaN(expires) ? undefined : expires,
  };
}

/**
 * Connects to an API server as the kubeconfig (or the options) say. The
 * server is not contacted until the first request.
 */
export async function connect(options: ConnectOptions = {}): Promise<RemoteRuntime> {
  const cfg = await loadConfig(options);
  const url = new URL(cfg.server);
  const https = url.protocol === "https:";
  const [caFromFile, certFromFile, keyFromFile] = await Promise.all([
    cfg.caFile ? Deno.readTextFile(cfg.caFile) : undefined,
    cfg.clientCertFile ? Deno.readTextFile(cfg.clientCertFile) : undefined,
    cfg.clientKeyFile ? Deno.readTextFile(cfg.clientKeyFile) : undefined,
  ]);
  const ca = cfg.caData ?? caFromFile;
  const staticCert = cfg.clientCertData ?? certFromFile;
  const staticKey = cfg.clientKeyData ?? keyFromFile;

  const reloadMs = options.reloadIntervalMs ?? RELOAD_MS;
  // The HTTP client (connection pool, TLS settings), made again when an exec
  // plugin hands out a new client certificate or the certificate files change.
  // Pools replaced are closed with the connection (watches may still use them).
  let pool: Deno.HttpClient | undefined;
  const retired: Deno.HttpClient[] = [];
  const makePool = (cert?: string, key?: string) => {
    if (pool) retired.push(pool);
    const tls: Deno.CreateHttpClientOptions & Partial<Deno.TlsCertifiedKeyPem> = {};
    if (ca) tls.caCerts = [ca];
    if (cfg.proxyUrl) tls.proxy = { url: cfg.proxyUrl };
    if (cert && key) {
      tls.cert = cert;
      tls.key = key;
    }
    pool = Deno.createHttpClient(tls as Deno.CreateHttpClientOptions & Deno.TlsCertifiedKeyPem);
  };
  makePool(staticCert, staticKey);

  // What Deno's fetch cannot do per connection, said with the error it causes.
  let hint = "";
  if (https && cfg.insecureSkipTlsVerify && !ca) {
    hint = " (the kubeconfig says insecure-skip-tls-verify, which Deno cannot do per connection: " +
      `give certificate-authority-data, or run deno with --unsafely-ignore-certificate-errors=${url.hostname})`;
  } else if (https && cfg.tlsServerName) {
    hint = ` (the kubeconfig's tls-server-name ${cfg.tlsServerName} cannot be used: Deno checks ` +
      `the certificate against the URL's host, ${url.hostname})`;
  }
  // Client certificate files are read again when they change, as client-go's
  // certificate rotation does.
  const certFiles = !cfg.clientCertData && cfg.clientCertFile && cfg.clientKeyFile
    ? { cert: cfg.clientCertFile, key: cfg.clientKeyFile }
    : undefined;
  let certChecked = Date.now();
  let certStamp = certFiles ? await fileStamp(certFiles.cert, certFiles.key) : "";
  const reloadCerts = async () => {
    if (!certFiles || Date.now() - certChecked < reloadMs) return;
    certChecked = Date.now();
    try {
      const stamp = await fileStamp(certFiles.cert, certFiles.key);
      if (stamp === certStamp) return;
      const [cert, key] = await Promise.all([
        Deno.readTextFile(certFiles.cert),
        Deno.readTextFile(certFiles.key),
      ]);
      makePool(cert, key);
      certStamp = stamp;
    } catch {
      // A rotation in progress (or a file gone): the current pair goes on being used.
    }
  };
  const boundFetch: typeof fetch = async (input, init) => {
    await reloadCerts();
    try {
      return await fetch(
        input,
        { ...init, client: pool } as RequestInit & { client?: Deno.HttpClient },
      );
    } catch (err) {
      if (hint && !(init?.signal?.aborted)) {
        // fetch says only "fetch failed"; the reason is its cause's.
        const inner = err instanceof Error && err.cause instanceof Error ? err.cause : err;
        throw new Error(`${(inner as Error).message}${hint}`, { cause: err });
      }
      throw err;
    }
  };

  // Credentials.
  let tokenFromFile: { value: string; read: number } | undefined;
  let execCred: ExecCredential | undefined;
  let execRun: Promise<ExecCredential> | undefined;
  const exec = cfg.exec;
  const renewExec = () => {
    execRun ??= runExecPlugin(exec!, cfg).then((c) => {
      execCred = c;
      if (c.cert && c.key) makePool(c.cert, c.key);
      return c;
    }).finally(() => {
      execRun = undefined;
    });
    return execRun;
  };
  const authorization = async (): Promise<string | undefined> => {
    // A token file wins over a token, and is read again every minute (rotated tokens).
    if (cfg.tokenFile) {
      const now = Date.now();
      if (!tokenFromFile || now - tokenFromFile.read >= reloadMs) {
        try {
          const value = (await Deno.readTextFile(cfg.tokenFile)).trim();
          if (value === "") throw new Error(`read empty token from file "${cfg.tokenFile}"`);
          tokenFromFile = { value, read: now };
        } catch (err) {
          // As client-go's caching token source: the last good token (or the kubeconfig's)
          // goes on being used when the file cannot be read again.
          const last = tokenFromFile?.value ?? cfg.token;
          if (last === undefined) throw err;
          tokenFromFile = { value: last, read: now };
        }
      }
      return `Bearer ${tokenFromFile.value}`;
    }
    if (cfg.token) return `Bearer ${cfg.token}`;
    if (cfg.username !== undefined || cfg.password !== undefined) {
      const bytes = new TextEncoder().encode(`${cfg.username ?? ""}:${cfg.password ?? ""}`);
      return `Basic ${btoa(String.fromCharCode(...bytes))}`;
    }
    if (exec) {
      if (!execCred || (execCred.expires !== undefined && execCred.expires <= Date.now())) {
        await renewExec();
      }
      return execCred?.token ? `Bearer ${execCred.token}` : undefined;
    }
    return undefined;
  };
  const onUnauthorized = async (): Promise<boolean> => {
    if (exec) {
      await renewExec();
      return true;
    }
    if (cfg.tokenFile) {
      const before = tokenFromFile?.value;
      const now = (await Deno.readTextFile(cfg.tokenFile)).trim();
      if (now === "" || now === before) return false;
      tokenFromFile = { value: now, read: Date.now() };
      return true;
    }
    return false;
  };
  const headers: [string, string][] = [];
  const imp = https ? cfg.impersonate : undefined;
  if (imp) {
    headers.push(["impersonate-user", imp.user]);
    if (imp.uid) headers.push(["impersonate-uid", imp.uid]);
    for (const g of imp.groups ?? []) headers.push(["impersonate-group", g]);
    for (const [k, vs] of Object.entries(imp.extra ?? {})) {
      for (const v of vs) headers.push([`impersonate-extra-${encodeURIComponent(k)}`, v]);
    }
  }

  const client = new HttpClient({
    server: cfg.server,
    fetch: boundFetch,
    // As client-go, credentials go only to a server reached over TLS.
    authorization: https ? authorization : undefined,
    onUnauthorized: https ? onUnauthorized : undefined,
    maxRetries: options.maxRetries,
    userAgent: options.userAgent,
    namespace: cfg.namespace,
    headers,
  });
  // Managers made here stop when the connection closes, and close waits for them.
  const closing = new AbortController();
  const running = new Set<Promise<unknown>>();
  const hold = <T>(work: Promise<T>): Promise<T> => {
    const settled = work.then(() => {}, () => {});
    running.add(settled);
    settled.then(() => running.delete(settled));
    return work;
  };
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      closing.abort(new Error("the connection is closing"));
      while (running.size > 0) await Promise.all([...running]);
      for (const p of [...retired, pool]) p?.close();
      retired.length = 0;
      pool = undefined;
    })();
  return {
    client,
    server: client.server,
    namespace: cfg.namespace,
    context: cfg.contextName,
    manager: (o?: ManagerOptions) => new Manager({ client, closing: closing.signal, hold }, o),
    close,
    [Symbol.asyncDispose]: close,
  };
}
