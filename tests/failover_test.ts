// Failover: three etcd members and two `k1s serve` processes. In the middle of a stream of
// writes and watches, the etcd leader and the server leading the controllers are killed with
// SIGKILL. No acknowledged write is lost, watches resume from their last resourceVersion
// (on the surviving server) without gaps or duplicates, and the survivor's controllers take
// over within the lease duration.
import assert from "node:assert/strict";
import { etcdMissing, startEtcd } from "./_etcd.ts";
import { client, type ServeProcess, startServe } from "./_servers.ts";

const LEASE_MS = 3000;
const ELECTION = [
  "--leader-elect-lease-duration=3s",
  "--leader-elect-renew-deadline=2s",
  "--leader-elect-retry-period=500ms",
];
const CM = "/api/v1/namespaces/default/configmaps";

type Http = ReturnType<typeof client>;

interface Seen {
  type: string;
  name: string;
  rv: number;
}

/**
 * A watch of ConfigMaps in `default` that, as an informer does, watches again from its last
 * resourceVersion when the stream ends, on the first server of `servers()` still running.
 */
function resumingWatch(servers: () => ServeProcess[], from: string, signal: AbortSignal) {
  const seen: Seen[] = [];
  let resumes = 0;
  let rv = from;
  const done = (async () => {
    while (!signal.aborted) {
      const server = servers().find((s) => !s.ended);
      if (!server) throw new Error("no server left to watch");
      const http = client(server);
      try {
        const res = await http.fetch(
          `${CM}?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`,
          { signal },
        );
        if (res.status !== 200) throw new Error(`watch: ${res.status} ${await res.text()}`);
        let buf = "";
        for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
          buf += chunk;
          let nl;
          while ((nl = buf.indexOf("\n")) >= 0) {
            const ev = JSON.parse(buf.slice(0, nl));
            buf = buf.slice(nl + 1);
            if (ev.type === "ERROR") throw new Error(`watch error: ${JSON.stringify(ev.object)}`);
            rv = ev.object.metadata.resourceVersion;
            if (ev.type !== "BOOKMARK") {
              seen.push({ type: ev.type, name: ev.object.metadata.name, rv: Number(rv) });
            }
          }
        }
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof Error && err.message.startsWith("watch error")) throw err;
        // The server went away or the stream broke: watch again from rv.
      } finally {
        http.close();
      }
      resumes++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    seen,
    get resumes() {
      return resumes;
    },
    done,
  };
}

