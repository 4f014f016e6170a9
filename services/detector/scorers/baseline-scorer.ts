import type { AlertReason } from '../../../schemas/alert-v1.ts';
import { BASELINE_INDEX, FEATURE_SPECS } from '../features/feature-specs.ts';
import { evidenceScore, reasonFor } from './reasons.ts';
import type { ScoreInput, Scorer, ScorerResult } from './scorer.ts';

/** A jump beyond 3σ of the key's own EWMA, or a CUSUM past 5σ of accumulated drift, counts as a change. */
const Z_FLOOR = 3;
const CUSUM_FLOOR = 5;
const EVIDENCE_SCALE = 6;
const MAX_REASONS = 4;

/** Accumulated drift counts only while the feature is above its usual level right now (z ≥ 1). */
const CUSUM_GATE_Z = 1;

/**
 * Evidence that feature `f` moved up (the suspicious direction of every tracked feature) against the baseline: a
 * jump now, or a sustained rise (CUSUM) that is still going on; a quiet hour below the baseline is no evidence.
 */
function changeEvidence(input: ScoreInput, f: number): number {
  if (FEATURE_SPECS[f]!.direction !== 'high') return 0;
  const baseline = input.baseline!;
  const z = baseline.z(f, input.features[f]!) ?? 0;
  if (z < CUSUM_GATE_Z) return 0;
  const cusum = baseline.cusum(f) ?? 0;
  return Math.max(0, z - Z_FLOOR) + Math.max(0, cusum - CUSUM_FLOOR) / 2;
}

/** A baseline scores once it holds enough snapshots spanning enough event time (e.g. one diurnal cycle). */
function ready(input: ScoreInput, minSamples: number, minSpanMs: number): boolean {
  const b = input.baseline;
  return b !== null && b.samples >= minSamples && b.since !== null && input.ts - b.since >= minSpanMs;
}

/** Each tracked feature against the key's own history: EWMA z-score for jumps, CUSUM for sustained change. */
export function createBaselineScorer(minSamples: number, minSpanMs: number): Scorer {
  return {
    name: 'baseline',
    score(input: ScoreInput): ScorerResult {
      if (!ready(input, minSamples, minSpanMs)) return { score: 0, reasons: [] };
      const evidence = BASELINE_INDEX.map((f) => [f, changeEvidence(input, f)] as [number, number]).filter(
        ([, e]) => e > 0,
      );
      const total = evidence.reduce((sum, [, e]) => sum + e, 0);
      evidence.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const baseline = input.baseline!;
      const reasons: AlertReason[] = evidence.slice(0, MAX_REASONS).map(([f, e]) => {
        const detail = `z ${(baseline.z(f, input.features[f]!) ?? 0).toFixed(1)} vs own EWMA, CUSUM ${(baseline.cusum(f) ?? 0).toFixed(1)}`;
        return reasonFor(input, f, 'baseline', e / total, baseline.mean(f), detail);
      });
      return { score: evidenceScore(total, EVIDENCE_SCALE), reasons };
    },
  };
}
