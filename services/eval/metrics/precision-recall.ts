/** One scored item: a key's score and whether it really is an attack key. */
export interface Scored {
  score: number;
  positive: boolean;
}

export interface PrPoint {
  threshold: number;
  precision: number;
  recall: number;
}

/** Precision/recall at every distinct score threshold, highest threshold first (tied scores move together). */
export function prCurve(items: readonly Scored[]): PrPoint[] {
  const positives = items.filter((i) => i.positive).length;
  if (positives === 0) return [];
  const sorted = items.slice().sort((a, b) => b.score - a.score);
  const points: PrPoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; i++) {
    const item = sorted[i]!;
    if (item.positive) tp++;
    else fp++;
    const next = sorted[i + 1];
    if (next && next.score === item.score) continue;
    points.push({ threshold: item.score, precision: tp / (tp + fp), recall: tp / positives });
  }
  return points;
}

/** PR-AUC as average precision: Σ (recall_k − recall_{k−1}) · precision_k over thresholds; null without positives. */
export function averagePrecision(items: readonly Scored[]): number | null {
  if (!items.some((i) => i.positive)) return null;
  let previousRecall = 0;
  let area = 0;
  for (const p of prCurve(items)) {
    area += (p.recall - previousRecall) * p.precision;
    previousRecall = p.recall;
  }
  return area;
}

/** Precision and recall of a yes/no decision; null where undefined (nothing flagged, or no positives). */
export function precisionRecall(
  tp: number,
  fp: number,
  fn: number,
): { precision: number | null; recall: number | null } {
  return { precision: tp + fp === 0 ? null : tp / (tp + fp), recall: tp + fn === 0 ? null : tp / (tp + fn) };
}

/** Nearest-rank quantile of a list (q in 0..1); null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}
