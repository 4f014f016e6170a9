import type { Figure, FigureSummary, Target, Verdict } from './results-schema.ts';

/** Quantile of a sample by linear interpolation between closest ranks (q in [0, 1]). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty sample');
  if (q < 0 || q > 1) throw new RangeError(`quantile ${q} outside [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (position - lower);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Met or missed, and by what share of the target (positive = better than the target). */
export function verdict(value: number, target: Target): Verdict {
  const met = target.op === '>=' ? value >= target.value : value <= target.value;
  const better = target.op === '>=' ? value - target.value : target.value - value;
  return { met, margin: target.value === 0 ? better : better / Math.abs(target.value) };
}

/** Groups figures of several runs by name (first-seen order) and summarises each with median and spread. */
export function summariseRuns(runs: ReadonlyArray<readonly Figure[]>): FigureSummary[] {
  const byName = new Map<string, Figure[]>();
  for (const figures of runs)
    for (const figure of figures) byName.set(figure.name, [...(byName.get(figure.name) ?? []), figure]);
  return [...byName.values()].map((figures) => {
    const values = figures.map((f) => f.value);
    const { name, unit, target } = figures[0]!;
    const mid = median(values);
    return {
      name,
      unit,
      runs: values.length,
      median: mid,
      min: Math.min(...values),
      max: Math.max(...values),
      p25: quantile(values, 0.25),
      p75: quantile(values, 0.75),
      ...(target ? { target, verdict: verdict(mid, target) } : {}),
    };
  });
}

/** Latency percentiles of a sample in the sample's unit. */
export function latencyFigures(
  prefix: string,
  samples: readonly number[],
  unit: string,
  targets: { p50?: Target; p99?: Target } = {},
): Figure[] {
  if (samples.length === 0) return [];
  const figure = (p: 'p50' | 'p99', q: number): Figure => ({
    name: `${prefix} ${p}`,
    unit,
    value: quantile(samples, q),
    ...(targets[p] ? { target: targets[p] } : {}),
  });
  return [figure('p50', 0.5), figure('p99', 0.99)];
}
