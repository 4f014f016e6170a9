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

test('normalisation: log1p for counts, identity for shares, median/IQR scaling (never so small that more than 0.1% of benign rows are clipped), clipping', () => {
  const rows = Array.from({ length: 101 }, (_, i) => [i * 10, i / 100, -1 + i / 50]);
  const n = fitNormalisation(rows, 3);
  assert.deepEqual(n.transforms, ['log1p', 'identity', 'identity']);
  assert.ok(Math.abs(n.center[0]! - Math.log1p(500)) < 1e-9);
  assert.ok(Math.abs(n.center[1]! - 0.5) < 1e-9);
  assert.ok(Math.abs(n.scale[1]! - 0.5 / 1.349) < 1e-9);
  const z = normaliseRow(n, [500, 0.5, 1e9]);
  assert.ok(Math.abs(z[0]!) < 1e-6 && Math.abs(z[1]!) < 1e-6);
  assert.equal(z[2], n.clip);
  // A share at 0 for most benign rows, decayed residues of old readings for a quarter, and real readings up to 0.5 for
  // 5%: the IQR spans only residues, so the scale comes from how far the benign rows go (at most 0.1% of them clipped).
  const residues = [
    ...Array.from({ length: 7_000 }, () => [0]),
    ...Array.from({ length: 2_500 }, () => [2e-6]),
    ...Array.from({ length: 500 }, (_, i) => [0.1 + (0.4 * i) / 499]),
  ];
  const shares = fitNormalisation(residues, 1);
  assert.ok(Math.abs(shares.scale[0]! - 0.05) < 0.001, `${shares.scale[0]}`);
  assert.ok(normaliseRow(shares, [0.002])[0]! < 0.1, 'one flagged prompt in 500 stays near the median');
  assert.ok(normaliseRow(shares, [0.45])[0]! < shares.clip, 'benign readings below the top 0.1% are not clipped');
  // Fewer than 0.1% of rows away from the centre: how far those few are.
  const rare = fitNormalisation([...Array.from({ length: 9_997 }, () => [0]), [0.1], [0.2], [0.3]], 1);
  assert.ok(Math.abs(rare.scale[0]! - Math.sqrt((0.01 + 0.04 + 0.09) / 3)) < 1e-9);
  const constant = fitNormalisation([[0], [0], [0]], 1);
  assert.equal(constant.scale[0], 1);
  assert.equal(normaliseRow(constant, [Number.NaN])[0], 0);
});
