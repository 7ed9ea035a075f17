import assert from "node:assert/strict";
import { FakeClock } from "../apimachinery/clock.ts";
import { Controller } from "./controller.ts";
import { nopLogger } from "./logger.ts";
import { Metrics } from "./metrics.ts";
import {
  Counter,
  Histogram,
  MetricsRegistry,
  RECONCILE_TIME_BUCKETS,
  WORKQUEUE_DURATION_BUCKETS,
} from "./metrics_registry.ts";
import { type Request, TerminalError } from "./reconcile.ts";
import { WorkQueue } from "./workqueue.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Family {
  help: string;
  type: string;
  samples: Sample[];
}

/** A strict parser of the text format 0.0.4 as we write it; throws on any line it does not know. */
function parse(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  assert.ok(text.endsWith("\n"), "exposition ends with a newline");
  let current: { name: string; family: Family } | undefined;
  for (const line of text.slice(0, -1).split("\n")) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      assert.ok(!families.has(m[1]), `family ${m[1]} appears once`);
      current = { name: m[1], family: { help: m[2], type: "", samples: [] } };
      families.set(m[1], current.family);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line);
    if (m) {
      assert.equal(m[1], current?.name, "TYPE follows its HELP");
      current!.family.type = m[2];
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `sample line: ${JSON.stringify(line)}`);
    assert.ok(current && current.family.type, `sample ${m[1]} after HELP and TYPE`);
    const suffix = m[1].slice(current.name.length);
    assert.ok(m[1].startsWith(current.name), `sample ${m[1]} belongs to ${current.name}`);
    if (current.family.type === "histogram") {
      assert.ok(["_bucket", "_sum", "_count"].includes(suffix), `histogram suffix ${suffix}`);
    } else assert.equal(suffix, "");
    const labels: Record<string, string> = {};
    const body = m[2] ?? "";
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    let at = 0;
    while (at < body.length) {
      labelRe.lastIndex = at;
      const l = labelRe.exec(body);
      assert.ok(l, `labels: ${body}`);
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => c === "n" ? "\n" : c);
      at = labelRe.lastIndex;
    }
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value) || m[3] === "NaN", `value ${m[3]}`);
    current.family.samples.push({ name: m[1], labels, value });
  }
  return families;
}

function value(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string>,
  family = name,
): number | undefined {
  const f = families.get(family);
  const s = f?.samples.find((s) =>
    s.name === name && Object.keys(labels).length === Object.keys(s.labels).length &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  );
  return s?.value;
}

/** Runs `controller` until its queue is idle, then shuts the queue down. */
async function runUntilIdle(controller: Controller): Promise<void> {
  const stop = new AbortController();
  const running = controller.run({
    client: {} as never,
    reader: {} as never,
    recorder: {} as never,
  }, stop.signal);
  await controller.queue.onIdle();
  controller.queue.shutDown();
  await running;
}

Deno.test("controller metrics count reconciles by result and time them in controller-runtime's buckets", async () => {
  const clock = new FakeClock(1_000);
  const metrics = new Metrics({ clock });
  const took: Record<string, number> = {
    ok: 3,
    fail: 20,
    terminal: 700,
    later: 1_500,
    again: 70_000,
  };
  const reconciler = (req: Request) => {
    clock.advance(took[req.name]);
    switch (req.name) {
      case "fail":
        throw new Error("boom");
      case "terminal":
        throw new TerminalError("bad spec");
      case "later":
        return { requeueAfterMs: 1e9 };
      case "again":
        return { requeue: true };
    }
  };
  const c = new Controller("apps", reconciler, [], {
    clock,
    logger: nopLogger,
    // One worker, so the fake clock advances of one reconcile do not overlap another's.
    maxConcurrentReconciles: 1,
    // Retries far beyond the clock advances, so each request is reconciled once.
    rateLimiter: { when: () => 1e9, forget() {}, numRequeues: () => 0 },
    metrics: metrics.controllerSink("apps"),
  });
  for (const name of Object.keys(took)) c.enqueue({ namespace: "default", name });
  await runUntilIdle(c);

  const f = parse(await metrics.text());
  const total = (result: string) =>
    value(f, "controller_runtime_reconcile_total", { controller: "apps", result });
  assert.equal(total("success"), 1);
  assert.equal(total("error"), 2, "a terminal error counts as error");
  assert.equal(total("requeue_after"), 1);
  assert.equal(total("requeue"), 1);
  assert.equal(value(f, "controller_runtime_reconcile_errors_total", { controller: "apps" }), 2);
  assert.equal(
    value(f, "controller_runtime_terminal_reconcile_errors_total", { controller: "apps" }),
    1,
  );
  assert.equal(value(f, "controller_runtime_max_concurrent_reconciles", { controller: "apps" }), 1);
  assert.equal(value(f, "controller_runtime_active_workers", { controller: "apps" }), 0);

  const hist = "controller_runtime_reconcile_time_seconds";
  assert.equal(f.get(hist)?.type, "histogram");
  const buckets = f.get(hist)!.samples.filter((s) => s.name === `${hist}_bucket`);
  assert.deepEqual(
    buckets.map((s) => s.labels.le),
    [...RECONCILE_TIME_BUCKETS.map(String), "+Inf"],
  );
  const le = (bound: string) => value(f, `${hist}_bucket`, { controller: "apps", le: bound }, hist);
  assert.equal(le("0.005"), 1); // 3 ms
  assert.equal(le("0.025"), 2); // 20 ms
  assert.equal(le("0.7"), 3); // 700 ms: bounds are inclusive
  assert.equal(le("0.6"), 2);
  assert.equal(le("1.5"), 4);
  assert.equal(le("60"), 4); // 70 s is above every bound
  assert.equal(le("+Inf"), 5);
  assert.equal(value(f, `${hist}_count`, { controller: "apps" }, hist), 5);
  const sum = value(f, `${hist}_sum`, { controller: "apps" }, hist)!;
  assert.ok(Math.abs(sum - 72.223) < 1e-9, `sum ${sum}`);
  // Cumulative counts never decrease.
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value);

  // The queue saw one retry per requeue: the error, requeue (rate-limited) and requeue-after.
  assert.equal(value(f, "workqueue_retries_total", { name: "apps", controller: "apps" }), 3);
  assert.equal(value(f, "workqueue_adds_total", { name: "apps", controller: "apps" }), 5);
});

