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
 *   buckets ({@linkcode RECONCILE_TIME_BUCKETS}).
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
 * runtime npm dependency for JSR users. So this module has its own {@linkcode MetricsRegistry}.
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

/** The `Content-Type` of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Label values of one series, by label name. */
export type Labels = Record<string, string>;

/**
 * `count` buckets starting at `start`, each `factor` times the previous (Prometheus's
 * `ExponentialBuckets`), rounded to 12 significant digits so `1e-8 * 10` is `1e-7`.
 *
 * @example
 * ```ts
 * import { exponentialBuckets } from "./metrics.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(exponentialBuckets(1e-8, 10, 3), [1e-8, 1e-7, 1e-6]);
 * ```
 */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(start > 0) || !(factor > 1) || !(count >= 1)) {
    throw new RangeError(
      `Cannot make exponential buckets from start ${start}, factor ${factor}, count ${count}: ` +
        "start must be > 0, factor > 1 and count >= 1",
    );
  }
  return Array.from({ length: count }, (_, i) => Number((start * factor ** i).toPrecision(12)));
}

/** controller-runtime's buckets of `controller_runtime_reconcile_time_seconds`. */
export const RECONCILE_TIME_BUCKETS: readonly number[] = Object.freeze([
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.15,
  0.2,
  0.25,
  0.3,
  0.35,
  0.4,
  0.45,
  0.5,
  0.6,
  0.7,
  0.8,
  0.9,
  1.0,
  1.25,
  1.5,
  1.75,
  2.0,
  2.5,
  3.0,
  3.5,
  4.0,
  4.5,
  5,
  6,
  7,
  8,
  9,
  10,
  15,
  20,
  25,
  30,
  40,
  50,
  60,
]);

/** client-go's workqueue duration buckets: `ExponentialBuckets(10e-9, 10, 12)`, 1e-8 s … 1000 s. */
export const WORKQUEUE_DURATION_BUCKETS: readonly number[] = Object.freeze(
  exponentialBuckets(10e-9, 10, 12),
);

/** Options common to every metric. */
export interface MetricOptions {
  /** Metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
  name: string;
  /** The `# HELP` text. */
  help: string;
  /** Label names, in the order they are written. Default none. */
  labelNames?: readonly string[];
}

/** Options of a {@linkcode Histogram}. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, increasing; `+Inf` is added. */
  buckets: readonly number[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A label value escaped for the text format: backslash, double quote and newline.
 *
 * @example
 * ```ts
 * import { escapeLabelValue } from "./metrics.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
 * ```
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : "\\" + c);
}

function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => c === "\n" ? "\\n" : "\\\\");
}

function formatValue(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  if (Number.isNaN(n)) return "NaN";
  return String(n);
}

/**
 * The common part of {@linkcode Counter}, {@linkcode Gauge} and {@linkcode Histogram}: name,
 * help, label checks and the series by label values.
 */
export abstract class Metric<S> {
  /** Metric name. */
  readonly name: string;
  /** Help text. */
  readonly help: string;
  /** Label names. */
  readonly labelNames: readonly string[];
  /** Series by their joined label values. */
  protected readonly series: Map<string, { values: readonly string[]; state: S }> = new Map();

