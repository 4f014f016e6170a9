import { ALERT_CATEGORIES, type AlertCategory } from '../detector/scorers/scorer.ts';
import type { KeyFeatureSnapshot } from '../detector/types.ts';
import { fnv1a32 } from '../ml/prng.ts';
import type { GroundTruth, KeyTruth } from '../simulator/truth.ts';
import { type AnalystLabel, labelsByKey, labelValue, verdictAt } from './analyst-labels.ts';

/** One training or evaluation example: a key's feature vector at one moment, with where it came from. */
export interface LabelledSnapshot {
  apiKeyId: string;
  ts: number;
  values: readonly number[];
  label: 0 | 1;
  archetype: string;
  variant: number;
  seed: number;
  /** True when an analyst label, not the simulator's ground truth, decided `label`. */
  analyst: boolean;
}

/**
 * Alert category the classifier's category head learns for each attack archetype. Hydra members have none: alone,
 * each looks like whichever pattern its variant uses (often proxied access), and the network is stage 2's alert.
 */
export const ARCHETYPE_CATEGORY: Readonly<Record<string, AlertCategory>> = {
  bulk_distillation: 'bulk_distillation',
  cot_harvesting: 'cot_harvesting',
  capability_sweep: 'capability_sweep',
  low_and_slow: 'low_and_slow',
  reseller: 'reseller_mixed',
  region_evasion: 'region_evasion',
};

/** The category an attack row teaches, null for benign rows and archetypes without one. */
export function categoryOf(row: LabelledSnapshot): AlertCategory | null {
  return row.label === 1 ? (ARCHETYPE_CATEGORY[row.archetype] ?? null) : null;
}

/** The categories present among attack rows, in ALERT_CATEGORIES order: the category head's classes. */
export function categoriesIn(rows: readonly LabelledSnapshot[]): AlertCategory[] {
  const present = new Set(rows.map(categoryOf));
  return ALERT_CATEGORIES.filter((c) => present.has(c));
}

/** A simulated run pushed through the detector pipeline: its snapshots and the simulator's ground truth. */
export interface SimulatedRun {
  truth: GroundTruth;
  snapshots: readonly KeyFeatureSnapshot[];
}

/**
 * A filter keeping at most one snapshot per key per `strideMs` of event time (the first in each window, in the
 * order it is asked): consecutive minute snapshots are near-duplicates, and heavy keys would otherwise dominate
 * training. Stateful, so one filter per pass.
 */
export function strideFilter(strideMs: number): (snapshot: KeyFeatureSnapshot) => boolean {
  const lastWindow = new Map<string, number>();
  return (snapshot) => {
    const window = Math.floor(snapshot.ts / strideMs);
    if (lastWindow.get(snapshot.api_key_id) === window) return false;
    lastWindow.set(snapshot.api_key_id, window);
    return true;
  };
}

/**
 * Labels snapshots from ground truth: attack keys are positive from their campaign start; their snapshots before
 * it are dropped (a key about to attack is neither clean benign nor attack). Keys missing from the truth are dropped.
 */
export function labelFromTruth(run: SimulatedRun): LabelledSnapshot[] {
  const byKey = new Map<string, KeyTruth>(run.truth.keys.map((k) => [k.api_key_id, k]));
  const out: LabelledSnapshot[] = [];
  for (const snapshot of run.snapshots) {
    const truth = byKey.get(snapshot.api_key_id);
    if (!truth) continue;
    const label = truthLabel(truth, snapshot.ts);
    if (label === undefined) continue;
    out.push({
      apiKeyId: snapshot.api_key_id,
      ts: snapshot.ts,
      values: snapshot.values,
      label,
      archetype: truth.archetype,
      variant: truth.variant,
      seed: run.truth.seed,
      analyst: false,
    });
  }
  return out;
}

function truthLabel(truth: KeyTruth, ts: number): 0 | 1 | undefined {
  if (truth.label === 'benign') return 0;
  const start = truth.campaign_start ? Date.parse(truth.campaign_start) : Date.parse(truth.active_from);
  return ts >= start ? 1 : undefined;
}

/** Analyst verdicts override ground truth for the snapshots they cover; returns the relabelled rows and a count. */
export function applyAnalystLabels(
  rows: readonly LabelledSnapshot[],
  labels: readonly AnalystLabel[],
): { rows: LabelledSnapshot[]; applied: number } {
  const byKey = labelsByKey(labels);
  let applied = 0;
  const relabelled = rows.map((row) => {
    const verdict = byKey.size ? verdictAt(byKey.get(row.apiKeyId) ?? [], row.ts) : undefined;
    if (!verdict) return row;
    applied++;
    return { ...row, label: labelValue(verdict.label), analyst: true };
  });
  return { rows: relabelled, applied };
}

/** Deterministic per-key split: the same key always lands on the same side, whatever the seed or run order. */
export function isValidationKey(apiKeyId: string, share: number): boolean {
  return fnv1a32(apiKeyId) / 4294967296 < share;
}
