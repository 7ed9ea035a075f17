/**
 * Prometheus metrics of controllers and their work queues, with controller-runtime's names,
 * labels, buckets and semantics, and a small registry that writes the Prometheus text
 * exposition format 0.0.4.
 *
 * Metrics (labels in braces):
 * - `controller_runtime_reconcile_total{controller,result}`: `result` is `success`, `error`,
 *   `requeue` or `requeue_after`; a terminal error counts as `error`.
 * - `controller_runtime_reconcile_errors_total{controller}`: all failed reconciles.
 * - `controller_runtime_terminal_reconcile_errors_total{controller}`: those that threw a
 *   `TerminalError` (not retried).
 * - `controller_runtime_reconcile_time_seconds{controller}`: histogram, controller-runtime's
 *   buckets (`RECONCILE_TIME_BUCKETS`).
 * - `controller_runtime_max_concurrent_reconciles{controller}`,
 *   `controller_runtime_active_workers{controller}`: gauges.
 * - `workqueue_depth`, `workqueue_adds_total`, `workqueue_queue_duration_seconds`,
 *   `workqueue_work_duration_seconds`, `workqueue_unfinished_work_seconds`,
 *   `workqueue_longest_running_processor_seconds`, `workqueue_retries_total`, each
 *   `{name,controller}` (both the controller's name, as controller-runtime sets them), with
 *   client-go's semantics: depth counts items waiting to be handed out (including ones re-added
 *   while in flight), the durations use buckets 1e-8 s … 1000 s, and the unfinished-work gauges
 *   are computed when the metrics are read. Retries count adds with a non-zero delay, as
 *   controller-runtime's priority queue does.
 * - k1s's own informer gauges, fed by {@linkcode Metrics.observeInformer}:
 *   `k1s_informer_resource_version{kind}` (the last resourceVersion the informer applied),
 *   `k1s_informer_lag_revisions{kind}` (store head revision minus that, when the head is given)
 *   and `k1s_informer_last_sync_timestamp_seconds{kind}`.
 *
 * Not exported: controller-runtime's `reconcile_panics_total` and `reconcile_timeouts_total`
 * (no panics in JavaScript, no reconcile timeout here), the Go runtime and process collectors,
 * and the workqueue depth's `priority` label (always empty in controller-runtime's default
 * provider; an empty label is the same as none to Prometheus).
 *
 * ## Why not prom-client
 *
 * `npm:prom-client@15.1.3`, the maintained Node client, was tried under Deno 2.9.6: it imports
 * and works (Registry, Counter with labels, Histogram, collect callbacks, `register.metrics()`
 * gives correct 0.0.4 text with escaping). But its entry module loads Node built-ins we do not
 * want (`cluster`, `http`, `https`, `zlib` for the push gateway, `v8`, `perf_hooks`, `fs` for
 * default process metrics) and three more packages (`@opentelemetry/api`, `tdigest`, `bintrees`,
 * about 3 MB). Measured on this machine, warm cache, 8 runs each: `deno run` of a one-line
 * script took 55–61 ms, of the same script importing prom-client 136–153 ms (about +80 ms);
 * a dynamic `import("prom-client")` alone took 75–89 ms over 6 runs. Loaded only on demand
 * that is acceptable for a long-running manager, but the part we need (counters, gauges and
 * histograms with labels, written as text) is a few hundred lines without dependencies: the
 * same one-line script importing this module and writing its text took 63–67 ms (about +7 ms,
 * over 8 runs), and it keeps the library free of Node-only modules and of a
 * runtime npm dependency for JSR users. So k1s has its own `MetricsRegistry`
 * (`metrics_registry.ts`).
 *
 * Controllers and queues do not import this module: they report to the small sink interfaces
 * {@linkcode ControllerMetricsSink} and {@linkcode WorkQueueMetricsSink} (none by default), and
 * {@linkcode Metrics.controllerSink} makes them.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { Controller } from "./controller.ts";
 * import { nopLogger } from "./logger.ts";
 * import assert from "node:assert/strict";
 * const metrics = new Metrics();
 * const c = new Controller("apps", () => {}, [], { logger: nopLogger });
 * metrics.instrument(c);
 * c.enqueue({ namespace: "default", name: "a" });
 * const stop = new AbortController();
 * const running = c.run({ client: {} as never, reader: {} as never, recorder: {} as never }, stop.signal);
 * await c.queue.onIdle();
 * c.queue.shutDown();
 * await running;
 * const text = await metrics.text();
 * assert.match(text, /^controller_runtime_reconcile_total\{controller="apps",result="success"\} 1$/m);
 * ```
 *
 * @module
 */
