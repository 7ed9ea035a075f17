// What operator authors hit in the controller runtime: shutdown when the runtime closes, and the
// finalizer helper under concurrent writers.
import assert from "node:assert/strict";
import {
  ConfigMap,
  connect,
  controllerFor,
  CONTROLLERS_LEASE,
  createRuntime,
  finalizer,
  ignoreNotFound,
  isConflict,
  Lease,
  Manager,
  microTime,
  Namespace,
  retryOnConflict,
  stripForCache,
} from "@k1s/k1s";
import { openMemoryStore } from "@k1s/k1s/storage/memory";
import { serve } from "@k1s/k1s/server";

function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  return (async () => {
    while (!(await cond())) {
      if (Date.now() > end) throw new Error("condition not met in time");
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
}

/** Resolves with `p`, or rejects when it takes longer than `ms` (the defect was a hang). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms);
    }),
  ]);
}

Deno.test("closing the runtime stops the managers it made, and waits for their reconciles", async () => {
  const rt = await createRuntime();
  const seen: string[] = [];
  let finishedInFlight = false;
  const mgr = rt.manager();
  mgr.add(
    controllerFor(ConfigMap).complete(async (req) => {
      seen.push(req.name);
      if (req.name === "slow") {
        await new Promise((r) => setTimeout(r, 100));
        finishedInFlight = true;
      }
    }),
  );
  const bare = new Manager(rt);
  bare.add(controllerFor(ConfigMap).named("bare").complete(() => {}));
  const never = new AbortController();
  const a = mgr.start(never.signal);
  const b = bare.start(never.signal);
  await rt.client.create(ConfigMap, { metadata: { name: "slow", namespace: "default" } });
  while (!seen.includes("slow")) await new Promise((r) => setTimeout(r, 5));
  await within(rt.close(), 5000, "rt.close()");
  // The in-flight reconcile finished before the store closed.
  assert.ok(finishedInFlight);
  assert.deepEqual(await within(a, 1000, "rt.manager().start()"), { unfinished: [] });
  assert.deepEqual(await within(b, 1000, "new Manager(rt).start()"), { unfinished: [] });
});

Deno.test("a manager is AsyncDisposable: leaving its scope stops it", async () => {
  await using rt = await createRuntime();
  let run: Promise<unknown>;
  {
    await using mgr = rt.manager({ systemControllers: false });
    mgr.add(controllerFor(ConfigMap).complete(() => {}));
    run = mgr.start(new AbortController().signal);
    await mgr.informers.waitForSync();
  }
  assert.deepEqual(await within(run, 1000, "start() after disposal"), { unfinished: [] });
  // Stopped managers start again.
  const mgr = rt.manager({ systemControllers: false });
  const stop = new AbortController();
  const again = mgr.start(stop.signal);
  stop.abort();
  await within(again, 1000, "second start()");
});

Deno.test("a manager over a store that someone else closes stops instead of retrying forever", async () => {
  const store = openMemoryStore();
  const rt = await createRuntime({ store });
  const mgr = new Manager({ client: rt.client, registry: rt.registry, store: rt.store }, {
    onError: () => {},
  });
  mgr.add(controllerFor(ConfigMap).complete(() => {}));
  const run = mgr.start(new AbortController().signal);
  await mgr.informers.waitForSync();
  await store.close();
  await within(run, 2000, "start() on a closed store");
  await rt.close();
});

Deno.test("closing a connection stops the managers made over it", async () => {
  await using rt = await createRuntime();
  const server = await serve(rt, { port: 0 });
  try {
    const remote = await connect({ server: server.url });
    const mgr = remote.manager();
    mgr.add(controllerFor(ConfigMap).complete(() => {}));
    const run = mgr.start(new AbortController().signal);
    await mgr.informers.waitForSync();
    await within(remote.close(), 3000, "remote.close()");
    await within(run, 1000, "start() after remote.close()");
  } finally {
    await server.shutdown();
  }
});

Deno.test("finalizer: other writers do not make cleanup run again", async () => {
  await using rt = await createRuntime();
  const fin = "example.com/bucket";
  await rt.client.create(ConfigMap, {
    metadata: { name: "db", namespace: "default", finalizers: [fin, "other.example.com/x"] },
  });
  await rt.client.delete(ConfigMap, "db", { namespace: "default" });
  const terminating = await rt.client.get(ConfigMap, "db", { namespace: "default" });
  // Another controller labels the object after we read it.
  await rt.client.patch(ConfigMap, "db", { metadata: { labels: { seen: "yes" } } }, {
    namespace: "default",
  });
  let cleanups = 0;
  await finalizer(rt.client, ConfigMap, fin, terminating, {
    apply: () => assert.fail("apply runs only on live objects"),
    cleanup: () => void cleanups++,
  });
  assert.equal(cleanups, 1);
  const after = await rt.client.get(ConfigMap, "db", { namespace: "default" });
  assert.deepEqual(after.metadata.finalizers, ["other.example.com/x"]);
  assert.equal(after.metadata.labels?.seen, "yes");
});

Deno.test("finalizer: adding it tolerates unrelated writes and conflicts on a changed list", async () => {
  await using rt = await createRuntime();
  const fin = "example.com/bucket";
  const handlers = { apply: () => {}, cleanup: () => {} };
  const stale = await rt.client.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
  });
  await rt.client.patch(ConfigMap, "a", { data: { k: "v" } }, { namespace: "default" });
  await finalizer(rt.client, ConfigMap, fin, stale, handlers);
  assert.deepEqual(
    (await rt.client.get(ConfigMap, "a", { namespace: "default" })).metadata.finalizers,
    [fin],
  );

  const b = await rt.client.create(ConfigMap, { metadata: { name: "b", namespace: "default" } });
  await rt.client.patch(ConfigMap, "b", { metadata: { finalizers: ["other.example.com/x"] } }, {
    namespace: "default",
  });
  const err = await finalizer(rt.client, ConfigMap, fin, b, handlers).then(
    () => assert.fail("expected a conflict"),
    (e) => e,
  );
  assert.ok(isConflict(err), String(err));
  assert.equal(
    err.message,
    `Operation cannot be fulfilled on configmaps "b": Cannot add finalizer "${fin}": ` +
      "metadata.finalizers changed since the object was read; retry with the current object",
  );
  // retryOnConflict with a fresh read succeeds.
  await retryOnConflict(async () => {
    const cur = await rt.client.get(ConfigMap, "b", { namespace: "default" });
    await finalizer(rt.client, ConfigMap, fin, cur, handlers);
  });
  assert.deepEqual(
    (await rt.client.get(ConfigMap, "b", { namespace: "default" })).metadata.finalizers,
    ["other.example.com/x", fin],
  );
});

Deno.test("finalizer: removing it conflicts when its entry moved, and cleanup is retried", async () => {
  await using rt = await createRuntime();
  const fin = "example.com/bucket";
  await rt.client.create(ConfigMap, {
    metadata: { name: "c", namespace: "default", finalizers: ["first.example.com/x", fin] },
  });
  await rt.client.delete(ConfigMap, "c", { namespace: "default" });
  const read = await rt.client.get(ConfigMap, "c", { namespace: "default" });
  // The other finalizer is removed, so ours moves to index 0.
  await rt.client.patch(ConfigMap, "c", { metadata: { finalizers: [fin] } }, {
    namespace: "default",
  });
  let cleanups = 0;
  const handlers = { apply: () => {}, cleanup: () => void cleanups++ };
  await assert.rejects(finalizer(rt.client, ConfigMap, fin, read, handlers), isConflict);
  const fresh = await rt.client.get(ConfigMap, "c", { namespace: "default" });
  await finalizer(rt.client, ConfigMap, fin, fresh, handlers);
  assert.equal(cleanups, 2);
  await assert.rejects(rt.client.get(ConfigMap, "c", { namespace: "default" }));
});

Deno.test("leader election: of two managers on one store exactly one reconciles; a release hands over", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = `sqlite:${dir}/k1s.db`;
    await using a = await createRuntime({ store });
    await using b = await createRuntime({ store });
    const seen: Record<string, string[]> = { a: [], b: [] };
    const make = (rt: typeof a, who: "a" | "b") => {
      const mgr = rt.manager({ systemControllers: false });
      mgr.add(controllerFor(ConfigMap).complete((req) => void seen[who].push(req.name)));
      return mgr;
    };
    const ma = make(a, "a");
    const mb = make(b, "b");
    const election = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 100 };
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runA = ma.start(stopA.signal, { leaderElection: { ...election, identity: "a" } });
    await until(() => ma.isLeader());
    const runB = mb.start(stopB.signal, { leaderElection: { ...election, identity: "b" } });
    await until(() => mb.leader() === "a");
    await a.client.create(ConfigMap, { metadata: { name: "one", namespace: "default" } });
    await until(() => seen.a.includes("one"));
    assert.equal(mb.isLeader(), false);
    assert.deepEqual(seen.b, []);
    // The CLI's triggered runs leave the work to the live leader.
    const skipped = await b.settle();
    assert.equal(skipped.skippedFor, "a");
    assert.equal(skipped.reconciles, 0);
    // A leader that stops releases the lease: the standby takes over without waiting it out.
    const t0 = Date.now();
    stopA.abort();
    await runA;
    await until(() => mb.isLeader(), 1000);
    assert.ok(Date.now() - t0 < 1000, `takeover took ${Date.now() - t0} ms`);
    // The new leader reconciles every object once it leads.
    await until(() => seen.b.includes("one"));
    await b.client.create(ConfigMap, { metadata: { name: "two", namespace: "default" } });
    await until(() => seen.b.includes("two"));
    assert.ok(!seen.a.includes("two"));
    stopB.abort();
    await runB;
    assert.equal((await b.settle()).skippedFor, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a manager serves /metrics, /healthz and /readyz with controller-runtime's names", async () => {
  await using rt = await createRuntime();
  const mgr = rt.manager({ systemControllers: false });
  mgr.add(
    controllerFor(ConfigMap).named("cms").withOptions({ onError: () => {} }).complete((req) => {
      if (req.name === "bad") throw new Error("no");
    }),
  );
  const stop = new AbortController();
  const run = mgr.start(stop.signal, { metricsServer: { port: 0 }, leaderElection: {} });
  try {
    await until(() => mgr.isLeader());
    const { hostname, port } = mgr.metricsAddress()!;
    const base = `http://${hostname}:${port}`;
    await rt.client.create(ConfigMap, { metadata: { name: "good", namespace: "default" } });
    await rt.client.create(ConfigMap, { metadata: { name: "bad", namespace: "default" } });
    const metric = async (line: RegExp) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const m = text.split("\n").find((l) => line.test(l));
      return m === undefined ? undefined : Number(m.split(" ").pop());
    };
    await until(async () =>
      ((await metric(/^controller_runtime_reconcile_total\{controller="cms",result="success"\}/)) ??
        0) >= 1
    );
    await until(async () =>
      ((await metric(/^controller_runtime_reconcile_errors_total\{controller="cms"\}/)) ?? 0) >= 1
    );
    assert.ok((await metric(/^workqueue_adds_total\{name="cms",controller="cms"\}/))! >= 2);
    assert.ok(
      (await metric(/^controller_runtime_reconcile_time_seconds_count\{controller="cms"\}/))! >= 2,
    );
    assert.notEqual(await metric(/^k1s_informer_lag_revisions\{kind="configmaps"\}/), undefined);
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    await res.body?.cancel();
    const ready = await fetch(`${base}/readyz?verbose`);
    assert.equal(ready.status, 200);
    const body = await ready.text();
    assert.match(body, /\[\+\]informers ok/);
    assert.match(body, /\[\+\]leader ok/);
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "ok");
  } finally {
    stop.abort();
    await run;
  }
  assert.equal(mgr.metricsAddress(), undefined);
});

Deno.test("a triggered run cut short by its time limit saves progress, and the next carries on", async () => {
  await using rt = await createRuntime();
  const seen: string[] = [];
  const mgr = new Manager(rt, { name: "chunks" });
  mgr.add(
    controllerFor(ConfigMap).complete(async (req) => {
      seen.push(req.name);
      await new Promise((r) => setTimeout(r, 2));
    }),
  );
  assert.ok((await mgr.runTriggered()).idle);
  for (let i = 0; i < 60; i++) {
    await rt.client.create(ConfigMap, { metadata: { name: `c${i}`, namespace: "default" } });
  }
  seen.length = 0;
  const first = await mgr.runTriggered({ chunkRevisions: 10, timeoutMs: 60 });
  assert.equal(first.idle, false);
  assert.ok(first.backlog > 0 && first.backlog < 60, `backlog ${first.backlog}`);
  assert.ok(first.toRevision > first.fromRevision!);
  const done = seen.length;
  seen.length = 0;
  const second = await mgr.runTriggered({ chunkRevisions: 10 });
  assert.ok(second.idle);
  assert.equal(second.fromRevision, first.toRevision);
  assert.equal(second.backlog, 0);
  // Each object was reconciled; at most the unsaved step of the first run ran twice.
  const all = new Set([...Array(60).keys()].map((i) => `c${i}`));
  assert.ok(seen.length + done <= 60 + 10, `${done} + ${seen.length}`);
  for (const name of seen) all.delete(name);
  assert.ok(all.size <= done);
});

Deno.test("objects read or written carry name, uid and resourceVersion in their types", async () => {
  await using rt = await createRuntime();
  const created = await rt.client.create(ConfigMap, { metadata: { generateName: "x-" } });
  // No `!`: the type says the server set these.
  const name: string = created.metadata.name;
  const uid: string = created.metadata.uid;
  const rv: string = created.metadata.resourceVersion;
  const read = await rt.client.resource(ConfigMap, "default").get(name);
  assert.equal(read.metadata.uid, uid);
  const listed = await rt.client.list(ConfigMap, { namespace: "default" });
  assert.deepEqual(listed.items.map((i) => i.metadata.resourceVersion), [rv]);
  assert.equal(await rt.client.resource(ConfigMap, "default").getOrUndefined("absent"), undefined);
});

const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const MAIN = new URL("../cli/main.ts", import.meta.url).pathname;

async function k1s(
  store: string,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, `--store=${store}`, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

Deno.test("CLI writes leave the controllers' work to a live holder of their lease, and --no-controllers skips it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = `sqlite:${dir}/k1s.db`;
    const phase = async (ns: string) => {
      await using rt = await createRuntime({ store });
      return (await rt.client.get(Namespace, ns).catch(ignoreNotFound))?.status?.phase ?? "gone";
    };
    // Without a holder the namespace controller finishes the deletion in the deleting command.
    assert.equal((await k1s(store, "create", "namespace", "a")).code, 0);
    assert.equal((await k1s(store, "delete", "namespace", "a")).code, 0);
    assert.equal(await phase("a"), "gone");
    // --no-controllers leaves it Terminating; the next write's controllers finish it.
    assert.equal((await k1s(store, "create", "namespace", "b")).code, 0);
    assert.equal(
      (await k1s(store, "delete", "namespace", "b", "--no-controllers", "--wait=false")).code,
      0,
    );
    assert.equal(await phase("b"), "Terminating");
    assert.equal((await k1s(store, "create", "configmap", "poke")).code, 0);
    assert.equal(await phase("b"), "gone");
    // A live holder of the controllers' lease does that work: CLI writes leave it alone.
    {
      await using rt = await createRuntime({ store });
      const now = Date.now();
      await rt.client.create(Lease, {
        metadata: { name: CONTROLLERS_LEASE.name, namespace: CONTROLLERS_LEASE.namespace },
        spec: {
          holderIdentity: "elsewhere",
          leaseDurationSeconds: 60,
          acquireTime: microTime(now),
          renewTime: microTime(now),
        },
      });
      assert.equal(await rt.controllersLeaseHolder(), "elsewhere");
    }
    assert.equal((await k1s(store, "create", "namespace", "c")).code, 0);
    const del = await k1s(store, "delete", "namespace", "c", "--wait=false");
    assert.equal(del.code, 0);
    assert.equal(del.err, "");
    assert.equal(await phase("c"), "Terminating");
    // Once the lease is released, the next CLI write's controllers pick the work up.
    {
      await using rt = await createRuntime({ store });
      await rt.client.patch(Lease, CONTROLLERS_LEASE.name, { spec: { holderIdentity: null } }, {
        namespace: CONTROLLERS_LEASE.namespace,
      });
    }
    assert.equal((await k1s(store, "label", "configmap", "poke", "x=y")).code, 0);
    assert.equal(await phase("c"), "gone");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a leading manager that cannot renew its lease stops reconciling before the lease expires", async () => {
  await using rt = await createRuntime();
  let failLeaseWrites = false;
  const client = new Proxy(rt.client, {
    get(target, prop, receiver) {
      if (prop === "update" || prop === "create") {
        return (kind: { kind: string }, ...rest: unknown[]) => {
          if (failLeaseWrites && kind.kind === "Lease") {
            return Promise.reject(new Error("injected: the lease cannot be written"));
          }
          return (target[prop] as (...a: unknown[]) => unknown).call(target, kind, ...rest);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      // Methods run on the client itself (its private fields do not exist on the proxy).
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const seen: string[] = [];
  const mgr = new Manager({ client, registry: rt.registry, store: rt.store });
  mgr.add(controllerFor(ConfigMap).complete((req) => void seen.push(req.name)));
  const stop = new AbortController();
  let lostAt = 0;
  const election = {
    identity: "fragile",
    leaseDurationMs: 2000,
    renewDeadlineMs: 600,
    retryPeriodMs: 100,
    onStoppedLeading: () => void (lostAt ||= Date.now()),
  };
  const run = mgr.start(stop.signal, { leaderElection: election });
  try {
    await until(() => mgr.isLeader());
    await rt.client.create(ConfigMap, { metadata: { name: "before", namespace: "default" } });
    await until(() => seen.includes("before"));
    const failedAt = Date.now();
    failLeaseWrites = true;
    await until(() => !mgr.isLeader(), 2000);
    // Stopped within renewDeadline (plus a retry period), well before the 2 s lease can expire.
    assert.ok(lostAt - failedAt < 2000, `stopped leading after ${lostAt - failedAt} ms`);
    await rt.client.create(ConfigMap, { metadata: { name: "after", namespace: "default" } });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!seen.includes("after"), "a manager that lost its lease reconciled");
    // Once the lease can be written again it campaigns, leads and catches up.
    failLeaseWrites = false;
    await until(() => seen.includes("after"), 5000);
  } finally {
    stop.abort();
    await run;
  }
});

Deno.test("manager.indexField answers index queries in running and triggered managers alike", async () => {
  await using rt = await createRuntime();
  const found: Record<string, string[]> = {};
  const make = () => {
    const mgr = rt.manager({ systemControllers: false });
    mgr.indexField(ConfigMap, "data.team", (cm) => cm.data?.team ? [cm.data.team] : []);
    mgr.add(
      controllerFor(ConfigMap).complete(async (req, ctx) => {
        const team = (await ctx.reader.get(ConfigMap, req.name, req)).data?.team;
        if (!team) return;
        const byIndex = await ctx.reader.list(ConfigMap, {
          namespace: req.namespace,
          index: { name: "data.team", value: team },
        });
        // controller-runtime's MatchingFields: a field selector naming the index.
        const bySelector = await ctx.reader.list(ConfigMap, { fieldSelector: `data.team=${team}` });
        assert.deepEqual(
          bySelector.items.map((o) => o.metadata.name),
          byIndex.items.map((o) => o.metadata.name),
        );
        found[req.name] = byIndex.items.map((o) => o.metadata.name);
      }),
    );
    return mgr;
  };
  await rt.client.create(ConfigMap, {
    metadata: { name: "a", namespace: "default" },
    data: { team: "x" },
  });
  await rt.client.create(ConfigMap, {
    metadata: { name: "b", namespace: "default" },
    data: { team: "y" },
  });
  await rt.client.create(ConfigMap, {
    metadata: { name: "c", namespace: "default" },
    data: { team: "x" },
  });
  assert.ok((await make().runTriggered()).idle);
  assert.deepEqual(found, { a: ["a", "c"], b: ["b"], c: ["a", "c"] });
  for (const k of Object.keys(found)) delete (found as Record<string, string[]>)[k];
  const mgr = make();
  const stop = new AbortController();
  const run = mgr.start(stop.signal);
  await until(() => Object.keys(found).length === 3);
  assert.deepEqual(found, { a: ["a", "c"], b: ["b"], c: ["a", "c"] });
  stop.abort();
  await run;
  // An unknown index is an error, as in controller-runtime.
  const bare = make();
  const stop2 = new AbortController();
  const run2 = bare.start(stop2.signal);
  await assert.rejects(
    bare.cache.list(ConfigMap, { index: { name: "nope", value: "x" } }),
    /index with name nope does not exist/,
  );
  stop2.abort();
  await run2;
});

Deno.test("a manager's cache scope: other namespaces are not cached and writes there do not stall reads", async () => {
  await using rt = await createRuntime();
  await rt.client.create(Namespace, { metadata: { name: "team-a" } });
  const seen: string[] = [];
  const mgr = rt.manager({
    systemControllers: false,
    cacheScope: (kind) => kind.kind === "ConfigMap" ? { namespaces: ["team-a"] } : undefined,
    cacheTransform: stripForCache(),
  });
  mgr.add(
    controllerFor(ConfigMap).complete(async (req, ctx) => {
      seen.push(`${req.namespace}/${req.name}`);
      // A write outside the cache's namespaces, then a cached read: no wait for a bookmark.
      await ctx.client.create(ConfigMap, {
        metadata: { name: `mirror-${req.name}-${seen.length}`, namespace: "default" },
      });
      await ctx.reader.get(ConfigMap, req.name, req);
    }),
  );
  const stop = new AbortController();
  const run = mgr.start(stop.signal);
  try {
    await rt.client.create(ConfigMap, {
      metadata: {
        name: "x",
        namespace: "team-a",
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" },
      },
    });
    await until(() => seen.includes("team-a/x"), 3000);
    assert.ok(!seen.some((s) => s.startsWith("default/")));
    await assert.rejects(
      mgr.cache.get(ConfigMap, "mirror-x-1", { namespace: "default" }),
      /unknown namespace for the cache/,
    );
    const cached = await mgr.cache.get(ConfigMap, "x", { namespace: "team-a" });
    assert.equal(cached.metadata.annotations, undefined);
    // The store keeps what the cache strips.
    const stored = await rt.client.get(ConfigMap, "x", { namespace: "team-a" });
    assert.ok(stored.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"]);
  } finally {
    stop.abort();
    await run;
  }
});

Deno.test("a leader shutting down keeps its lease until its in-flight reconciles finish, then releases it", async () => {
  await using rt = await createRuntime();
  let inFlight = false;
  const mgr = rt.manager({ systemControllers: false });
  mgr.add(
    controllerFor(ConfigMap).complete(async () => {
      inFlight = true;
      await new Promise((r) => setTimeout(r, 300));
      inFlight = false;
    }),
  );
  const stop = new AbortController();
  const run = mgr.start(stop.signal, {
    leaderElection: { identity: "draining", retryPeriodMs: 100, renewDeadlineMs: 1000 },
  });
  await until(() => mgr.isLeader());
  await rt.client.create(ConfigMap, { metadata: { name: "slow", namespace: "default" } });
  await until(() => inFlight);
  stop.abort();
  await new Promise((r) => setTimeout(r, 100));
  const holder = async () =>
    (await rt.client.get(Lease, CONTROLLERS_LEASE.name, { namespace: CONTROLLERS_LEASE.namespace }))
      .spec?.holderIdentity;
  assert.ok(inFlight);
  assert.equal(await holder(), "draining");
  await run;
  assert.equal(inFlight, false);
  assert.equal(await holder(), "");
});

Deno.test("a triggered run cut short waits for its in-flight reconciles before it returns", async () => {
  await using rt = await createRuntime();
  let finished = false;
  const mgr = new Manager(rt, { name: "short" });
  mgr.add(
    controllerFor(ConfigMap).complete(async () => {
      await new Promise((r) => setTimeout(r, 300));
      finished = true;
    }),
  );
  await rt.client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
  const report = await mgr.runTriggered({ timeoutMs: 50, full: true });
  assert.equal(report.idle, false);
  assert.ok(finished, "runTriggered returned while a reconcile was still running");
});
