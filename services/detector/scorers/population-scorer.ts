import type { AlertReason } from '../../../schemas/alert-v1.ts';
import { FEATURE_COUNT } from '../features/feature-names.ts';
import { FEATURE_SPECS } from '../features/feature-specs.ts';
import { evidenceScore, reasonFor } from './reasons.ts';
import type { ScoreInput, Scorer, ScorerResult } from './scorer.ts';

/** Robust z beyond which a feature counts as evidence, and the evidence that maps to a score of 1 − 1/e. */
const Z_FLOOR = 3;
const EVIDENCE_SCALE = 6;
const MAX_REASONS = 4;

/** Directional robust z: how far the value sits on the suspicious side of the cohort median. */
function suspiciousZ(input: ScoreInput, f: number): number {
  const direction = FEATURE_SPECS[f]!.direction;
  if (direction === 'none' || !input.population) return 0;
  const z = input.population.robustZ(f, input.features[f]!);
  return direction === 'high' ? z : -z;
}

/** Each feature against its cohort (model + endpoint): median/MAD robust z-scores from decayed quantile sketches. */
export function createPopulationScorer(minSamples: number): Scorer {
  return {
    name: 'population',
    score(input: ScoreInput): ScorerResult {
      if (!input.population || input.population.samples < minSamples) return { score: 0, reasons: [] };
      const excess: Array<[number, number]> = [];
      let total = 0;
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const e = suspiciousZ(input, f) - Z_FLOOR;
        if (e > 0) {
          excess.push([f, e]);
          total += e;
        }
      }
      excess.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const population = input.population;
      const reasons: AlertReason[] = excess
        .slice(0, MAX_REASONS)
        .map(([f, e]) =>
          reasonFor(input, f, 'population', e / total, population.median(f), `robust z ${(e + Z_FLOOR).toFixed(1)}`),
        );
      return { score: evidenceScore(total, EVIDENCE_SCALE), reasons };
    },
  };
}
