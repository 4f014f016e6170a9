import { parseArgs } from 'node:util';
import { loadConfig } from '../services/common/config/index.ts';
import { describeMachine, REPO_ROOT } from './lib/machine.ts';
import { createBenchProgress } from './lib/progress.ts';
import { runBench } from './lib/run-bench.ts';
import { SCENARIOS } from './scenarios.ts';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

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
  const config = loadConfig({ DG_LOG_LEVEL: 'silent', ...process.env });
  const request = {
    only: values.only.flatMap((o) => o.split(',')),
    smoke: values.smoke,
    ...(values.runs ? { runs: Number(values.runs) } : {}),
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
