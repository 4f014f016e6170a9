import type { BenchResults, FigureSummary, Machine, ScenarioResult } from './results-schema.ts';

/** A scenario's section of an earlier RESULTS.md and its summary row, kept verbatim by a run that did not repeat it. */
export interface KeptSection {
  name: string;
  summaryRow: string;
  /** From its `## ` heading to the line before the next one, ending with one empty line. */
  lines: string[];
}

/** A scenario in RESULTS.md: measured by this run, or kept from the previous file. */
export type ReportEntry = ScenarioResult | KeptSection;

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

/** The heading a scenario's section starts with; `bench/run.ts --only` finds the sections to keep by it. */
export const sectionHeading = (title: string, name: string) => `## ${title} (\`bench/${name}.ts\`)`;

function scenarioSection(s: ScenarioResult, machine: Machine): string[] {
  const head = [sectionHeading(s.title, s.name), '', `Target: ${s.target}`, ''];
  const when = `Measured ${s.measuredAt.slice(0, 16).replace('T', ' ')} UTC${s.smoke ? ' (smoke sizes)' : ''} at commit ${machine.commit} on ${machine.cpuModel} (${machine.cores} cores), ${s.durationS.toFixed(0)} s, load average before: ${s.loadBefore.toFixed(2)}.`;
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
  return `| [${s.title}](#${sectionAnchor(s.title, s.name)}) | ${status} |`;
}

/** GitHub-style heading anchor of a scenario section. */
export function sectionAnchor(title: string, name: string): string {
  return `${title} (bench/${name}.ts)`
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
    `| Commit of the last run | ${m.commit} |`,
    `| Written | ${date.slice(0, 16).replace('T', ' ')} UTC |`,
  ];
}

const isKept = (e: ReportEntry): e is KeptSection => 'lines' in e;

/**
 * The whole RESULTS.md: machine, summary, then one section per entry in order. Sections kept from the previous file
 * (`--only`) are copied verbatim; each section names the commit it was measured at.
 */
export function renderResults(results: BenchResults, entries: readonly ReportEntry[] = results.scenarios): string {
  const lines = [
    '# Benchmark results',
    '',
    'Written by `make bench` (`bench/run.ts`); do not edit by hand. How each figure is measured: `bench/README.md`.',
    'Each figure is the median of several runs with its spread (min–max and interquartile range).',
    'A run with `--only` replaces its scenarios’ sections and keeps the others as they were, each with the date and',
    'commit it was measured at (and, since 2026-12-04, the CPU); the table below describes the machine of the last run.',
    '',
    ...machineTable(results.machine, results.date),
    '',
    '> Noise: this machine has few cores and was shared with other work (builds, tests, other agents) while some',
    '> figures were taken; the load average before each scenario is shown with it. Treat throughput figures taken',
    '> under load as lower bounds and re-run `make bench` on an idle machine for release numbers.',
    '',
    '| scenario | status |',
    '|---|---|',
    ...entries.map((e) => (isKept(e) ? e.summaryRow : summaryRow(e))),
    '',
    ...entries.flatMap((e) => (isKept(e) ? e.lines : scenarioSection(e, results.machine))),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
