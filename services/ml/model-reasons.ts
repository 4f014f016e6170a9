import type { AlertReason } from '../../schemas/alert-v1.ts';
import type { ModelMetadata } from './model-metadata.ts';

const DEFAULT_TOP_REASONS = 3;

/** A model's score with the features that drove it. */
export interface MlScore {
  score: number;
  reasons: AlertReason[];
  /** Suspected pattern, from the classifier's category head when it is confident of an attack. */
  category?: string;
}

/**
 * The `k` features with the largest positive attribution, each with its share of the positive total.
 * `describe` writes the scorer-specific detail line for feature j.
 */
export function topReasons(
  attribution: ArrayLike<number>,
  row: ArrayLike<number>,
  metadata: ModelMetadata,
  describe: (j: number) => string,
  k: number = DEFAULT_TOP_REASONS,
): AlertReason[] {
  let positiveTotal = 0;
  for (let j = 0; j < attribution.length; j++) positiveTotal += Math.max(0, attribution[j]!);
  if (!(positiveTotal > 0)) return [];
  return Array.from({ length: attribution.length }, (_, j) => j)
    .filter((j) => attribution[j]! > 0)
    .sort((a, b) => attribution[b]! - attribution[a]! || a - b)
    .slice(0, k)
    .map((j) => ({
      feature: metadata.features[j]!,
      value: row[j] ?? 0,
      baseline: metadata.baseline[j] ?? null,
      percentile: null,
      contribution: round(attribution[j]! / positiveTotal),
      scorer: metadata.kind,
      detail: describe(j),
    }));
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
