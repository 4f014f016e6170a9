import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_COUNT } from '../../../services/detector/features/feature-names.ts';
import { toKeyFeatureRow } from '../../../services/stream-service/feature-rows.ts';

const snapshot = {
  api_key_id: 'k',
  org_id: 'o',
  model: 'm',
  ts: 1_790_000_000_123,
  values: new Array(FEATURE_COUNT).fill(1),
};

test('a key_features row stores the evidence score, falling back to the score when a snapshot has none', () => {
  assert.equal(toKeyFeatureRow({ ...snapshot, score: 0.8, evidence: 0.6 }).evidence, 0.6);
  assert.equal(toKeyFeatureRow({ ...snapshot, score: 0.4 }).evidence, 0.4);
});
