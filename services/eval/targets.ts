import type { DatasetReport, SystemMetrics, TargetResult } from './report-schema.ts';

/** Issue 10 targets, judged on held-out data. */
export const TARGETS = {
  fpPer1000KeyDays: 1,
  recall15m: 0.95,
  recall15mArchetypes: ['bulk_distillation', 'cot_harvesting'],
  hydraInCluster120m: 0.9,
  recall: 0.9,
  recallArchetypes: ['reseller', 'region_evasion', 'low_and_slow'],
  swapRecallDelta: 0.05,
  swapFpDelta: 1,
} as const;

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));

type Target = Omit<TargetResult, 'dataset'>;

/** A goal `≥` or `≤` a figure, met or missed by how much (no data when the figure is missing). */
function bound(
  op: '≥' | '≤',
  target: string,
  goal: number,
  actual: number | null | undefined,
  extra = '',
  digits = 3,
): Target {
  const known = actual !== null && actual !== undefined;
  const margin = known ? (op === '≥' ? actual - goal : goal - actual) : 0;
  const met = known && margin >= 0;
  const gap = !known ? 'no data' : met ? `met by ${margin.toFixed(digits)}` : `missed by ${(-margin).toFixed(digits)}`;
  return { target, goal: `${op} ${goal}`, actual: `${fmt(actual, digits)}${extra}`, met, gap };
}

function fpTarget(detector: SystemMetrics): Target {
  const o = detector.overall;
  const result = bound(
    '≤',
    'benign FP keys per 1,000 per day (medium+)',
    TARGETS.fpPer1000KeyDays,
    o.fp_per_1000_key_days,
    ` (95% upper ${o.fp_per_1000_upper95.toFixed(2)}; ${o.fp_key_days} of ${Math.round(o.benign_key_days)} key-days)`,
    2,
  );
  const boundMet = o.fp_per_1000_upper95 <= TARGETS.fpPer1000KeyDays;
  return { ...result, gap: `${result.gap}; upper bound ${boundMet ? 'also within' : 'above'} the goal` };
}

function swapTargets(ds: DatasetReport): Target[] {
  const delta = ds.swap?.deltas.find((d) => d.system === ds.systems[0]!.name);
  if (!delta) return [];
  return [
    bound(
      '≤',
      'swap test: Δ recall (absolute)',
      TARGETS.swapRecallDelta,
      delta.recall === null ? null : Math.abs(delta.recall),
    ),
    bound('≤', 'swap test: Δ FP per 1,000 (absolute)', TARGETS.swapFpDelta, Math.abs(delta.fp_per_1000), '', 2),
  ];
}

/** Every issue-10 target on one (held-out) dataset, for its primary detector. */
export function evaluateTargets(ds: DatasetReport): TargetResult[] {
  const detector = ds.systems[0]!;
  const results: Target[] = [fpTarget(detector)];
  for (const a of TARGETS.recall15mArchetypes) {
    const m = detector.attacks[a];
    results.push(
      bound(
        '≥',
        `${a}: recall within 15 min`,
        TARGETS.recall15m,
        m?.recall_15m,
        ` (TTD p90 ${fmt(m?.ttd_p90_min, 1)} min)`,
      ),
    );
  }
  results.push(
    bound(
      '≥',
      'hydra members inside cluster alerts within 120 min',
      TARGETS.hydraInCluster120m,
      detector.overall.hydra_in_cluster_120m,
    ),
  );
  for (const a of TARGETS.recallArchetypes)
    results.push(bound('≥', `${a}: recall`, TARGETS.recall, detector.attacks[a]?.recall));
  results.push(...swapTargets(ds));
  return results.map((r) => ({ dataset: ds.name, ...r }));
}
