/**
 * `serve`: the store as a Kubernetes API server for kubectl and client
 * libraries, with the CLI's controllers running in the process as a
 * manager. HTTPS with a generated CA and serving certificate and a bearer
 * token by default (kept beside the store); `--insecure-http` for plain
 * loopback use without a token.
 *
 * @module
 */
import { CliError } from "../errors.ts";
import type { Command } from "../kit.ts";
import { storeDirectory } from "../store_url.ts";

const USAGE = `  serve [--listen HOST:PORT] [--write-kubeconfig PATH] [--token-file PATH]
        [--tls-cert FILE --tls-key FILE | --insecure-http] [--no-controllers]
        [--leader-elect-lease-duration=15s] [--leader-elect-renew-deadline=10s]
        [--leader-elect-retry-period=2s]

Serves the store over the Kubernetes HTTP API, so that kubectl and Kubernetes client libraries
can use it. Listens on 127.0.0.1:6443 unless --listen says otherwise (port 0 picks a free one).
Certificates, the token and the kubeconfig are kept in a "serve" directory beside the store
(for a store without a file, in a temporary directory), unless flags name them.
Several servers can share one store (etcd, PostgreSQL, or one SQLite file): each serves reads,
writes and watches, and the controllers run in one of them at a time, elected on the Lease
default/k1s-controllers (the --leader-elect-* durations as kube-controller-manager takes them).
SIGINT or SIGTERM ends watches, lets requests finish and stops.
`;

/** Splits `HOST:PORT` (IPv6 in brackets). */
export function parseListen(text: string): { hostname: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new CliError(`invalid --listen "${text}": want HOST:PORT, e.g. 127.0.0.1:6443`);
  }
  return { hostname: m[1] ?? (m[2] || "127.0.0.1"), port };
}

