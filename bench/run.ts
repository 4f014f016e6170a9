import { parseArgs } from 'node:util';
import { loadConfig } from '../services/common/config/index.ts';
import { describeMachine, REPO_ROOT } from './lib/machine.ts';
import { createBenchProgress } from './lib/progress.ts';
import { runBench, selectScenarios } from './lib/run-bench.ts';
import { SCENARIOS } from './scenarios.ts';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const USAGE = `usage: node dist/bench/run.js [--only NAME[,NAME]] [--runs N] [--smoke] [--list]

  --only NAME   run these scenarios only (repeatable or comma-separated; --list names them)
  --runs N      timed runs per scenario (default: each scenario's own)
  --smoke       every scenario at tiny sizes, nothing timed against a target (make bench-smoke)
  --list        print the scenarios and exit
Writes bench/RESULTS.md and bench/out/.`;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        only: { type: 'string', multiple: true, default: [] },
        smoke: { type: 'boolean', default: false },
        runs: { type: 'string' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function main(): Promise<number> {
  const values = parseOptions();
  const runs = 'error' in values || values.runs === undefined ? undefined : Number(values.runs);
  if ('error' in values || (runs !== undefined && !(Number.isInteger(runs) && runs >= 1))) {
    log('error' in values ? values.error : `--runs must be a whole number ≥ 1, not '${values.runs}'`);
    console.error(USAGE);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const only = values.only.flatMap((o) => o.split(','));
  try {
    selectScenarios(SCENARIOS, only); // refuses an unknown name before anything starts
  } catch (error) {
    log((error as Error).message);
    return 2;
  }
  if (values.list) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(22)} ${s.title}`);
    return 0;
  }
  const config = loadConfig({ DG_LOG_LEVEL: 'silent', ...process.env });
  const request = {
    only,
    smoke: values.smoke,
    ...(runs !== undefined ? { runs } : {}),
  };
  const { results, written } = await runBench(request, {
    scenarios: SCENARIOS,
    config,
    resultsFile: `${REPO_ROOT}bench/RESULTS.md`,
    outDir: `${REPO_ROOT}bench/out`,
    describeMachine: () => describeMachine(config),
    progress: createBenchProgress,
  });
  log(`wrote ${written.join(' and ')}`);
  return results.scenarios.some((s) => s.status === 'failed') ? 1 : 0;
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