import { type Clock, realClock } from "../apimachinery/clock.ts";
import type { ControllerMetricsSink, ReconcileOutcome } from "./controller.ts";
import type { WorkQueueMetricsSink } from "./workqueue.ts";
import {
  type Counter,
  type Gauge,
  type Histogram,
  type Labels,
  MetricsRegistry,
  RECONCILE_TIME_BUCKETS,
  WORKQUEUE_DURATION_BUCKETS,
} from "./metrics_registry.ts";

/** Options of {@linkcode Metrics}. */
export interface MetricsOptions {
  /** Time source of queue durations and informer timestamps. Default the real clock. */
  clock?: Clock;
  /** Registry to add the metrics to. Default a new one. */
  registry?: MetricsRegistry;
}

/** What {@linkcode Metrics.observeInformer} may also be told. */
export interface InformerObservation {
  /** The store's current revision, to compute `k1s_informer_lag_revisions`. */
  head?: string | number;
}

/** The metrics one work queue sink keeps; see client-go's `defaultQueueMetrics`. */
class QueueSink implements WorkQueueMetricsSink<string> {
  readonly labels: Labels;
  readonly #m: Metrics;
  readonly #clock: Clock;
  /** When each pending item was added. */
  readonly addTimes = new Map<string, number>();
  /** When each in-flight item was handed out. */
  readonly processing = new Map<string, number>();

  constructor(m: Metrics, name: string, clock: Clock) {
    this.#m = m;
    this.#clock = clock;
    this.labels = { name, controller: name };
  }

