/**
 * The `sites` command: k1s's CLI kit over the Website kind and its
 * controller, plus `run`, the operator as a long-running process.
 *
 * Two ways to run the controller, on one store:
 *
 * - after every write of the CLI (`sites apply -f ...`), in triggered mode,
 *   until nothing is left to do — unless a live manager holds the
 *   controllers' lease, which then does the work;
 * - `sites run`: the manager, long-running, with leader election on the
 *   Lease `default/k1s-controllers` (start several; one reconciles) and
 *   optionally a metrics server (`/metrics`, `/healthz`, `/readyz`).
 *
 * DNS records go to `--dns-dir` (`run` only), else `$SITES_DNS_DIR`, else
 * `dns` in the user data directory (`~/.local/share/sites/dns`).
 *
 * @module
 */
import {
  type Cli,
  CliError,
  type Command,
  type CommandContext,
  defineCli,
  processIO,
  standardCommands,
} from "@k1s/k1s/cli";
import { defaultLeaderIdentity, defaultLogger, jsonLogger, type Logger } from "@k1s/k1s";
import { Website } from "./kinds.ts";
import { websiteController } from "./controller.ts";

/** Where DNS records go when `--dns-dir` does not say: `$SITES_DNS_DIR`, else the data dir. */
export function defaultDnsDir(env: (name: string) => string | undefined): string {
  const fromEnv = env("SITES_DNS_DIR");
  if (fromEnv) return fromEnv;
  const xdg = env("XDG_DATA_HOME");
  const home = env("HOME");
  const base = xdg || (home ? `${home}/.local/share` : undefined);
  return base ? `${base}/sites/dns` : "sites-dns";
}

/**
 * A duration as controller-runtime's flags take one: `15s`, `500ms`, `2m`,
 * `1h`, or a bare number of seconds. In ms.
 */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new CliError(`invalid --${flag} "${text}": want a duration such as 15s or 500ms`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"]!;
  return Math.round(Number(m[1]) * unit);
}

const RUN_USAGE = `  run [--dns-dir DIR] [--metrics-port PORT] [--tls-validity DURATION]
      [--lease-duration DURATION] [--renew-deadline DURATION] [--retry-period DURATION]

Runs the Website controller (and the built-in garbage collector, namespace and event
controllers) until SIGINT or SIGTERM. Several processes may run on one store: they elect a
leader on the Lease default/k1s-controllers and only the leader reconciles; while it leads,
writes by the CLI leave the reconciling to it.

  --dns-dir DIR              where DNS records are written (default $SITES_DNS_DIR, else
                             ~/.local/share/sites/dns)
  --metrics-port PORT        serve /metrics, /healthz and /readyz on 127.0.0.1:PORT
                             (0 picks a free port; default: no metrics server)
  --tls-validity DURATION    how long certificates are valid (default 24h; renewed when a third
                             is left)
  --lease-duration DURATION  how long a standby waits for an unrenewed lease (default 15s)
  --renew-deadline DURATION  how long the leader retries renewing before it stops (default 10s)
  --retry-period DURATION    interval between attempts to acquire or renew (default 2s)
`;

/** Options of {@linkcode sitesCli}. */
export interface SitesCliOptions {
  /** Where DNS records go. Default {@linkcode defaultDnsDir} of the process environment. */
  dnsDir?: string;
  /**
   * Logger of the controller when it runs after CLI writes. Default: JSON lines on standard
   * error, errors only (a CLI user sees why a Website is refused, not every step).
   */
  logger?: Logger;
}

