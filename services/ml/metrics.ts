/** Ranking metrics for held-out evaluation; labels are 1 (attack) or 0 (benign). */

interface Ranked {
  score: number;
  label: number;
}

function rankDescending(scores: ArrayLike<number>, labels: ArrayLike<number>): Ranked[] {
  return Array.from({ length: scores.length }, (_, i) => ({ score: scores[i]!, label: labels[i]! })).sort(
    (a, b) => b.score - a.score,
  );
}

/** Area under the ROC curve with ties counted half (Mann–Whitney U); NaN when a class is missing. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const ranked = rankDescending(scores, labels).reverse();
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < ranked.length; ) {
    let j = i;
    while (j < ranked.length && ranked[j]!.score === ranked[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (ranked[k]!.label === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j;
  }
  const negatives = ranked.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Average precision (area under the precision–recall curve, step-wise); tied scores form one step. */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const ranked = rankDescending(scores, labels);
  const positives = ranked.filter((r) => r.label === 1).length;
  if (positives === 0) return Number.NaN;
  let truePositives = 0;
  let seen = 0;
  let area = 0;
  for (let i = 0; i < ranked.length; ) {
    let j = i;
    let stepPositives = 0;
    while (j < ranked.length && ranked[j]!.score === ranked[i]!.score) stepPositives += ranked[j++]!.label;
    truePositives += stepPositives;
    seen = j;
    area += (stepPositives / positives) * (truePositives / seen);
    i = j;
  }
  return area;
}

/**
 * Smallest threshold at which at most a share `fpr` of benign groups has any score at or above it. A group is a
 * key when `groups` names each row's key (so a key flagged in many snapshots counts once), else each row.
 */
export function thresholdAtFpr(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  fpr: number,
  groups?: readonly string[],
): number {
  const maxByGroup = new Map<string, number>();
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 0) continue;
    const group = groups?.[i] ?? String(i);
    maxByGroup.set(group, Math.max(maxByGroup.get(group) ?? Number.NEGATIVE_INFINITY, scores[i]!));
  }
  const maxima = [...maxByGroup.values()].sort((a, b) => b - a);
  const cut = maxima[Math.floor(maxima.length * fpr)];
  return cut === undefined ? 0 : nextAbove(cut);
}

/** Recall, precision and false-positive rate when `score >= threshold` is called an attack. */
export function confusionAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number) {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i]! >= threshold;
    if (labels[i] === 1) {
      positives++;
      if (flagged) tp++;
    } else if (flagged) fp++;
  }
  const negatives = scores.length - positives;
  return {
    recall: positives ? tp / positives : Number.NaN,
    precision: tp + fp ? tp / (tp + fp) : Number.NaN,
    fpr: negatives ? fp / negatives : Number.NaN,
  };
}

function nextAbove(x: number): number {
  return x + Math.max(Math.abs(x) * 1e-9, 1e-12);
}
