import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseStep, highestSustained, type StepResult, slope } from '../../../bench/lib/sustained.ts';

test('slope by least squares', () => {
  assert.equal(
    slope([
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 5 },
    ]),
    2,
  );
  assert.equal(slope([{ x: 1, y: 4 }]), 0);
  assert.equal(
    slope([
      { x: 1, y: 4 },
      { x: 1, y: 6 },
    ]),
    0,
  );
});

/** A 10 s step at `rate` whose lag follows `lagAt(t)`, sampled every second while producing. */
function step(rate: number, produced: number, lagAt: (t: number) => number, drained = true): StepResult {
  return {
    targetRate: rate,
    produced,
    produceSeconds: 10,
    lag: Array.from({ length: 11 }, (_, t) => ({ atS: t, lag: lagAt(t), committedLag: 10 * rate })).concat([
      { atS: 12, lag: 0, committedLag: 0 },
    ]),
    rowLatenciesMs: Array.from({ length: 100 }, (_, i) => i + 1),
    rowPollMs: [20, 40],
    alertLatenciesMs: [300, 100, 200],
    commitLatenciesMs: [],
    drained,
    drainSeconds: 2,
    serviceCpuSeconds: 6,
  };
}

test('a step keeps up when the unqueryable lag stays flat, the producer reached the rate and it drained', () => {
  // The committed lag (10 s of traffic: the commit waits for a checkpoint) does not decide.
  const a = analyseStep(step(10_000, 100_000, () => 3_000));
  assert.equal(a.sustained, true);
  assert.equal(a.achievedRate, 10_000);
  assert.equal(a.lagGrowthPerS, 0);
  assert.equal(a.lagAtEnd, 3_000, 'the drain sample after the produce window is not the end-of-step lag');
  assert.deepEqual(a.toRow, { p50Ms: 50.5, p99Ms: 99.01, n: 100 });
  assert.deepEqual(a.toAlert, { p50Ms: 200, p99Ms: 298, n: 3 });
  assert.ok(Number.isNaN(a.toCommit.p50Ms), 'no latency without a sample');
  assert.equal(a.serviceCores, 0.5);
});

test('growing lag, a slow producer, a large backlog or no drain each mean not sustained', () => {
  assert.equal(analyseStep(step(10_000, 100_000, (t) => t * 2_000)).sustained, false, 'lag grows 2k/s');
  assert.equal(analyseStep(step(10_000, 80_000, () => 0)).sustained, false, 'producer reached only 80%');
  assert.equal(analyseStep(step(10_000, 100_000, () => 25_000)).sustained, false, '2.5 s behind');
  assert.equal(analyseStep(step(10_000, 100_000, () => 0, false)).sustained, false, 'did not drain');
});

test('the highest sustained step is the one with the highest achieved rate', () => {
  const steps = [
    analyseStep(step(10_000, 100_000, () => 0)),
    analyseStep(step(25_000, 250_000, () => 0)),
    analyseStep(step(50_000, 400_000, () => 0)),
  ];
  assert.equal(highestSustained(steps)!.targetRate, 25_000);
  assert.equal(highestSustained([steps[2]!]), null);
});
