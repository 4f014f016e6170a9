import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitErrorAnchors, fitPlatt, scoreFromAnchors, sigmoid } from '../../../services/ml/calibration.ts';
import { fitNormalisation, normaliseRow } from '../../../services/ml/normalisation.ts';

test('error anchors map benign quantiles to fixed scores, monotone and clamped', () => {
  const errors = Array.from({ length: 1001 }, (_, i) => 1 + i / 100); // 1 … 11
  const calibration = fitErrorAnchors(errors);
  assert.deepEqual(
    calibration.anchors.map((a) => a.label),
    ['p50', 'p90', 'p99', 'p99.9', '10x p99.9'],
  );
  assert.equal(scoreFromAnchors(calibration, 0.5), 0);
  assert.equal(scoreFromAnchors(calibration, 6), 0);
  assert.ok(Math.abs(scoreFromAnchors(calibration, 10.9) - 0.5) < 1e-9);
  assert.equal(scoreFromAnchors(calibration, 1e6), 1);
  const grid = [6, 7, 9, 10.9, 11, 30, 100].map((e) => scoreFromAnchors(calibration, e));
  assert.deepEqual(
    grid,
    [...grid].sort((x, y) => x - y),
  );
  assert.equal(new Set(grid).size, grid.length);
});

test('anchors stay strictly increasing when every benign error is identical', () => {
  const { anchors } = fitErrorAnchors(Array(50).fill(0));
  const errors = anchors.map((a) => a.error);
  assert.deepEqual(
    errors,
    [...errors].sort((x, y) => x - y),
  );
  assert.equal(new Set(errors).size, errors.length);
});

test('Platt scaling recovers a known logistic relationship', () => {
  const logits: number[] = [];
  const labels: number[] = [];
  for (let x = -6; x <= 6; x += 0.1) {
    // round(200·p) positives among 200 rows at each x, for P = sigmoid(2x − 1)
    const positives = Math.round(sigmoid(2 * x - 1) * 200);
    for (let k = 0; k < 200; k++) {
      logits.push(x);
      labels.push(k < positives ? 1 : 0);
    }
  }
  const { a, b } = fitPlatt(logits, labels);
  assert.ok(Math.abs(a - 2) < 0.05, `a=${a}`);
  assert.ok(Math.abs(b + 1) < 0.05, `b=${b}`);
});

test('normalisation: log1p for counts, identity for shares, median/IQR scaling, clipping', () => {
  const rows = Array.from({ length: 101 }, (_, i) => [i * 10, i / 100, -1 + i / 50]);
  const n = fitNormalisation(rows, 3);
  assert.deepEqual(n.transforms, ['log1p', 'identity', 'identity']);
  assert.ok(Math.abs(n.center[0]! - Math.log1p(500)) < 1e-9);
  assert.ok(Math.abs(n.center[1]! - 0.5) < 1e-9);
  assert.ok(Math.abs(n.scale[1]! - 0.5 / 1.349) < 1e-9);
  const z = normaliseRow(n, [500, 0.5, 1e9]);
  assert.ok(Math.abs(z[0]!) < 1e-6 && Math.abs(z[1]!) < 1e-6);
  assert.equal(z[2], n.clip);
  const constant = fitNormalisation([[0], [0], [0]], 1);
  assert.equal(constant.scale[0], 1);
  assert.equal(normaliseRow(constant, [Number.NaN])[0], 0);
});
