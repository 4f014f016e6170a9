import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { KeyFeatureSnapshot } from '../../../services/detector/types.ts';
import { loadAutoencoder, loadClassifier } from '../../../services/ml/load-models.ts';
import { initTf } from '../../../services/ml/runtime.ts';
import type { GroundTruth, KeyTruth } from '../../../services/simulator/truth.ts';
import { readAnalystLabels } from '../../../services/training/analyst-labels.ts';
import type { RunSpec } from '../../../services/training/splits.ts';
import { runTraining, type TrainRunOptions } from '../../../services/training/train-run.ts';
import { attackRows, benignRows, SYNTH_FEATURES, tempDir } from './fixtures.ts';

const START = Date.parse('2026-03-05T00:00:00Z');
const MINUTE = 60_000;

function keyTruth(id: string, attack: boolean, variant: number): KeyTruth {
  return {
    api_key_id: id,
    org_id: `org_${id}`,
    archetype: attack ? 'cot_harvesting' : 'researcher',
    label: attack ? 'attack' : 'benign',
    variant,
    campaign_id: attack ? 'cot-01' : null,
    campaign_start: attack ? new Date(START + 30 * MINUTE).toISOString() : null,
    active_from: new Date(START).toISOString(),
    active_until: new Date(START + 2 * 60 * MINUTE).toISOString(),
    rotated_from: null,
  };
}

/** A stand-in for simulator + pipeline: 20 benign and 4 attack keys, one snapshot a minute for 2 hours. */
async function fakeRun(spec: RunSpec) {
  const keys = Array.from({ length: 24 }, (_, i) => keyTruth(`s${spec.seed}_k${i}`, i >= 20, spec.variants[0]!));
  const snapshots: KeyFeatureSnapshot[] = keys.flatMap((key, k) => {
    const rows = key.label === 'attack' ? attackRows(120, spec.seed * 100 + k) : benignRows(120, spec.seed * 100 + k);
    const { api_key_id, org_id } = key;
    return rows.map((values, minute) => ({
      api_key_id,
      org_id,
      model: 'm',
      ts: START + minute * MINUTE,
      values,
      score: 0,
    }));
  });
  snapshots.sort((a, b) => a.ts - b.ts);
  const truth = { seed: spec.seed, end: new Date(START + spec.hours * 60 * MINUTE).toISOString(), keys } as GroundTruth;
  return { truth, snapshots };
}

const specsSeen: RunSpec[] = [];

function options(outDir: string, extra: Partial<TrainRunOptions> = {}): TrainRunOptions {
  return {
    seed: 7,
    hours: 2,
    keysScale: 1,
    trainRuns: 2,
    strideMs: 10 * MINUTE,
    validationShare: 0.4,
    labels: [],
    labelsFile: null,
    version: 't1',
    outDir,
    features: SYNTH_FEATURES,
    generate: async (spec) => {
      specsSeen.push(spec);
      return fakeRun(spec);
    },
    autoencoderHyper: { hidden: 8, bottleneck: 3, epochs: 6, batchSize: 32, learningRate: 0.01 },
    classifierHyper: { hidden1: 8, hidden2: 4, epochs: 6, batchSize: 32, learningRate: 0.01 },
    ...extra,
  };
}

before(() => initTf());

test('trains, evaluates on held-out seed and variant, and writes loadable models with metrics', async () => {
  specsSeen.length = 0;
  const out = await tempDir('train');
  const result = await runTraining(options(out));
  assert.deepEqual(
    specsSeen.map((s) => [s.role, s.seed, s.variants.join()]),
    [
      ['train', 7, '0,1'],
      ['train', 8, '0,1'],
      ['held_out_seed', 1007, '0,1'],
      ['held_out_variant', 2007, '2'],
    ],
  );
  const { metadata } = result.classifier;
  assert.equal(metadata.created, '2026-03-05T02:00:00.000Z');
  assert.deepEqual(Object.keys(metadata.metrics), ['validation', 'held_out_seed', 'held_out_variant']);
  assert.ok(metadata.metrics.held_out_seed!.roc_auc! > 0.95);
  assert.equal(metadata.metrics.validation!.fpr, 0);
  assert.equal(metadata.metrics.held_out_seed!['key_recall.cot_harvesting'], 1);
  assert.equal(metadata.training.counts.keys, 48);
  // 24 keys × 12 ten-minute windows, minus the attack keys' 3 windows before campaign start.
  assert.equal(metadata.training.counts.snapshots, 2 * (24 * 12 - 4 * 3));
  const classifier = await loadClassifier(result.classifier.dir, SYNTH_FEATURES);
  const autoencoder = await loadAutoencoder(result.autoencoder.dir, SYNTH_FEATURES);
  assert.ok(classifier.score(attackRows(1, 99)[0]!).score > classifier.threshold);
  assert.ok(autoencoder.score(attackRows(1, 99)[0]!).score > autoencoder.score(benignRows(1, 99)[0]!).score);
});

test('the same seed reproduces the same weights and metadata byte for byte', async () => {
  const [a, b] = [await tempDir('repro-a'), await tempDir('repro-b')];
  await runTraining(options(a, { trainRuns: 1, validationShare: 0.2 }));
  await runTraining(options(b, { trainRuns: 1, validationShare: 0.2 }));
  for (const file of ['classifier/t1/weights.bin', 'classifier/t1/metadata.json', 'autoencoder/t1/model.json']) {
    assert.deepEqual(await readFile(join(a, file)), await readFile(join(b, file)), file);
  }
});

test('analyst labels relabel the snapshots they cover and are counted in the metadata', async () => {
  const dir = await tempDir('labels');
  const path = join(dir, 'labels.jsonl');
  await writeFile(
    path,
    '{"api_key_id":"s7_k0","label":"true_positive"}\n{"api_key_id":"s7_k21","label":"false_positive"}\n',
  );
  const result = await runTraining(
    options(dir, { trainRuns: 1, validationShare: 0.2, labels: await readAnalystLabels(path), labelsFile: path }),
  );
  // Each relabelled key contributes its 12 (benign) or 9 (attack, after campaign start) thinned snapshots.
  assert.equal(result.classifier.metadata.training.counts.analystLabels, 12 + 9);
  assert.equal(result.classifier.metadata.training.labelsFile, path);
});

test('with the randomised family on, its tuning variants r1, r2 and r3 join training, each also in a stress regime', async () => {
  specsSeen.length = 0;
  const out = await tempDir('train-randomised');
  const result = await runTraining(options(out, { trainRuns: 1, validationShare: 0.2, randomised: true }));
  assert.deepEqual(
    specsSeen
      .filter((s) => s.role === 'train')
      .map((s) => [
        s.seed,
        s.randomised?.variant ?? 'classic',
        s.randomised?.outScale ?? 1,
        s.randomised?.rateScale ?? 1,
        s.randomised?.segmentJitter ?? 0,
      ]),
    [
      [7, 'classic', 1, 1, 0],
      [107, 'r1', 1, 1, 0],
      [108, 'r2', 1, 1, 0],
      [109, 'r1', 2, 1, 0],
      [110, 'r2', 1, 2, 0],
      [111, 'r3', 1, 1, 0],
      [112, 'r3', 1, 1, 0.6],
    ],
  );
  assert.equal(result.classifier.metadata.training.counts.keys, 7 * 24, "seven runs of the fake generator's 24 keys");
  assert.deepEqual(result.classifier.metadata.features, SYNTH_FEATURES);
});