  /** Checks the options; labels in `reserved` are not allowed. */
  constructor(options: MetricOptions, reserved: readonly string[] = []) {
    if (!METRIC_NAME.test(options.name)) {
      throw new Error(
        `Cannot create metric "${options.name}": the name is not a valid metric name`,
      );
    }
    const labelNames = options.labelNames ?? [];
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith("__") || reserved.includes(label)) {
        throw new Error(`Cannot create metric "${options.name}": label "${label}" is not allowed`);
      }
    }
    if (new Set(labelNames).size !== labelNames.length) {
      throw new Error(`Cannot create metric "${options.name}": label names repeat`);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = [...labelNames];
  }

  /** The Prometheus type written in `# TYPE`. */
  abstract readonly type: "counter" | "gauge" | "histogram";

  /** A new series' state. */
  protected abstract initial(): S;

  /** The series of `labels`, created if new. */
  protected at(labels: Labels | undefined): S {
    const values = this.labelNames.map((name) => {
      const v = labels?.[name];
      if (v === undefined) {
        throw new Error(`Cannot record metric "${this.name}": label "${name}" is missing`);
      }
      return String(v);
    });
    if (labels) {
      for (const name of Object.keys(labels)) {
        if (!this.labelNames.includes(name)) {
          throw new Error(`Cannot record metric "${this.name}": it has no label "${name}"`);
        }
      }
    }
    const key = values.join("\u0000");
    let entry = this.series.get(key);
    if (!entry) {
      entry = { values, state: this.initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  /** `{a="x",b="y"}` for the series' values plus `extra` (already escaped). */
  protected labelText(values: readonly string[], extra = ""): string {
    const parts = values.map((v, i) => `${this.labelNames[i]}="${escapeLabelValue(v)}"`);
    if (extra) parts.push(extra);
    return parts.length ? `{${parts.join(",")}}` : "";
  }

  /** Sample lines of all series. */
  abstract samples(): string[];

  /** Removes every series. */
  reset(): void {
    this.series.clear();
  }
}

/**
 * A counter: a value per label set that only goes up.
 *
 * @example
 * ```ts
 * import { Counter } from "./metrics.ts";
 * import assert from "node:assert/strict";
 * const c = new Counter({ name: "jobs_total", help: "Jobs.", labelNames: ["queue"] });
 * c.inc({ queue: "a" });
 * c.inc({ queue: "a" }, 2);
 * assert.equal(c.get({ queue: "a" }), 3);
 * assert.deepEqual(c.samples(), ['jobs_total{queue="a"} 3']);
 * ```
 */
export class Counter extends Metric<{ value: number }> {
  /** `counter`. */
  readonly type = "counter" as const;

  /** A counter with these options. */
  constructor(options: MetricOptions) {
    super(options);
  }

  /** A new series at 0. */
  protected initial(): { value: number } {
    return { value: 0 };
  }

  /** Adds `by` (default 1, must not be negative) to the series of `labels`. */
  inc(labels?: Labels, by = 1): void {
    if (!(by >= 0)) {
      throw new RangeError(`Cannot decrease counter "${this.name}" by ${-by}: counters only go up`);
    }
    this.at(labels).value += by;
  }

  /** The value of the series of `labels` (created at 0 if new). */
  get(labels?: Labels): number {
    return this.at(labels).value;
  }

  /** Sample lines of all series. */
  samples(): string[] {
    return [...this.series.values()].map(({ values, state }) =>
      `${this.name}${this.labelText(values)} ${formatValue(state.value)}`
    );
  }
}

/**
 * A gauge: a value per label set that goes up and down.
 *
 * @example
 * ```ts
 * import { Gauge } from "./metrics.ts";
 * import assert from "node:assert/strict";
 * const g = new Gauge({ name: "workers", help: "Workers." });
 * g.set(undefined, 4);
 * g.inc(undefined, -1);
 * assert.deepEqual(g.samples(), ["workers 3"]);
 * ```
 */
export class Gauge extends Metric<{ value: number }> {
  /** `gauge`. */
  readonly type = "gauge" as const;

  /** A gauge with these options. */
  constructor(options: MetricOptions) {
    super(options);
  }

  /** A new series at 0. */
  protected initial(): { value: number } {
    return { value: 0 };
  }

  /** Sets the series of `labels` to `value`. */
  set(labels: Labels | undefined, value: number): void {
    this.at(labels).value = value;
  }

  /** Adds `by` (default 1, may be negative) to the series of `labels`. */
  inc(labels?: Labels, by = 1): void {
    this.at(labels).value += by;
  }

  /** The value of the series of `labels` (created at 0 if new). */
  get(labels?: Labels): number {
    return this.at(labels).value;
  }

  /** Sample lines of all series. */
  samples(): string[] {
    return [...this.series.values()].map(({ values, state }) =>
      `${this.name}${this.labelText(values)} ${formatValue(state.value)}`
    );
  }
}

/** One histogram series: counts per bucket (not cumulative), sum and count. */
export interface HistogramState {
  /** Observations per bucket, the last for `+Inf`; not cumulative. */
  counts: number[];
  /** Sum of the observations. */
  sum: number;
  /** Number of observations. */
  count: number;
}

/** What {@linkcode Histogram.get} returns: cumulative bucket counts by upper bound. */
export interface HistogramSnapshot {
  /** `[upperBound, cumulativeCount]`, ending with `[Infinity, count]`. */
  buckets: [number, number][];
  /** Sum of the observations. */
  sum: number;
  /** Number of observations. */
  count: number;
}

/**
 * A histogram: per label set, counts of observations at or below each bucket bound, their sum
 * and count, written as `_bucket{le=…}` (cumulative, ending with `+Inf`), `_sum` and `_count`.
 *
 * @example
 * ```ts
 * import { Histogram } from "./metrics.ts";
 * import assert from "node:assert/strict";
 * const h = new Histogram({ name: "latency_seconds", help: "Latency.", buckets: [0.1, 1] });
 * h.observe(undefined, 0.1);
 * h.observe(undefined, 5);
 * assert.deepEqual(h.samples(), [
 *   'latency_seconds_bucket{le="0.1"} 1',
 *   'latency_seconds_bucket{le="1"} 1',
 *   'latency_seconds_bucket{le="+Inf"} 2',
 *   "latency_seconds_sum 5.1",
 *   "latency_seconds_count 2",
 * ]);
 * ```
 */
export class Histogram extends Metric<HistogramState> {
  /** `histogram`. */
  readonly type = "histogram" as const;
  /** Upper bounds of the buckets, without `+Inf`. */
  readonly buckets: readonly number[];

  /** A histogram with these options. */
  constructor(options: HistogramOptions) {
    super(options, ["le"]);
    const buckets = options.buckets.filter((b) => b !== Infinity);
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i] > buckets[i - 1])) {
        throw new Error(`Cannot create histogram "${options.name}": buckets must increase`);
      }
    }
    this.buckets = Object.freeze([...buckets]);
  }

  /** A new, empty series. */
  protected initial(): HistogramState {
    return { counts: new Array(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  /** Records one observation in the series of `labels`. */
  observe(labels: Labels | undefined, value: number): void {
    const state = this.at(labels);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]) i++;
    state.counts[i]++;
    state.sum += value;
    state.count++;
  }

  /** Cumulative buckets, sum and count of the series of `labels` (created empty if new). */
  get(labels?: Labels): HistogramSnapshot {
    const state = this.at(labels);
    let acc = 0;
    const bounds = [...this.buckets, Infinity];
    return {
      buckets: bounds.map((b, i) => [b, acc += state.counts[i]]),
      sum: state.sum,
      count: state.count,
    };
  }

  /** Sample lines of all series. */
  samples(): string[] {
    const lines: string[] = [];
    for (const { values, state } of this.series.values()) {
      let acc = 0;
      this.buckets.forEach((b, i) => {
        acc += state.counts[i];
        lines.push(`${this.name}_bucket${this.labelText(values, `le="${formatValue(b)}"`)} ${acc}`);
      });
      lines.push(`${this.name}_bucket${this.labelText(values, 'le="+Inf"')} ${state.count}`);
      lines.push(`${this.name}_sum${this.labelText(values)} ${formatValue(state.sum)}`);
      lines.push(`${this.name}_count${this.labelText(values)} ${state.count}`);
    }
    return lines;
  }
}

