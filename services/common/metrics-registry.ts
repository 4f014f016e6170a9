import { type Metric, Counter as PromCounter, Gauge as PromGauge, Registry } from 'prom-client';
import { type HistogramSeries, type Labels, SeriesHistogram } from './series-histogram.ts';

/**
 * The service's Prometheus registry (prom-client underneath). Other components register their own series here, e.g.
 * `registry.gauge('distillguard_consumer_lag', 'Messages behind', () => lag())` or a counter they increment.
 */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Histogram {
  observe(labels: Labels, value: number): void;
  /** The series of `labels`, resolved once: its `observe(value)` does no per-event label work (hot paths). */
  series(labels: Labels): HistogramSeries;
}

/** prom-client's default buckets, in seconds. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What a gauge reads at scrape time: one value, or labelled values (label names declared at registration). */
export type GaugeReading = number | Array<{ labels: Labels; value: number }>;

/**
 * A prom-client `collect` for a metric read at scrape time: resets it, then `write`s the reading (one unlabelled value,
 * or one value per label set) with the metric's own setter (`set` for a gauge, `inc` for a counter).
 */
function collectFrom<M extends { reset(): void }>(
  read: () => GaugeReading,
  write: (metric: M, value: number, labels?: Labels) => void,
): (this: M) => void {
  return function (this: M) {
    this.reset();
    const reading = read();
    if (typeof reading === 'number') write(this, reading);
    else for (const { labels, value } of reading) write(this, value, labels);
  };
}

export class MetricsRegistry {
  readonly #registry = new Registry();
  readonly #names = new Set<string>();

  /** The exposition format's content type, for the `/metrics` response. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** A counter whose label names are fixed by its first increment (Prometheus wants one label set per metric). */
  counter(name: string, help: string): Counter {
    this.#claim(name);
    const create = (labelNames: string[]) => new PromCounter({ name, help, labelNames, registers: [this.#registry] });
    let counter: PromCounter | undefined;
    return {
      inc: (labels = {}, by = 1) => {
        counter ??= create(Object.keys(labels));
        counter.inc(labels, by);
      },
    };
  }

  /** A histogram (default buckets 5 ms … 10 s) whose label names are fixed by its first observation. */
  histogram(name: string, help: string, buckets: number[] = DEFAULT_BUCKETS): Histogram {
    this.#claim(name);
    const histogram = new SeriesHistogram(name, help, buckets);
    let registered = false;
    const series = (labels: Labels) => {
      const resolved = histogram.series(labels);
      if (!registered) this.#registry.registerMetric(histogram as unknown as Metric);
      registered = true;
      return resolved;
    };
    return { series, observe: (labels, value) => series(labels).observe(value) };
  }

  /** A gauge read at scrape time; `labelNames` lists the labels `read` may return. */
  gauge(name: string, help: string, read: () => GaugeReading, labelNames: string[] = []): void {
    this.#claim(name);
    const collect = collectFrom<PromGauge>(read, (g, value, labels) => (labels ? g.set(labels, value) : g.set(value)));
    new PromGauge({ name, help, labelNames, registers: [this.#registry], collect });
  }

  /**
   * A counter whose running total is kept elsewhere and read at scrape time (e.g. a consumer's messages so far);
   * `labelNames` lists the labels `read` may return. Totals must not decrease.
   */
  total(name: string, help: string, read: () => GaugeReading, labelNames: string[] = []): void {
    this.#claim(name);
    const collect = collectFrom<PromCounter>(read, (c, value, labels) =>
      labels ? c.inc(labels, value) : c.inc(value),
    );
    new PromCounter({ name, help, labelNames, registers: [this.#registry], collect });
  }

  /** The exposition text of every metric observed so far and every gauge. */
  render(): Promise<string> {
    return this.#registry.metrics();
  }

  #claim(name: string): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    if (this.#names.has(name)) throw new Error(`metric ${name} is already registered`);
    this.#names.add(name);
  }
}
