import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyFigures, median, quantile, summariseRuns, verdict } from '../../../bench/lib/stats.ts';

test('quantiles interpolate between closest ranks', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(quantile([10, 20, 30, 40, 50], 0.25), 20);
  assert.equal(quantile([10, 20], 0.99), 19.9);
  assert.equal(quantile([7], 0.99), 7);
  assert.throws(() => quantile([], 0.5), RangeError);
  assert.throws(() => quantile([1], 1.5), RangeError);
});

test('verdict says met or missed and by what share of the target', () => {
  assert.deepEqual(verdict(150_000, { op: '>=', value: 200_000 }), { met: false, margin: -0.25 });
  assert.deepEqual(verdict(250_000, { op: '>=', value: 200_000 }), { met: true, margin: 0.25 });
  assert.deepEqual(verdict(3, { op: '<=', value: 5 }), { met: true, margin: 0.4 });
  assert.deepEqual(verdict(7.5, { op: '<=', value: 5 }), { met: false, margin: -0.5 });
  assert.equal(verdict(5, { op: '<=', value: 5 }).met, true, 'exactly on the target meets it');
});

test('runs are summarised per figure with median, spread and the verdict of the median', () => {
  const target = { op: '>=' as const, value: 10 };
  const run = (a: number, b: number) => [
    { name: 'rate', unit: 'ev/s', value: a, target },
    { name: 'p99', unit: 'ms', value: b },
  ];
  const [rate, p99] = summariseRuns([run(8, 5), run(12, 1), run(11, 3), run(9, 2), run(10, 4)]);
  assert.deepEqual(rate, {
    name: 'rate',
    unit: 'ev/s',
    runs: 5,
    median: 10,
    min: 8,
    max: 12,
    p25: 9,
    p75: 11,
    target,
    verdict: { met: true, margin: 0 },
  });
  assert.equal(p99!.median, 3);
  assert.equal(p99!.verdict, undefined, 'no target, no verdict');
});

test('latency figures are p50 and p99 of the sample, with targets where given', () => {
  const samples = Array.from({ length: 101 }, (_, i) => i);
  const [p50, p99] = latencyFigures('query', samples, 'ms', { p99: { op: '<=', value: 50 } });
  assert.deepEqual(p50, { name: 'query p50', unit: 'ms', value: 50 });
  assert.deepEqual(p99, { name: 'query p99', unit: 'ms', value: 99, target: { op: '<=', value: 50 } });
  assert.deepEqual(latencyFigures('none', [], 'ms'), []);
});
