import { confusionAt, prAuc, rocAuc } from '../ml/metrics.ts';
import { round } from '../ml/model-reasons.ts';
import { categoryOf, type LabelledSnapshot } from './snapshot-dataset.ts';

/** Held-out metrics of one model on one split: snapshot ranking, the operating point, and per-key outcomes. */
export function evaluateScores(
  rows: readonly LabelledSnapshot[],
  scores: ArrayLike<number>,
  threshold: number,
): Record<string, number> {
  const labels = rows.map((r) => r.label);
  const point = confusionAt(scores, labels, threshold);
  const metrics: Record<string, number> = {
    snapshots: rows.length,
    positive_snapshots: labels.filter((l) => l === 1).length,
    threshold,
    roc_auc: rocAuc(scores, labels),
    pr_auc: prAuc(scores, labels),
    recall: point.recall,
    precision: point.precision,
    fpr: point.fpr,
    ...keyOutcomes(rows, scores, threshold),
  };
  return Object.fromEntries(
    Object.entries(metrics)
      .filter(([, v]) => Number.isFinite(v))
      .map(([k, v]) => [k, round(v)]),
  );
}

/** A key is caught when any of its positive snapshots reaches the threshold; a benign key is flagged likewise. */
function keyOutcomes(rows: readonly LabelledSnapshot[], scores: ArrayLike<number>, threshold: number) {
  const keys = new Map<string, { archetype: string; label: number; hit: boolean }>();
  rows.forEach((row, i) => {
    const id = `${row.seed}/${row.apiKeyId}/${row.label}`;
    const entry = keys.get(id) ?? { archetype: row.archetype, label: row.label, hit: false };
    entry.hit ||= scores[i]! >= threshold;
    keys.set(id, entry);
  });
  const attack = [...keys.values()].filter((k) => k.label === 1);
  const benign = [...keys.values()].filter((k) => k.label === 0);
  const out: Record<string, number> = {
    attack_keys: attack.length,
    benign_keys: benign.length,
    key_recall: attack.filter((k) => k.hit).length / attack.length,
    benign_keys_flagged_per_1000: (1000 * benign.filter((k) => k.hit).length) / benign.length,
  };
  for (const archetype of [...new Set(attack.map((k) => k.archetype))].sort()) {
    const members = attack.filter((k) => k.archetype === archetype);
    out[`key_recall.${archetype}`] = members.filter((k) => k.hit).length / members.length;
  }
  for (const archetype of [...new Set(benign.map((k) => k.archetype))].sort()) {
    const members = benign.filter((k) => k.archetype === archetype);
    out[`benign_flagged.${archetype}`] = members.filter((k) => k.hit).length;
  }
  return out;
}

/** Share of attack rows with a known category whose predicted category is right; empty without a category head. */
export function categoryAccuracy(rows: readonly LabelledSnapshot[], predicted: readonly (string | null)[]) {
  const scored = rows.flatMap((row, i) => {
    const truth = categoryOf(row);
    return truth && predicted[i] ? [truth === predicted[i]] : [];
  });
  return scored.length ? { category_accuracy: round(scored.filter(Boolean).length / scored.length) } : {};
}
