import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../../services/common/config/index.ts';
import type { BenchProgress } from './progress.ts';
import { type ReportEntry, renderResults } from './report.ts';
import type { BenchResults, Machine, ScenarioResult } from './results-schema.ts';
import { readSections } from './results-sections.ts';
import { runScenario } from './run-scenario.ts';
import type { Scenario } from './scenario.ts';

export interface BenchRequest {
  /** Scenario names to run (`--only`); empty runs every scenario. */
  only: readonly string[];
  /** Tiny sizes, one run each; writes `results-smoke.json` and never touches RESULTS.md. */
  smoke: boolean;
  /** Overrides every scenario's number of runs. */
  runs?: number;
}

export interface BenchEnvironment {
  /** Every scenario, in report order. */
  scenarios: readonly Scenario[];
  config: Config;
  /** The committed RESULTS.md: the record `--only` runs keep the other scenarios' sections from. */
  resultsFile: string;
  /** Git-ignored: caches, profiles and this run's raw results. */
  outDir: string;
  describeMachine(): Promise<Machine>;
  progress(totalRuns: number): BenchProgress;
}

export function selectScenarios(all: readonly Scenario[], only: readonly string[]): Scenario[] {
  if (only.length === 0) return [...all];
  const unknown = only.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${all.map((s) => s.name)}`);
  return all.filter((s) => only.includes(s.name));
}

/** This run's results in report order, and for the scenarios it did not run their sections of the previous file. */
function reportEntries(env: BenchEnvironment, fresh: readonly ScenarioResult[]): ReportEntry[] {
  const previous = existsSync(env.resultsFile) ? readSections(readFileSync(env.resultsFile, 'utf8')) : new Map();
  return env.scenarios.flatMap((s) => fresh.find((r) => r.name === s.name) ?? previous.get(s.name) ?? []);
}

function writeOutputs(env: BenchEnvironment, results: BenchResults, smoke: boolean): string[] {
  mkdirSync(env.outDir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (smoke) {
    writeFileSync(`${env.outDir}/results-smoke.json`, json);
    return [`${env.outDir}/results-smoke.json`];
  }
  const markdown = renderResults(results, reportEntries(env, results.scenarios));
  writeFileSync(`${env.outDir}/results.json`, json);
  writeFileSync(env.resultsFile, markdown);
  return [env.resultsFile, `${env.outDir}/results.json`];
}

/** Runs the selected scenarios one after the other and writes the results; returns them and the files written. */
export async function runBench(
  request: BenchRequest,
  env: BenchEnvironment,
): Promise<{ results: BenchResults; written: string[] }> {
  const scenarios = selectScenarios(env.scenarios, request.only);
  const runsOf = (s: Scenario) => request.runs ?? (request.smoke ? s.runs.smoke : s.runs.full);
  const progress = env.progress(scenarios.reduce((n, s) => n + runsOf(s), 0));
  const options = {
    smoke: request.smoke,
    config: env.config,
    outDir: env.outDir,
    log: progress.log,
    onRun: progress.step,
  };
  mkdirSync(env.outDir, { recursive: true });
  // Described before the runs: the commit is the code measured, even when a commit lands while the bench runs.
  const machine = await env.describeMachine();
  const fresh: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    progress.begin(scenario.name);
    progress.log(`${scenario.name}: starting${request.smoke ? ' (smoke)' : ''}`);
    const result = await runScenario(scenario, options, request.runs);
    const reason = result.reason ? ` — ${result.reason}` : '';
    progress.log(`${scenario.name}: ${result.status}${reason} (${result.durationS.toFixed(0)} s)`);
    fresh.push(result);
  }
  progress.stop();
  const results = { machine, date: new Date().toISOString(), scenarios: fresh };
  return { results, written: writeOutputs(env, results, request.smoke) };
}