/** Any metric a {@linkcode MetricsRegistry} holds. */
export type AnyMetric = Counter | Gauge | Histogram;

/**
 * A set of metrics written together in the text exposition format 0.0.4. Collectors run before
 * each exposition to update metrics whose values are read rather than counted.
 *
 * @example
 * ```ts
 * import { MetricsRegistry } from "./metrics.ts";
 * import assert from "node:assert/strict";
 * const registry = new MetricsRegistry();
 * const up = registry.gauge({ name: "up", help: "Whether it runs." });
 * registry.addCollector(() => up.set(undefined, 1));
 * assert.equal(await registry.text(), "# HELP up Whether it runs.\n# TYPE up gauge\nup 1\n");
 * ```
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, AnyMetric>();
  readonly #collectors: (() => void | Promise<void>)[] = [];

  /** Adds a metric; its name must be new. Returns it. */
  register<M extends AnyMetric>(metric: M): M {
    if (this.#metrics.has(metric.name)) {
      throw new Error(`Cannot register metric "${metric.name}": a metric of that name exists`);
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  /** The registered metric named `name`. */
  get(name: string): AnyMetric | undefined {
    return this.#metrics.get(name);
  }

  /** Creates and registers a {@linkcode Counter}. */
  counter(options: MetricOptions): Counter {
    return this.register(new Counter(options));
  }

  /** Creates and registers a {@linkcode Gauge}. */
  gauge(options: MetricOptions): Gauge {
    return this.register(new Gauge(options));
  }

  /** Creates and registers a {@linkcode Histogram}. */
  histogram(options: HistogramOptions): Histogram {
    return this.register(new Histogram(options));
  }

  /** Runs `collect` before each {@linkcode MetricsRegistry.text}, e.g. to set gauges from live state. */
  addCollector(collect: () => void | Promise<void>): void {
    this.#collectors.push(collect);
  }

  /**
   * Runs the collectors, then writes every metric that has a series: `# HELP`, `# TYPE`, then
   * its samples; metrics without series are left out.
   */
  async text(): Promise<string> {
    for (const collect of this.#collectors) await collect();
    let out = "";
    for (const metric of this.#metrics.values()) {
      const samples = metric.samples();
      if (samples.length === 0) continue;
      out += `# HELP ${metric.name} ${
        escapeHelp(metric.help)
      }\n# TYPE ${metric.name} ${metric.type}\n`;
      out += samples.join("\n") + "\n";
    }
    return out;
  }
}

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
 * import { Metrics, PROMETHEUS_CONTENT_TYPE } from "./metrics.ts";
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
        this.reconcileTotal.inc({ controller: name, result: failed ? "error" : outcome });
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
