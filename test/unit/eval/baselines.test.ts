import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { averagePathLength, IsolationForest } from '../../../services/eval/baselines/isolation-forest.ts';
import { RateLimitBaseline } from '../../../services/eval/baselines/rate-limit.ts';
import { SystemRecorder } from '../../../services/eval/system-recorder.ts';
import type { GroundTruth } from '../../../services/simulator/index.ts';
import { Rng } from '../../../services/simulator/random.ts';

describe('IsolationForest', () => {
  const rng = new Rng('iforest-test');
  const normal = Array.from({ length: 500 }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const outliers = [
    [8, 8, 8],
    [-7, 6, 0],
    [0, 0, 12],
  ];
  const forest = IsolationForest.fit([...normal, ...outliers], { trees: 100, sampleSize: 256, seed: 1 });

  it('scores known outliers above every normal point', () => {
    const normalScores = normal.map((x) => forest.score(x)).sort((a, b) => a - b);
    const outlierScores = outliers.map((x) => forest.score(x));
    assert.ok(Math.min(...outlierScores) > normalScores.at(-1)!, `${outlierScores} vs ${normalScores.at(-1)}`);
    assert.ok(Math.min(...outlierScores) > 0.6);
    assert.ok(normalScores[250]! < 0.5, `median normal ${normalScores[250]}`);
  });

  it('is deterministic for a seed', () => {
    const again = IsolationForest.fit([...normal, ...outliers], { trees: 100, sampleSize: 256, seed: 1 });
    assert.equal(again.score([1, 1, 1]), forest.score([1, 1, 1]));
  });

  it('normalises by the average unsuccessful-search path length c(n)', () => {
    assert.equal(averagePathLength(1), 0);
    assert.equal(averagePathLength(2), 1);
    assert.ok(Math.abs(averagePathLength(256) - 10.2448) < 1e-3);
  });
});

describe('RateLimitBaseline', () => {
  const truth = { keys: [], campaigns: [] } as unknown as GroundTruth;

  function event(key: string, ts: number, output = 10): UsageEvent {
    return {
      event_id: `${key}-${ts}`,
      ts,
      api_key_id: key,
      org_id: 'o',
      model: 'm',
      input_tokens: 10,
      output_tokens: output,
    };
  }

  it('flags a key exceeding requests per minute and scores by the worst ratio', () => {
    const rec = new SystemRecorder('rl', 'test', truth);
    const rl = new RateLimitBaseline(rec, {
      requestsPerMinute: 3,
      inputTokensPerMinute: 1e9,
      outputTokensPerMinute: 1e9,
    });
    for (const t of [0, 10_000, 20_000, 30_000]) rl.observe(event('busy', 1_800_000_000_000 + t));
    for (const t of [0, 30_000, 61_000, 92_000]) rl.observe(event('calm', 1_800_000_000_000 + t));
    assert.deepEqual(rec.flags.get('busy'), [1_800_000_000_000 + 30_000]);
    assert.equal(rec.flags.has('calm'), false);
    assert.equal(rec.maxScores.get('busy'), 4 / 3);
    assert.equal(rec.maxScores.get('calm'), 2 / 3);
  });

  it('flags output tokens per minute', () => {
    const rec = new SystemRecorder('rl', 'test', truth);
    const rl = new RateLimitBaseline(rec, {
      requestsPerMinute: 100,
      inputTokensPerMinute: 1e9,
      outputTokensPerMinute: 1000,
    });
    rl.observe(event('k', 1_800_000_000_000, 600));
    rl.observe(event('k', 1_800_000_010_000, 600));
    assert.equal(rec.flags.get('k')?.length, 1);
  });
});
