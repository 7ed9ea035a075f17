// Throwaway etcd servers for tests: one member or a cluster of three, on loopback ports, each
// with its own data directory, stopped (and removed) by the test that started them.
import { missingService } from "./_services.ts";

/** One etcd member started by a test. */
export interface EtcdMember {
  /** Member name (`m0`, `m1`, …). */
  name: string;
  /** `127.0.0.1:PORT` of its client endpoint. */
  endpoint: string;
  /** The process, while running. */
  process?: Deno.ChildProcess;
}

/** An etcd cluster started by a test. */
export interface EtcdCluster extends AsyncDisposable {
  members: EtcdMember[];
  /** `etcd://…` URL of the whole cluster with this key prefix. */
  url(prefix?: string): string;
  /** Kills a member with SIGKILL. */
  kill(member: EtcdMember): Promise<void>;
  /** The current leader (asked over the JSON gateway). */
  leader(): Promise<EtcdMember>;
  stop(): Promise<void>;
}

/** The etcd binary, or undefined with the reason the tests skip. */
export const ETCD = await findEtcd();

async function findEtcd(): Promise<string | undefined> {
  for (const p of ["/usr/bin/etcd", "/usr/local/bin/etcd"]) {
    try {
      if ((await Deno.stat(p)).isFile) return p;
    } catch { /* next */ }
  }
  return undefined;
}

/**
 * Why etcd tests cannot run here (and print it once), or undefined when they can. Under
 * `CI=true` a missing etcd is a failure, not a skip.
 */
export const etcdMissing = missingService(
  "etcd",
  ETCD === undefined ? "etcd not found (apt-get install etcd-server etcd-client)" : undefined,
);

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitHealthy(endpoint: string, ms: number, tls?: EtcdTls): Promise<void> {
  const until = Date.now() + ms;
  let last = "";
  const http = tls
    ? Deno.createHttpClient({
      caCerts: [await Deno.readTextFile(tls.ca)],
      cert: await Deno.readTextFile(tls.clientCert),
      key: await Deno.readTextFile(tls.clientKey),
    })
    : undefined;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${tls ? "https" : "http"}://${endpoint}/health`, {
        client: http,
      } as RequestInit);
      const body = await res.text();
      if (res.ok && body.includes("true")) {
        http?.close();
        return;
      }
      last = body;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  http?.close();
  throw new Error(`etcd at ${endpoint} did not become healthy: ${last}`);
}

/** PEM files for an etcd served over TLS with client certificates. */
export interface EtcdTls {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Makes a CA, a server certificate for localhost and a client certificate with openssl. */
export async function makeEtcdTls(dir: string): Promise<EtcdTls> {
  const run = async (args: string[]) => {
    const out = await new Deno.Command("openssl", { args, stdout: "null", stderr: "piped" })
      .output();
    if (!out.success) {
      throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
    }
  };
  const f = (n: string) => `${dir}/${n}`;
  await Deno.writeTextFile(
    f("ext.cnf"),
    "[server]\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n" +
      "[client]\nextendedKeyUsage=clientAuth\n",
  );
  await run([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=k1s-test-etcd-ca",
  ]);
  for (const [name, ext] of [["server", "server"], ["client", "client"]]) {
    await run([
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      f(`${name}.key`),
      "-out",
      f(`${name}.csr`),
      "-subj",
      `/CN=${name}`,
    ]);
    await run([
      "x509",
      "-req",
      "-in",
      f(`${name}.csr`),
      "-CA",
      f("ca.crt"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-out",
      f(`${name}.crt`),
      "-days",
      "2",
      "-extfile",
      f("ext.cnf"),
      "-extensions",
      ext,
    ]);
  }
  return {
    ca: f("ca.crt"),
    serverCert: f("server.crt"),
    serverKey: f("server.key"),
    clientCert: f("client.crt"),
    clientKey: f("client.key"),
  };
}

/**
 * Starts `size` etcd members (1 or 3) on free loopback ports; with `tls`, clients must connect
 * over TLS with a certificate signed by its CA.
 */
export async function startEtcd(size = 1, tls?: EtcdTls): Promise<EtcdCluster> {
  if (!ETCD) throw new Error("etcd is not installed");
  const dir = await Deno.makeTempDir({ prefix: "k1s-etcd-" });
  const scheme = tls ? "https" : "http";
  const members: (EtcdMember & { peer: string })[] = [];
  for (let i = 0; i < size; i++) {
    members.push({
      name: `m${i}`,
      endpoint: `127.0.0.1:${freePort()}`,
      peer: `127.0.0.1:${freePort()}`,
    });
  }
  const initial = members.map((m) => `${m.name}=http://${m.peer}`).join(",");
  for (const m of members) {
    m.process = new Deno.Command(ETCD, {
      args: [
        "--name",
        m.name,
        "--data-dir",
        `${dir}/${m.name}`,
        "--listen-client-urls",
        `${scheme}://${m.endpoint}`,
        "--advertise-client-urls",
        `${scheme}://${m.endpoint}`,
        ...(tls
          ? [
            "--cert-file",
            tls.serverCert,
            "--key-file",
            tls.serverKey,
            "--trusted-ca-file",
            tls.ca,
            "--client-cert-auth",
          ]
          : []),
        "--listen-peer-urls",
        `http://${m.peer}`,
        "--initial-advertise-peer-urls",
        `http://${m.peer}`,
        "--initial-cluster",
        initial,
        "--initial-cluster-state",
        "new",
        "--initial-cluster-token",
        dir,
        "--heartbeat-interval",
        "50",
        "--election-timeout",
        "500",
        "--unsafe-no-fsync",
        "--log-level",
        "error",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
  }
  const cluster: EtcdCluster = {
    members,
    url: (prefix = "") =>
      `etcd://${members.filter((m) => m.process).map((m) => m.endpoint).join(",")}${prefix}`,
    async kill(member) {
      const p = member.process;
      if (!p) return;
      member.process = undefined;
      try {
        p.kill("SIGKILL");
      } catch { /* gone */ }
      await p.status;
    },
    async leader() {
      for (const m of members) {
        if (!m.process) continue;
        const res = await fetch(`http://${m.endpoint}/v3/maintenance/status`, {
          method: "POST",
          body: "{}",
        });
        const st = await res.json();
        if (st.leader && st.header?.member_id === st.leader) return m;
      }
      throw new Error("no etcd leader");
    },
    async stop() {
      for (const m of members) await cluster.kill(m);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
    [Symbol.asyncDispose]() {
      return cluster.stop();
    },
  };
  try {
    await Promise.all(members.map((m) => waitHealthy(m.endpoint, 20_000, tls)));
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

/**
 * One etcd member for a whole test file, started when the file loads (before any test, so the
 * tests' sanitizers do not count it) and killed when the process ends; undefined when etcd is
 * missing here (and not under CI).
 */
export async function etcdForFile(): Promise<EtcdCluster | undefined> {
  if (etcdMissing !== undefined) return undefined;
  const etcd = await startEtcd(1);
  globalThis.addEventListener("unload", () => {
    for (const m of etcd.members) {
      try {
        m.process?.kill("SIGKILL");
      } catch { /* gone */ }
    }
  });
  return etcd;
}
