import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURE_COUNT, FEATURE_INDEX } from '../../../services/detector/features/feature-names.ts';
import { LogisticRegression } from '../../../services/eval/baselines/logistic-regression.ts';
import { shortcutFires, shortcutSystem } from '../../../services/eval/baselines/snapshot-baselines.ts';
import { SystemRecorder } from '../../../services/eval/system-recorder.ts';
import type { GroundTruth } from '../../../services/simulator/index.ts';
import { Rng } from '../../../services/simulator/random.ts';

describe('logistic regression', () => {
  const rng = new Rng('lr-test');
  // two features on very different scales; the class is decided by the first alone (separable with a margin)
  const rows = Array.from({ length: 600 }, (_, i) => {
    const attack = i % 5 === 0;
    return { x: [attack ? rng.uniform(50, 500) : rng.uniform(0, 20), rng.uniform(0, 1e6)], attack };
  });
  const model = LogisticRegression.fit(
    rows.map((r) => r.x),
    rows.map((r) => r.attack),
  );

  it('separates a linearly separable toy set and leans on the informative feature', () => {
    for (const r of rows) assert.equal(model.predict(r.x) > 0.5, r.attack, `${r.x} → ${model.predict(r.x)}`);
    assert.ok(Math.abs(model.weights[0]!) > 5 * Math.abs(model.weights[1]!), `${model.weights}`);
  });

  it('is deterministic for a seed and refuses a single class', () => {
    const again = LogisticRegression.fit(
      rows.map((r) => r.x),
      rows.map((r) => r.attack),
    );
    assert.deepEqual([...again.weights], [...model.weights]);
    assert.throws(() => LogisticRegression.fit([[1], [2]], [false, false]), RangeError);
  });
});

describe('shortcut rule', () => {
  const row = (datacenter: number, ageDays: number) => {
    const values = new Array<number>(FEATURE_COUNT).fill(0);
    values[FEATURE_INDEX.datacenter_asn_share] = datacenter;
    values[FEATURE_INDEX.key_age_days] = ageDays;
    return values;
  };

  it('fires only for a hosting network and a key younger than 7 days', () => {
    assert.equal(shortcutFires(row(0.5, 6.9)), true);
    assert.equal(shortcutFires(row(1, 0)), true);
    assert.equal(shortcutFires(row(0.49, 1)), false);
    assert.equal(shortcutFires(row(1, 7)), false);
  });

  it('flags the snapshots it fires on and scores the rest 0', () => {
    const truth = { keys: [], campaigns: [] } as unknown as GroundTruth;
    const rec = new SystemRecorder('shortcut', 'test', truth);
    const system = shortcutSystem(rec);
    const snap = (key: string, values: number[]) => ({
      api_key_id: key,
      org_id: 'o',
      model: 'm',
      ts: 1,
      values,
      score: 0,
    });
    system.observe(snap('young-cloud', row(0.9, 2)));
    system.observe(snap('old-cloud', row(0.9, 400)));
    assert.deepEqual([...rec.flags.keys()], ['young-cloud']);
    assert.equal(rec.maxScores.get('old-cloud'), 0);
  });
});
