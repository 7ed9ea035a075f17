// Controllers through the public package: long-running and triggered managers.
import assert from "node:assert/strict";
import { z } from "zod";
import {
  type Client,
  ConfigMap,
  connect,
  controllerFor,
  createRuntime,
  defineKind,
  finalizer,
  generationChanged,
  type Kind,
  Manager,
  type ManagerOptions,
  Secret,
  setControllerReference,
  TerminalError,
} from "@k1s/k1s";
import { serve } from "@k1s/k1s/server";

const Widget = defineKind({
  group: "example.com",
  version: "v1",
  kind: "Widget",
  spec: z.object({ size: z.number().int().default(1) }),
  status: z.object({ observedSize: z.number().optional() }),
});

function until(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  return (async () => {
    while (!(await cond())) {
      if (Date.now() > end) throw new Error("condition not met in time");
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
}

/** Where the long-running manager's tests run: embedded, and through connect() to serve. */
interface Env extends AsyncDisposable {
  client: Client;
  manager(options?: ManagerOptions): Manager;
}

const ENVS: [string, (kinds: Kind[]) => Promise<Env>][] = [
  ["embedded", async (kinds) => {
    const rt = await createRuntime({ kinds });
    return {
      client: rt.client,
      manager: (o) => new Manager(rt, o),
      [Symbol.asyncDispose]: () => rt.close(),
    };
  }],
  ["over HTTP", async (kinds) => {
    const rt = await createRuntime({ kinds });
    const server = await serve(rt, { port: 0 });
    const remote = await connect({ server: server.url });
    return {
      client: remote.client,
      manager: (o) => remote.manager(o),
      async [Symbol.asyncDispose]() {
        await remote.close();
        await server.shutdown();
        await rt.close();
      },
    };
  }],
];

for (const [where, make] of ENVS) {
  Deno.test(`${where}: a running manager reconciles creates, owned objects and retries errors`, async () => {
    await using env = await make([Widget]);
    const seen: string[] = [];
    let failOnce = true;
    const mgr = env.manager();
    mgr.add(
      controllerFor(Widget)
        .owns(ConfigMap)
        .withOptions({ onError: () => {} })
        .complete(async (req, ctx) => {
          seen.push(req.name);
          const w = await ctx.reader.get(Widget, req.name, { namespace: req.namespace });
          if (failOnce) {
            failOnce = false;
            throw new Error("transient");
          }
          if (w.status?.observedSize !== w.spec.size) {
            await ctx.client.status.update(Widget, { ...w, status: { observedSize: w.spec.size } });
          }
        }),
    );
    const ac = new AbortController();
    const running = mgr.start(ac.signal);
    const w = await env.client.create(Widget, { metadata: { name: "w1" }, spec: { size: 3 } });
    await until(async () => (await env.client.get(Widget, "w1")).status?.observedSize === 3);
    assert.ok(seen.filter((n) => n === "w1").length >= 2, "the failed reconcile was retried");
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "child", namespace: "default" },
    };
    setControllerReference(w, cm);
    const before = seen.length;
    await env.client.create(ConfigMap, cm);
    await until(() => seen.length > before);
    assert.equal(seen.at(-1), "w1");
    ac.abort();
    assert.deepEqual((await running).unfinished, []);
  });

  Deno.test(`${where}: reads through the manager cache see the manager client's writes`, async () => {
    await using env = await make([]);
    const mgr = env.manager();
    const ac = new AbortController();
    const running = mgr.start(ac.signal);
    for (let i = 0; i < 20; i++) {
      const cm = await mgr.client.create(ConfigMap, {
        metadata: { name: `c${i}` },
        data: { i: "0" },
      });
      const got = await mgr.cache.get(ConfigMap, `c${i}`);
      assert.equal(got.metadata.resourceVersion, cm.metadata.resourceVersion);
      const up = await mgr.client.patch(ConfigMap, `c${i}`, { data: { i: "1" } });
      assert.equal(
        (await mgr.cache.get(ConfigMap, `c${i}`)).metadata.resourceVersion,
        up.metadata.resourceVersion,
      );
      await mgr.client.delete(ConfigMap, `c${i}`);
      await assert.rejects(
        mgr.cache.get(ConfigMap, `c${i}`),
        (e: Error) => /not found/.test(e.message),
      );
    }
    ac.abort();
    await running;
  });

  Deno.test(`${where}: predicates filter events; terminal errors are not retried; requeueAfter comes back`, async () => {
    await using env = await make([Widget]);
    const calls = new Map<string, number>();
    const mgr = env.manager();
    mgr.add(
      controllerFor(Widget)
        .withPredicates(generationChanged)
        .withOptions({ onError: () => {} })
        .complete((req) => {
          calls.set(req.name, (calls.get(req.name) ?? 0) + 1);
          if (req.name === "bad") throw new TerminalError("cannot ever work");
          if (req.name === "again" && calls.get(req.name)! < 3) return { requeueAfterMs: 10 };
        }),
    );
    const ac = new AbortController();
    const running = mgr.start(ac.signal);
    await env.client.create(Widget, { metadata: { name: "w" }, spec: {} });
    await env.client.create(Widget, { metadata: { name: "bad" }, spec: {} });
    await env.client.create(Widget, { metadata: { name: "again" }, spec: {} });
    await until(() => calls.get("w") === 1 && calls.get("again") === 3);
    await env.client.patch(Widget, "w", { metadata: { labels: { a: "b" } } }); // no generation change
    await env.client.patch(Widget, "w", { spec: { size: 2 } }); // generation change
    await until(() => calls.get("w") === 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(calls.get("w"), 2);
    assert.equal(calls.get("bad"), 1);
    ac.abort();
    await running;
  });

  Deno.test(`${where}: an object is never reconciled by two workers at once`, async () => {
    await using env = await make([]);
    let active = 0;
    let maxActive = 0;
    const perKey = new Map<string, number>();
    const mgr = env.manager();
    mgr.add(
      controllerFor(ConfigMap).withOptions({ maxConcurrentReconciles: 4 }).complete(async (req) => {
        const k = req.name;
        assert.equal(perKey.get(k) ?? 0, 0, `${k} reconciled twice at once`);
        perKey.set(k, 1);
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        perKey.set(k, 0);
      }),
    );
    const ac = new AbortController();
    const running = mgr.start(ac.signal);
    for (let i = 0; i < 8; i++) await env.client.create(ConfigMap, { metadata: { name: `k${i}` } });
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 8; i++) {
        await env.client.patch(ConfigMap, `k${i}`, { data: { r: String(round) } });
      }
    }
    await until(() => mgr.controllers()[0].queue.isIdle() && active === 0);
    assert.ok(maxActive > 1, "workers ran in parallel");
    ac.abort();
    await running;
  });

  Deno.test(`${where}: shutdown waits for in-flight reconciles up to a timeout and reports the rest`, async () => {
    await using env = await make([]);
    const mgr = env.manager({ shutdownTimeoutMs: 50 });
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    mgr.add(controllerFor(ConfigMap).complete(() => stuck));
    const ac = new AbortController();
    const running = mgr.start(ac.signal);
    await env.client.create(ConfigMap, { metadata: { name: "slow" } });
    await until(() => mgr.controllers()[0].inFlight().length === 1);
    ac.abort();
    const report = await running;
    assert.deepEqual(report.unfinished, ["configmaps: default/slow"]);
    release();
  });
}

