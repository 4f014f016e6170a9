import type { BenchResults, FigureSummary, Machine, ScenarioResult } from './results-schema.ts';

/** Human-readable number: thousands separated above 1000, three significant digits below. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}

const withUnit = (value: number, unit: string) => (unit ? `${formatNumber(value)} ${unit}` : formatNumber(value));

function spread(f: FigureSummary): string {
  if (f.runs === 1) return 'one run';
  return `${formatNumber(f.min)}–${formatNumber(f.max)} (p25–p75 ${formatNumber(f.p25)}–${formatNumber(f.p75)}), n=${f.runs}`;
}

function result(f: FigureSummary): string {
  if (!f.verdict) return '';
  const percent = `${Math.abs(f.verdict.margin * 100).toFixed(0)}%`;
  return f.verdict.met ? `met (${percent} better)` : `**missed by ${percent}**`;
}

function figureTable(figures: readonly FigureSummary[]): string[] {
  const rows = figures.map((f) => {
    const target = f.target ? `${f.target.op} ${withUnit(f.target.value, f.unit)}` : '';
    return `| ${f.name} | ${withUnit(f.median, f.unit)} | ${spread(f)} | ${target} | ${result(f)} |`;
  });
  return ['| figure | median | spread | target | result |', '|---|---|---|---|---|', ...rows];
}

function scenarioSection(s: ScenarioResult): string[] {
  const head = [`## ${s.title} (\`bench/${s.name}.ts\`)`, '', `Target: ${s.target}`, ''];
  const when = `Measured ${s.measuredAt.slice(0, 16).replace('T', ' ')} UTC${s.smoke ? ' (smoke sizes)' : ''}, ${s.durationS.toFixed(0)} s, load average before: ${s.loadBefore.toFixed(2)}.`;
  if (s.status === 'not_run') return [...head, `**Not run**: ${s.reason}`, ''];
  const failed = s.status === 'failed' ? [`**Failed**: ${s.reason}`, ''] : [];
  const table = s.figures.length ? [...figureTable(s.figures), ''] : [];
  const notes = s.notes.length ? [...s.notes.map((n) => `- ${n}`), ''] : [];
  return [...head, when, '', ...failed, ...table, ...notes];
}

function summaryRow(s: ScenarioResult): string {
  const targeted = s.figures.filter((f) => f.verdict);
  const missed = targeted.filter((f) => !f.verdict!.met).map((f) => f.name);
  const status =
    s.status !== 'ran'
      ? s.status.replace('_', ' ')
      : targeted.length === 0
        ? 'ran (no target)'
        : missed.length === 0
          ? 'all targets met'
          : `missed: ${missed.join(', ')}`;
  return `| [${s.title}](#${anchor(s)}) | ${status} |`;
}

/** GitHub-style heading anchor of a scenario section. */
function anchor(s: ScenarioResult): string {
  return `${s.title} (bench/${s.name}.ts)`
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

function machineTable(m: Machine, date: string): string[] {
  return [
    '| | |',
    '|---|---|',
    `| CPU | ${m.cpuModel}, ${m.cores} cores |`,
    `| RAM | ${m.ramGiB.toFixed(1)} GiB |`,
    `| OS | ${m.os} |`,
    `| Node | ${m.node} |`,
    `| ClickHouse | ${m.clickhouse} |`,
    `| Kafka | ${m.kafka} |`,
    `| Commit | ${m.commit} |`,
    `| Written | ${date.slice(0, 16).replace('T', ' ')} UTC |`,
  ];
}

/** The whole RESULTS.md: machine, summary, then one section per scenario. */
export function renderResults(results: BenchResults): string {
  const lines = [
    '# Benchmark results',
    '',
    'Written by `make bench` (`bench/run.ts`); do not edit by hand. How each figure is measured: `bench/README.md`.',
    'Each figure is the median of several runs with its spread (min–max and interquartile range).',
    '',
    ...machineTable(results.machine, results.date),
    '',
    '> Noise: this machine has few cores and was shared with other work (builds, tests, other agents) while some',
    '> figures were taken; the load average before each scenario is shown with it. Treat throughput figures taken',
    '> under load as lower bounds and re-run `make bench` on an idle machine for release numbers.',
    '',
    '| scenario | status |',
    '|---|---|',
    ...results.scenarios.map(summaryRow),
    '',
    ...results.scenarios.flatMap(scenarioSection),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
