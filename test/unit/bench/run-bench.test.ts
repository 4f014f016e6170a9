import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renderResults } from '../../../bench/lib/report.ts';
import { benchResultsSchema, type Machine } from '../../../bench/lib/results-schema.ts';
import { readSections } from '../../../bench/lib/results-sections.ts';
import { type BenchEnvironment, runBench } from '../../../bench/lib/run-bench.ts';
import type { Scenario } from '../../../bench/lib/scenario.ts';
import { loadConfig } from '../../../services/common/config/index.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const machine = (commit: string): Machine => ({
  cpuModel: 'Test CPU',
  cores: 2,
  ramGiB: 8,
  node: 'v20.20.2',
  os: 'Linux',
  clickhouse: '18.16.1',
  kafka: '3.9.1',
  commit,
});

/** A scenario whose only figure is `value`, counting its runs, so a test sees which scenarios ran. */
function fakeScenario(name: string, value: number, ran: string[]): Scenario {
  return {
    name,
    title: `Scenario ${name}`,
    target: `${name} ≤ 100 ms`,
    runs: { full: 2, smoke: 1 },
    start: async () => ({
      run: async () => {
        ran.push(name);
        return [{ name: `${name} latency`, unit: 'ms', value, target: { op: '<=', value: 100 } }];
      },
      notes: async () => [`${name} measured with value ${value}`],
      close: async () => {},
    }),
  };
}

function environment(dir: string, scenarios: Scenario[], commit: string): BenchEnvironment {
  const silent = { log() {}, begin() {}, step() {}, stop() {} };
  return {
    scenarios,
    config: loadConfig({ DG_LOG_LEVEL: 'silent' }),
    resultsFile: join(dir, 'RESULTS.md'),
    outDir: join(dir, 'out'),
    describeMachine: async () => machine(commit),
    progress: () => silent,
  };
}

/** A fresh checkout: RESULTS.md as committed by an earlier full run, and no bench/out/. */
async function freshCheckout(): Promise<{ dir: string; committed: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-run-'));
  dirs.push(dir);
  const scenarios = ['alpha', 'beta', 'gamma'].map((name) => fakeScenario(name, 50, []));
  await runBench({ only: [], smoke: false }, environment(dir, scenarios, 'aaa1111'));
  rmSync(join(dir, 'out'), { recursive: true });
  return { dir, committed: readFileSync(join(dir, 'RESULTS.md'), 'utf8') };
}

test('--only on a fresh checkout replaces its own section and keeps the others verbatim', async () => {
  const { dir, committed } = await freshCheckout();
  const ran: string[] = [];
  const scenarios = [fakeScenario('alpha', 1, ran), fakeScenario('beta', 250, ran), fakeScenario('gamma', 3, ran)];
  await runBench({ only: ['beta'], smoke: false }, environment(dir, scenarios, 'bbb2222'));

  assert.deepEqual(ran, ['beta', 'beta']);
  const before = readSections(committed);
  const written = readFileSync(join(dir, 'RESULTS.md'), 'utf8');
  const after = readSections(written);
  assert.deepEqual([...after.keys()], ['alpha', 'beta', 'gamma']);
  for (const name of ['alpha', 'gamma']) {
    assert.deepEqual(after.get(name), before.get(name));
    assert.ok(written.includes(before.get(name)!.lines.join('\n')));
  }
  const beta = after.get('beta')!.lines.join('\n');
  assert.match(beta, /at commit bbb2222/);
  assert.match(beta, /\| beta latency \| 250 ms \| 250–250 .*\*\*missed by 150%\*\* \|/);
  assert.doesNotMatch(beta, /value 50/);
  assert.match(after.get('beta')!.summaryRow, /\| missed: beta latency \|$/);
  assert.match(after.get('alpha')!.lines.join('\n'), /at commit aaa1111/);
  assert.match(written, /\| Commit of the last run \| bbb2222 \|/);

  const raw = benchResultsSchema.parse(JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')));
  assert.deepEqual(
    raw.scenarios.map((s) => s.name),
    ['beta'],
  );
});

test('a full run rewrites every section and drops the sections of scenarios that no longer exist', async () => {
  const { dir } = await freshCheckout();
  const scenarios = [fakeScenario('alpha', 7, []), fakeScenario('gamma', 9, [])];
  await runBench({ only: [], smoke: false }, environment(dir, scenarios, 'ccc3333'));
  const sections = readSections(readFileSync(join(dir, 'RESULTS.md'), 'utf8'));
  assert.deepEqual([...sections.keys()], ['alpha', 'gamma']);
  assert.match(sections.get('alpha')!.lines.join('\n'), /value 7/);
});

test('a smoke run leaves RESULTS.md alone and writes results-smoke.json', async () => {
  const { dir, committed } = await freshCheckout();
  const scenarios = ['alpha', 'beta', 'gamma'].map((name) => fakeScenario(name, 1, []));
  const { written } = await runBench({ only: ['alpha'], smoke: true }, environment(dir, scenarios, 'ddd4444'));
  assert.equal(readFileSync(join(dir, 'RESULTS.md'), 'utf8'), committed);
  assert.deepEqual(written, [join(dir, 'out', 'results-smoke.json')]);
  assert.ok(!existsSync(join(dir, 'out', 'results.json')));
});

test('--only without any RESULTS.md writes the sections it measured', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-run-'));
  dirs.push(dir);
  const scenarios = ['alpha', 'beta'].map((name) => fakeScenario(name, 1, []));
  await runBench({ only: ['beta'], smoke: false, runs: 1 }, environment(dir, scenarios, 'eee5555'));
  assert.deepEqual([...readSections(readFileSync(join(dir, 'RESULTS.md'), 'utf8')).keys()], ['beta']);
});

test('a section edited by hand, whose summary row is missing, is kept with a row pointing to it', () => {
  const markdown = renderResults({ machine: machine('fff6666'), date: '2026-03-01T13:00:00.000Z', scenarios: [] });
  const sections = readSections(
    `${markdown}\n## Scenario alpha (\`bench/alpha.ts\`)\n\nNotes by hand.\n\n\n## Not a scenario\n\ntext\n`,
  );
  assert.deepEqual(sections.get('alpha'), {
    name: 'alpha',
    summaryRow: '| [Scenario alpha](#scenario-alpha-benchalphats) | see its section |',
    lines: ['## Scenario alpha (`bench/alpha.ts`)', '', 'Notes by hand.', ''],
  });
  assert.equal(sections.size, 1);
});

test('the committed bench/RESULTS.md parses into one section per scenario heading', () => {
  const committed = readFileSync(new URL('../../../bench/RESULTS.md', import.meta.url), 'utf8');
  const headings = committed.split('\n').filter((line) => /^## .*\(`bench\/.*\.ts`\)$/.test(line));
  const sections = readSections(committed);
  assert.equal(sections.size, headings.length);
  for (const section of sections.values()) assert.doesNotMatch(section.summaryRow, /see its section/);
});
