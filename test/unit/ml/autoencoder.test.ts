import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { AutoencoderModel } from '../../../services/ml/autoencoder-model.ts';
import { loadAutoencoder } from '../../../services/ml/load-models.ts';
import { saveModel } from '../../../services/ml/model-store.ts';
import { fitNormalisation } from '../../../services/ml/normalisation.ts';
import { initTf } from '../../../services/ml/runtime.ts';
import { trainAutoencoder } from '../../../services/training/train-autoencoder.ts';
import { benignRows, metadataFor, SYNTH_FEATURES, tempDir } from './fixtures.ts';

const train = benignRows(400, 1);
const calibration = benignRows(200, 2);
const normalisation = fitNormalisation(train, SYNTH_FEATURES.length);
const hyper = { hidden: 8, bottleneck: 3, epochs: 12, batchSize: 32, learningRate: 0.01 };
let model: AutoencoderModel;

before(async () => {
  await initTf();
  const trained = await trainAutoencoder({ train, calibration, normalisation, seed: 11, hyper });
  const dir = join(await tempDir('ae'), 'autoencoder', '1');
  await saveModel(dir, trained.model, metadataFor('autoencoder', normalisation, trained.calibration));
  model = await loadAutoencoder(dir, SYNTH_FEATURES);
});

test('an obvious outlier scores above every benign held-out point and near 1', () => {
  const benign = benignRows(50, 3);
  const outlier = [...benign[0]!];
  outlier[2] = 0.95; // template share far outside the benign 0.1 ± 0.03
  const scores = model.scoreBatch([...benign, outlier]).map((s) => s.score);
  const outlierScore = scores.pop()!;
  assert.ok(outlierScore > Math.max(...scores), `outlier ${outlierScore} vs benign max ${Math.max(...scores)}`);
  assert.ok(outlierScore > 0.8, `outlier score ${outlierScore}`);
  const median = [...scores].sort((a, b) => a - b)[25]!;
  assert.ok(median < 0.3, `benign median score ${median}`);
});

test('reasons name the feature the outlier breaks, with its value and benign baseline', () => {
  const row = [...benignRows(1, 4)[0]!];
  row[3] = 0.9; // reasoning share
  const { reasons } = model.score(row);
  assert.equal(reasons[0]?.feature, 'reasoning_share');
  assert.equal(reasons[0]?.value, 0.9);
  assert.equal(reasons[0]?.scorer, 'autoencoder');
  assert.ok(Math.abs(reasons[0]!.baseline! - 0.05) < 0.02);
  assert.ok(reasons[0]!.contribution > 0.5);
  assert.ok(reasons.length <= 3);
});

test('the single-snapshot path (plain JS) agrees with the tfjs batch path', () => {
  const rows = benignRows(5, 5);
  const batch = model.scoreBatch(rows);
  rows.forEach((row, i) => {
    const single = model.score(row);
    assert.ok(Math.abs(single.score - batch[i]!.score) < 1e-4);
    assert.deepEqual(
      single.reasons.map((r) => r.feature),
      batch[i]!.reasons.map((r) => r.feature),
    );
  });
});

test('single-snapshot reasons are worked out when read, from the row as it was scored, as the batch path gives them', () => {
  const row = Float64Array.from([50, 1, 0.9, 0.9, 400]);
  const [batch] = model.scoreBatch([Array.from(row)]);
  const scored = model.score(row);
  row.fill(0); // the caller's buffer is reused for the next key before the reasons are read
  assert.deepEqual(
    scored.reasons.map((r) => [r.feature, r.value]),
    batch!.reasons.map((r) => [r.feature, r.value]),
  );
});
