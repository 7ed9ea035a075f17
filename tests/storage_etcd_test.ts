// The etcd store: the conformance suite and etcd's own concerns, against an etcd started here.
import assert from "node:assert/strict";
import { runStoreConformance } from "../src/storage/conformance.ts";
import { openEtcdStore, parseEtcdUrl } from "../src/storage/etcd.ts";
import { openStore, StoreError } from "../src/storage/mod.ts";
import { type EtcdCluster, etcdForFile, etcdMissing } from "./_etcd.ts";
import { lines } from "./_lines.ts";
import { spawnWorker } from "./_storage_worker.ts";

const ignore = etcdMissing !== undefined;
/** One etcd for this file (when etcd is here), killed when the process ends. */
const etcd: EtcdCluster | undefined = await etcdForFile();

let n = 0;
const fresh = () => etcd!.url(`/t${Date.now().toString(36)}-${n++}`);

if (!ignore) {
  runStoreConformance("etcd", () => openEtcdStore(fresh()), { sharedRevisions: true });
}

Deno.test({ name: "etcd: URLs", ignore }, async () => {
  const u = parseEtcdUrl("etcd://u:p%40ss@10.0.0.1:2379,10.0.0.2:2379/k1s/?cacert=/ca.pem");
  assert.deepEqual(u.endpoints, ["10.0.0.1:2379", "10.0.0.2:2379"]);
  assert.equal(u.prefix, "/k1s");
  assert.equal(u.username, "u");
  assert.equal(u.password, "p@ss");
  assert.equal(u.params.get("cacert"), "/ca.pem");
  assert.throws(() => parseEtcdUrl("etcd:///k1s"), /names no endpoint/);
  assert.throws(() => parseEtcdUrl("etcd://host/k1s"), /HOST:PORT/);
  assert.throws(() => parseEtcdUrl("etcd://h:1/x?bogus=1"), /unknown parameter bogus/);
  await assert.rejects(openStore("etcd://h:1/x?compactKeep=-1"), TypeError);
  // The password never shows in messages.
  assert.throws(() => parseEtcdUrl("etcd://u:secret@h:1/x?nope=1"), (e: Error) => {
    assert.doesNotMatch(e.message, /secret/);
    return true;
  });
});

Deno.test({ name: "etcd: an unreachable etcd is a clear unavailable error", ignore }, async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const t0 = Date.now();
  await assert.rejects(openStore(`etcd://127.0.0.1:${port}/x?dialTimeoutMs=500`), (e) => {
    assert.ok(e instanceof StoreError && e.code === "unavailable", String(e));
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    return true;
  });
  assert.ok(Date.now() - t0 < 5000);
});

Deno.test(
  { name: "etcd: stores under different prefixes do not see each other", ignore },
  async () => {
    const base = fresh();
    await using a = await openStore(`${base}/a`);
    await using a2 = await openStore(`${base}/a2`);
    await a.create("/k", "A");
    await a2.create("/k", "A2");
    assert.deepEqual((await a.list("")).items.map((i) => i.value), ["A"]);
    assert.equal(await a.count(""), 1);
    assert.deepEqual((await a2.changes("", (await a2.currentRevision()) - 2)).map((e) => e.value), [
      "A2",
    ]);
  },
);

Deno.test({ name: "etcd: values over etcd's request limit are too-large", ignore }, async () => {
  await using s = await openStore(fresh());
  await assert.rejects(s.create("/big", "x".repeat(2 * 1024 * 1024)), (e) => {
    assert.ok(e instanceof StoreError && e.code === "too-large", String(e));
    return true;
  });
  assert.equal(await s.get("/big"), undefined);
});

Deno.test(
  { name: "etcd: the compaction point is kube-apiserver's compact_rev_key", ignore },
  async () => {
    await using s = await openStore(fresh());
    const r = await s.create("/a", "1");
    await s.update("/a", "2", r);
    const cur = await s.currentRevision();
    await s.compact(cur);
    const out = await new Deno.Command("etcdctl", {
      args: [
        "--endpoints",
        etcd!.members[0].endpoint,
        "get",
        "compact_rev_key",
        "--print-value-only",
      ],
      env: { ETCDCTL_API: "3" },
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout).trim(), String(cur));
    // A second store (another server) on the same etcd knows the point.
    await using other = await openStore(fresh());
    assert.equal(await other.compactedRevision(), cur);
  },
);

// ---------------------------------------------------------------- several processes

Deno.test(
  { name: "etcd: 4 processes x 50 compare-and-swap increments lose nothing", ignore },
  async () => {
    const url = fresh();
    await using store = await openStore(url);
    await store.create("/counter", "0");
    const procs = [0, 1, 2, 3].map(() => spawnWorker(["increment", url, "/counter", "50"]));
    const outputs = procs.map((p) => lines(p.stdout));
    for (const o of outputs) assert.equal((await o.next()).value, "ready");
    await store.create("/go", "");
    for (const o of outputs) assert.match((await o.next()).value as string, /^done \d+$/);
    for (const p of procs) {
      const st = await p.status;
      assert.equal(st.code, 0, new TextDecoder().decode(await p.stderr.bytes?.() ?? []));
    }
    assert.equal((await store.get("/counter"))?.value, "200");
  },
);

