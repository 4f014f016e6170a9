import { DETECT_WITHIN_MIN, EARLY_EVIDENCE_MIN_EVENTS, HYDRA_WITHIN_MIN } from './metrics/evaluate.ts';
import type { DatasetReport, EvalReport, SystemMetrics } from './report-schema.ts';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
const min = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1));
const num = (v: number) => Math.round(v).toLocaleString('en-US');
const signed = (v: number | null, digits: number) => (v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);
const fpCell = (rate: number, upper: number) => `${rate.toFixed(2)} (≤ ${upper.toFixed(2)})`;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const ROLE_TITLE: Record<DatasetReport['role'], string> = {
  held_out: 'HELD OUT: never used for tuning',
  in_distribution: 'IN-DISTRIBUTION: a tuning generator and variant, unseen seed; not used for tuning',
  tuning: 'TUNING DATA: used to tune, figures are optimistic',
};

function protocolSection(report: EvalReport): string {
  const t = report.tuning;
  const rows = t.datasets.map((d) => [d.name, d.role, num(d.events), num(d.snapshots)]);
  return [
    '## Protocol',
    '',
    ...report.protocol.map((p) => `- ${p}`),
    '',
    'Tuning datasets this run read (the supervised logistic regression and the Isolation Forest were fitted on their ' +
      "feature snapshots, thresholds included; `assertTuningDataset` refused anything else). The detector's own " +
      'rules, weights and models are tuned outside `eval`, under the same protocol.',
    '',
    table(['tuning dataset', 'role', 'events', 'feature snapshots'], rows),
    '',
    `Logistic regression: ${num(t.logistic.rows)} training rows (${num(t.logistic.positives)} attack), threshold ` +
      `${t.logistic.threshold.toFixed(4)}. Isolation Forest: ${num(t.isolation.rows)} rows, threshold ` +
      `${t.isolation.threshold.toFixed(4)}.`,
  ].join('\n');
}

function targetsSection(report: EvalReport): string {
  if (report.targets.length === 0) return '## Targets (issue 10) on held-out data\n\nNo held-out dataset in this run.';
  const rows = report.targets.map((t) => [
    t.dataset,
    t.target,
    t.goal,
    t.actual,
    t.met ? '**met**' : '**missed**',
    t.gap,
  ]);
  return [
    '## Targets (issue 10) on held-out data',
    '',
    'Data used for tuning: **no**. Judged on the first detector row of each held-out dataset.',
    '',
    table(['dataset', 'target', 'goal', 'actual', 'result', 'by how much'], rows),
  ].join('\n');
}

function overviewTable(systems: readonly SystemMetrics[]): string {
  const header = [
    'system',
    'recall',
    `recall ≤ ${DETECT_WITHIN_MIN} min`,
    'key precision',
    'PR-AUC',
    'FP / 1,000 key-days (95% upper)',
    'FP key-days',
    `hydra in cluster ≤ ${HYDRA_WITHIN_MIN} min`,
    'alerts / day',
    'low (info) alerts',
  ];
  const rows = systems.map((s) => [
    s.name,
    pct(s.overall.recall),
    pct(s.overall.recall_15m),
    pct(s.overall.precision),
    pct(s.overall.pr_auc),
    fpCell(s.overall.fp_per_1000_key_days, s.overall.fp_per_1000_upper95),
    `${s.overall.fp_key_days} / ${num(s.overall.benign_key_days)}`,
    pct(s.overall.hydra_in_cluster_120m),
    s.overall.alerts_per_day.toFixed(1),
    String(s.overall.informational_alerts),
  ]);
  return table(header, rows);
}