/** The `run` command: the operator as a long-running manager. */
export function runCommand(options: SitesCliOptions = {}): Command {
  return {
    name: "run",
    summary: "Run the Website controller until interrupted (leader-elected, with metrics)",
    usage: RUN_USAGE,
    options: {
      "dns-dir": { type: "string" },
      "metrics-port": { type: "int" },
      "tls-validity": { type: "string" },
      "lease-duration": { type: "string" },
      "renew-deadline": { type: "string" },
      "retry-period": { type: "string" },
    },
    async run(ctx: CommandContext) {
      const flags = ctx.flags as Record<string, string | number | boolean | undefined>;
      const duration = (flag: string) =>
        typeof flags[flag] === "string" ? parseDuration(flags[flag] as string, flag) : undefined;
      const metricsPort = flags["metrics-port"] as number | undefined;
      if (metricsPort !== undefined && (metricsPort < 0 || metricsPort > 65535)) {
        throw new CliError(`invalid --metrics-port ${metricsPort}: want 0 to 65535`);
      }
      const dnsDir = (flags["dns-dir"] as string | undefined) ?? options.dnsDir ??
        defaultDnsDir(ctx.io.env);
      const leaseDurationMs = duration("lease-duration");
      const renewDeadlineMs = duration("renew-deadline");
      const retryPeriodMs = duration("retry-period");
      const rt = (await ctx.runtime()).embedded;
      if (!rt) {
        throw new CliError(
          "run runs the controllers on a store: --server and its kin are for clients",
        );
      }
      const name = ctx.cli.name;
      const identity = defaultLeaderIdentity();
      const log = defaultLogger.with({ logger: "leader-election", identity });
      const mgr = rt.manager({ name, component: "website-controller" });
      mgr.add(websiteController({ dnsDir, tlsValidityMs: duration("tls-validity") }));

      const stop = new AbortController();
      const onSignal = () => stop.abort();
      for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, onSignal);
      try {
        const running = mgr.start(stop.signal, {
          leaderElection: {
            identity,
            leaseDurationMs,
            renewDeadlineMs,
            retryPeriodMs,
            // controller-runtime logs these two; so does this operator.
            onStartedLeading: () => log.info("successfully acquired lease default/k1s-controllers"),
            onNewLeader: (id) => {
              if (id !== identity) log.info("new leader elected", { leader: id });
            },
          },
          ...(metricsPort !== undefined ? { metricsServer: { port: metricsPort } } : {}),
        });
        // The metrics address is known once the server listens (port 0 picks one).
        let metrics = "";
        if (metricsPort !== undefined) {
          while (!mgr.metricsAddress() && !stop.signal.aborted) {
            const done = await Promise.race([
              running.then(() => true),
              new Promise<false>((r) => setTimeout(() => r(false), 10)),
            ]);
            if (done) break;
          }
          const at = mgr.metricsAddress();
          if (at) metrics = `, metrics at http://${at.hostname}:${at.port}/metrics`;
        }
        ctx.io.stderr(
          `${name} run: ${identity} watching ${ctx.storeUrl()} (DNS records in ${dnsDir}${metrics})\n`,
        );
        const report = await running;
        ctx.io.stderr(
          `${name} run: stopped${
            report.unfinished.length ? ` (unfinished: ${report.unfinished.join(", ")})` : ""
          }\n`,
        );
      } finally {
        for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(sig, onSignal);
      }
    },
  };
}

/** Builds the sites CLI (tests give it a DNS directory of their own). */
export function sitesCli(options: SitesCliOptions = {}): Cli {
  return defineCli({
    name: "sites",
    version: "0.1.0",
    kinds: [Website],
    // After CLI writes (triggered mode); `run` builds its own, with its flags. A CLI user sees
    // only the controller's errors, not its progress.
    controllers: () => [
      websiteController({
        dnsDir: options.dnsDir ?? defaultDnsDir((name) => Deno.env.get(name)),
        logger: options.logger ?? jsonLogger({ level: "error" }),
      }),
    ],
    storeEnv: "SITES_STORE",
    commands: [...standardCommands(), runCommand(options)],
  });
}

/** The sites CLI of this process. */
export const sites: Cli = sitesCli();

if (import.meta.main) Deno.exit(await sites.run(Deno.args, processIO()));
