import type { AlertReason, Severity } from '../../../schemas/alert-v1.ts';
import { round } from './reasons.ts';
import type { AlertCategory, ScoreInput, Scorer, ScorerResult } from './scorer.ts';

/**
 * How much each scorer can move the final score on its own (noisy-OR weights): a fired rule is decisive. Any two
 * unsupervised scorers (population, baseline, autoencoder) together stay below the default alert threshold of 0.6
 * (at most 1 − 0.65² ≈ 0.58): legitimate heavy users are outliers too (researchers sweeping temperatures, eval
 * harnesses asking for logprobs), so an outlier needs a rule or several scorers to agree. The classifier alone
 * cannot alert either (0.55): on simulator traffic it flags researchers and eval harnesses on its own.
 * The two model weights are configurable (DG_DETECTOR_WEIGHT_*).
 */
export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = {
  rule: 1,
  population: 0.35,
  baseline: 0.35,
  autoencoder: 0.35,
  classifier: 0.55,
};
const OTHER_WEIGHT = 0.6;
const MAX_REASONS = 6;

export interface EnsembleResult {
  score: number;
  severity: Severity;
  category: AlertCategory;
  reasons: AlertReason[];
  /** Each scorer's raw score, by name (for key_features debugging and the models). */
  parts: Record<string, number>;
}

export function severityOf(score: number): Severity {
  if (score >= 0.9) return 'critical';
  if (score >= 0.75) return 'high';
  if (score >= 0.6) return 'medium';
  return 'low';
}

function pickCategory(results: Array<{ name: string; result: ScorerResult }>): AlertCategory {
  const named = results
    .filter((r) => r.result.category && r.result.score > 0)
    .sort((a, b) => Number(b.name === 'rule') - Number(a.name === 'rule') || b.result.score - a.result.score);
  return named[0]?.result.category ?? 'anomaly';
}

/** Reasons of all scorers, each contribution scaled by its scorer's share of the combined evidence. */
function mergeReasons(parts: Array<{ weighted: number; result: ScorerResult }>): AlertReason[] {
  const total = parts.reduce((sum, p) => sum + p.weighted, 0);
  if (total === 0) return [];
  const merged = parts.flatMap((p) =>
    p.result.reasons.map((r) => ({ ...r, contribution: round((r.contribution * p.weighted) / total) })),
  );
  return merged
    .sort((a, b) => b.contribution - a.contribution || a.feature.localeCompare(b.feature))
    .slice(0, MAX_REASONS);
}

/** Runs every scorer and combines them by weighted noisy-OR into one 0..1 score with severity and reasons. */
export function createEnsemble(scorers: Scorer[], weights: Readonly<Record<string, number>> = DEFAULT_WEIGHTS) {
  return {
    scorers,
    score(input: ScoreInput): EnsembleResult {
      const results = scorers.map((scorer) => ({ name: scorer.name, result: scorer.score(input) }));
      let miss = 1;
      const parts: Record<string, number> = {};
      const weighted = results.map(({ name, result }) => {
        const s = Math.min(1, Math.max(0, result.score)) * (weights[name] ?? OTHER_WEIGHT);
        miss *= 1 - s;
        parts[name] = round(result.score);
        return { weighted: s, result };
      });
      const score = round(1 - miss);
      return {
        score,
        severity: severityOf(score),
        category: pickCategory(results),
        reasons: mergeReasons(weighted),
        parts,
      };
    },
  };
}

export type Ensemble = ReturnType<typeof createEnsemble>;