function attackTable(systems: readonly SystemMetrics[]): string {
  const [detector, ...others] = systems;
  const header = [
    'archetype',
    'keys',
    'recall',
    `≤ ${DETECT_WITHIN_MIN} min`,
    `≤ ${DETECT_WITHIN_MIN} min, of keys with ≥ ${EARLY_EVIDENCE_MIN_EVENTS} requests by then`,
    `≤ ${DETECT_WITHIN_MIN} min of the campaign start`,
    'TTD p50',
    'TTD p90',
    'PR-AUC',
  ];
  for (const b of others) header.push(`${b.name} recall`);
  const rows = Object.entries(detector!.attacks).map(([name, a]) => [
    name,
    String(a.keys),
    pct(a.recall),
    pct(a.recall_15m),
    a.keys_busy_15m === undefined ? '—' : `${a.detected_15m_of_busy} of ${a.keys_busy_15m}`,
    pct(a.recall_15m_of_campaign_start ?? null),
    min(a.ttd_p50_min),
    min(a.ttd_p90_min),
    pct(a.pr_auc),
    ...others.map((b) => pct(b.attacks[name]?.recall)),
  ]);
  return `Attack archetypes (${detector!.name} first; TTD in event-time minutes from each key's onset, its first request of the campaign):\n\n${table(header, rows)}`;
}

function segmentTable(systems: readonly SystemMetrics[]): string {
  const header = [
    'benign segment',
    'keys',
    'key-days',
    ...systems.map((s) => `${s.name}: FP keys · per 1,000 (upper)`),
  ];
  const rows = Object.entries(systems[0]!.benign).map(([name, b]) => [
    name,
    String(b.keys),
    b.key_days.toFixed(1),
    ...systems.map((s) => {
      const m = s.benign[name];
      return m ? `${m.fp_keys} · ${fpCell(m.fp_per_1000_key_days, m.fp_per_1000_upper95)}` : '–';
    }),
  ]);
  return `False positives per benign segment (medium+ alerts; 95% upper bound in brackets):\n\n${table(header, rows)}`;
}

function hydraTable(detector: SystemMetrics): string {
  if (detector.hydra.length === 0) return '';
  const rows = detector.hydra.map((h) => [
    h.campaign_id,
    String(h.members),
    String(h.members_in_cluster_120m),
    String(h.members_in_cluster),
    String(h.members_flagged),
    min(h.first_cluster_alert_min),
  ]);
  const header = [
    'hydra campaign',
    'members',
    `in cluster ≤ ${HYDRA_WITHIN_MIN} min`,
    'in cluster',
    'flagged',
    'first (min)',
  ];
  return `Hydra networks (${detector.name}):\n\n${table(header, rows)}`;
}

function mlLine(systems: readonly SystemMetrics[]): string {
  const [withMl, withoutMl] = systems;
  if (withMl?.name !== 'DistillGuard' || withoutMl?.name !== 'DistillGuard without tfjs') return '';
  const o = withMl.overall;
  const p = withoutMl.overall;
  return (
    `Contribution of the tfjs models (with minus without): recall ${signed(o.recall === null || p.recall === null ? null : o.recall - p.recall, 3)}, ` +
    `FP per 1,000 key-days ${signed(o.fp_per_1000_key_days - p.fp_per_1000_key_days, 2)}, PR-AUC ` +
    `${signed(o.pr_auc === null || p.pr_auc === null ? null : o.pr_auc - p.pr_auc, 3)}, alerts/day ${signed(o.alerts_per_day - p.alerts_per_day, 1)}.`
  );
}

function swapTable(ds: DatasetReport): string {
  const swap = ds.swap;
  if (!swap) return '';
  const rows = swap.deltas.map((d) => {
    const o = ds.systems.find((s) => s.name === d.system)!.overall;
    const s = swap.systems.find((x) => x.name === d.system)!.overall;
    return [
      d.system,
      pct(o.recall),
      pct(s.recall),
      signed(d.recall, 3),
      o.fp_per_1000_key_days.toFixed(2),
      s.fp_per_1000_key_days.toFixed(2),
      signed(d.fp_per_1000, 2),
    ];
  });
  return [
    `Swap test: each of the ${swap.pairs} attack keys exchanged network and account context (IP, ASN, countries, ` +
      `user agent, key creation time, organisation) with a benign key (${swap.pairs <= ds.benign_keys ? 'a distinct one each' : 'partners repeat: fewer benign than attack keys'}); behaviour untouched. Targets: ` +
      'Δ recall within ±0.05, Δ FP within ±1 per 1,000.',
    '',
    table(['system', 'recall', 'recall swapped', 'Δ', 'FP / 1,000', 'FP swapped', 'Δ'], rows),
  ].join('\n');
}

