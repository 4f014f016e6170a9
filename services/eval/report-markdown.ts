import type { EvalReport, SystemMetrics } from './report-schema.ts';
import { TARGETS } from './targets.ts';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
const min = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1));

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function targetsSection(report: EvalReport): string {
  const rows = report.targets.map((t) => [t.target, t.goal, t.actual, t.met ? '**met**' : '**missed**', t.gap]);
  return `## Targets (issue 4)\n\n${table(['target', 'goal', 'actual', 'result', 'by how much'], rows)}`;
}

function overviewSection(systems: readonly SystemMetrics[]): string {
  const rows = systems.map((s) => [
    s.name,
    pct(s.overall.pr_auc),
    pct(s.overall.precision),
    pct(s.overall.recall),
    pct(s.overall.recall_15m),
    s.overall.fp_per_1000_key_days.toFixed(2),
    String(s.overall.flagged_keys),
  ]);
  const header = [
    'system',
    'PR-AUC',
    'precision',
    'recall',
    'recall ≤ 15 min',
    'FP / 1,000 benign key-days',
    'flagged keys',
  ];
  return `## All attack keys vs all benign keys\n\n${table(header, rows)}`;
}

function attackSection(systems: readonly SystemMetrics[]): string {
  const [detector, ...baselines] = systems;
  const header = [
    'archetype',
    'keys',
    'recall',
    'recall ≤ 15 min',
    'precision',
    'PR-AUC',
    'TTD p50 (min)',
    'TTD p90 (min)',
  ];
  for (const b of baselines) header.push(`${b.name}: recall / PR-AUC`);
  const rows = Object.entries(detector!.attacks).map(([name, a]) => [
    name,
    String(a.keys),
    pct(a.recall),
    pct(a.recall_15m),
    pct(a.precision),
    pct(a.pr_auc),
    min(a.ttd_p50_min),
    min(a.ttd_p90_min),
    ...baselines.map((b) => `${pct(b.attacks[name]?.recall)} / ${pct(b.attacks[name]?.pr_auc)}`),
  ]);
  const intro =
    `Per attack archetype, ${detector!.name} columns first. Precision counts this archetype's detected keys against ` +
    "every flagged benign key; PR-AUC ranks this archetype's keys against all benign keys by the key score.";
  return `## Attack archetypes\n\n${intro}\n\n${table(header, rows)}`;
}

function variantSection(detector: SystemMetrics): string {
  const variants = ['0', '1', '2'];
  const cell = (v: { keys: number; detected: number; detected_15m: number } | undefined) =>
    v ? `${v.detected_15m} / ${v.detected} / ${v.keys}` : '–';
  const rows = Object.entries(detector.attacks).map(([name, a]) => [
    name,
    ...variants.map((v) => cell(a.by_variant[v])),
  ]);
  return [
    `### By archetype variant (${detector.name}: detected ≤ 15 min / detected / keys)`,
    '',
    table(['archetype', ...variants.map((v) => `variant ${v}`)], rows),
  ].join('\n');
}

function benignSection(systems: readonly SystemMetrics[]): string {
  const header = ['archetype', 'keys', 'key-days'];
  for (const s of systems) header.push(`${s.name}: FP keys`, `${s.name}: FP / 1,000 key-days`);
  const rows = Object.entries(systems[0]!.benign).map(([name, b]) => [
    name,
    String(b.keys),
    b.key_days.toFixed(1),
    ...systems.flatMap((s) => [
      String(s.benign[name]?.fp_keys ?? 0),
      (s.benign[name]?.fp_per_1000_key_days ?? 0).toFixed(1),
    ]),
  ]);
  return `## Benign archetypes (false positives)\n\n${table(header, rows)}`;
}

function hydraSection(detector: SystemMetrics): string {
  const rows = detector.hydra.map((h) => [
    h.campaign_id,
    String(h.members),
    String(h.members_in_cluster),
    pct(h.share_in_cluster),
    String(h.members_flagged),
    min(h.first_cluster_alert_min),
  ]);
  const header = ['campaign', 'members', 'in a cluster alert', 'share', 'flagged at all', 'first cluster alert (min)'];
  return `## Hydra networks (${detector.name})\n\n${table(header, rows)}`;
}

function datasetSection(report: EvalReport, command: string): string {
  const d = report.dataset;
  return [
    `Dataset: seed ${d.seed}, ${d.hours} simulated hours from ${d.start}, keys-scale ${d.keys_scale}, prompt mode ` +
      `${d.prompt_mode}: ${d.events.toLocaleString('en-US')} events, ${d.active_keys} active keys ` +
      `(${d.benign_keys} benign, ${d.attack_keys} attack in ${d.campaigns} campaigns).`,
    `Run time ${report.timing.seconds.toFixed(0)} s (${Math.round(report.timing.events_per_second)} events/s through ` +
      'detector and baselines).',
    `Reproduce: \`${command}\``,
  ].join('\n\n');
}

function definitions(systems: readonly SystemMetrics[]): string {
  return [
    '## Definitions',
    '',
    '- Unit: an API key that sent at least one event. Attack keys count only from their campaign start ' +
      '(a reseller key carries legitimate traffic before it); flags before it are ignored.',
    '- Detected: any alert naming the key (`kind: "key"` or a `kind: "cluster"` alert listing it). Time to detect: ' +
      "first such alert minus the key's campaign start, in event time.",
    `- Recall ≤ 15 min: share of the archetype's keys detected within ${15} minutes (target ${TARGETS.recall15m}).`,
    '- FP / 1,000 key-days: distinct (benign key, simulated day) pairs with a flag per 1,000 days of benign key ' +
      'activity (keys rotated mid-run contribute their active share of a day).',
    "- PR-AUC: average precision over keys ranked by each system's highest score (ties move together).",
    ...systems.map((s) => `- ${s.name}: ${s.description}`),
  ].join('\n');
}

/** The human-readable report: targets first, then tables and plots. */
export function renderMarkdown(report: EvalReport, command: string, plots: readonly string[], notes: string[]): string {
  const detector = report.systems[0]!;
  return [
    '# DistillGuard evaluation on simulated traffic',
    '',
    '_Generated by `distillguard eval`; do not edit by hand._',
    '',
    datasetSection(report, command),
    '',
    targetsSection(report),
    '',
    overviewSection(report.systems),
    '',
    attackSection(report.systems),
    '',
    variantSection(detector),
    '',
    benignSection(report.systems),
    '',
    hydraSection(detector),
    '',
    '## Plots',
    '',
    ...plots.map((p) => `![${p}](${p})`),
    '',
    definitions(report.systems),
    '',
    ...(notes.length > 0 ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}
