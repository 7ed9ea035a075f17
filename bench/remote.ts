/**
 * The remote client's figures for `deno task bench` (section `remote`):
 * a manager `connect()`ed to `k1s serve` (the library's `serve`, in this
 * process), and
 *
 * - `remote_reconcile_p50_ms`: kubectl (1.32, else the newest installed;
 *   raw HTTP PATCHes when none is) changes an object; the time from the
 *   server's commit of that write to the start of its reconcile in the
 *   manager, median of 20;
 * - `remote_informer_sync_10k_ms`: an informer over HTTP listing 10,000
 *   ConfigMaps (pages of 500, as client-go) until it has synced.
 *
 * @module
 */
import { ConfigMap, connect, controllerFor, createRuntime, InformerFactory } from "@k1s/k1s";
import { serve } from "../src/server/server.ts";
import type { Reporters } from "./serve.ts";

function kubectlBinary(): string | undefined {
  try {
    const which = new Deno.Command("sh", {
      args: ["-c", 'dirname "$(readlink -f "$(command -v kubectl)")"'],
    }).outputSync();
    const dir = new TextDecoder().decode(which.stdout).trim();
    for (const minor of [32, 33, 31, 30, 29, 28, 27]) {
      const path = `${dir}/kubectl.1.${minor}`;
      try {
        Deno.statSync(path);
        return path;
      } catch {
        // not installed
      }
    }
  } catch {
    // no shell or no kubectl
  }
  return undefined;
}

async function reconcileLatency(r: Reporters): Promise<void> {
  const dir = await r.tempDir();
  await using rt = await createRuntime({ store: `sqlite:${dir}/remote.db`, compaction: false });
  await using server = await serve(rt, { port: 0 });
  await using remote = await connect({ server: server.url });
  const committed = new Map<string, number>();
  const reconciled = new Map<string, number>();
  // The server side: when each write is committed (a local watch sees it at once).
  const stopWatch = new AbortController();
  const watching = (async () => {
    for await (
      const ev of rt.client.watch(ConfigMap, {
        namespace: "default",
        resourceVersion: await rt.store.currentRevision().then(String),
        signal: stopWatch.signal,
      })
    ) {
      const n = ev.object.metadata?.annotations?.n;
      if (n && !committed.has(n)) committed.set(n, performance.now());
    }
  })();
  const manager = remote.manager();
  manager.add(
    controllerFor(ConfigMap).named("latency").complete(async (req, ctx) => {
      const now = performance.now();
      const cm = await ctx.reader.get(ConfigMap, req.name, { namespace: req.namespace });
      const n = cm.metadata.annotations?.n;
      if (n && !reconciled.has(n)) reconciled.set(n, now);
    }),
  );
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  await rt.client.create(ConfigMap, { metadata: { name: "target" } }, { namespace: "default" });
  await manager.informers.waitForSync();
  const kubectl = kubectlBinary();
  const kubeconfig = `${dir}/kubeconfig`;
  await Deno.writeTextFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "k", cluster: { server: server.url } }],
      users: [{ name: "k", user: {} }],
      contexts: [{ name: "k", context: { cluster: "k", user: "k" } }],
      "current-context": "k",
    }),
  );
  const rounds = 22;
  for (let i = 0; i < rounds; i++) {
    const n = String(i);
    if (kubectl) {
      const out = await new Deno.Command(kubectl, {
        args: [
          "--kubeconfig",
          kubeconfig,
          "--cache-dir",
          `${dir}/cache`,
          "annotate",
          "--overwrite",
          "cm",
          "target",
          `n=${n}`,
        ],
      }).output();
      if (!out.success) {
        throw new Error(`kubectl annotate: ${new TextDecoder().decode(out.stderr)}`);
      }
    } else {
      await fetch(`${server.url}/api/v1/namespaces/default/configmaps/target`, {
        method: "PATCH",
        headers: { "content-type": "application/merge-patch+json" },
        body: JSON.stringify({ metadata: { annotations: { n } } }),
      }).then((res) => res.body?.cancel());
    }
    const end = performance.now() + 5_000;
    while (!reconciled.has(n) || !committed.has(n)) {
      if (performance.now() > end) throw new Error(`write ${n} was not reconciled`);
      await new Promise((res) => setTimeout(res, 1));
    }
  }
  stop.abort();
  await running;
  stopWatch.abort();
  await watching;
  // The first two warm up.
  const times = [...Array(rounds).keys()].slice(2).map((i) =>
    reconciled.get(String(i))! - committed.get(String(i))!
  );
  r.ms(
    "remote_reconcile_p50_ms",
    r.percentile(times, 50),
    10,
    `  (${kubectl ? kubectl.replace(/.*\//, "") : "raw HTTP PATCH"} writes to k1s serve; ` +
      `commit to reconcile start in a connect()ed manager, median of ${times.length})`,
  );
}

async function informerSync(r: Reporters): Promise<void> {
  const n = r.scale(10_000);
  const dir = await r.tempDir();
  await using rt = await createRuntime({ store: `sqlite:${dir}/sync.db`, compaction: false });
  for (let i = 0; i < n; i++) {
    await rt.client.create(ConfigMap, {
      metadata: { name: `cm-${i}`, labels: { app: "bench" } },
      data: { key1: "value-one", key2: "value-two" },
    }, { namespace: "default" });
  }
  await using server = await serve(rt, { port: 0 });
  await using remote = await connect({ server: server.url });
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const factory = new InformerFactory(remote.client);
    const informer = factory.informerFor(ConfigMap);
    const stop = new AbortController();
    const t = performance.now();
    const running = factory.start(stop.signal);
    await factory.waitForSync();
    times.push(performance.now() - t);
    if (informer.store.list().length !== n) throw new Error("the informer missed objects");
    stop.abort();
    await running;
  }
  r.ms(
    "remote_informer_sync_10k_ms",
    Math.min(...times),
    1000,
    `  (${n} ConfigMaps listed over HTTP in pages of 500 until synced, best of 3)`,
  );
}

/** Runs the remote section. */
export async function benchRemote(r: Reporters): Promise<void> {
  await reconcileLatency(r);
  await informerSync(r);
}