Deno.test("triggered runs reconcile only what changed since the last run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const url = `sqlite:${dir}/s.db`;
    const seen: string[] = [];
    const controller = () => controllerFor(ConfigMap).complete((req) => void seen.push(req.name));
    {
      await using rt = await createRuntime({ store: url });
      for (let i = 0; i < 300; i++) {
        await rt.client.create(ConfigMap, { metadata: { name: `c${i}` } });
      }
      const mgr = new Manager(rt);
      mgr.add(controller());
      const first = await mgr.runTriggered();
      assert.ok(first.idle);
      assert.ok(first.fullResync);
      assert.equal(first.reconciles, 300);
    }
    {
      // Another short-lived process changes 10 objects.
      await using rt = await createRuntime({ store: url });
      for (let i = 0; i < 10; i++) {
        await rt.client.patch(ConfigMap, `c${i * 7}`, { data: { v: "1" } });
      }
    }
    seen.length = 0;
    {
      await using rt = await createRuntime({ store: url });
      const mgr = new Manager(rt);
      mgr.add(controller());
      const second = await mgr.runTriggered();
      assert.ok(second.idle);
      assert.equal(second.fullResync, false);
      assert.deepEqual(seen.sort(), Array.from({ length: 10 }, (_, i) => `c${i * 7}`).sort());
      seen.length = 0;
      const third = await mgr.runTriggered();
      assert.equal(third.reconciles, 0);
      assert.deepEqual(seen, []);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("triggered runs fall back to a full list when their revision was compacted", async () => {
  await using rt = await createRuntime({ compaction: false });
  const seen: string[] = [];
  const mk = () => {
    const m = new Manager(rt);
    m.add(controllerFor(ConfigMap).complete((req) => void seen.push(req.name)));
    return m;
  };
  await rt.client.create(ConfigMap, { metadata: { name: "a" } });
  await mk().runTriggered();
  await rt.client.create(ConfigMap, { metadata: { name: "b" } });
  await rt.store.compact(await rt.store.currentRevision());
  seen.length = 0;
  const report = await mk().runTriggered();
  assert.ok(report.fullResync);
  assert.deepEqual(seen.sort(), ["a", "b"]);
});

Deno.test("triggered runs follow their own writes until nothing changes, within a time limit", async () => {
  await using rt = await createRuntime({ kinds: [Widget] });
  await rt.client.create(Widget, { metadata: { name: "w" }, spec: { size: 2 } });
  const mgr = new Manager(rt);
  mgr.add(
    controllerFor(Widget).owns(Secret).complete(async (req, ctx) => {
      const w = await ctx.reader.get(Widget, req.name, { namespace: req.namespace });
      const s = {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: `${req.name}-s`, namespace: req.namespace },
      };
      setControllerReference(w, s);
      try {
        await ctx.client.create(Secret, s);
      } catch { /* exists */ }
      if (w.status?.observedSize !== w.spec.size) {
        await ctx.client.status.update(Widget, { ...w, status: { observedSize: w.spec.size } });
      }
    }),
  );
  const report = await mgr.runTriggered();
  assert.ok(report.idle);
  assert.equal((await rt.client.get(Widget, "w")).status?.observedSize, 2);
  assert.ok(await rt.client.get(Secret, "w-s"));
  const failing = new Manager(rt, { name: "failing" });
  failing.add(
    controllerFor(Widget).withOptions({ onError: () => {} }).complete(() => {
      throw new Error("always");
    }),
  );
  const timedOut = await failing.runTriggered({ timeoutMs: 200 });
  assert.equal(timedOut.idle, false);
  assert.deepEqual(timedOut.unfinished, ["widgets.example.com: default/w"]);
});

Deno.test("the finalizer helper adds, runs cleanup on deletion, then removes", async () => {
  await using rt = await createRuntime({ kinds: [Widget] });
  const cleaned: string[] = [];
  const mgr = new Manager(rt);
  mgr.add(
    controllerFor(Widget).complete(async (req, ctx) => {
      let w;
      try {
        w = await ctx.reader.get(Widget, req.name, { namespace: req.namespace });
      } catch {
        return;
      }
      return await finalizer(ctx.client, Widget, "example.com/cleanup", w, {
        apply: () => {},
        cleanup: (obj) => void cleaned.push(obj.metadata.name!),
      });
    }),
  );
  await rt.client.create(Widget, { metadata: { name: "w" }, spec: {} });
  await mgr.runTriggered();
  assert.deepEqual((await rt.client.get(Widget, "w")).metadata.finalizers, ["example.com/cleanup"]);
  await rt.client.delete(Widget, "w");
  assert.ok((await rt.client.get(Widget, "w")).metadata.deletionTimestamp);
  await mgr.runTriggered();
  assert.deepEqual(cleaned, ["w"]);
  await assert.rejects(rt.client.get(Widget, "w"), /not found/);
});

Deno.test("controllers record aggregated events through the manager's recorder", async () => {
  await using rt = await createRuntime();
  const mgr = new Manager(rt, { component: "cm-watcher" });
  mgr.add(
    controllerFor(ConfigMap).complete(async (req, ctx) => {
      const cm = await ctx.reader.get(ConfigMap, req.name, { namespace: req.namespace });
      await mgr.recorder.event(cm, "Normal", "Seen", `saw ${req.name}`);
    }),
  );
  await rt.client.create(ConfigMap, { metadata: { name: "a" } });
  await mgr.runTriggered();
  await rt.client.patch(ConfigMap, "a", { data: { x: "1" } });
  await mgr.runTriggered();
  const { eventsFor } = await import("@k1s/k1s");
  const evs = await eventsFor(rt.client, await rt.client.get(ConfigMap, "a"));
  assert.equal(evs.length, 1);
  assert.equal(evs[0].count, 2);
  assert.equal(evs[0].source?.component, "cm-watcher");
});