Deno.test("a controller's series exist at zero before its first reconcile, as initMetrics does", async () => {
  const metrics = new Metrics();
  metrics.instrument(new Controller("idle", () => {}, [], { logger: nopLogger }));
  const f = parse(await metrics.text());
  for (const result of ["success", "error", "requeue", "requeue_after"]) {
    assert.equal(value(f, "controller_runtime_reconcile_total", { controller: "idle", result }), 0);
  }
  assert.equal(value(f, "workqueue_depth", { name: "idle", controller: "idle" }), 0);
  assert.equal(
    value(
      f,
      "workqueue_queue_duration_seconds_bucket",
      { name: "idle", controller: "idle", le: "+Inf" },
      "workqueue_queue_duration_seconds",
    ),
    0,
  );
  assert.equal(f.has("k1s_informer_resource_version"), false, "unused families are left out");
});

Deno.test("workqueue metrics: depth, adds, queue and work duration, unfinished work, retries", async () => {
  const clock = new FakeClock(0);
  const metrics = new Metrics({ clock });
  const queue = new WorkQueue<string>({ clock, metrics: metrics.queueSink("q") });
  const labels = { name: "q", controller: "q" };
  const read = async (name: string, family = name, extra: Record<string, string> = {}) =>
    value(parse(await metrics.text()), name, { ...labels, ...extra }, family);

  queue.add("a");
  queue.add("b");
  queue.add("a"); // already queued: not an add
  assert.equal(await read("workqueue_adds_total"), 2);
  assert.equal(await read("workqueue_depth"), 2);

  clock.advance(2_000);
  assert.equal(await queue.get(), "a");
  assert.equal(await read("workqueue_depth"), 1);
  queue.add("a"); // in flight: counted as an add and in depth, queued again on done
  assert.equal(await read("workqueue_adds_total"), 3);
  assert.equal(await read("workqueue_depth"), 2);

  clock.advance(3_000);
  assert.equal(await read("workqueue_unfinished_work_seconds"), 3);
  assert.equal(await read("workqueue_longest_running_processor_seconds"), 3);
  assert.equal(await queue.get(), "b");
  clock.advance(1_000);
  assert.equal(await read("workqueue_unfinished_work_seconds"), 5); // a: 4 s, b: 1 s
  assert.equal(await read("workqueue_longest_running_processor_seconds"), 4);

  queue.done("a"); // 4 s of work; "a" is queued again
  queue.done("b");
  const qd = "workqueue_queue_duration_seconds";
  const wd = "workqueue_work_duration_seconds";
  assert.equal(await read(`${qd}_count`, qd), 2);
  assert.equal(await read(`${qd}_sum`, qd), 7); // a waited 2 s, b 5 s
  assert.equal(await read(`${wd}_count`, wd), 2);
  assert.equal(await read(`${wd}_sum`, wd), 5);
  assert.equal(await read(`${wd}_bucket`, wd, { le: "1" }), 1);
  assert.equal(await read(`${wd}_bucket`, wd, { le: "10" }), 2);
  assert.equal(await read("workqueue_unfinished_work_seconds"), 0);
  assert.equal(await read("workqueue_depth"), 1);
  const f = parse(await metrics.text());
  assert.deepEqual(
    f.get(wd)!.samples.filter((s) => s.name === `${wd}_bucket`).map((s) =>
      s.labels.le === "+Inf" ? Infinity : Number(s.labels.le)
    ),
    [...WORKQUEUE_DURATION_BUCKETS, Infinity],
  );
  assert.equal(WORKQUEUE_DURATION_BUCKETS[0], 1e-8);
  assert.equal(WORKQUEUE_DURATION_BUCKETS[11], 1000);

  queue.addAfter("c", 100);
  queue.addRateLimited("d");
  queue.addAfter("e", 0); // no delay: an add, not a retry
  assert.equal(await read("workqueue_retries_total"), 2);
  assert.equal(await read("workqueue_depth"), 2);

  queue.shutDown(); // pending items are dropped, and so is the depth
  assert.equal(await read("workqueue_depth"), 0);
});

