import { z } from 'zod';
import { quantile } from './stats.ts';

/** One rate step of the end-to-end load, as the load worker reports it. */
export const stepResultSchema = z.object({
  targetRate: z.number(),
  produced: z.number(),
  produceSeconds: z.number(),
  /** Consumer-group lag (messages not yet committed) sampled while producing and draining. */
  lag: z.array(z.object({ atS: z.number(), lag: z.number() })),
  /** Produce → committed latency of each acknowledged batch and partition, in ms. */
  latenciesMs: z.array(z.number()),
  drained: z.boolean(),
  drainSeconds: z.number(),
  /** CPU seconds the streaming service used during the step (produce + drain). */
  serviceCpuSeconds: z.number(),
});
export type StepResult = z.infer<typeof stepResultSchema>;

export interface StepAnalysis {
  targetRate: number;
  achievedRate: number;
  /** Least-squares growth of the lag over the second half of the produce window, messages per second. */
  lagGrowthPerS: number;
  lagAtEnd: number;
  sustained: boolean;
  p50Ms: number;
  p99Ms: number;
  serviceCores: number;
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
 * A step is sustained when the producer reached 90% of the target, the lag did not grow over the second half
 * (slope under 5% of the rate), the consumer was at most 2 s of traffic behind at the end, and it drained.
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
  const latency = (q: number) => (step.latenciesMs.length ? quantile(step.latenciesMs, q) : Number.NaN);
  return {
    targetRate: step.targetRate,
    achievedRate,
    lagGrowthPerS,
    lagAtEnd,
    sustained,
    p50Ms: latency(0.5),
    p99Ms: latency(0.99),
    serviceCores: step.serviceCpuSeconds / (step.produceSeconds + step.drainSeconds),
  };
}

/** The sustained step with the highest achieved rate, or null when none was sustained. */
export function highestSustained(steps: readonly StepAnalysis[]): StepAnalysis | null {
  return steps
    .filter((s) => s.sustained)
    .reduce<StepAnalysis | null>((best, s) => (best === null || s.achievedRate > best.achievedRate ? s : best), null);
}
