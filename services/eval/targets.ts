import type { SystemMetrics, TargetResult } from './report-schema.ts';

/** Issue 4 targets. */
export const TARGETS = {
  recall15m: 0.95,
  recall15mArchetypes: ['bulk_distillation', 'cot_harvesting', 'capability_sweep'],
  hydraInCluster: 0.9,
  fpPer1000KeyDays: 1,
  /** "Clearly better" on PR-AUC: at least this much above the best baseline. */
  prAucMargin: 0.1,
} as const;

const fmt = (v: number | null, digits = 3) => (v === null ? 'n/a' : v.toFixed(digits));
const signed = (v: number, digits = 3) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;

function atLeast(target: string, goal: number, actual: number | null, digits = 3): TargetResult {
  const met = actual !== null && actual >= goal;
  return {
    target,
    goal: `≥ ${Number(goal.toFixed(digits))}`,
    actual: fmt(actual, digits),
    met,
    gap:
      actual === null
        ? 'no data'
        : met
          ? `met by ${signed(actual - goal, digits)}`
          : `missed by ${(goal - actual).toFixed(digits)}`,
  };
}

function hydraShare(detector: SystemMetrics): number | null {
  const members = detector.hydra.reduce((s, c) => s + c.members, 0);
  return members === 0 ? null : detector.hydra.reduce((s, c) => s + c.members_in_cluster, 0) / members;
}

/** Each target of the issue, met or missed and by how much, for the detector against the baselines. */
export function evaluateTargets(detector: SystemMetrics, baselines: readonly SystemMetrics[]): TargetResult[] {
  const results = TARGETS.recall15mArchetypes.map((a) =>
    atLeast(`${a}: recall within 15 min`, TARGETS.recall15m, detector.attacks[a]?.recall_15m ?? null),
  );
  results.push(atLeast('hydra members inside cluster alerts', TARGETS.hydraInCluster, hydraShare(detector)));
  const fp = detector.overall.fp_per_1000_key_days;
  const fpMet = fp <= TARGETS.fpPer1000KeyDays;
  results.push({
    target: 'false-positive keys per 1,000 benign keys per day',
    goal: `≤ ${TARGETS.fpPer1000KeyDays}`,
    actual: fp.toFixed(2),
    met: fpMet,
    gap: fpMet
      ? `met by ${(TARGETS.fpPer1000KeyDays - fp).toFixed(2)}`
      : `missed by ${(fp - TARGETS.fpPer1000KeyDays).toFixed(2)}`,
  });
  const best = Math.max(...baselines.map((b) => b.overall.pr_auc ?? 0));
  const ours = detector.overall.pr_auc;
  const goal = Math.min(1, best + TARGETS.prAucMargin);
  results.push({ ...atLeast(`PR-AUC ≥ best baseline (${best.toFixed(3)}) + ${TARGETS.prAucMargin}`, goal, ours) });
  return results;
}