Deno.test(
  { name: "etcd: a watcher sees every write of another process, in order", ignore },
  async () => {
    const url = fresh();
    await using store = await openStore(url);
    const from = await store.currentRevision();
    const ac = new AbortController();
    const events = store.watch("/mp/", from, { signal: ac.signal });
    const n = 200;
    const writer = spawnWorker(["write", url, "/mp/k", String(n), "2"]);
    const got: { revision: number; key: string; value?: string }[] = [];
    for await (const ev of events) {
      got.push(ev);
      if (got.length === n) break;
    }
    ac.abort();
    const out = await writer.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const acked = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => l.split(" "));
    assert.deepEqual(got.map((e) => e.revision), acked.map((a) => Number(a[0])));
    assert.deepEqual(got.map((e) => e.value), acked.map((a) => a[2]));
    // The same history from changes(), and strictly increasing revisions.
    assert.deepEqual(
      (await store.changes("/mp/", from)).map((e) => e.revision),
      got.map((e) => e.revision),
    );
    for (let i = 1; i < n; i++) assert.ok(got[i].revision > got[i - 1].revision);
  },
);

Deno.test(
  { name: "etcd: a writer killed with SIGKILL loses no acknowledged write", ignore },
  async () => {
    const url = fresh();
    const writer = spawnWorker(["write", url, "/kill/k", "1000000", "0"]);
    const acked: string[][] = [];
    for await (const line of lines(writer.stdout)) {
      acked.push(line.split(" "));
      if (acked.length === 200) writer.kill("SIGKILL");
    }
    assert.equal((await writer.status).signal, "SIGKILL");
    await writer.stderr.cancel();
    await using store = await openStore(url);
    for (const [rev, key, value] of acked) {
      const kv = await store.get(key);
      assert.ok(kv, `acknowledged ${key} at ${rev} is missing`);
      assert.equal(kv.revision, Number(rev));
      assert.equal(kv.value, value);
    }
  },
);

Deno.test({ name: "etcd: a list larger than gRPC's default message limit", ignore }, async () => {
  await using s = await openStore(fresh());
  const value = "v".repeat(100 * 1024);
  const keys = Array.from({ length: 60 }, (_, i) => `/big/${String(i).padStart(3, "0")}`);
  for (const k of keys) await s.create(k, value);
  const all = await s.list("/big/");
  assert.equal(all.items.length, 60); // 6 MiB in one answer
  assert.equal(all.items[59].value.length, value.length);
  const from = all.items[0].revision - 1;
  assert.equal((await s.changes("/big/", from)).length, 60);
});

/**
 * A TCP proxy to etcd that can hold back what etcd answers and then cut the connection, so a
 * write is applied but its answer never arrives.
 */
function lossyProxy(target: string) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  let hold = false;
  const [host, port] = target.split(":");
  (async () => {
    for await (const client of listener) {
      const upstream = await Deno.connect({ hostname: host, port: Number(port) });
      conns.add(client).add(upstream);
      const pipe = async (from: Deno.Conn, to: Deno.Conn, held: boolean) => {
        const buf = new Uint8Array(64 * 1024);
        try {
          for (;;) {
            const n = await from.read(buf);
            if (n === null) break;
            if (held && hold) continue; // dropped: the answer never arrives
            let off = 0;
            while (off < n) off += await to.write(buf.subarray(off, n));
          }
        } catch { /* cut */ }
        for (const c of [from, to]) {
          try {
            c.close();
          } catch { /* closed */ }
          conns.delete(c);
        }
      };
      pipe(client, upstream, false);
      pipe(upstream, client, true);
    }
  })().catch(() => {});
  return {
    endpoint: `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    holdAnswers() {
      hold = true;
    },
    /** Closes every connection (the held answers are lost) and lets later ones through. */
    cut() {
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      conns.clear();
      hold = false;
    },
    close() {
      this.cut();
      listener.close();
    },
  };
}

Deno.test({
  name: "etcd: a write whose answer was lost is recognised on the retry, not a conflict",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const proxy = lossyProxy(etcd!.members[0].endpoint);
  const prefix = `/lost-${Date.now()}`;
  await using direct = await openStore(etcd!.url(prefix));
  await using s = await openStore(`etcd://${proxy.endpoint}${prefix}`);
  try {
    /** Runs `write` with its answer lost once etcd has applied it (`applied` says when). */
    const lose = async <T>(write: () => Promise<T>, applied: () => Promise<boolean>) => {
      proxy.holdAnswers();
      const result = write();
      for (let i = 0; !(await applied()); i++) {
        assert.ok(i < 200, "the write never reached etcd");
        await new Promise((r) => setTimeout(r, 10));
      }
      proxy.cut();
      return await result;
    };
    const r1 = await lose(() => s.create("/k", "v1"), async () => !!(await direct.get("/k")));
    assert.equal((await direct.get("/k"))?.revision, r1);
    const r2 = await lose(
      () => s.update("/k", "v2", r1),
      async () => (await direct.get("/k"))?.value === "v2",
    );
    assert.deepEqual(await direct.get("/k"), {
      key: "/k",
      value: "v2",
      revision: r2,
      createRevision: r1,
    });
    const d = await lose(() => s.delete("/k", r2), async () => !(await direct.get("/k")));
    assert.equal(d.prev.value, "v2");
    assert.equal(d.prev.revision, r2);
    // Each write happened once.
    assert.deepEqual(
      (await direct.changes("/", r1 - 1)).map((e) => [e.type, e.revision]),
      [["put", r1], ["put", r2], ["delete", d.revision]],
    );
  } finally {
    proxy.close();
  }
});