/** Creates ConfigMaps `prefix-N` through the first live server until stopped; records acks. */
function writer(servers: () => ServeProcess[], prefix: string, signal: AbortSignal) {
  const acked = new Map<string, number>();
  let failures = 0;
  const done = (async () => {
    for (let i = 0; !signal.aborted; i++) {
      const name = `${prefix}-${i}`;
      for (let attempt = 0; !signal.aborted; attempt++) {
        const server = servers().find((s) => !s.ended);
        if (!server) throw new Error("no server left to write to");
        const http = client(server);
        try {
          const res = await http.fetch(CM, {
            method: "POST",
            body: JSON.stringify({ metadata: { name }, data: { i: String(i) } }),
            signal: AbortSignal.timeout(10_000),
          });
          const body = await res.json();
          if (res.status === 201) {
            acked.set(name, Number(body.metadata.resourceVersion));
            break;
          }
          // A retry of a create that landed: not acknowledged to us, but not lost either.
          if (res.status === 409 && attempt > 0) break;
          failures++;
        } catch {
          failures++;
        } finally {
          http.close();
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  return {
    acked,
    get failures() {
      return failures;
    },
    done,
  };
}

Deno.test({
  name: "failover: etcd leader and leading server killed mid-stream",
  ignore: etcdMissing !== undefined,
  // Servers are child processes and watches span the whole test.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using etcd = await startEtcd(3);
    const url = etcd.url("/failover");
    const a = await startServe(url, ELECTION);
    const b = await startServe(url, ELECTION, a);
    const all = [a, b];
    const stop = new AbortController();
    try {
      const lead = /leading: the controllers run/;
      const leader = await Promise.race(all.map((s) => s.waitFor(lead).then(() => s)));
      const survivor = leader === a ? b : a;
      const http = client(survivor);
      const list = await (await http.fetch(CM)).json();
      const from = list.metadata.resourceVersion;

      // Watches on each server, and writers through each (falling over to the other).
      const watchLeader = resumingWatch(() => [leader, survivor], from, stop.signal);
      const watchSurvivor = resumingWatch(() => [survivor, leader], from, stop.signal);
      const w1 = writer(() => [leader, survivor], "via-leader", stop.signal);
      const w2 = writer(() => [survivor, leader], "via-survivor", stop.signal);
      await new Promise((r) => setTimeout(r, 1500));

      // A namespace deletion for the controllers to finish after the failover.
      for (
        const [path, body] of [
          ["/api/v1/namespaces", { metadata: { name: "doomed" } }],
          ["/api/v1/namespaces/doomed/configmaps", { metadata: { name: "inside" } }],
        ] as const
      ) {
        const res = await http.fetch(path, { method: "POST", body: JSON.stringify(body) });
        assert.equal(res.status, 201, await res.text());
      }
      const ackedBefore = w1.acked.size + w2.acked.size;
      assert.ok(ackedBefore > 10, `only ${ackedBefore} writes before the kill`);

      const etcdLeader = await etcd.leader();
      const t0 = performance.now();
      await Promise.all([leader.kill(), etcd.kill(etcdLeader)]);
      const del = await http.fetch("/api/v1/namespaces/doomed", { method: "DELETE" })
        .catch(() => undefined);
      // The survivor's etcd client may first see the dead member: retry as a client would.
      if (del?.status !== 200) {
        await del?.body?.cancel();
        for (let i = 0; i < 100; i++) {
          const again = await http.fetch("/api/v1/namespaces/doomed", { method: "DELETE" })
            .catch(() => undefined);
          const status = again?.status;
          await again?.body?.cancel();
          if (status === 200 || status === 404 || status === 409) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      } else {
        await del.body?.cancel();
      }

      // The survivor takes the controllers over within the lease duration (plus slack).
      await survivor.waitFor(lead, LEASE_MS + 10_000);
      const tookOver = performance.now() - t0;
      assert.ok(tookOver <= LEASE_MS + 2000, `took over after ${tookOver.toFixed(0)} ms`);
      // ... and its namespace controller finishes the deletion.
      for (let i = 0;; i++) {
        const res = await http.fetch("/api/v1/namespaces/doomed");
        await res.body?.cancel();
        if (res.status === 404) break;
        assert.ok(i < 200, "the namespace was not deleted after the failover");
        await new Promise((r) => setTimeout(r, 50));
      }

      // Writes go on through the survivor (a write in flight at the kill can wait for etcd's
      // request timeout, about 6 s here, before it is retried).
      const afterKill = w1.acked.size + w2.acked.size;
      for (let i = 0; w1.acked.size + w2.acked.size < afterKill + 20; i++) {
        assert.ok(i < 400, `${w1.acked.size + w2.acked.size - afterKill} writes after the kill`);
        await new Promise((r) => setTimeout(r, 50));
      }
      stop.abort();
      await Promise.all([w1.done, w2.done]);
      const final = await (await http.fetch(CM)).json();
      const stored = new Map<string, number>(
        final.items.map((
          o: { metadata: { name: string; resourceVersion: string } },
        ) => [o.metadata.name, Number(o.metadata.resourceVersion)]),
      );
      for (const w of [w1, w2]) {
        for (const [name, rv] of w.acked) {
          assert.equal(stored.get(name), rv, `acknowledged ${name} at ${rv} is lost`);
        }
      }
      await Promise.allSettled([watchLeader.done, watchSurvivor.done]);
      http.close();

      // Both watches saw every acknowledged create once, in order, up to where they stopped.
      for (
        const [label, w] of [["leader's", watchLeader], ["survivor's", watchSurvivor]] as const
      ) {
        const revs = w.seen.map((e) => e.rv);
        for (let i = 1; i < revs.length; i++) {
          assert.ok(revs[i] > revs[i - 1], `${label} watch: ${revs[i]} after ${revs[i - 1]}`);
        }
        const names = new Set(w.seen.filter((e) => e.type === "ADDED").map((e) => e.name));
        const last = revs.at(-1) ?? 0;
        for (const ww of [w1, w2]) {
          for (const [name, rv] of ww.acked) {
            if (rv <= last) assert.ok(names.has(name), `${label} watch missed ${name} (${rv})`);
          }
        }
        assert.ok(w.seen.length >= ackedBefore, `${label} watch saw ${w.seen.length} events`);
      }
      assert.ok(watchLeader.resumes >= 1, "the leader's watch never had to resume");
    } finally {
      stop.abort();
      for (const s of all) await s.kill();
      for (const s of all) await Deno.remove(s.dir, { recursive: true }).catch(() => {});
    }
  },
});