  add(item: string): void {
    this.#m.workqueueAdds.inc(this.labels);
    if (!this.addTimes.has(item)) this.addTimes.set(item, this.#clock.now());
  }

  get(item: string): void {
    const now = this.#clock.now();
    this.processing.set(item, now);
    const added = this.addTimes.get(item);
    if (added !== undefined) {
      this.#m.workqueueQueueDuration.observe(this.labels, (now - added) / 1000);
      this.addTimes.delete(item);
    }
  }

  done(item: string): void {
    const started = this.processing.get(item);
    if (started === undefined) return;
    this.#m.workqueueWorkDuration.observe(this.labels, (this.#clock.now() - started) / 1000);
    this.processing.delete(item);
  }

  retry(): void {
    this.#m.workqueueRetries.inc(this.labels);
  }

  drop(item: string): void {
    this.addTimes.delete(item);
  }

  /** Sets depth and the unfinished-work gauges from the live state. */
  collect(): void {
    const now = this.#clock.now();
    let total = 0;
    let oldest = 0;
    for (const started of this.processing.values()) {
      const age = (now - started) / 1000;
      total += age;
      if (age > oldest) oldest = age;
    }
    this.#m.workqueueDepth.set(this.labels, this.addTimes.size);
    this.#m.workqueueUnfinishedWork.set(this.labels, total);
    this.#m.workqueueLongestRunning.set(this.labels, oldest);
  }
}

/** What {@linkcode Metrics.instrument} needs of a controller. */
export interface Instrumentable {
  /** The controller's name, used as the `controller` label. */
  readonly name: string;
  /** Installs the sink. */
  setMetrics(sink: ControllerMetricsSink | undefined): void;
}

/**
 * controller-runtime's controller and workqueue metrics, and k1s's informer gauges, in one
 * {@linkcode MetricsRegistry}. Make one per manager, hand {@linkcode Metrics.controllerSink} (or
 * {@linkcode Metrics.instrument}) to each controller, and serve {@linkcode Metrics.text}.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { PROMETHEUS_CONTENT_TYPE } from "./metrics_registry.ts";
 * import assert from "node:assert/strict";
 * const metrics = new Metrics();
 * const sink = metrics.controllerSink("apps");
 * sink.reconciled("terminal_error", 0.002);
 * assert.equal(metrics.reconcileTotal.get({ controller: "apps", result: "error" }), 1);
 * assert.equal(metrics.terminalReconcileErrors.get({ controller: "apps" }), 1);
 * assert.ok(PROMETHEUS_CONTENT_TYPE.includes("version=0.0.4"));
 * ```
 */
export class Metrics {
  /** The registry holding every metric below. */
  readonly registry: MetricsRegistry;
  /** `controller_runtime_reconcile_total{controller,result}`. */
  readonly reconcileTotal: Counter;
  /** `controller_runtime_reconcile_errors_total{controller}`. */
  readonly reconcileErrors: Counter;
  /** `controller_runtime_terminal_reconcile_errors_total{controller}`. */
  readonly terminalReconcileErrors: Counter;
  /** `controller_runtime_reconcile_time_seconds{controller}`. */
  readonly reconcileTime: Histogram;
  /** `controller_runtime_max_concurrent_reconciles{controller}`. */
  readonly maxConcurrentReconciles: Gauge;
  /** `controller_runtime_active_workers{controller}`. */
  readonly activeWorkers: Gauge;
  /** `workqueue_depth{name,controller}`. */
  readonly workqueueDepth: Gauge;
  /** `workqueue_adds_total{name,controller}`. */
  readonly workqueueAdds: Counter;
  /** `workqueue_queue_duration_seconds{name,controller}`. */
  readonly workqueueQueueDuration: Histogram;
  /** `workqueue_work_duration_seconds{name,controller}`. */
  readonly workqueueWorkDuration: Histogram;
  /** `workqueue_unfinished_work_seconds{name,controller}`. */
  readonly workqueueUnfinishedWork: Gauge;
  /** `workqueue_longest_running_processor_seconds{name,controller}`. */
  readonly workqueueLongestRunning: Gauge;
  /** `workqueue_retries_total{name,controller}`. */
  readonly workqueueRetries: Counter;
  /** `k1s_informer_resource_version{kind}`. */
  readonly informerResourceVersion: Gauge;
  /** `k1s_informer_lag_revisions{kind}`. */
  readonly informerLag: Gauge;
  /** `k1s_informer_last_sync_timestamp_seconds{kind}`. */
  readonly informerLastSync: Gauge;
  readonly #clock: Clock;
  readonly #controllers = new Map<string, ControllerMetricsSink>();
  readonly #queues = new Map<string, QueueSink>();

