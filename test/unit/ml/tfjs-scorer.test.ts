import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { mlEnv } from '../../../services/common/config/ml.ts';
import { FEATURE_INDEX, FEATURE_NAMES } from '../../../services/detector/features/feature-names.ts';
import { MODEL_FEATURES, modelInputs } from '../../../services/detector/features/feature-roles.ts';
import type { PopulationContext, ScoreInput, Scorer } from '../../../services/detector/scorers/scorer.ts';
import { loadTfjsScorers } from '../../../services/detector/scorers/tfjs-scorer.ts';
import { saveModel } from '../../../services/ml/model-store.ts';
import { fitNormalisation } from '../../../services/ml/normalisation.ts';
import { createPrng } from '../../../services/ml/prng.ts';
import { initTf } from '../../../services/ml/runtime.ts';
import { trainAutoencoder } from '../../../services/training/train-autoencoder.ts';
import { trainClassifier } from '../../../services/training/train-classifier.ts';
import { metadataFor, tempDir } from './fixtures.ts';

const WIDTH = FEATURE_NAMES.length;
const REASONING = FEATURE_INDEX.reasoning_phrase_share;
const TEMPLATE = FEATURE_INDEX.template_share;

/** Full feature vectors: every feature a small positive value; reasoning-phrase and template shares near 0.05. */
function rows(count: number, seed: number, reasoning = 0.05, template = 0.05): number[][] {
  const random = createPrng(seed);
  return Array.from({ length: count }, () => {
    const row = Array.from({ length: WIDTH }, () => 0.2 + 0.1 * random());
    row[REASONING] = reasoning + 0.02 * random();
    row[TEMPLATE] = template + 0.02 * random();
    return row;
  });
}

/** The models see behaviour only: the MODEL_FEATURES columns of full vectors. */
const inputs = (full: number[][]) => full.map((row) => modelInputs(row));

/** Benign rows, then CoT-harvesting rows, then template-sweep rows, with labels and categories (model inputs). */
function labelledSet(benign: number, perAttack: number, seed: number) {
  const all = [...rows(benign, seed), ...rows(perAttack, seed + 1, 0.8), ...rows(perAttack, seed + 2, 0.05, 0.9)];
  const kind = (i: number) => (i < benign ? null : i < benign + perAttack ? 'cot_harvesting' : 'capability_sweep');
  return { rows: inputs(all), labels: all.map((_, i) => (kind(i) ? 1 : 0)), categories: all.map((_, i) => kind(i)) };
}

const population: PopulationContext = {
  samples: 500,
  median: () => 0.25,
  robustZ: () => 0,
  percentile: (feature, value) => (feature === REASONING && value > 0.5 ? 99.5 : 50),
};

function input(features: number[]): ScoreInput {
  const base = { apiKeyId: 'k', orgId: 'o', cohort: 'm|/v1', ts: 0, baseline: null };
  return { ...base, features: Float64Array.from(features), population };
}

let modelsDir: string;
let scorers: Scorer[];

before(async () => {
  await initTf();
  modelsDir = await tempDir('scorers');
  const benign = inputs(rows(300, 1));
  const normalisation = fitNormalisation(benign, MODEL_FEATURES.length);
  const features = [...MODEL_FEATURES];
  const ae = await trainAutoencoder({
    train: benign,
    calibration: inputs(rows(100, 2)),
    normalisation,
    seed: 1,
    hyper: { hidden: 12, bottleneck: 4, epochs: 8, batchSize: 32, learningRate: 0.01 },
  });
  await saveModel(
    join(modelsDir, 'autoencoder', '3'),
    ae.model,
    metadataFor('autoencoder', normalisation, ae.calibration, features),
  );
  const categories = ['cot_harvesting', 'capability_sweep'];
  const cl = await trainClassifier({
    train: labelledSet(300, 40, 3),
    validation: labelledSet(100, 15, 6),
    normalisation,
    categories,
    seed: 1,
    hyper: { hidden1: 12, hidden2: 8, epochs: 8, batchSize: 32, learningRate: 0.01 },
  });
  const clMetadata = { ...metadataFor('classifier', normalisation, cl.calibration, features), categories };
  await saveModel(join(modelsDir, 'classifier', '3'), cl.model, clMetadata);
  scorers = await loadTfjsScorers(mlEnv.parse({ DG_MODELS_DIR: modelsDir }));
});

