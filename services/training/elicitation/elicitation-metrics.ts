/** A share of prompts flagged with its Wilson 95% interval. */
export interface Share {
  flagged: number;
  total: number;
  rate: number;
  lower: number;
  upper: number;
}

const Z95 = 1.959964;

export function share(flagged: number, total: number): Share {
  if (total === 0) return { flagged, total, rate: 0, lower: 0, upper: 1 };
  const p = flagged / total;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / (1 + z2 / total);
  return { flagged, total, rate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** How many of `items` a predicate flags, as a share. */
export function shareOf<T>(items: readonly T[], flagged: (item: T) => boolean): Share {
  let n = 0;
  for (const item of items) if (flagged(item)) n++;
  return share(n, items.length);
}

/**
 * The lowest threshold at which the negatives that reach it are few enough that their rate's Wilson 95% upper bound
 * stays at or under `maxRate`: the false-positive rate is held to `maxRate` with confidence, not just on the sample
 * (on 4,800 negatives and 0.5%, about 0.3% of them may reach it). Midway between the k-th and (k+1)-th highest score,
 * so ties do not push the rate over.
 */
export function midpointThresholdForRate(negativeScores: readonly number[], maxRate: number): number {
  if (negativeScores.length === 0) return 0.5;
  const sorted = [...negativeScores].sort((a, b) => b - a);
  let k = 0;
  while (k < sorted.length && share(k + 1, sorted.length).upper <= maxRate) k++;
  const below = sorted[k] ?? 0;
  const above = k > 0 ? sorted[k - 1]! : Math.min(1, below + 1e-6);
  const t = above > below ? (above + below) / 2 : below + 1e-9;
  return Math.min(Math.max(t, 1e-6), 1 - 1e-6);
}
