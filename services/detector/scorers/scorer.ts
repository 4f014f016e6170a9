import type { AlertReason } from '../../../schemas/alert-v1.ts';

/** Suspected patterns an alert can name; `anomaly` is "unusual, no specific pattern". */
export const ALERT_CATEGORIES = [
  'bulk_distillation',
  'cot_harvesting',
  'capability_sweep',
  'region_evasion',
  'low_and_slow',
  'reseller_mixed',
  'anomaly',
] as const;

export type AlertCategory = (typeof ALERT_CATEGORIES)[number];

/** The key's cohort (model + endpoint) as seen by robust statistics; values in the feature's own units. */
export interface PopulationContext {
  /** Effective number of key snapshots behind the statistics (decayed); scorers abstain when it is small. */
  readonly samples: number;
  median(feature: number): number;
  /** Robust z-score of `value` against the cohort: (x − median) / (1.4826 · MAD), on the feature's scale. */
  robustZ(feature: number, value: number): number;
  /** Population percentile (0–100) of `value` in the cohort. */
  percentile(feature: number, value: number): number;
}

/** The key's own history (EWMA/CUSUM); only some features are tracked, others return null. */
export interface BaselineContext {
  /** Number of minute snapshots folded into the baseline so far. */
  readonly samples: number;
  /** Event time (epoch ms) of the first snapshot in the baseline, null when empty. */
  readonly since: number | null;
  mean(feature: number): number | null;
  /** z-score of `value` against the key's EWMA mean and deviation, on the feature's scale. */
  z(feature: number, value: number): number | null;
  /** Upper CUSUM statistic (in standard deviations) of the feature; large means a sustained upward change. */
  cusum(feature: number): number | null;
}

export interface ScoreInput {
  apiKeyId: string;
  orgId: string;
  /** `model|endpoint` */
  cohort: string;
  /** Event time (epoch ms) of the event that triggered scoring. */
  ts: number;
  /** One value per FEATURE_NAMES entry, in that order. */
  features: Float64Array;
  population: PopulationContext | null;
  baseline: BaselineContext | null;
}

export interface ScorerResult {
  /** 0..1 */
  score: number;
  reasons: AlertReason[];
  /** The pattern this scorer recognised, when it recognises patterns (rules do, anomaly scorers do not). */
  category?: AlertCategory;
  /**
   * Rules only, when every rule that fired is a pattern legitimate workloads share too (a rule with a `ceiling`): the
   * features those rules read. The tfjs classifier may corroborate such a pattern only through other kinds of
   * evidence (features/evidence-families.ts); absent when no rule fired or one without a ceiling did.
   */
  ambiguousOn?: readonly string[];
}

/** A scorer port: synchronous and deterministic, so replay is reproducible and fast. */
export interface Scorer {
  readonly name: string;
  score(input: ScoreInput): ScorerResult;
}
