/**
 * A small Prometheus registry: counters, gauges and histograms with labels,
 * written in the text exposition format 0.0.4 (why k1s has its own rather
 * than prom-client is said in `metrics.ts`). {@linkcode Metrics} registers
 * controller-runtime's metrics in one; register yours beside them.
 *
 * @example
 * ```ts
 * import { MetricsRegistry } from "./metrics_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = new MetricsRegistry();
 * const jobs = registry.counter({ name: "jobs_total", help: "Jobs run.", labelNames: ["queue"] });
 * jobs.inc({ queue: "a" });
 * assert.match(await registry.text(), /^jobs_total\{queue="a"\} 1$/m);
 * ```
 *
 * @module
 */
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
 * import { exponentialBuckets } from "./metrics_registry.ts";
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
 * import { escapeLabelValue } from "./metrics_registry.ts";
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
  /**
   * Series by the label object last used for them: instrumentation passes
   * the same (unchanged) label objects on every observation, so the hot
   * path skips building the series key. Label objects must not be mutated.
   */
  #byObject = new WeakMap<Labels, S>();

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
    if (labels) {
      const hit = this.#byObject.get(labels);
      if (hit) return hit;
    }
    const state = this.#lookup(labels);
    if (labels) this.#byObject.set(labels, state);
    return state;
  }

  #lookup(labels: Labels | undefined): S {
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
    this.#byObject = new WeakMap();
  }
}

/**
 * A counter: a value per label set that only goes up.
 *
 * @example
 * ```ts
 * import { Counter } from "./metrics_registry.ts";
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
 * import { Gauge } from "./metrics_registry.ts";
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
 * import { Histogram } from "./metrics_registry.ts";
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
 * import { MetricsRegistry } from "./metrics_registry.ts";
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