function datasetSection(ds: DatasetReport): string {
  const parts = [
    `## ${ds.name} — ${ROLE_TITLE[ds.role]}`,
    '',
    `${ds.hours} h from ${ds.start}, prompt mode ${ds.prompt_mode}: ${num(ds.events)} events, ${num(ds.active_keys)} ` +
      `active keys (${num(ds.benign_keys)} benign, ${num(ds.attack_keys)} attack in ${ds.campaigns} campaigns); ` +
      `${ds.rejected_events > 0 ? `${num(ds.rejected_events)} generated events refused by validation (see notes); ` : ''}` +
      `${ds.seconds.toFixed(0)} s. Data used for tuning: **${ds.used_for_tuning ? 'yes' : 'no'}**.`,
    '',
    overviewTable(ds.systems),
    '',
    mlLine(ds.systems),
    '',
    attackTable(ds.systems),
    '',
    segmentTable(ds.systems),
    '',
    hydraTable(ds.systems[0]!),
    '',
    swapTable(ds),
  ];
  return parts.filter((p, i) => p !== '' || parts[i - 1] !== '').join('\n');
}

function definitions(report: EvalReport): string {
  const systems = report.datasets[0]?.systems ?? [];
  return [
    '## Definitions',
    '',
    '- Unit: an API key that sent at least one event. Attack keys count only from their campaign start (a reseller ' +
      'key carries legitimate traffic before it).',
    '- Detected: a detector alert of severity medium or above naming the key (`kind: "key"`, or a `kind: "cluster"` ' +
      'alert listing it). Low alerts are informational: counted, never a detection or a false positive. Baselines: ' +
      'their flag.',
    '- FP / 1,000 key-days: distinct (benign key, day) pairs with a detection per 1,000 days of benign key activity; ' +
      'in brackets the upper end of the exact (Garwood) Poisson 95% interval on that count.',
    `- Recall ≤ ${DETECT_WITHIN_MIN} min: share of the archetype's keys detected within ${DETECT_WITHIN_MIN} minutes of ` +
      "their onset: the key's first request at or after its campaign start (event time). Keys of one campaign do not " +
      'all start with it (on tuning data r1 seed 31, 7 of 61 bulk and CoT keys sent nothing in its first 15 minutes, ' +
      'one for 73); until 2026-12-05 this counted from the campaign start, shown beside it. Hydra: members inside a ' +
      `cluster alert within ${HYDRA_WITHIN_MIN} minutes of the campaign start.`,
    "- Key precision: detected attack keys over all detected keys. PR-AUC: average precision over keys ranked by each system's highest score.",
    ...systems.map((s) => `- ${s.name}: ${s.description}`),
  ].join('\n');
}

/** The human-readable report: protocol, held-out targets, then each dataset (held-out first), plots, definitions. */
export function renderMarkdown(
  report: EvalReport,
  command: string,
  plots: readonly string[],
  plotted: string,
  notes: readonly string[],
): string {
  const order: DatasetReport['role'][] = ['held_out', 'in_distribution', 'tuning'];
  const datasets = order.flatMap((role) => report.datasets.filter((d) => d.role === role));
  return [
    '# DistillGuard evaluation: held-out protocol',
    '',
    '_Generated by `distillguard eval`; do not edit by hand._',
    '',
    `Reproduce: \`${command}\` (${report.timing.seconds.toFixed(0)} s, ${num(report.timing.events)} events in all).`,
    '',
    targetsSection(report),
    '',
    protocolSection(report),
    '',
    ...datasets.flatMap((d) => [datasetSection(d), '']),
    `## Plots (${plotted})`,
    '',
    ...plots.map((p) => `![${p}](${p})`),
    '',
    definitions(report),
    '',
    ...(notes.length > 0 ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}
