/**
 * Fuzzes the HTTP API from its OpenAPI document with schemathesis: starts the real server against a private
 * database, runs schemathesis once per caller (admin, each other role, no token, a revoked token), prints one row per
 * run and a last line `N passed, M failed` counting (run, operation) pairs. Exit code 1 on any failure.
 * Usage: node --import tsx test/fuzz/api/run.ts --schemathesis PATH [--mode short|full] [--out DIR]
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type FuzzMode, type FuzzRun, planRuns, RUN_TIMEOUT_MS } from './fuzz-runs.ts';
import { startFuzzServer } from './fuzz-server.ts';
import { type OperationResult, parseJunit } from './junit-summary.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Every response checked for: no 5xx, documented status, content type and body; plus role_check.py's 401/403. */
const CHECKS =
  'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,role_enforced';

interface RunOutcome {
  run: FuzzRun;
  results: OperationResult[];
  exitCode: number;
  seconds: number;
}

function runSchemathesis(
  bin: string,
  url: string,
  run: FuzzRun,
  outDir: string,
  timeoutMs: number,
): Promise<RunOutcome> {
  const junit = join(outDir, `${run.name}.xml`);
  rmSync(junit, { force: true });
  const args = [
    'run',
    `${url}/openapi.json`,
    '--checks',
    CHECKS,
    // One worker: hypothesis's lambda-source cache is not thread-safe (spurious "AST constructor" runtime errors).
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--no-color',
    '--generation-database',
    'none',
    '--report',
    'junit',
    '--report-junit-path',
    junit,
    ...(run.token ? ['--header', `Authorization: Bearer ${run.token}`] : []),
    ...run.args,
  ];
  const env = {
    ...process.env,
    SCHEMATHESIS_HOOKS: join(HERE, 'role_check.py'),
    DG_FUZZ_ROLE: run.role,
    DG_FUZZ_TOKEN: run.role ? (run.token ?? '') : '',
  };
  const started = Date.now();
  const log = join(outDir, `${run.name}.log`);
  return new Promise((done, fail) => {
    const output = openSync(log, 'w');
    const child = spawn(bin, args, { cwd: outDir, env, stdio: ['ignore', output, output] });
    const deadline = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearTimeout(deadline);
      closeSync(output);
      const xml = (() => {
        try {
          return readFileSync(junit, 'utf8');
        } catch {
          return '';
        }
      })();
      done({ run, results: parseJunit(xml), exitCode: code ?? 1, seconds: (Date.now() - started) / 1000 });
    });
  });
}

function report(outcomes: RunOutcome[], outDir: string): number {
  let passed = 0;
  let failed = 0;
  console.log(`\n${'run'.padEnd(15)}${'operations'.padStart(11)}${'passed'.padStart(8)}${'failed'.padStart(8)}  time`);
  for (const { run, results, exitCode, seconds } of outcomes) {
    const bad = results.filter((r) => !r.passed);
    // A run that failed without reporting a failing operation (crash, bad option) counts as one failure.
    const runFailed = bad.length + (exitCode !== 0 && bad.length === 0 ? 1 : 0);
    passed += results.length - bad.length;
    failed += runFailed;
    const cells = [`${results.length}`.padStart(11), `${results.length - bad.length}`.padStart(8)];
    console.log(`${run.name.padEnd(15)}${cells.join('')}${`${runFailed}`.padStart(8)}  ${seconds.toFixed(0)}s`);
    for (const r of bad) console.log(`    FAIL ${r.operation}\n      ${r.detail.split('\n').join('\n      ')}`);
    if (runFailed > bad.length)
      console.log(`    schemathesis exited ${exitCode}; see ${join(outDir, `${run.name}.log`)}`);
  }
  console.log(`\nschemathesis logs, JUnit reports and the server log: ${outDir}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      schemathesis: { type: 'string' },
      mode: { type: 'string', default: 'short' },
      out: { type: 'string', default: '.data/fuzz-api' },
    },
  });
  const mode = values.mode as FuzzMode;
  if (!values.schemathesis || !['short', 'full'].includes(mode)) {
    console.error('usage: run.ts --schemathesis PATH [--mode short|full] [--out DIR]');
    return 2;
  }
  const outDir = resolve(values.out ?? '.data/fuzz-api');
  mkdirSync(outDir, { recursive: true });
  const server = await startFuzzServer(join(outDir, 'server.log'));
  console.log(`API under test at ${server.url} (database ${server.database}), mode ${mode}`);
  const outcomes: RunOutcome[] = [];
  try {
    for (const run of planRuns(server, mode)) {
      process.stdout.write(`schemathesis as ${run.name} … `);
      const outcome = await runSchemathesis(
        resolve(values.schemathesis),
        server.url,
        run,
        outDir,
        RUN_TIMEOUT_MS[mode],
      );
      console.log(`${outcome.results.filter((r) => r.passed).length}/${outcome.results.length} operations passed`);
      outcomes.push(outcome);
    }
  } finally {
    await server.close();
  }
  return report(outcomes, outDir);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
