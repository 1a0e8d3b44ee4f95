/**
 * A small, dependency-free metrics registry that renders the Prometheus text exposition format
 * (version 0.0.4). No HTTP here: the gateway's server calls `render()` on `GET /metrics`.
 */

export type Labels = Record<string, string | number>;

export interface MetricOptions {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`; counters should end in `_total`. */
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, ascending; `+Inf` is added. Default: latency buckets in seconds. */
  buckets?: readonly number[];
}

export interface GaugeOptions extends MetricOptions {
  /** Called before each render, to set values computed on demand (queue depths). */
  collect?: (gauge: Gauge) => void;
}

/** Prometheus' content type for this format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Default buckets for latencies in seconds (1 ms … 60 s). */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

abstract class Metric<S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  abstract readonly type: "counter" | "gauge" | "histogram";
  protected readonly series = new Map<string, { values: string[]; state: S }>();

  constructor(options: MetricOptions, reserved: readonly string[] = []) {
    if (!METRIC_NAME.test(options.name)) throw new TypeError(`Invalid metric name: ${options.name}`);
    this.name = options.name;
    this.help = options.help;
    this.labelNames = [...(options.labelNames ?? [])];
    for (const label of this.labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith("__") || reserved.includes(label)) {
        throw new TypeError(`Invalid label name "${label}" on ${options.name}`);
      }
    }
    if (new Set(this.labelNames).size !== this.labelNames.length) {
      throw new TypeError(`Duplicate label name on ${options.name}`);
    }
  }

  /** Removes every series (e.g. before a collect callback sets fresh gauge values). */
  reset(): void {
    this.series.clear();
  }

  protected state(labels: Labels | undefined, init: () => S): S {
    const values = this.labelValues(labels);
    const key = values.join("\u0000");
    let entry = this.series.get(key);
    if (!entry) {
      entry = { values, state: init() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  protected labelText(values: readonly string[], extra?: [string, string]): string {
    const pairs = this.labelNames.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? "")}"`);
    if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
    return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
  }

  private labelValues(labels: Labels | undefined): string[] {
    const given = labels ?? {};
    const keys = Object.keys(given);
    if (keys.length !== this.labelNames.length || keys.some((k) => !this.labelNames.includes(k))) {
      throw new TypeError(
        `Metric ${this.name} takes labels [${this.labelNames.join(", ")}], got [${keys.join(", ")}]`,
      );
    }
    return this.labelNames.map((name) => String(given[name]));
  }

  /** The HELP/TYPE header and every sample line. */
  render(): string[] {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const { values, state } of this.series.values()) lines.push(...this.samples(values, state));
    return lines;
  }

  protected abstract samples(values: string[], state: S): string[];
}

/** A value that only goes up (reset by a restart). */
export class Counter extends Metric<{ value: number }> {
  readonly type = "counter" as const;

  inc(labels?: Labels, amount = 1): void {
    if (!(amount >= 0)) throw new RangeError(`Counter ${this.name} can only increase`);
    this.state(labels, () => ({ value: 0 })).value += amount;
  }

  get(labels?: Labels): number {
    return this.state(labels, () => ({ value: 0 })).value;
  }

  protected samples(values: string[], state: { value: number }): string[] {
    return [`${this.name}${this.labelText(values)} ${formatValue(state.value)}`];
  }
}

/** A value that goes up and down. */
export class Gauge extends Metric<{ value: number }> {
  readonly type = "gauge" as const;
  readonly collect: ((gauge: Gauge) => void) | undefined;

  constructor(options: GaugeOptions) {
    super(options);
    this.collect = options.collect;
  }

  set(labels: Labels | undefined, value: number): void {
    this.state(labels, () => ({ value: 0 })).value = value;
  }

  inc(labels?: Labels, amount = 1): void {
    this.state(labels, () => ({ value: 0 })).value += amount;
  }

  dec(labels?: Labels, amount = 1): void {
    this.state(labels, () => ({ value: 0 })).value -= amount;
  }

  get(labels?: Labels): number {
    return this.state(labels, () => ({ value: 0 })).value;
  }

  protected samples(values: string[], state: { value: number }): string[] {
    return [`${this.name}${this.labelText(values)} ${formatValue(state.value)}`];
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted into cumulative buckets, with `_sum` and `_count`. */
export class Histogram extends Metric<HistogramState> {
  readonly type = "histogram" as const;
  readonly buckets: readonly number[];

  constructor(options: HistogramOptions) {
    super(options, ["le"]);
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)].filter((b) => b !== Number.POSITIVE_INFINITY);
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i] as number;
      if (Number.isNaN(b) || (i > 0 && b <= (buckets[i - 1] as number))) {
        throw new TypeError(`Histogram ${options.name} buckets must be increasing numbers`);
      }
    }
    this.buckets = buckets;
  }

  observe(labels: Labels | undefined, value: number): void {
    const state = this.state(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Stored per bucket; cumulated at render time.
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index !== -1) state.counts[index] = (state.counts[index] ?? 0) + 1;
    state.sum += value;
    state.count++;
  }

  /** Starts a timer; calling the result observes the elapsed seconds. */
  startTimer(labels?: Labels, now: () => number = () => performance.now()): () => number {
    const start = now();
    return () => {
      const seconds = (now() - start) / 1000;
      this.observe(labels, seconds);
      return seconds;
    };
  }

  protected samples(values: string[], state: HistogramState): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    this.buckets.forEach((bound, i) => {
      cumulative += state.counts[i] ?? 0;
      lines.push(`${this.name}_bucket${this.labelText(values, ["le", formatValue(bound)])} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket${this.labelText(values, ["le", "+Inf"])} ${state.count}`);
    lines.push(`${this.name}_sum${this.labelText(values)} ${formatValue(state.sum)}`);
    lines.push(`${this.name}_count${this.labelText(values)} ${state.count}`);
    return lines;
  }
}

type AnyMetric = Counter | Gauge | Histogram;

/** Holds every metric of the process and renders them together. */
export class MetricsRegistry {
  readonly #metrics = new Map<string, AnyMetric>();

  counter(options: MetricOptions): Counter {
    return this.#register(new Counter(options));
  }

  gauge(options: GaugeOptions): Gauge {
    return this.#register(new Gauge(options));
  }

  histogram(options: HistogramOptions): Histogram {
    return this.#register(new Histogram(options));
  }

  /** The metric registered under `name`, if any. */
  get(name: string): AnyMetric | undefined {
    return this.#metrics.get(name);
  }

  /** The whole registry in Prometheus text format, ending with a newline. */
  render(): string {
    const lines: string[] = [];
    for (const metric of this.#metrics.values()) {
      if (metric instanceof Gauge && metric.collect) metric.collect(metric);
      lines.push(...metric.render());
    }
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  }

  #register<M extends AnyMetric>(metric: M): M {
    const names = metric instanceof Histogram ? ["", "_bucket", "_sum", "_count"] : [""];
    for (const existing of this.#metrics.values()) {
      const taken = existing instanceof Histogram ? ["", "_bucket", "_sum", "_count"] : [""];
      for (const a of names) {
        for (const b of taken) {
          if (metric.name + a === existing.name + b)
            throw new TypeError(`Metric ${metric.name} clashes with ${existing.name}`);
        }
      }
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

/** Label values escape backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes backslash and newline (quotes stay as they are). */
function escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
