/**
 * A small Prometheus text-format registry. Other components register their own series here, e.g.
 * `registry.gauge('distillguard_consumer_lag', 'Messages behind', () => lag())` or a counter they increment.
 */
type Labels = Record<string, string>;

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function labelText(labels: Labels, extra: Labels = {}): string {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

const seriesKey = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = seriesKey(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }
  render(): string[] {
    return [...this.values.values()].map((e) => `${this.name}${labelText(e.labels)} ${e.value}`);
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets = DEFAULT_BUCKETS,
  ) {}
  observe(labels: Labels, value: number): void {
    const key = seriesKey(labels);
    const entry = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((le, i) => {
      if (value <= le) entry.counts[i] = (entry.counts[i] ?? 0) + 1;
    });
    entry.sum += value;
    entry.count += 1;
    this.series.set(key, entry);
  }
  render(): string[] {
    const lines: string[] = [];
    for (const e of this.series.values()) {
      this.buckets.forEach((le, i) => {
        lines.push(`${this.name}_bucket${labelText(e.labels, { le: String(le) })} ${e.counts[i]}`);
      });
      lines.push(`${this.name}_bucket${labelText(e.labels, { le: '+Inf' })} ${e.count}`);
      lines.push(`${this.name}_sum${labelText(e.labels)} ${e.sum}`);
      lines.push(`${this.name}_count${labelText(e.labels)} ${e.count}`);
    }
    return lines;
  }
}

/** A gauge read at scrape time; `collect` returns one value or labelled values. */
export interface Gauge {
  name: string;
  help: string;
  collect(): number | Array<{ labels: Labels; value: number }>;
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, { type: string; help: string; render(): string[] }>();

  counter(name: string, help: string): Counter {
    const counter = new Counter(name, help);
    this.add(name, 'counter', help, () => counter.render());
    return counter;
  }

  histogram(name: string, help: string, buckets?: number[]): Histogram {
    const histogram = new Histogram(name, help, buckets);
    this.add(name, 'histogram', help, () => histogram.render());
    return histogram;
  }

  gauge(name: string, help: string, collect: Gauge['collect']): void {
    this.add(name, 'gauge', help, () => {
      const value = collect();
      if (typeof value === 'number') return [`${name} ${value}`];
      return value.map((v) => `${name}${labelText(v.labels)} ${v.value}`);
    });
  }

  /** The exposition text of every registered metric. */
  render(): string {
    const lines: string[] = [];
    for (const [name, m] of this.metrics) {
      lines.push(`# HELP ${name} ${m.help}`, `# TYPE ${name} ${m.type}`, ...m.render());
    }
    return `${lines.join('\n')}\n`;
  }

  private add(name: string, type: string, help: string, render: () => string[]): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    if (this.metrics.has(name)) throw new Error(`metric ${name} is already registered`);
    this.metrics.set(name, { type, help, render });
  }
}
