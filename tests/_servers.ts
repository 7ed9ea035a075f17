// `k1s serve` processes for tests: several servers on one store, sharing one certificate and
// token as servers behind one load balancer do.
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

/** A running `k1s serve`. */
export interface ServeProcess {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** A kubeconfig for it (the shared CA and token). */
  kubeconfig: string;
  /** The directory holding the shared CA, serving certificate, key and token. */
  dir: string;
  /** The bearer token. */
  token: string;
  /** The CA certificate (PEM), for clients that verify the server. */
  caPem: string;
  /** What the server printed on stderr so far. */
  log(): string;
  /** Waits until the log matches `re` (rejects after `ms`, or when the process ends first). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** Kills it (SIGKILL by default) and waits for it to end. */
  kill(signal?: Deno.Signal): Promise<void>;
  /** True once the process has ended. */
  readonly ended: boolean;
  child: Deno.ChildProcess;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Starts `k1s serve --store STORE` on a free port. With `shareWith`, it serves with the other
 * server's certificate, key and token (one CA for the whole set), and writes its own kubeconfig.
 */
export async function startServe(
  store: string,
  extra: string[] = [],
  shareWith?: ServeProcess,
): Promise<ServeProcess> {
  const port = freePort();
  const own = shareWith ? await Deno.makeTempDir({ prefix: "k1s-serve-" }) : undefined;
  const args = [
    "run",
    "--config",
    CONFIG,
    "-A",
    MAIN,
    "serve",
    "--store",
    store,
    "--listen",
    `127.0.0.1:${port}`,
    ...extra,
  ];
  if (shareWith) {
    args.push(
      "--tls-cert",
      `${shareWith.dir}/serving.crt`,
      "--tls-key",
      `${shareWith.dir}/serving.key`,
      "--token-file",
      `${shareWith.dir}/token`,
      "--write-kubeconfig",
      `${own}/kubeconfig`,
    );
  }
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let text = "";
  let ended = false;
  const waiters = new Set<() => void>();
  (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      for (const w of waiters) w();
    }
    ended = true;
    for (const w of waiters) w();
  })();
  const waitFor = (re: RegExp, ms = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (re.test(text)) done(undefined);
        else if (ended) done(new Error(`serve ended before ${re}: ${text}`));
      };
      const timer = setTimeout(
        () => done(new Error(`serve did not print ${re} in ${ms} ms: ${text}`)),
        ms,
      );
      const done = (err: Error | undefined) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      waiters.add(check);
      check();
    });
  await waitFor(/export KUBECONFIG=/, 30_000);
  const kubeconfig = /export KUBECONFIG=(\S+)/.exec(text)![1];
  const dir = shareWith ? shareWith.dir : kubeconfig.slice(0, kubeconfig.lastIndexOf("/"));
  const proc: ServeProcess = {
    url: `https://127.0.0.1:${port}`,
    port,
    kubeconfig,
    dir,
    token: (await Deno.readTextFile(`${dir}/token`)).trim(),
    caPem: await Deno.readTextFile(`${dir}/ca.crt`),
    log: () => text,
    waitFor,
    get ended() {
      return ended;
    },
    async kill(signal = "SIGKILL") {
      if (!ended) {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
      }
      await child.status;
    },
    child,
  };
  return proc;
}

/** A fetch client for a server: the bearer token, and its CA trusted. */
export function client(server: ServeProcess): {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): void;
} {
  const http = Deno.createHttpClient({ caCerts: [server.caPem] });
  return {
    fetch: (path, init = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        client: http,
        headers: {
          authorization: `Bearer ${server.token}`,
          "content-type": "application/json",
          ...(init.headers ?? {}),
        },
      } as RequestInit),
    close: () => http.close(),
  };
}
