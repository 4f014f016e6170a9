import { DEFAULT_SEVERITY_THRESHOLDS, type SeverityThresholds } from '../scorers/ensemble.ts';

/**
 * The benign reference of one scoring profile: a histogram of each benign key-day's highest evidence score (bins of
 * equal width on [0, 1]), from traffic the calibration was allowed to see.
 */
export interface BenignReference {
  keyDays: number;
  /** counts[i] = benign key-days whose daily maximum fell in [i/bins, (i+1)/bins). */
  counts: readonly number[];
}

/** Each severity's share of the budget: high alerts are 4× rarer than medium ones, critical 16×. */
const HIGH_BUDGET_SHARE = 1 / 4;
const CRITICAL_BUDGET_SHARE = 1 / 16;

/**
 * Lowest score t (a bin edge) such that at most `perThousand` of 1,000 benign key-days reach t; when the reference
 * has too few key-days to resolve that rate, the edge just above its highest benign day.
 */
export function thresholdForRate(ref: BenignReference, perThousand: number): number {
  const bins = ref.counts.length;
  const allowed = (perThousand * ref.keyDays) / 1000 + 1e-9;
  let above = 0;
  for (let i = bins - 1; i >= 0; i--) {
    if (above + ref.counts[i]! > allowed) return (i + 1) / bins;
    above += ref.counts[i]!;
  }
  return 0;
}

/**
 * Alert thresholds for a false-positive budget (benign keys alerted per 1,000 per day): medium is the threshold the
 * budget allows on the benign reference, high and critical spend a quarter and a sixteenth of it. The fixed defaults
 * are floors — a budget never lowers an alert below the score a fired rule starts at.
 */
export function thresholdsForBudget(ref: BenignReference | null, perThousand: number): SeverityThresholds {
  const floor = DEFAULT_SEVERITY_THRESHOLDS;
  if (!ref || ref.keyDays === 0) return { ...floor };
  const medium = Math.max(floor.medium, thresholdForRate(ref, perThousand));
  const high = Math.max(floor.high, medium, thresholdForRate(ref, perThousand * HIGH_BUDGET_SHARE));
  const critical = Math.max(floor.critical, high, thresholdForRate(ref, perThousand * CRITICAL_BUDGET_SHARE));
  return { medium: Math.min(medium, 0.99), high: Math.min(high, 0.995), critical: Math.min(critical, 0.999) };
}

/** Folds per-key-day maxima into a reference histogram. */
export function referenceFrom(dailyMaxima: Iterable<number>, bins = 200): BenignReference {
  const counts = new Array<number>(bins).fill(0);
  let keyDays = 0;
  for (const value of dailyMaxima) {
    const v = Math.min(1, Math.max(0, value));
    counts[Math.min(bins - 1, Math.floor(v * bins))]!++;
    keyDays++;
  }
  return { keyDays, counts };
}
