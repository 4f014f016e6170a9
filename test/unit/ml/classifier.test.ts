import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { ClassifierModel } from '../../../services/ml/classifier-model.ts';
import { loadAutoencoder, loadClassifier } from '../../../services/ml/load-models.ts';
import { rocAuc } from '../../../services/ml/metrics.ts';
import { saveModel } from '../../../services/ml/model-store.ts';
import { fitNormalisation } from '../../../services/ml/normalisation.ts';
import { initTf } from '../../../services/ml/runtime.ts';
import { trainClassifier } from '../../../services/training/train-classifier.ts';
import { attackRows, benignRows, metadataFor, SYNTH_FEATURES, tempDir } from './fixtures.ts';

function labelled(benign: number, attack: number, seed: number) {
  const rows = [...benignRows(benign, seed), ...attackRows(attack, seed + 100)];
  return { rows, labels: rows.map((_, i) => (i < benign ? 0 : 1)) };
}

const train = labelled(300, 40, 1);
const validation = labelled(200, 30, 2);
const normalisation = fitNormalisation(benignRows(300, 1), SYNTH_FEATURES.length);
const hyper = { hidden1: 8, hidden2: 4, epochs: 8, batchSize: 32, learningRate: 0.01 };
let model: ClassifierModel;
let modelDir: string;

before(async () => {
  await initTf();
  const trained = await trainClassifier({ train, validation, normalisation, seed: 5, hyper });
  modelDir = join(await tempDir('cl'), 'classifier', '1');
  await saveModel(modelDir, trained.model, metadataFor('classifier', normalisation, trained.calibration));
  model = await loadClassifier(modelDir, SYNTH_FEATURES);
});

test('a separable held-out set is separated, and the threshold splits it', () => {
  const test = labelled(100, 20, 3);
  const scores = model.probabilities(test.rows);
  assert.equal(rocAuc(scores, test.labels), 1);
  const flaggedBenign = test.labels.filter((l, i) => l === 0 && scores[i]! >= model.threshold).length;
  const caughtAttacks = test.labels.filter((l, i) => l === 1 && scores[i]! >= model.threshold).length;
  assert.equal(flaggedBenign, 0);
  assert.equal(caughtAttacks, 20);
});

test('occlusion reasons name the features that separate attacks, not the volume ones', () => {
  const attack = attackRows(1, 9)[0]!;
  const { score, reasons } = model.score(attack);
  assert.ok(score > 0.9, `attack probability ${score}`);
  const named = reasons.map((r) => r.feature);
  assert.ok(['template_share', 'reasoning_share'].includes(named[0]!), `top reason ${named[0]}`);
  assert.equal(reasons[0]?.scorer, 'classifier');
  assert.ok(reasons.every((r) => r.contribution > 0 && r.contribution <= 1));
});

test('a benign row gets a low probability', () => {
  const { score } = model.score(benignRows(1, 42)[0]!);
  assert.ok(score < 0.1, `benign probability ${score}`);
});

test('loading a classifier directory as an autoencoder is refused', async () => {
  await assert.rejects(loadAutoencoder(modelDir, SYNTH_FEATURES), {
    code: 'DG_ERR_MODEL',
    message: /holds a classifier, expected kind autoencoder/,
  });
});

test('the single-snapshot path (plain JS) agrees with tfjs batch probabilities', () => {
  const rows = [...benignRows(3, 50), ...attackRows(3, 51)];
  const batch = model.probabilities(rows);
  const gaps = rows.map((row, i) => Math.abs(model.score(row).score - batch[i]!));
  assert.ok(Math.max(...gaps) < 1e-4, `gaps ${gaps}`);
});

test('reasons are worked out when first read, from the row as it was scored, and kept', () => {
  const row = Float64Array.from(attackRows(1, 9)[0]!);
  const expected = model.score(Array.from(row)).reasons;
  const scored = model.score(row);
  row.fill(0); // the caller's buffer is reused for the next key before the reasons are read
  assert.deepEqual(scored.reasons, expected);
  assert.equal(scored.reasons, scored.reasons, 'computed once');
});