  /** Registers the metrics in `options.registry` or a new registry. */
  constructor(options: MetricsOptions = {}) {
    this.#clock = options.clock ?? realClock;
    const r = this.registry = options.registry ?? new MetricsRegistry();
    const controller = ["controller"];
    const queue = ["name", "controller"];
    this.reconcileTotal = r.counter({
      name: "controller_runtime_reconcile_total",
      help: "Total number of reconciliations per controller",
      labelNames: ["controller", "result"],
    });
    this.reconcileErrors = r.counter({
      name: "controller_runtime_reconcile_errors_total",
      help: "Total number of reconciliation errors per controller",
      labelNames: controller,
    });
    this.terminalReconcileErrors = r.counter({
      name: "controller_runtime_terminal_reconcile_errors_total",
      help: "Total number of terminal reconciliation errors per controller",
      labelNames: controller,
    });
    this.reconcileTime = r.histogram({
      name: "controller_runtime_reconcile_time_seconds",
      help: "Length of time per reconciliation per controller",
      labelNames: controller,
      buckets: RECONCILE_TIME_BUCKETS,
    });
    this.maxConcurrentReconciles = r.gauge({
      name: "controller_runtime_max_concurrent_reconciles",
      help: "Maximum number of concurrent reconciles per controller",
      labelNames: controller,
    });
    this.activeWorkers = r.gauge({
      name: "controller_runtime_active_workers",
      help: "Number of currently used workers per controller",
      labelNames: controller,
    });
    this.workqueueDepth = r.gauge({
      name: "workqueue_depth",
      help: "Current depth of workqueue",
      labelNames: queue,
    });
    this.workqueueAdds = r.counter({
      name: "workqueue_adds_total",
      help: "Total number of adds handled by workqueue",
      labelNames: queue,
    });
    this.workqueueQueueDuration = r.histogram({
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested",
      labelNames: queue,
      buckets: WORKQUEUE_DURATION_BUCKETS,
    });
    this.workqueueWorkDuration = r.histogram({
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes.",
      labelNames: queue,
      buckets: WORKQUEUE_DURATION_BUCKETS,
    });
    this.workqueueUnfinishedWork = r.gauge({
      name: "workqueue_unfinished_work_seconds",
      help: "How many seconds of work has been done that is in progress and hasn't been " +
        "observed by work_duration. Large values indicate stuck threads. One can deduce the " +
        "number of stuck threads by observing the rate at which this increases.",
      labelNames: queue,
    });
    this.workqueueLongestRunning = r.gauge({
      name: "workqueue_longest_running_processor_seconds",
      help: "How many seconds has the longest running processor for workqueue been running.",
      labelNames: queue,
    });
    this.workqueueRetries = r.counter({
      name: "workqueue_retries_total",
      help: "Total number of items added to the workqueue with a non-zero delay " +
        "(rate-limited requeues, explicit RequeueAfter or AddAfter calls)",
      labelNames: queue,
    });
    this.informerResourceVersion = r.gauge({
      name: "k1s_informer_resource_version",
      help: "Last resourceVersion applied by the informer of a kind",
      labelNames: ["kind"],
    });
    this.informerLag = r.gauge({
      name: "k1s_informer_lag_revisions",
      help: "Store head revision minus the last resourceVersion applied by the informer of a kind",
      labelNames: ["kind"],
    });
    this.informerLastSync = r.gauge({
      name: "k1s_informer_last_sync_timestamp_seconds",
      help: "Unix time at which the informer of a kind last applied a change or resynced",
      labelNames: ["kind"],
    });
    r.addCollector(() => {
      for (const q of this.#queues.values()) q.collect();
    });
  }

  /**
   * The work queue sink of the queue named `name` (one per name, kept across the queues a
   * controller makes), with every queue series created at zero.
   *
   * @example
   * ```ts
   * import { Metrics } from "./metrics.ts";
   * import { WorkQueue } from "./workqueue.ts";
   * import assert from "node:assert/strict";
   * const metrics = new Metrics();
   * const queue = new WorkQueue({ metrics: metrics.queueSink("q") });
   * queue.add("a");
   * queue.add("b");
   * assert.match(await metrics.text(), /^workqueue_depth\{name="q",controller="q"\} 2$/m);
   * queue.shutDown();
   * ```
   */
  queueSink(name: string): WorkQueueMetricsSink<string> {
    let sink = this.#queues.get(name);
    if (!sink) {
      sink = new QueueSink(this, name, this.#clock);
      this.#queues.set(name, sink);
      const labels = sink.labels;
      this.workqueueAdds.inc(labels, 0);
      this.workqueueRetries.inc(labels, 0);
      this.workqueueQueueDuration.get(labels);
      this.workqueueWorkDuration.get(labels);
      sink.collect();
    }
    return sink;
  }

  /**
   * The sink of the controller named `name` (one per name), with its series created at zero
   * as controller-runtime's `initMetrics` does.
   *
   * @example
   * ```ts
   * import { Metrics } from "./metrics.ts";
   * import assert from "node:assert/strict";
   * const metrics = new Metrics();
   * const sink = metrics.controllerSink("apps");
   * sink.start(2);
   * sink.active(1);
   * sink.reconciled("success", 0.01);
   * sink.active(-1);
   * assert.equal(metrics.maxConcurrentReconciles.get({ controller: "apps" }), 2);
   * assert.equal(metrics.reconcileTime.get({ controller: "apps" }).count, 1);
   * ```
   */
  controllerSink(name: string): ControllerMetricsSink {
    const existing = this.#controllers.get(name);
    if (existing) return existing;
    const labels = { controller: name };
    // One label object per result, so each observation finds its series without a key.
    const byResult: Record<string, Labels> = {
      success: { controller: name, result: "success" },
      error: { controller: name, result: "error" },
      requeue: { controller: name, result: "requeue" },
      requeue_after: { controller: name, result: "requeue_after" },
    };
    for (const result of ["error", "requeue_after", "requeue", "success"]) {
      this.reconcileTotal.inc({ controller: name, result }, 0);
    }
    this.reconcileErrors.inc(labels, 0);
    this.terminalReconcileErrors.inc(labels, 0);
    this.reconcileTime.get(labels);
    this.activeWorkers.set(labels, 0);
    const sink: ControllerMetricsSink = {
      queue: this.queueSink(name),
      start: (workers) => {
        this.maxConcurrentReconciles.set(labels, workers);
        this.activeWorkers.set(labels, 0);
      },
      active: (delta) => this.activeWorkers.inc(labels, delta),
      reconciled: (outcome: ReconcileOutcome, seconds: number) => {
        const failed = outcome === "error" || outcome === "terminal_error";
        if (failed) this.reconcileErrors.inc(labels);
        if (outcome === "terminal_error") this.terminalReconcileErrors.inc(labels);
        this.reconcileTotal.inc(byResult[failed ? "error" : outcome]);
        this.reconcileTime.observe(labels, seconds);
      },
    };
    this.#controllers.set(name, sink);
    return sink;
  }

  /**
   * Installs this registry's sink on `controller` (by its name).
   *
   * @example
   * ```ts
   * import { Metrics } from "./metrics.ts";
   * import { Controller } from "./controller.ts";
   * import assert from "node:assert/strict";
   * const metrics = new Metrics();
   * metrics.instrument(new Controller("apps", () => {}, []));
   * assert.match(await metrics.text(), /controller_runtime_active_workers\{controller="apps"\} 0/);
   * ```
   */
  instrument(controller: Instrumentable): void {
    controller.setMetrics(this.controllerSink(controller.name));
  }

  /**
   * Records that the informer of `kind` has applied `resourceVersion` (now, by the clock);
   * with `head`, also how many revisions it is behind. Non-numeric versions are ignored.
   *
   * @example
   * ```ts
   * import { Metrics } from "./metrics.ts";
   * import assert from "node:assert/strict";
   * const metrics = new Metrics();
   * metrics.observeInformer("Deployment", "40", { head: 42 });
   * assert.equal(metrics.informerLag.get({ kind: "Deployment" }), 2);
   * ```
   */
  observeInformer(
    kind: string,
    resourceVersion: string | number,
    options: InformerObservation = {},
  ): void {
    const rv = Number(resourceVersion);
    if (!Number.isFinite(rv)) return;
    const labels = { kind };
    this.informerResourceVersion.set(labels, rv);
    this.informerLastSync.set(labels, this.#clock.now() / 1000);
    if (options.head !== undefined) {
      const head = Number(options.head);
      if (Number.isFinite(head)) this.informerLag.set(labels, Math.max(0, head - rv));
    }
  }

  /** Runs the collectors and writes the exposition text (see {@linkcode MetricsRegistry.text}). */
  text(): Promise<string> {
    return this.registry.text();
  }
}
