import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mlEnv } from '../../../services/common/config/ml.ts';
import { MODEL_FEATURES } from '../../../services/detector/features/feature-roles.ts';
import { ALERT_CATEGORIES } from '../../../services/detector/scorers/scorer.ts';
import { loadMlModels } from '../../../services/ml/load-models.ts';
import { expectedAutoBackend } from './installed-backend.ts';

const MODELS_DIR = fileURLToPath(new URL('../../../models', import.meta.url));

// Fails whenever MODEL_FEATURES changes without retraining: run `bin/distillguard train --version <next>`.
test('the shipped models load against the current MODEL_FEATURES and carry held-out metrics', async () => {
  const { backend, autoencoder, classifier } = await loadMlModels(
    mlEnv.parse({ DG_MODELS_DIR: MODELS_DIR }),
    MODEL_FEATURES,
  );
  assert.equal(backend, expectedAutoBackend(), 'tfjs-node when installed, else wasm');
  for (const model of [autoencoder, classifier]) {
    assert.deepEqual(model.metadata.features, [...MODEL_FEATURES]);
    for (const split of ['held_out_seed', 'held_out_variant']) {
      assert.ok((model.metadata.metrics[split]?.pr_auc ?? 0) > 0.5, `${model.metadata.kind} ${split} pr_auc`);
    }
  }
  assert.ok(classifier.metadata.categories.every((c) => (ALERT_CATEGORIES as readonly string[]).includes(c)));
  // The benign median of every feature is as ordinary as a snapshot gets.
  const median = classifier.metadata.baseline;
  assert.ok(classifier.score(median).score < classifier.threshold);
  assert.ok(autoencoder.score(median).score < 0.5);
});
