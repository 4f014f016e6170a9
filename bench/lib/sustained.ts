import { z } from 'zod';
import { quantile } from './stats.ts';

/** One rate step of the end-to-end load, as the load worker reports it. */
export const stepResultSchema = z.object({
  targetRate: z.number(),
  produced: z.number(),
  produceSeconds: z.number(),
  /**
   * Sampled while producing and draining: `lag`, records acknowledged by the broker whose rows are not queryable
   * yet (the lag users see); `committedLag`, records past the group's committed offsets (a sawtooth of the commit
   * interval, since the service commits only with a detector checkpoint).
   */
  lag: z.array(z.object({ atS: z.number(), lag: z.number(), committedLag: z.number() })),
  /** Per acknowledged batch and partition, in ms: produce → row queryable in `usage_events`. */
  rowLatenciesMs: z.array(z.number()),
  /** Duration of each poll for rows, in ms (the row latency's resolution). */
  rowPollMs: z.array(z.number()),
  /** Per alert on the `alerts` topic, in ms: produce of the event it was raised on → alert received. */
  alertLatenciesMs: z.array(z.number()),
  /** Per acknowledged batch and partition, in ms: produce → the group's committed offset past it. */
  commitLatenciesMs: z.array(z.number()),
  drained: z.boolean(),
  drainSeconds: z.number(),
  /** CPU seconds the streaming service used during the step (produce + drain). */
  serviceCpuSeconds: z.number(),
});
export type StepResult = z.infer<typeof stepResultSchema>;

/** p50 and p99 of a set of latencies (NaN when empty), and how many there were. */
export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  n: number;
}

export interface StepAnalysis {
  targetRate: number;
  achievedRate: number;
  /** Least-squares growth of the (not yet queryable) lag over the second half of the produce window, per second. */
  lagGrowthPerS: number;
  lagAtEnd: number;
  sustained: boolean;
  toRow: LatencySummary;
  toAlert: LatencySummary;
  toCommit: LatencySummary;
  rowPoll: LatencySummary;
  serviceCores: number;
}

function summary(latenciesMs: readonly number[]): LatencySummary {
  const at = (q: number) => (latenciesMs.length ? quantile(latenciesMs, q) : Number.NaN);
  return { p50Ms: at(0.5), p99Ms: at(0.99), n: latenciesMs.length };
}

/** Slope of y over x by least squares; 0 for fewer than two points. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * A step is sustained when the producer reached 90% of the target, the lag users see (records not yet queryable)
 * did not grow over the second half (slope under 5% of the rate), was at most 2 s of traffic at the end, and every
 * record was queryable and committed before the drain deadline.
 */
export function analyseStep(step: StepResult): StepAnalysis {
  const achievedRate = step.produced / step.produceSeconds;
  const producing = step.lag.filter((s) => s.atS <= step.produceSeconds);
  const secondHalf = producing.filter((s) => s.atS >= step.produceSeconds / 2).map((s) => ({ x: s.atS, y: s.lag }));
  const lagGrowthPerS = slope(secondHalf);
  const lagAtEnd = producing.at(-1)?.lag ?? 0;
  const sustained =
    achievedRate >= 0.9 * step.targetRate &&
    lagGrowthPerS <= 0.05 * achievedRate &&
    lagAtEnd <= 2 * achievedRate &&
    step.drained;
  return {
    targetRate: step.targetRate,
    achievedRate,
    lagGrowthPerS,
    lagAtEnd,
    sustained,
    toRow: summary(step.rowLatenciesMs),
    toAlert: summary(step.alertLatenciesMs),
    toCommit: summary(step.commitLatenciesMs),
    rowPoll: summary(step.rowPollMs),
    serviceCores: step.serviceCpuSeconds / (step.produceSeconds + step.drainSeconds),
  };
}

/** The sustained step with the highest achieved rate, or null when none was sustained. */
export function highestSustained(steps: readonly StepAnalysis[]): StepAnalysis | null {
  return steps
    .filter((s) => s.sustained)
    .reduce<StepAnalysis | null>((best, s) => (best === null || s.achievedRate > best.achievedRate ? s : best), null);
}
