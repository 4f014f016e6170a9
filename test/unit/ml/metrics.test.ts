import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confusionAt, prAuc, rocAuc, thresholdAtFpr } from '../../../services/ml/metrics.ts';

test('ROC AUC: perfect, inverted, tied and a hand-counted case', () => {
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 1);
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]), 0.5);
  // pairs (pos, neg): (0.9,0.7) (0.9,0.3) (0.4,0.7)✗ (0.4,0.3) → 3 of 4
  assert.equal(rocAuc([0.9, 0.4, 0.7, 0.3], [1, 1, 0, 0]), 0.75);
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [0, 0])));
});

test('PR AUC (average precision) on a hand-computed ranking', () => {
  // ranking: 1 0 1 0 → precision at the two hits 1/1 and 2/3 → AP = (1 + 2/3) / 2
  assert.equal(prAuc([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0]), (1 + 2 / 3) / 2);
  assert.equal(prAuc([0.9, 0.8, 0.1], [1, 1, 0]), 1);
});

test('threshold at a false-positive rate and the confusion counts there', () => {
  const scores = [0.95, 0.9, 0.85, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
  const labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];
  const strict = thresholdAtFpr(scores, labels, 0);
  assert.ok(strict > 0.85 && strict < 0.9);
  assert.deepEqual(confusionAt(scores, labels, strict), { recall: 2 / 3, precision: 1, fpr: 0 });
  const loose = thresholdAtFpr(scores, labels, 1 / 7);
  assert.deepEqual(confusionAt(scores, labels, loose), { recall: 1, precision: 0.75, fpr: 1 / 7 });
});

test('a threshold over key groups counts a benign key once, however many snapshots it has', () => {
  const scores = [0.9, 0.8, 0.7, 0.2, 0.1];
  const labels = [0, 0, 0, 0, 0];
  const keys = ['a', 'a', 'a', 'b', 'c'];
  // Three benign keys; allowing one in three lets key a (max 0.9) through but not key b (0.2).
  const threshold = thresholdAtFpr(scores, labels, 1 / 3, keys);
  assert.ok(threshold > 0.2 && threshold < 0.21);
  assert.ok(thresholdAtFpr(scores, labels, 1 / 3) > 0.8);
});
