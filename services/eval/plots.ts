import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderLinePlot, type Series } from './plot/line-plot.ts';
import type { SystemMetrics } from './report-schema.ts';
import { TARGETS } from './targets.ts';

/** The tab10 colours, one a series in order. */
const PALETTE: readonly string[] = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];

/** Share of `total` keys detected by each time: a step CDF that ends at the recall. */
function cdf(ttds: readonly number[], total: number, maxMinutes: number): [number, number][] {
  const points: [number, number][] = [[0, 0]];
  ttds.forEach((t, i) => {
    points.push([Math.max(0, t), (i + 1) / total]);
  });
  points.push([maxMinutes, ttds.length / Math.max(1, total)]);
  return points;
}

function prPlot(systems: readonly SystemMetrics[]): string {
  return renderLinePlot({
    title: 'Precision-recall, attack vs benign keys',
    xLabel: 'recall',
    yLabel: 'precision',
    x: [0, 1],
    y: [0, 1.02],
    legend: 'bottom-left',
    series: systems.map((s, i) => ({
      name: `${s.name} (PR-AUC ${s.overall.pr_auc?.toFixed(3) ?? 'n/a'})`,
      color: PALETTE[i % PALETTE.length]!,
      points: [[0, s.pr_curve[0]?.precision ?? 1] as const, ...s.pr_curve.map((p) => [p.recall, p.precision] as const)],
    })),
  });
}

function ttdPlot(title: string, series: Series[], maxMinutes: number): string {
  return renderLinePlot({
    title,
    xLabel: 'minutes after campaign start (event time)',
    yLabel: 'share of attack keys detected',
    x: [0, maxMinutes],
    y: [0, 1.02],
    series,
    markers: [{ x: 15, label: '15 min' }],
  });
}

/** Writes the PR-curve and time-to-detect CDF plots as SVG; returns the file names written. */
export async function writePlots(dir: string, systems: readonly SystemMetrics[], hours: number): Promise<string[]> {
  const maxMinutes = Math.min(hours * 60, 240);
  const totalAttack = (s: SystemMetrics) => Object.values(s.attacks).reduce((n, a) => n + a.keys, 0);
  const bySystem = systems.map((s, i) => ({
    name: s.name,
    color: PALETTE[i % PALETTE.length]!,
    step: true,
    points: cdf(s.ttd_minutes, totalAttack(s), maxMinutes),
  }));
  const detector = systems[0]!;
  const targeted = new Set<string>(TARGETS.recall15mArchetypes);
  const byArchetype = Object.entries(detector.attacks).map(([name, a], i) => ({
    name,
    color: PALETTE[i % PALETTE.length]!,
    step: true,
    dash: targeted.has(name) ? 0 : 5,
    points: cdf(a.ttd_minutes, a.keys, maxMinutes),
  }));
  const files: [string, string][] = [
    ['eval-pr.svg', prPlot(systems)],
    ['eval-ttd.svg', ttdPlot('Time to detect, all attack keys', bySystem, maxMinutes)],
    ['eval-ttd-archetypes.svg', ttdPlot(`Time to detect by archetype (${detector.name})`, byArchetype, maxMinutes)],
  ];
  for (const [name, svg] of files) await writeFile(join(dir, name), svg, 'utf8');
  return files.map(([name]) => name);
}
