import type { GroundTruth } from '../../simulator/index.ts';
import { Rng } from '../../simulator/random.ts';
import type { FeatureStore } from '../feature-store.ts';
import { IsolationForest } from './isolation-forest.ts';
import { DEFAULT_LOGISTIC_OPTIONS, type LogisticParams, LogisticRegression, logScale } from './logistic-regression.ts';

/** Feature snapshots of one TUNING dataset (the protocol guard ran before they were collected). */
export interface TuningFeatures {
  name: string;
  store: FeatureStore;
  truth: GroundTruth;
}

export interface FittedBaselines {
  logistic: { model: LogisticRegression; threshold: number; rows: number; positives: number };
  isolation: { forest: IsolationForest; threshold: number; rows: number };
  datasets: string[];
}

const FIT_SETTINGS = {
  seed: 1,
  /** Rows drawn per key, so a few chatty keys do not dominate the fit. */
  rowsPerKey: 48,
  /** The logistic threshold: this quantile of benign tuning keys' highest scores. */
  benignKeyQuantile: 0.995,
  isolation: { trees: 100, sampleSize: 256, trainingRows: 4096, flagQuantile: 0.99 },
} as const;

interface Labelled {
  row: Float32Array;
  attack: boolean;
  key: string;
}

/** Snapshots labelled by the truth; an attack key's rows before its campaign start are left out (not the attack). */
function labelledRows(data: TuningFeatures, rng: Rng): Labelled[] {
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < data.store.size; i++) {
    const list = byKey.get(data.store.keyOf(i));
    if (list) list.push(i);
    else byKey.set(data.store.keyOf(i), [i]);
  }
  const truth = new Map(data.truth.keys.map((k) => [k.api_key_id, k]));
  const out: Labelled[] = [];
  for (const [key, rows] of byKey) {
    const k = truth.get(key);
    if (!k) continue;
    const from = k.campaign_start ? Date.parse(k.campaign_start) : Number.NEGATIVE_INFINITY;
    const usable = rows.filter((i) => data.store.timeOf(i) >= from);
    for (const i of rng.shuffle(usable).slice(0, FIT_SETTINGS.rowsPerKey)) {
      out.push({ row: data.store.row(i).slice(), attack: k.label === 'attack', key });
    }
  }
  return out;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Highest logistic score of each benign tuning key over all its snapshots. */
function benignKeyMaxima(data: readonly TuningFeatures[], model: LogisticRegression): number[] {
  const maxima: number[] = [];
  for (const d of data) {
    const benign = new Set(d.truth.keys.filter((k) => k.label === 'benign').map((k) => k.api_key_id));
    const best = new Map<string, number>();
    for (let i = 0; i < d.store.size; i++) {
      const key = d.store.keyOf(i);
      if (!benign.has(key)) continue;
      best.set(key, Math.max(best.get(key) ?? 0, model.predict(d.store.row(i))));
    }
    maxima.push(...best.values());
  }
  return maxima.sort((a, b) => a - b);
}

/**
 * Fits the supervised logistic regression and the Isolation Forest on TUNING snapshots only, and fixes their
 * thresholds there: nothing about them is chosen on the data they are reported on.
 */
export function fitBaselines(data: readonly TuningFeatures[]): FittedBaselines {
  const rng = new Rng(`fit-baselines:${FIT_SETTINGS.seed}`);
  const rows = data.flatMap((d) => labelledRows(d, rng.fork(d.name)));
  const model = LogisticRegression.fit(
    rows.map((r) => r.row),
    rows.map((r) => r.attack),
    { ...DEFAULT_LOGISTIC_OPTIONS, seed: FIT_SETTINGS.seed },
  );
  const threshold = quantile(benignKeyMaxima(data, model), FIT_SETTINGS.benignKeyQuantile);
  const iso = FIT_SETTINGS.isolation;
  const training = rng
    .shuffle(rows)
    .slice(0, iso.trainingRows)
    .map((r) => logScale(r.row));
  const forest = IsolationForest.fit(training, { ...iso, seed: FIT_SETTINGS.seed });
  const isoScores = training.map((x) => forest.score(x)).sort((a, b) => a - b);
  return {
    logistic: { model, threshold, rows: rows.length, positives: rows.filter((r) => r.attack).length },
    isolation: { forest, threshold: quantile(isoScores, iso.flagQuantile), rows: training.length },
    datasets: data.map((d) => d.name),
  };
}

/** The fitted baselines as plain data, to hand to worker threads. */
export interface FittedParams {
  logistic: Omit<FittedBaselines['logistic'], 'model'> & { model: LogisticParams };
  isolation: Omit<FittedBaselines['isolation'], 'forest'> & { forest: ReturnType<IsolationForest['params']> };
  datasets: string[];
}

export function fittedToParams(f: FittedBaselines): FittedParams {
  return {
    logistic: { ...f.logistic, model: f.logistic.model.params() },
    isolation: { ...f.isolation, forest: f.isolation.forest.params() },
    datasets: f.datasets,
  };
}

export function fittedFromParams(p: FittedParams): FittedBaselines {
  return {
    logistic: { ...p.logistic, model: LogisticRegression.fromParams(p.logistic.model) },
    isolation: { ...p.isolation, forest: IsolationForest.fromParams(p.isolation.forest) },
    datasets: p.datasets,
  };
}
