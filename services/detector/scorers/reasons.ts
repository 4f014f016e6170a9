import type { AlertReason } from '../../../schemas/alert-v1.ts';
import { FEATURE_NAMES } from '../features/feature-names.ts';
import type { ScoreInput } from './scorer.ts';

/** Rounds for readable, stable JSON (reasons are compared byte for byte across replays). */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return 0;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A reason about feature `f` of `input`, with its cohort percentile when the population is known. */
export function reasonFor(
  input: ScoreInput,
  f: number,
  scorer: string,
  contribution: number,
  baseline: number | null,
  detail?: string,
): AlertReason {
  const value = input.features[f]!;
  const reason: AlertReason = {
    feature: FEATURE_NAMES[f]!,
    value: round(value),
    baseline: baseline === null ? null : round(baseline),
    percentile: input.population ? round(input.population.percentile(f, value), 1) : null,
    contribution: round(Math.min(1, Math.max(0, contribution))),
    scorer,
  };
  if (detail) reason.detail = detail;
  return reason;
}

/** Turns positive evidence amounts into a 0..1 score: 1 − e^(−Σ/scale). */
export function evidenceScore(total: number, scale: number): number {
  return total > 0 ? 1 - Math.exp(-total / scale) : 0;
}