test('loads both scorers for the latest version', () => {
  assert.deepEqual(
    scorers.map((s) => s.name),
    ['autoencoder', 'classifier'],
  );
});

test('each scorer names the reasoning-phrase share on a key that harvests reasoning, with its percentile', () => {
  const suspicious = rows(1, 9)[0]!;
  suspicious[REASONING] = 0.9;
  for (const scorer of scorers) {
    const result = scorer.score(input(suspicious));
    assert.equal(result.reasons[0]?.feature, 'reasoning_phrase_share', scorer.name);
    assert.equal(result.reasons[0]?.percentile, 99.5);
    assert.equal(result.reasons[0]?.value, 0.9);
    assert.ok(result.score > 0.8, `${scorer.name} score ${result.score}`);
    assert.ok(result.score > scorer.score(input(rows(1, 10)[0]!)).score, scorer.name);
  }
});

test('the classifier names the suspected category; the autoencoder names none', () => {
  const [autoencoder, classifier] = scorers;
  const cot = rows(1, 11, 0.85)[0]!;
  const sweep = rows(1, 12, 0.05, 0.95)[0]!;
  assert.equal(classifier!.score(input(cot)).category, 'cot_harvesting');
  assert.equal(classifier!.score(input(sweep)).category, 'capability_sweep');
  assert.equal(classifier!.score(input(rows(1, 13)[0]!)).category, undefined);
  assert.equal(autoencoder!.score(input(cot)).category, undefined);
});

test('network and account context cannot move a model score: the models never see it', () => {
  const base = rows(1, 14)[0]!;
  const context = [...base];
  for (const f of ['datacenter_asn_share', 'distinct_ips', 'key_age_days', 'unsupported_region_share'] as const) {
    context[FEATURE_INDEX[f]] = f === 'key_age_days' ? 0 : 5_000;
  }
  for (const scorer of scorers) assert.equal(scorer.score(input(context)).score, scorer.score(input(base)).score);
});

test('a model trained on a context feature is refused', async () => {
  const dir = await tempDir('context-model');
  const ae = await trainAutoencoder({
    train: rows(200, 15),
    calibration: rows(50, 16),
    normalisation: fitNormalisation(rows(200, 15), WIDTH),
    seed: 1,
    hyper: { hidden: 8, bottleneck: 3, epochs: 2, batchSize: 32, learningRate: 0.01 },
  });
  const metadata = metadataFor('autoencoder', fitNormalisation(rows(200, 15), WIDTH), ae.calibration, [
    ...FEATURE_NAMES,
  ]);
  await saveModel(join(dir, 'autoencoder', '1'), ae.model, metadata);
  await saveModel(join(dir, 'classifier', '1'), ae.model, { ...metadata, kind: 'classifier' });
  await assert.rejects(loadTfjsScorers(mlEnv.parse({ DG_MODELS_DIR: dir })), { code: 'DG_ERR_MODEL' });
});

test('DG_ML_ENABLED=false loads nothing', async () => {
  assert.deepEqual(await loadTfjsScorers(mlEnv.parse({ DG_ML_ENABLED: 'false', DG_MODELS_DIR: '/nonexistent' })), []);
});

test('a configured version that does not exist is a DG_ERR_MODEL error', async () => {
  const config = mlEnv.parse({ DG_MODELS_DIR: modelsDir, DG_CLASSIFIER_VERSION: '99' });
  await assert.rejects(loadTfjsScorers(config), { code: 'DG_ERR_MODEL', message: /classifier\/99/ });
});
