// Two `k1s serve` processes over one store (etcd, PostgreSQL) behave as one API server: a write
// through one is seen by a watch on the other, in order; list pages, continue tokens and
// resourceVersions move freely between them; optimistic concurrency holds across them; and the
// controllers run in exactly one of them, moving to the other when the leader is killed.
import assert from "node:assert/strict";
import { type EtcdCluster, etcdForFile, etcdMissing } from "./_etcd.ts";
import { freshSchema, postgres, postgresMissing } from "./_postgres.ts";
import { client, type ServeProcess, startServe } from "./_servers.ts";
import { Kubectl, kubectlPath } from "./_kubectl.ts";
import pgClient from "pg";

/** One etcd for this file (when etcd is here), killed when the process ends. */
const etcd: EtcdCluster | undefined = await etcdForFile();
let etcdStores = 0;

/** One PostgreSQL for this file (when PostgreSQL is here), stopped when the process ends. */
const pg = postgresMissing === undefined ? await postgres() : undefined;
const CI = Deno.env.get("CI") === "true";
if (postgresMissing !== undefined && !CI) {
  console.log(`skipping PostgreSQL tests: ${postgresMissing}`);
}

type Scheme = "etcd" | "postgres";

/** A fresh store URL: a new key prefix on the etcd, a new schema on the PostgreSQL. */
function freshStore(scheme: Scheme): string {
  if (scheme === "etcd") return etcd!.url(`/ms-${Date.now()}-${etcdStores++}`);
  return pg!.url({ schema: freshSchema() });
}

/** Why the tests of `scheme` cannot run (CI=true: they run and fail with it), else undefined. */
function missing(scheme: Scheme): string | undefined {
  return scheme === "etcd" ? etcdMissing : postgresMissing;
}

const LEASE_MS = 3000;
const LEADER_FLAGS = [
  `--leader-elect-lease-duration=${LEASE_MS / 1000}s`,
  "--leader-elect-renew-deadline=2s",
  "--leader-elect-retry-period=500ms",
];
const LEADING = /k1s serve: leading: the controllers run in this server/;

/** The newest installed kubectl minor version (1.27 … 1.33), if any. */
const KUBECTL_MINOR = [33, 32, 31, 30, 29, 28, 27].find((m) => kubectlPath(m) !== undefined);

type Fetcher = ReturnType<typeof client>;

/** Two servers A and B on one store, sharing CA, certificate and token; disposed together. */
interface Pair extends AsyncDisposable {
  store: string;
  a: ServeProcess;
  b: ServeProcess;
  ca: Fetcher;
  cb: Fetcher;
}