/** The `serve` command. */
export const serveCommand: Command = {
  name: "serve",
  summary: "Serve the store over the Kubernetes HTTP API (for kubectl and client libraries)",
  usage: USAGE,
  options: {
    listen: { type: "string" },
    "write-kubeconfig": { type: "string" },
    "token-file": { type: "string" },
    "tls-cert": { type: "string" },
    "tls-key": { type: "string" },
    "insecure-http": { type: "boolean" },
    "no-controllers": { type: "boolean" },
    "leader-elect-lease-duration": { type: "string" },
    "leader-elect-renew-deadline": { type: "string" },
    "leader-elect-retry-period": { type: "string" },
  },
  async run(ctx) {
    const flags = ctx.flags;
    const { hostname, port } = parseListen(
      (flags.listen as string | undefined) ?? "127.0.0.1:6443",
    );
    const insecure = flags["insecure-http"] === true;
    const certFile = flags["tls-cert"] as string | undefined;
    const keyFile = flags["tls-key"] as string | undefined;
    if ((certFile === undefined) !== (keyFile === undefined)) {
      throw new CliError("--tls-cert and --tls-key go together");
    }
    if (insecure && certFile !== undefined) {
      throw new CliError("--insecure-http and --tls-cert cannot both be given");
    }
    const election = await leaderElectionFlags(flags);
    const rt = (await ctx.runtime()).embedded;
    if (!rt) {
      throw new CliError(
        "serve serves a store: --server, --kubeconfig, --context and --token are for clients",
      );
    }
    const storeUrl = ctx.storeUrl();
    const dir = await serveDirectory(storeUrl, ctx.io.cwd());
    const { ensureServingCertificates, ensureToken } = await import("../../src/server/tls.ts");
    const { writeKubeconfig } = await import("../../src/server/kubeconfig.ts");
    const { serve } = await import("../../src/server/server.ts");

    let tls: { cert: string; key: string } | undefined;
    let caPem: string | undefined;
    if (certFile !== undefined && keyFile !== undefined) {
      tls = { cert: await Deno.readTextFile(certFile), key: await Deno.readTextFile(keyFile) };
    } else if (!insecure) {
      const hosts = hostname === "0.0.0.0" || hostname === "::" ? [] : [hostname];
      const certs = await ensureServingCertificates(dir, { hosts });
      tls = { cert: certs.certPem, key: certs.keyPem };
      caPem = certs.caPem;
    }
    const token = insecure ? undefined : await ensureToken(
      (flags["token-file"] as string | undefined) ?? `${dir}/token`,
    );

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, onSignal);
    try {
      let server;
      try {
        server = await serve(rt, { hostname, port, tls, token });
      } catch (err) {
        if (err instanceof Deno.errors.AddrInUse || err instanceof Deno.errors.AddrNotAvailable) {
          throw new CliError(
            `cannot listen on ${hostname}:${port}: ${
              (err as Error).message.replace(/ \(os error \d+\)$/, "").toLowerCase()
            }` +
              " (choose another address with --listen)",
          );
        }
        throw err;
      }
      const clientHost = hostname === "0.0.0.0"
        ? "127.0.0.1"
        : hostname === "::"
        ? "::1"
        : hostname;
      const host = clientHost.includes(":") ? `[${clientHost}]` : clientHost;
      const url = `${tls ? "https" : "http"}://${host}:${server.port}`;
      const kubeconfig = (flags["write-kubeconfig"] as string | undefined) ?? `${dir}/kubeconfig`;
      await writeKubeconfig(kubeconfig, {
        server: url,
        caPem,
        insecureSkipTlsVerify: tls !== undefined && caPem === undefined,
        token,
      });
      const manager = flags["no-controllers"] === true ? undefined : rt.manager();
      if (manager) { for (const c of ctx.cli.controllers?.(rt) ?? []) manager.add(c); }
      // Controllers that fail stop the server, with the reason, rather than dying unseen.
      let failure: unknown;
      // The controllers run in one server of those sharing the store (and CLI writes elsewhere
      // leave their work to it): they elect a leader on the controllers' lease.
      const say = (line: string) => ctx.io.stderr(`${ctx.cli.name} serve: ${line}\n`);
      const managed = manager?.start(stop.signal, {
        leaderElection: {
          ...election,
          onStartedLeading: () => say("leading: the controllers run in this server"),
          onStoppedLeading: () => {
            if (manager.isLeader() || !stop.signal.aborted) say("no longer leading");
          },
        },
      }).catch((err) => {
        failure = err;
        stop.abort();
      });
      ctx.io.stderr(
        `${ctx.cli.name} serve: serving ${storeUrl || "the store"} at ${url}\n` +
          `  export KUBECONFIG=${kubeconfig}   # then: kubectl get namespaces\n`,
      );
      await new Promise<void>((resolve) => {
        if (stop.signal.aborted) resolve();
        stop.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await server.shutdown();
      await managed;
      ctx.io.stderr(`${ctx.cli.name} serve: stopped\n`);
      if (failure !== undefined) throw failure;
    } finally {
      for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(sig, onSignal);
    }
  },
};

/** The `--leader-elect-*` flags as election options (durations as Go writes them: `15s`). */
async function leaderElectionFlags(
  flags: Record<string, unknown>,
): Promise<{ leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number }> {
  const { parseGoDuration } = await import("./wait.ts");
  const ms = (name: string): number | undefined => {
    const v = flags[name] as string | undefined;
    if (v === undefined) return undefined;
    let n: number;
    try {
      n = parseGoDuration(v);
    } catch (err) {
      throw new CliError(`invalid --${name} "${v}": ${(err as Error).message}`);
    }
    if (!(n > 0)) throw new CliError(`--${name} must be greater than zero`);
    return n;
  };
  const out = {
    leaseDurationMs: ms("leader-elect-lease-duration"),
    renewDeadlineMs: ms("leader-elect-renew-deadline"),
    retryPeriodMs: ms("leader-elect-retry-period"),
  };
  // client-go's rules, with its defaults (15s, 10s, 2s).
  const lease = out.leaseDurationMs ?? 15_000;
  const renew = out.renewDeadlineMs ?? 10_000;
  const retry = out.retryPeriodMs ?? 2_000;
  if (lease < 1000) throw new CliError("--leader-elect-lease-duration must be at least 1s");
  if (lease <= renew) {
    throw new CliError(
      "--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline",
    );
  }
  if (renew <= 1.2 * retry) {
    throw new CliError(
      "--leader-elect-renew-deadline must be greater than --leader-elect-retry-period × 1.2",
    );
  }
  return out;
}

/** Where certificates, token and kubeconfig live: beside the store, else a temp directory. */
async function serveDirectory(storeUrl: string, cwd: string): Promise<string> {
  const beside = storeDirectory(storeUrl);
  let dir: string;
  if (beside !== undefined) {
    dir = `${beside.startsWith("/") ? beside : `${cwd}/${beside}`}/serve`;
  } else if (/^(sqlite|kv):(?:\/\/)?[^/:]+$/.test(storeUrl)) {
    dir = `${cwd}/serve`; // a store file in the current directory
  } else {
    return await Deno.makeTempDir({ prefix: "k1s-serve-" });
  }
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}
