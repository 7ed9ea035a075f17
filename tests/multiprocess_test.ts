// Several real processes on one SQLite file, one Deno KV file, one etcd or one PostgreSQL.
import assert from "node:assert/strict";
import { ConfigMap, createRuntime } from "@k1s/k1s";
import { type EtcdCluster, etcdForFile } from "./_etcd.ts";
import { freshSchema, postgres, postgresMissing } from "./_postgres.ts";

const worker = new URL("./fixtures/configmap_worker.ts", import.meta.url).pathname;
const config = new URL("../deno.json", import.meta.url).pathname;

function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", config, worker, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(p: Deno.ChildProcess): Promise<string> {
  const out = await p.output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return text;
}

/** One etcd for this file (when etcd is here), killed when the process ends. */
const etcd: EtcdCluster | undefined = await etcdForFile();
let etcdStores = 0;

/** One PostgreSQL for this file (when PostgreSQL is here), stopped when the process ends. */
const pg = postgresMissing === undefined ? await postgres() : undefined;

type Scheme = "sqlite" | "kv" | "etcd" | "postgres";

async function tempStore(
  scheme: Scheme,
): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (scheme === "etcd") {
    return {
      url: etcd!.url(`/mp-${Date.now()}-${etcdStores++}`),
      cleanup: () => Promise.resolve(),
    };
  }
  if (scheme === "postgres") {
    return { url: pg!.url({ schema: freshSchema() }), cleanup: () => Promise.resolve() };
  }
  const dir = await Deno.makeTempDir({ prefix: "k1s-mp-" });
  return {
    url: `${scheme}:${dir}/store.db`,
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

const schemes: Scheme[] = ["sqlite", "kv"];
if (etcd) schemes.push("etcd");
if (pg) schemes.push("postgres");

for (const scheme of schemes) {
  /** The engine's revision counter goes up by one per write (not so on etcd). */
  const consecutive = scheme !== "etcd";
  Deno.test(`${scheme}: 4 processes increment one ConfigMap with retry-on-conflict`, async () => {
    const { url, cleanup } = await tempStore(scheme);
    try {
      {
        await using rt = await createRuntime({ store: url, compaction: false });
        await rt.client.create(ConfigMap, { metadata: { name: "counter" }, data: { count: "0" } });
      }
      const procs = [0, 1, 2, 3].map(() => spawn(["increment", url, "25"]));
      await Promise.all(procs.map(finish));
      await using rt = await createRuntime({ store: url, compaction: false });
      const cm = await rt.client.get(ConfigMap, "counter");
      assert.equal(cm.data?.count, "100");
    } finally {
      await cleanup();
    }
  });

  Deno.test(`${scheme}: 4 processes x 50 concurrent patches of one object all land`, async () => {
    const { url, cleanup } = await tempStore(scheme);
    try {
      let before: number;
      {
        await using rt = await createRuntime({ store: url, compaction: false });
        const cm = await rt.client.create(ConfigMap, { metadata: { name: "shared" } });
        before = Number(cm.metadata.resourceVersion);
      }
      const procs = ["p0", "p1", "p2", "p3"].map((id) => spawn(["patch", url, "50", id]));
      for (const out of await Promise.all(procs.map(finish))) assert.equal(out.trim(), "done");
      await using rt = await createRuntime({ store: url, compaction: false });
      const cm = await rt.client.get(ConfigMap, "shared");
      assert.equal(Object.keys(cm.data ?? {}).length, 200);
      // One write per patch, nothing lost and nothing doubled.
      if (consecutive) assert.equal(Number(cm.metadata.resourceVersion), before + 200);
      else assert.ok(Number(cm.metadata.resourceVersion) >= before + 200);
    } finally {
      await cleanup();
    }
  });

  Deno.test(`${scheme}: pages of a list stay one snapshot while another process writes`, async () => {
    const { url, cleanup } = await tempStore(scheme);
    try {
      await using rt = await createRuntime({ store: url, compaction: false });
      for (let i = 0; i < 10; i++) {
        await rt.client.create(ConfigMap, { metadata: { name: `page-${i}` }, data: { v: "1" } });
      }
      const first = await rt.client.list(ConfigMap, { limit: 4 });
      assert.equal((await finish(spawn(["churn", url]))).trim(), "done");
      const seen = [...first.items];
      let token = first.metadata.continue;
      while (token) {
        const page = await rt.client.list(ConfigMap, { limit: 4, continue: token });
        assert.equal(page.metadata.resourceVersion, first.metadata.resourceVersion);
        seen.push(...page.items);
        token = page.metadata.continue;
      }
      assert.deepEqual(
        seen.map((cm) => `${cm.metadata.name}=${cm.data?.v}`),
        [...Array(10).keys()].map((i) => `page-${i}=1`),
      );
      const now = await rt.client.list(ConfigMap);
      assert.deepEqual(now.items.map((cm) => cm.metadata.name), [
        "page-0",
        "page-0a",
        "page-2",
        "page-3",
        "page-4",
        "page-5",
        "page-5a",
        "page-6",
        "page-8",
        "page-9",
      ]);
    } finally {
      await cleanup();
    }
  });

  Deno.test(`${scheme}: a watcher process sees every write of another process in order`, async () => {
    const { url, cleanup } = await tempStore(scheme);
    try {
      let from: string;
      {
        await using rt = await createRuntime({ store: url, compaction: false });
        from = String(await rt.store.currentRevision());
      }
      const watcher = spawn(["watch", url, from, "40"]);
      const reader = watcher.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      while (!buf.includes("ready\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
      }
      const written = (await finish(spawn(["write", url, "w", "40"]))).trim().split("\n").map(
        Number,
      );
      while (buf.split("\n").filter((l) => l.startsWith("{")).length < 40) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
      }
      reader.releaseLock();
      const status = await watcher.status;
      watcher.stderr.cancel();
      assert.equal(status.code, 0);
      const events = buf.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
      assert.deepEqual(events.map((e) => e.rv), written);
      assert.deepEqual(events.map((e) => e.name), written.map((_, i) => `w-${i}`));
      assert.ok(events.every((e) => e.type === "ADDED"));
    } finally {
      await cleanup();
    }
  });

  Deno.test(`${scheme}: a writer killed with SIGKILL loses no acknowledged write`, async () => {
    const { url, cleanup } = await tempStore(scheme);
    try {
      const writer = spawn(["write", url, "k", "100000"]);
      const reader = writer.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      while (buf.split("\n").length < 200) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
      }
      writer.kill("SIGKILL");
      // Everything printed before the kill was acknowledged.
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
      }
      await writer.status;
      writer.stderr.cancel();
      const acked = buf.split("\n").filter((l) => /^\d+$/.test(l)).length;
      assert.ok(acked >= 199);
      await using rt = await createRuntime({ store: url, compaction: false });
      const list = await rt.client.list(ConfigMap);
      const names = new Set(list.items.map((i) => i.metadata.name));
      for (let i = 0; i < acked; i++) assert.ok(names.has(`k-${i}`), `k-${i} lost`);
      // The store stays writable.
      await rt.client.create(ConfigMap, { metadata: { name: "after-crash" } });
      assert.ok((await rt.client.get(ConfigMap, "after-crash")).metadata.uid);
    } finally {
      await cleanup();
    }
  });
}
