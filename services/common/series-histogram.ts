/** Label name → value of one series. */
export type Labels = Record<string, string>;

/** One labelled series of a histogram: resolve it once (e.g. per route and status), then observe per event. */
export interface HistogramSeries {
  observe(value: number): void;
}

interface SeriesData {
  labels: Labels;
  /** Observations per bucket (not cumulative); the last slot counts values above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** What prom-client's Registry formats for a metric it does not own: `get()` in its exposition shape. */
interface ExposedValue {
  labels: Record<string, string | number>;
  sharedLabels: Labels;
  value: number;
  metricName: string;
}

/**
 * A histogram whose series are resolved once and then cost a bucket search and three additions per observation:
 * no label object, validation or label hashing per event (prom-client's histogram does all three on every
 * `observe`, also through `labels()`). Rendered by prom-client's Registry in the same text as its own histogram
 * (cumulative `le` buckets first, `+Inf`, `_sum`, `_count`). Label names are fixed by the first series.
 */
export class SeriesHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #series = new Map<string, SeriesData>();
  #labelNames: string[] | null = null;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  /** The series of `labels` (created on first use). */
  series(labels: Labels): HistogramSeries {
    const data = this.#dataOf(labels);
    const { buckets } = this;
    return {
      observe: (value) => {
        if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
        let b = 0;
        while (b < buckets.length && value > buckets[b]!) b++;
        data.counts[b]! += 1;
        data.sum += value;
        data.count += 1;
      },
    };
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: ExposedValue[] } {
    const values: ExposedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, b) => {
        cumulative += counts[b]!;
        values.push({ labels: { le }, sharedLabels: labels, value: cumulative, metricName: bucketName });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: bucketName });
      values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }

  #dataOf(labels: Labels): SeriesData {
    const names = Object.keys(labels);
    this.#labelNames ??= names;
    const expected = this.#labelNames;
    for (const n of names)
      if (!expected.includes(n)) throw new Error(`Added label "${n}" is not included in initial labelset`);
    const key = expected.map((n) => labels[n] ?? '').join('\u0000');
    let data = this.#series.get(key);
    if (data === undefined) {
      data = { labels: { ...labels }, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
      this.#series.set(key, data);
    }
    return data;
  }
}
