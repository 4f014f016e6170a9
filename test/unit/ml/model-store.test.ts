import assert from 'node:assert/strict';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { DistillGuardError } from '../../../services/common/errors.ts';
import { buildClassifier } from '../../../services/ml/architectures.ts';
import { loadModel, resolveModelDir, saveModel } from '../../../services/ml/model-store.ts';
import { fitNormalisation, normaliseRows } from '../../../services/ml/normalisation.ts';
import { initTf, tf } from '../../../services/ml/runtime.ts';
import { benignRows, metadataFor, SYNTH_FEATURES, tempDir } from './fixtures.ts';

const rows = benignRows(64, 7);
const normalisation = fitNormalisation(rows, SYNTH_FEATURES.length);
const metadata = metadataFor('classifier', normalisation, { kind: 'platt', a: 1, b: 0, threshold: 0.5 });

before(() => initTf());

function predict(model: LayersModel): Float32Array {
  return tf.tidy(() =>
    (model.predict(tf.tensor2d(normaliseRows(normalisation, rows), [rows.length, 5])) as Tensor).dataSync(),
  ) as Float32Array;
}

async function savedModelDir(): Promise<{ dir: string; model: LayersModel }> {
  const dir = join(await tempDir('store'), 'classifier', '1');
  const model = buildClassifier({ width: SYNTH_FEATURES.length, hidden: [4], seed: 3, categories: 0 });
  await saveModel(dir, model, metadata);
  return { dir, model };
}

async function assertModelError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DistillGuardError);
    assert.equal(error.code, 'DG_ERR_MODEL');
    assert.match(error.message, pattern);
    return true;
  });
}

test('save then load gives identical predictions and the same metadata', async () => {
  const { dir, model } = await savedModelDir();
  const loaded = await loadModel(dir, SYNTH_FEATURES);
  assert.deepEqual(predict(loaded.model), predict(model));
  assert.deepEqual(loaded.metadata, metadata);
  const files = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(files.weightsManifest[0].paths, ['weights.bin']);
});

test('inputs are matched by name: features added to the code or reordered keep a model; one the code lacks refuses it', async () => {
  const { dir } = await savedModelDir();
  const reordered = [SYNTH_FEATURES[1]!, SYNTH_FEATURES[0]!, ...SYNTH_FEATURES.slice(2)];
  const loaded = await loadModel(dir, [...reordered, 'new_feature']);
  assert.deepEqual(loaded.metadata.features, SYNTH_FEATURES, 'the model keeps its own input order');
  loaded.model.dispose();
  await assertModelError(
    loadModel(dir, SYNTH_FEATURES.slice(1)),
    new RegExp(
      `takes input '${SYNTH_FEATURES[0]}', which is not one of the code's ${SYNTH_FEATURES.length - 1} model features`,
    ),
  );
});

test('missing or truncated weights are refused with a clear error', async () => {
  const { dir } = await savedModelDir();
  await truncate(join(dir, 'weights.bin'), 10);
  await assertModelError(loadModel(dir, SYNTH_FEATURES), /weights hold 10 bytes, the manifest describes \d+/);
  await rm(join(dir, 'weights.bin'));
  await assertModelError(loadModel(dir, SYNTH_FEATURES), /weights file missing or unreadable/);
});

test('malformed metadata is refused, naming the bad field', async () => {
  const { dir } = await savedModelDir();
  const path = join(dir, 'metadata.json');
  const good = JSON.parse(await readFile(path, 'utf8'));
  await writeFile(path, JSON.stringify({ ...good, baseline: [1, 2] }));
  await assertModelError(loadModel(dir, SYNTH_FEATURES), /baseline: has 2 entries for 5 features/);
  await writeFile(path, JSON.stringify({ ...good, calibration: { kind: 'platt', a: 'x' } }));
  await assertModelError(loadModel(dir, SYNTH_FEATURES), /calibration/);
  await writeFile(path, '{ not json');
  await assertModelError(loadModel(dir, SYNTH_FEATURES), /is not JSON/);
});

test('a weights path that leaves the model directory is refused', async () => {
  const { dir } = await savedModelDir();
  const path = join(dir, 'model.json');
  const json = JSON.parse(await readFile(path, 'utf8'));
  json.weightsManifest[0].paths = ['../../etc/passwd'];
  await writeFile(path, JSON.stringify(json));
  await assertModelError(loadModel(dir, SYNTH_FEATURES), /leaves the model directory/);
});

test('latest resolves to the highest version with numeric ordering', async () => {
  const root = await tempDir('versions');
  for (const v of ['2', '10', '9']) {
    await saveModel(
      join(root, 'classifier', v),
      buildClassifier({ width: 5, hidden: [], seed: 1, categories: 0 }),
      metadata,
    );
  }
  assert.equal(await resolveModelDir(root, 'classifier', 'latest'), join(root, 'classifier', '10'));
  assert.equal(await resolveModelDir(root, 'classifier', '2'), join(root, 'classifier', '2'));
  await assertModelError(resolveModelDir(root, 'autoencoder', 'latest'), /no models under/);
});