async function startPair(store: string): Promise<Pair> {
  const a = await startServe(store, LEADER_FLAGS);
  let b: ServeProcess;
  try {
    b = await startServe(store, LEADER_FLAGS, a);
  } catch (e) {
    await a.kill();
    throw e;
  }
  const ca = client(a);
  const cb = client(b);
  return {
    store,
    a,
    b,
    ca,
    cb,
    async [Symbol.asyncDispose]() {
      ca.close();
      cb.close();
      await Promise.all([a.kill(), b.kill()]);
      // A's directory (shared CA, certificate, token, its kubeconfig) and B's kubeconfig's.
      for (const dir of [a.dir, b.kubeconfig.slice(0, b.kubeconfig.lastIndexOf("/"))]) {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

// deno-lint-ignore no-explicit-any
type Json = any;

/** One request; the body is always read (and parsed when it is JSON). */
async function call(
  c: Fetcher,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await c.fetch(path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

/** A request that must answer one of `want` (200 or 201 by default); returns the parsed body. */
async function must(
  c: Fetcher,
  method: string,
  path: string,
  body?: unknown,
  want = [200, 201],
): Promise<Json> {
  const r = await call(c, method, path, body);
  assert.ok(
    want.includes(r.status),
    `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`,
  );
  return r.body;
}

const CMS = "/api/v1/namespaces/default/configmaps";

function configMap(name: string, data: Record<string, string>, ns = "default"): Json {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns }, data };
}

/** Waits until `check` holds (polling), or fails with `what`. */
async function until(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string | (() => string),
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error(`not within ${ms} ms: ${typeof what === "string" ? what : what()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An HTTP watch (JSON lines), its events collected as they come. */
class Watch {
  readonly events: { type: string; object: Json }[] = [];
  readonly #reader: ReadableStreamDefaultReader<string>;
  readonly #reading: Promise<void>;
  #error: unknown;

  private constructor(res: Response) {
    this.#reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    this.#reading = this.#read();
  }

  /** Starts `GET path` (a watch URL) and checks it is accepted. */
  static async start(c: Fetcher, path: string): Promise<Watch> {
    const res = await c.fetch(path);
    if (res.status !== 200) {
      const text = await res.text();
      throw new Error(`watch ${path}: ${res.status} ${text}`);
    }
    return new Watch(res);
  }

  async #read(): Promise<void> {
    let buf = "";
    try {
      for (;;) {
        const { value, done } = await this.#reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) this.events.push(JSON.parse(line));
        }
      }
    } catch (e) {
      this.#error = e;
    }
  }

  /** Waits for at least `n` events. */
  async waitFor(n: number, ms = 15_000): Promise<void> {
    await until(
      () => this.events.length >= n || this.#error !== undefined,
      ms,
      () => `${n} watch events, got ${this.events.length}: ${JSON.stringify(this.summary())}`,
    );
    if (this.events.length < n) throw new Error(`watch failed: ${this.#error}`);
  }

  summary(): string[] {
    return this.events.map((e) =>
      `${e.type} ${e.object?.metadata?.name} ${e.object?.metadata?.resourceVersion}`
    );
  }

  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.#reading;
  }
}

/** Runs kubectl and requires exit 0; returns stdout. */
async function kubectlOk(k: Kubectl, args: string[]): Promise<string> {
  const r = await k.run(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: exit ${r.code}\n${r.out}${r.err}`);
  return r.out;
}

const schemes: Scheme[] = ["etcd", "postgres"];

for (const scheme of schemes) {
  const ignore = missing(scheme) !== undefined && !CI;
  // The servers are child processes whose stderr is read to the end in the background by
  // tests/_servers.ts (after the test kills them); etcd and PostgreSQL are shared by the file.
  const base = { ignore, sanitizeOps: false, sanitizeResources: false };
  const need = () => {
    const why = missing(scheme);
    if (why !== undefined) throw new Error(`${scheme} tests cannot run (CI=true): ${why}`);
  };

  Deno.test({
    ...base,
    name: `${scheme}: writes through either server reach a watch on B, in order`,
    async fn() {
      need();
      await using p = await startPair(freshStore(scheme));
      const { ca, cb } = p;
      const start = await must(cb, "GET", CMS);
      const from = start.metadata.resourceVersion;
      assert.match(from, /^\d+$/);
      const watch = await Watch.start(cb, `${CMS}?watch=1&resourceVersion=${from}`);
      // And one on A from the same resourceVersion: both servers tell the same story.
      const watchA = await Watch.start(ca, `${CMS}?watch=1&resourceVersion=${from}`);
      try {
        /** What each write returned: type, name, and the resourceVersion (none for deletes). */
        const wrote: { type: string; name: string; rv?: string }[] = [];
        const last = new Map<string, Json>();
        const create = async (c: Fetcher, name: string) => {
          const o = await must(c, "POST", CMS, configMap(name, { v: "0" }), [201]);
          last.set(name, o);
          wrote.push({ type: "ADDED", name, rv: o.metadata.resourceVersion });
        };
        const update = async (c: Fetcher, name: string, v: string) => {
          const o = structuredClone(last.get(name));
          o.data = { v };
          const u = await must(c, "PUT", `${CMS}/${name}`, o, [200]);
          assert.equal(u.data.v, v);
          last.set(name, u);
          wrote.push({ type: "MODIFIED", name, rv: u.metadata.resourceVersion });
        };
        const remove = async (c: Fetcher, name: string) => {
          await must(c, "DELETE", `${CMS}/${name}`, undefined, [200]);
          last.delete(name);
          wrote.push({ type: "DELETED", name });
        };
        // 20 creates, every fourth through B; then updates and deletes, interleaved.
        for (let i = 0; i < 20; i++) {
          await create(i % 4 === 3 ? cb : ca, `w-${String(i).padStart(2, "0")}`);
        }
        for (let i = 0; i < 20; i += 3) {
          await update(i % 2 ? cb : ca, `w-${String(i).padStart(2, "0")}`, `u${i}`);
        }
        for (let i = 1; i < 20; i += 5) {
          await remove(i % 2 ? ca : cb, `w-${String(i).padStart(2, "0")}`);
        }
        await update(ca, "w-00", "again");
        await create(cb, "w-01"); // a name deleted above, created again through B

        // 30 creates at once, half through each server: the watch has them in the order of the
        // resourceVersions the writes returned.
        const burst = await Promise.all(
          [...Array(30).keys()].map(async (i) => {
            const name = `c-${String(i).padStart(2, "0")}`;
            const o = await must(i % 2 ? cb : ca, "POST", CMS, configMap(name, {}), [201]);
            last.set(name, o);
            return { type: "ADDED", name, rv: o.metadata.resourceVersion as string };
          }),
        );
        assert.equal(new Set(burst.map((w) => w.rv)).size, 30, "one resourceVersion per write");
        wrote.push(...burst.sort((x, y) => Number(x.rv) - Number(y.rv)));

        await watch.waitFor(wrote.length);
        // Nothing beyond the writes (no controller writes ConfigMaps in default).
        await sleep(300);
        const got = watch.events;
        assert.deepEqual(
          got.map((e) => `${e.type} ${e.object.metadata.name}`),
          wrote.map((w) => `${w.type} ${w.name}`),
          `events on B:\n${watch.summary().join("\n")}`,
        );
        const rvs = got.map((e) => Number(e.object.metadata.resourceVersion));
        for (let i = 1; i < rvs.length; i++) {
          assert.ok(rvs[i] > rvs[i - 1], `resourceVersions not increasing: ${rvs.join(",")}`);
        }
        assert.ok(rvs[0] > Number(from));
        await watchA.waitFor(wrote.length);
        assert.deepEqual(watchA.summary(), watch.summary());
        for (const [i, w] of wrote.entries()) {
          if (w.rv !== undefined) {
            assert.equal(got[i].object.metadata.resourceVersion, w.rv, `${w.type} ${w.name}`);
          }
        }
        // The objects in the events are whole ConfigMaps, as written.
        const lastUpdate = got.findLast((e) => e.type === "MODIFIED")!;
        assert.equal(lastUpdate.object.kind, "ConfigMap");
        assert.deepEqual(lastUpdate.object.data, { v: "again" });
        const recreated = got.findLast((e) => e.object.metadata.name === "w-01")!;
        assert.equal(recreated.type, "ADDED");
        assert.equal(recreated.object.metadata.uid, last.get("w-01").metadata.uid);
      } finally {
        await watch.close();
        await watchA.close();
      }

      // Both servers list the same objects at the same resourceVersions.
      const listA = await must(ca, "GET", CMS);
      const listB = await must(cb, "GET", CMS);
      const byName = (l: Json) =>
        l.items.map((i: Json) => `${i.metadata.name}@${i.metadata.resourceVersion}`);
      assert.deepEqual(byName(listA), byName(listB));
      assert.equal(listA.items.length, 20 - 4 + 1 + 30);

      // Real kubectl: apply through A, read through B.
      if (KUBECTL_MINOR === undefined) {
        if (CI) throw new Error("kubectl is not installed");
        console.log("skipped kubectl part: kubectl is not installed");
        return;
      }
      const dir = await Deno.makeTempDir({ prefix: "k1s-ms-kubectl-" });
      try {
        await Deno.mkdir(`${dir}/cache-a`);
        await Deno.mkdir(`${dir}/cache-b`);
        const ka = new Kubectl(KUBECTL_MINOR, p.a.kubeconfig, `${dir}/cache-a`);
        const kb = new Kubectl(KUBECTL_MINOR, p.b.kubeconfig, `${dir}/cache-b`);
        const file = `${dir}/cms.yaml`;
        const manifest = (v: string) =>
          ["k-app", "k-db"].map((n) =>
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  labels: {via: kubectl}\n` +
            `data:\n  v: "${v}"\n`
          ).join("---\n");
        await Deno.writeTextFile(file, manifest("1"));
        assert.equal(
          await kubectlOk(ka, ["apply", "-f", file]),
          "configmap/k-app created\nconfigmap/k-db created\n",
        );
        const getJson = async (k: Kubectl) =>
          JSON.parse(await kubectlOk(k, ["get", "cm", "-l", "via=kubectl", "-o", "json"]));
        const viaB = await getJson(kb);
        const viaA = await getJson(ka);
        assert.deepEqual(viaB.items.map((i: Json) => i.metadata.name), ["k-app", "k-db"]);
        assert.deepEqual(viaB.items, viaA.items);
        for (const item of viaB.items) {
          assert.deepEqual(item.data, { v: "1" });
          assert.ok(
            item.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"],
          );
        }
        // And the other way: apply a change through B, A sees it; applying again changes nothing.
        await Deno.writeTextFile(file, manifest("2"));
        assert.equal(
          await kubectlOk(kb, ["apply", "-f", file]),
          "configmap/k-app configured\nconfigmap/k-db configured\n",
        );
        assert.equal(
          await kubectlOk(ka, ["apply", "-f", file]),
          "configmap/k-app unchanged\nconfigmap/k-db unchanged\n",
        );
        const after = await getJson(ka);
        assert.deepEqual(after.items.map((i: Json) => i.data.v), ["2", "2"]);
        assert.deepEqual((await getJson(kb)).items, after.items);
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  });

  Deno.test({
    ...base,
    name: `${scheme}: list pages, continue tokens and resourceVersions work across servers`,
    async fn() {
      need();
      await using p = await startPair(freshStore(scheme));
      const { ca, cb } = p;
      const names = [...Array(10).keys()].map((i) => `p-${String(i).padStart(2, "0")}`);
      for (const [i, n] of names.entries()) {
        await must(i % 2 ? cb : ca, "POST", CMS, configMap(n, { v: "1" }), [201]);
      }

      // Pages of 3, alternating A, B, A, B; writes in between do not show in the pages.
      const first = await must(ca, "GET", `${CMS}?limit=3`);
      const listRv = first.metadata.resourceVersion;
      const seen: string[] = first.items.map((i: Json) => `${i.metadata.name}=${i.data.v}`);
      let token: string | undefined = first.metadata.continue;
      let pages = 1;
      while (token) {
        const c = pages % 2 ? cb : ca;
        // A write through the other server while paging.
        await must(pages % 2 ? ca : cb, "POST", CMS, configMap(`extra-${pages}`, {}), [201]);
        const page = await must(c, "GET", `${CMS}?limit=3&continue=${encodeURIComponent(token)}`);
        assert.equal(page.metadata.resourceVersion, listRv, `page ${pages + 1}`);
        seen.push(...page.items.map((i: Json) => `${i.metadata.name}=${i.data.v}`));
        token = page.metadata.continue || undefined;
        pages++;
      }
      assert.equal(pages, 4);
      assert.deepEqual(seen, names.map((n) => `${n}=1`));

      // A resourceVersion from A serves reads on B (not older than it).
      const made = await must(ca, "POST", CMS, configMap("rv", { v: "a" }), [201]);
      const rvA = made.metadata.resourceVersion;
      const got = await must(cb, "GET", `${CMS}/rv?resourceVersion=${rvA}`);
      assert.equal(got.metadata.resourceVersion, rvA);
      assert.deepEqual(got.data, { v: "a" });
      const listed = await must(
        cb,
        "GET",
        `${CMS}?resourceVersion=${rvA}&resourceVersionMatch=NotOlderThan`,
      );
      assert.ok(Number(listed.metadata.resourceVersion) >= Number(rvA));
      assert.ok(listed.items.some((i: Json) => i.metadata.name === "rv"));
      // …and starts a watch on B: only what came after it.
      const watch = await Watch.start(cb, `${CMS}?watch=1&resourceVersion=${rvA}`);
      try {
        // An update through B with A's object succeeds…
        const updatedOnB = await must(cb, "PUT", `${CMS}/rv`, { ...made, data: { v: "b" } }, [200]);
        assert.ok(Number(updatedOnB.metadata.resourceVersion) > Number(rvA));
        await watch.waitFor(1);
        await sleep(200);
        assert.deepEqual(watch.summary(), [`MODIFIED rv ${updatedOnB.metadata.resourceVersion}`]);
      } finally {
        await watch.close();
      }
      // …and the now stale resourceVersion is a conflict on either server.
      for (const [who, c] of [["A", ca], ["B", cb]] as const) {
        const stale = await call(c, "PUT", `${CMS}/rv`, { ...made, data: { v: `stale-${who}` } });
        assert.equal(stale.status, 409, `${who}: ${JSON.stringify(stale.body)}`);
        assert.equal(stale.body.kind, "Status");
        assert.equal(stale.body.reason, "Conflict");
      }
      for (const c of [ca, cb]) {
        assert.deepEqual((await must(c, "GET", `${CMS}/rv`)).data, { v: "b" });
      }
    },
  });

  Deno.test({
    ...base,
    name: `${scheme}: one server runs the controllers; when it is killed the other takes over`,
    async fn() {
      need();
      await using p = await startPair(freshStore(scheme));
      const servers = [
        { name: "A", s: p.a, c: p.ca },
        { name: "B", s: p.b, c: p.cb },
      ];
      await until(
        () => servers.some((x) => LEADING.test(x.s.log())),
        4 * LEASE_MS,
        () => `a leader:\nA: ${p.a.log()}\nB: ${p.b.log()}`,
      );
      const since = Date.now();
      const leader = servers.find((x) => LEADING.test(x.s.log()))!;
      const other = servers.find((x) => x !== leader)!;
      const lease = () =>
        must(
          other.c,
          "GET",
          "/apis/coordination.k8s.io/v1/namespaces/default/leases/k1s-controllers",
        );
      const first = await lease();
      const firstHolder = first.spec.holderIdentity;
      assert.ok(firstHolder, JSON.stringify(first));

      /** Creates a namespace with a ConfigMap in it through `c`. */
      const namespaceWithConfigMap = async (c: Fetcher, ns: string) => {
        await must(c, "POST", "/api/v1/namespaces", {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: ns },
        }, [201]);
        await must(c, "POST", `/api/v1/namespaces/${ns}/configmaps`, configMap("cm", {}, ns), [
          201,
        ]);
      };
      /** Waits until the namespace and its ConfigMap are gone, as every live server sees it. */
      const namespaceGone = async (ns: string) => {
        for (const x of servers.filter((x) => !x.s.ended)) {
          await until(
            async () => (await call(x.c, "GET", `/api/v1/namespaces/${ns}`)).status === 404,
            15_000,
            `namespace ${ns} gone (seen through ${x.name})`,
          );
          assert.equal(
            (await call(x.c, "GET", `/api/v1/namespaces/${ns}/configmaps/cm`)).status,
            404,
          );
          const left = await must(x.c, "GET", `/api/v1/namespaces/${ns}/configmaps`);
          assert.deepEqual(left.items, []);
        }
      };
      // Through the server that does not lead: the leader's controller finalizes it.
      await namespaceWithConfigMap(other.c, "ms-first");
      await must(other.c, "DELETE", "/api/v1/namespaces/ms-first", undefined, [200, 202]);
      await namespaceGone("ms-first");

      // Exactly one leads, for a few lease durations.
      await sleep(Math.max(0, since + 2 * LEASE_MS - Date.now()));
      assert.ok(!LEADING.test(other.s.log()), `both lead:\n${other.s.log()}`);
      assert.ok(!/no longer leading/.test(leader.s.log()), leader.s.log());
      assert.equal((await lease()).spec.holderIdentity, firstHolder);

      // SIGKILL the leader, then delete a namespace: it waits, Terminating, for a leader…
      await namespaceWithConfigMap(other.c, "ms-second");
      const killed = Date.now();
      await leader.s.kill("SIGKILL");
      await must(other.c, "DELETE", "/api/v1/namespaces/ms-second", undefined, [200, 202]);
      const pending = await must(other.c, "GET", "/api/v1/namespaces/ms-second");
      assert.equal(pending.status?.phase, "Terminating", JSON.stringify(pending));
      assert.ok(pending.metadata.deletionTimestamp);
      // …the other server leads within a lease duration (+2 s)…
      await other.s.waitFor(LEADING, LEASE_MS + 2000);
      const took = Date.now() - killed;
      assert.ok(took <= LEASE_MS + 2000, `took over after ${took} ms`);
      const second = await lease();
      assert.ok(second.spec.holderIdentity, JSON.stringify(second));
      assert.notEqual(second.spec.holderIdentity, firstHolder);
      // …and its controllers finish the deletion.
      await namespaceGone("ms-second");

      // A rolling restart: a third server joins; the leader stopped with SIGTERM releases the
      // lease, so the newcomer leads well before the lease would have expired.
      const c = await startServe(p.store, LEADER_FLAGS, p.a);
      try {
        await sleep(1000);
        assert.ok(!LEADING.test(c.log()), `two leaders:\n${c.log()}`);
        const stopped = Date.now();
        await other.s.kill("SIGTERM");
        await other.s.waitFor(/k1s serve: stopped\n/, 2000);
        // Without the release it could not lead before the lease expires (2.5 s at the least).
        await c.waitFor(LEADING, 2000);
        const handover = Date.now() - stopped;
        assert.ok(handover < 2000, `handed over after ${handover} ms`);
      } finally {
        await c.kill();
        await Deno.remove(c.kubeconfig.slice(0, c.kubeconfig.lastIndexOf("/")), {
          recursive: true,
        }).catch(() => {});
      }
    },
  });
}

Deno.test({
  name: "postgres: both servers survive their database connections being killed",
  ignore: postgresMissing !== undefined && !CI,
  // As above: server processes, and the file's shared PostgreSQL.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    if (postgresMissing !== undefined) {
      throw new Error(`postgres tests cannot run (CI=true): ${postgresMissing}`);
    }
    await using p = await startPair(freshStore("postgres"));
    const { ca, cb } = p;
    const before = await must(ca, "POST", CMS, configMap("before", {}), [201]);
    const watch = await Watch.start(
      cb,
      `${CMS}?watch=1&resourceVersion=${before.metadata.resourceVersion}`,
    );
    try {
      await must(ca, "POST", CMS, configMap("w-1", {}), [201]);
      await watch.waitFor(1);
      // Every connection of both servers (pools and LISTEN) is cut, as a database restart would.
      const admin = new pgClient.Client({ connectionString: pg!.url() });
      await admin.connect();
      try {
        const r = await admin.query(
          `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
           WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        );
        assert.ok(Number(r.rows[0].n) >= 2, `terminated ${r.rows[0].n} connections`);
      } finally {
        await admin.end();
      }
      // Requests may fail for a moment, but the servers stay up and come back.
      for (const [who, c] of [["A", ca], ["B", cb]] as const) {
        await until(
          async () => (await call(c, "GET", `${CMS}/before`)).status === 200,
          10_000,
          `${who} reads again`,
        );
      }
      assert.ok(!p.a.ended && !p.b.ended, `a server ended:\n${p.a.log()}\n${p.b.log()}`);
      let made: Json;
      await until(
        async () => {
          const r = await call(ca, "POST", CMS, configMap("w-2", {}));
          if (r.status === 201) made = r.body;
          return r.status === 201 || r.status === 409;
        },
        10_000,
        "a write through A",
      );
      // The watch on B goes on: the write after the cut reaches it.
      await until(
        () => watch.events.some((e) => e.object?.metadata?.name === "w-2"),
        10_000,
        () => `w-2 on B's watch: ${watch.summary().join(", ")}`,
      );
      const w2 = watch.events.find((e) => e.object?.metadata?.name === "w-2")!;
      if (made) assert.equal(w2.object.metadata.resourceVersion, made.metadata.resourceVersion);
      assert.deepEqual(watch.summary().map((l) => l.split(" ").slice(0, 2).join(" ")), [
        "ADDED w-1",
        "ADDED w-2",
      ]);
    } finally {
      await watch.close();
    }
  },
});
