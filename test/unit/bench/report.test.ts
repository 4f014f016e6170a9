import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber, renderResults } from '../../../bench/lib/report.ts';
import { type BenchResults, benchResultsSchema, type ScenarioResult } from '../../../bench/lib/results-schema.ts';
import { summariseRuns } from '../../../bench/lib/stats.ts';

const machine = {
  cpuModel: 'Test CPU',
  cores: 2,
  ramGiB: 23.4,
  node: 'v20.20.2',
  os: 'Linux 6.1',
  clickhouse: '18.16.1',
  kafka: '3.9.1',
  commit: 'abc1234',
};

function scenario(overrides: Partial<ScenarioResult>): ScenarioResult {
  return {
    name: 'hot-path',
    title: 'Hot path',
    target: '≥ 200k events/s per core',
    status: 'ran',
    reason: '',
    measuredAt: '2026-03-01T12:00:00.000Z',
    smoke: false,
    durationS: 42,
    loadBefore: 1.5,
    figures: [],
    notes: [],
    ...overrides,
  };
}

test('numbers: separators above a thousand, three significant digits below', () => {
  assert.equal(formatNumber(1_234_567.8), '1,234,568');
  assert.equal(formatNumber(0.012345), '0.0123');
  assert.equal(formatNumber(12.345), '12.3');
  assert.equal(formatNumber(0), '0');
});

test('RESULTS.md shows the machine, each figure against its target and how far it is missed', () => {
  const figures = summariseRuns([
    [{ name: 'replay events/s per core', unit: 'ev/s', value: 150_000, target: { op: '>=', value: 200_000 } }],
    [{ name: 'replay events/s per core', unit: 'ev/s', value: 160_000, target: { op: '>=', value: 200_000 } }],
    [{ name: 'replay events/s per core', unit: 'ev/s', value: 140_000, target: { op: '>=', value: 200_000 } }],
  ]);
  const results: BenchResults = {
    machine,
    date: '2026-03-01T13:00:00.000Z',
    scenarios: [
      scenario({ figures, notes: ['profile: JSON.parse 30%'] }),
      scenario({
        name: 'memory',
        title: 'Memory',
        status: 'not_run',
        reason: '`services/detector/pipeline.ts` does not exist yet',
      }),
    ],
  };
  assert.ok(benchResultsSchema.safeParse(results).success);
  const md = renderResults(results);
  assert.match(md, /\| CPU \| Test CPU, 2 cores \|/);
  assert.match(md, /\| Commit of the last run \| abc1234 \|/);
  assert.match(
    md,
    /Measured 2026-03-01 12:00 UTC at commit abc1234 on Test CPU \(2 cores\), 42 s, load average before: 1.50\./,
  );
  assert.match(
    md,
    /\| replay events\/s per core \| 150,000 ev\/s \| 140,000–160,000 \(p25–p75 145,000–155,000\), n=3 \| >= 200,000 ev\/s \| \*\*missed by 25%\*\* \|/,
  );
  assert.match(md, /- profile: JSON.parse 30%/);
  assert.match(md, /\*\*Not run\*\*: `services\/detector\/pipeline.ts` does not exist yet/);
  assert.match(md, /\| \[Hot path\]\(#hot-path-benchhot-pathts\) \| missed: replay events\/s per core \|/);
  assert.match(md, /\| \[Memory\]\(#memory-benchmemoryts\) \| not run \|/);
  assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
});

test('a met target reads as met with its margin; failures show their reason', () => {
  const figures = summariseRuns([[{ name: 'p99', unit: 'ms', value: 2, target: { op: '<=', value: 5 } }]]);
  const md = renderResults({
    machine,
    date: '2026-03-01T13:00:00.000Z',
    scenarios: [
      scenario({ figures }),
      scenario({ name: 'end-to-end', title: 'E2E', status: 'failed', reason: 'broker unreachable' }),
    ],
  });
  assert.match(md, /\| p99 \| 2 ms \| one run \| <= 5 ms \| met \(60% better\) \|/);
  assert.match(md, /\*\*Failed\*\*: broker unreachable/);
  assert.match(md, /\| all targets met \|/);
});
