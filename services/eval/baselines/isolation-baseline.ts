import { Rng } from '../../simulator/random.ts';
import type { FeatureStore } from '../feature-store.ts';
import type { SystemRecorder } from '../system-recorder.ts';
import { IsolationForest } from './isolation-forest.ts';

export interface IsolationBaselineOptions {
  seed: number;
  trees: number;
  sampleSize: number;
  /** Snapshots drawn (seeded, uniformly) to grow the forest. */
  trainingRows: number;
  /** Flag snapshots scoring above this quantile of the training rows' scores (assumed contamination). */
  flagQuantile: number;
}

export const DEFAULT_ISOLATION_OPTIONS: IsolationBaselineOptions = {
  seed: 1,
  trees: 100,
  sampleSize: 256,
  trainingRows: 4096,
  flagQuantile: 0.99,
};

/** Heavy-tailed counts and rates are compared on a log scale, as is usual before tree-based anomaly scoring. */
function transform(row: Float32Array): Float64Array {
  const out = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    out[i] = Math.sign(v) * Math.log1p(Math.abs(v));
  }
  return out;
}

/**
 * Baseline 2: an Isolation Forest fitted, unsupervised, on the detector's own feature snapshots; a key's score is
 * its highest snapshot score and it is flagged whenever a snapshot exceeds the contamination threshold.
 */
export function runIsolationBaseline(
  store: FeatureStore,
  recorder: SystemRecorder,
  options: IsolationBaselineOptions = DEFAULT_ISOLATION_OPTIONS,
): { threshold: number } {
  if (store.size === 0) return { threshold: 1 };
  const rng = new Rng(`isolation-baseline:${options.seed}`);
  const picks = Array.from({ length: Math.min(options.trainingRows, store.size) }, () => rng.int(0, store.size - 1));
  const training = picks.map((i) => transform(store.row(i)));
  const forest = IsolationForest.fit(training, options);
  const trainingScores = training.map((x) => forest.score(x)).sort((a, b) => a - b);
  const threshold =
    trainingScores[Math.min(trainingScores.length - 1, Math.floor(options.flagQuantile * trainingScores.length))]!;
  for (let i = 0; i < store.size; i++) {
    const score = forest.score(transform(store.row(i)));
    const key = store.keyOf(i);
    const ts = store.timeOf(i);
    if (score > threshold) recorder.flag(key, ts, score);
    else recorder.score(key, ts, score);
  }
  return { threshold };
}
