import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../services/common/config/index.ts';

import { describeMachine, REPO_ROOT } from './lib/machine.ts';
import { createBenchProgress } from './lib/progress.ts';
import { renderResults } from './lib/report.ts';
import { type BenchResults, benchResultsSchema, type ScenarioResult } from './lib/results-schema.ts';
import { runScenario } from './lib/run-scenario.ts';
import type { Scenario } from './lib/scenario.ts';
import { SCENARIOS } from './scenarios.ts';

const OUT_DIR = `${REPO_ROOT}bench/out`;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function selected(only: string[]): Scenario[] {
  if (only.length === 0) return [...SCENARIOS];
  const unknown = only.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name)}`);
  return SCENARIOS.filter((s) => only.includes(s.name));
}

/** Scenarios of an earlier full run that this run did not repeat, so `--only` keeps the rest of RESULTS.md. */
function previousScenarios(): ScenarioResult[] {
  try {
    return benchResultsSchema.parse(JSON.parse(readFileSync(`${OUT_DIR}/results.json`, 'utf8'))).scenarios;
  } catch {
    return [];
  }
}

function merge(fresh: ScenarioResult[], previous: ScenarioResult[]): ScenarioResult[] {
  const byName = new Map([...previous, ...fresh].map((s) => [s.name, s]));
  return SCENARIOS.flatMap((s) => byName.get(s.name) ?? []);
}

function writeOutputs(results: BenchResults, smoke: boolean): void {
  mkdirSync(OUT_DIR, { recursive: true });
  if (smoke) {
    writeFileSync(`${OUT_DIR}/results-smoke.json`, `${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  writeFileSync(`${OUT_DIR}/results.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${REPO_ROOT}bench/RESULTS.md`, renderResults(results));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true, default: [] },
      smoke: { type: 'boolean', default: false },
      runs: { type: 'string' },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(22)} ${s.title}`);
    return 0;
  }
  const scenarios = selected(values.only.flatMap((o) => o.split(',')));
  const config = loadConfig({ DG_LOG_LEVEL: 'silent', ...process.env });
  const runsOf = (s: Scenario) => (values.runs ? Number(values.runs) : values.smoke ? s.runs.smoke : s.runs.full);
  const progress = createBenchProgress(scenarios.reduce((n, s) => n + runsOf(s), 0));
  const log = progress.log;
  const options = { smoke: values.smoke, config, outDir: OUT_DIR, log, onRun: progress.step };
  mkdirSync(OUT_DIR, { recursive: true });
  const fresh: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    progress.begin(scenario.name);
    log(`${scenario.name}: starting${values.smoke ? ' (smoke)' : ''}`);
    const result = await runScenario(scenario, options, values.runs ? Number(values.runs) : undefined);
    log(
      `${scenario.name}: ${result.status}${result.reason ? ` — ${result.reason}` : ''} (${result.durationS.toFixed(0)} s)`,
    );
    fresh.push(result);
  }
  progress.stop();
  const scenariosOut = values.smoke ? fresh : merge(fresh, previousScenarios());
  const results = { machine: await describeMachine(config), date: new Date().toISOString(), scenarios: scenariosOut };
  writeOutputs(results, values.smoke);
  log(values.smoke ? `wrote ${OUT_DIR}/results-smoke.json` : 'wrote bench/RESULTS.md and bench/out/results.json');
  return fresh.some((s) => s.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