Deno.test("the controller's sink survives the fresh queue of each run", async () => {
  const metrics = new Metrics();
  const active: number[] = [];
  const c = new Controller(
    "again",
    () => {
      active.push(metrics.activeWorkers.get({ controller: "again" }));
    },
    [],
    {
      logger: nopLogger,
      maxConcurrentReconciles: 2,
    },
  );
  c.setMetrics(metrics.controllerSink("again"));
  c.enqueue({ name: "a" });
  await runUntilIdle(c);
  c.reset();
  c.enqueue({ name: "b" });
  await runUntilIdle(c);
  assert.equal(metrics.workqueueAdds.get({ name: "again", controller: "again" }), 2);
  assert.equal(metrics.reconcileTotal.get({ controller: "again", result: "success" }), 2);
  assert.equal(metrics.maxConcurrentReconciles.get({ controller: "again" }), 2);
  assert.equal(metrics.activeWorkers.get({ controller: "again" }), 0);
  assert.deepEqual(active, [1, 1], "a worker counts as active while it reconciles");
  c.setMetrics(undefined);
  c.reset();
  c.enqueue({ name: "c" });
  assert.equal(metrics.workqueueAdds.get({ name: "again", controller: "again" }), 2);
  c.queue.shutDown();
});

Deno.test("label values and help text are escaped", async () => {
  const registry = new MetricsRegistry();
  const c = registry.counter({
    name: "weird_total",
    help: 'Back\\slash and\nnewline, "quotes" kept',
    labelNames: ["v"],
  });
  const nasty = 'a"b\\c\nd}e,f="g"';
  c.inc({ v: nasty });
  const text = await registry.text();
  assert.ok(text.includes('# HELP weird_total Back\\\\slash and\\nnewline, "quotes" kept\n'));
  assert.ok(text.includes(String.raw`weird_total{v="a\"b\\c\nd}e,f=\"g\""} 1`));
  const f = parse(text);
  assert.equal(value(f, "weird_total", { v: nasty }), 1);
});

Deno.test("the registry rejects bad names, labels, and decreasing counters", () => {
  assert.throws(() => new Counter({ name: "1bad", help: "" }), /not a valid metric name/);
  assert.throws(() => new Counter({ name: "ok", help: "", labelNames: ["__x"] }), /not allowed/);
  assert.throws(
    () => new Histogram({ name: "h", help: "", labelNames: ["le"], buckets: [1] }),
    /label "le" is not allowed/,
  );
  assert.throws(() => new Histogram({ name: "h", help: "", buckets: [2, 1] }), /must increase/);
  const c = new Counter({ name: "c_total", help: "", labelNames: ["a"] });
  assert.throws(() => c.inc({}), /label "a" is missing/);
  assert.throws(() => c.inc({ a: "x", b: "y" }), /no label "b"/);
  assert.throws(() => c.inc({ a: "x" }, -1), /only go up/);
  const registry = new MetricsRegistry();
  registry.register(c);
  assert.throws(() => registry.register(new Counter({ name: "c_total", help: "" })), /exists/);
});

Deno.test("informer gauges report the applied resourceVersion, lag and last sync time", async () => {
  const clock = new FakeClock(1_700_000_000_000);
  const metrics = new Metrics({ clock });
  metrics.observeInformer("ConfigMap", "17", { head: 20 });
  metrics.observeInformer("Secret", 5);
  metrics.observeInformer("Pod", "not-a-number");
  const f = parse(await metrics.text());
  assert.equal(value(f, "k1s_informer_resource_version", { kind: "ConfigMap" }), 17);
  assert.equal(value(f, "k1s_informer_lag_revisions", { kind: "ConfigMap" }), 3);
  assert.equal(value(f, "k1s_informer_lag_revisions", { kind: "Secret" }), undefined);
  assert.equal(value(f, "k1s_informer_resource_version", { kind: "Pod" }), undefined);
  assert.equal(
    value(f, "k1s_informer_last_sync_timestamp_seconds", { kind: "Secret" }),
    1_700_000_000,
  );
  assert.equal(f.get("k1s_informer_lag_revisions")?.type, "gauge");
});
