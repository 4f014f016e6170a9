import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { buildAutoencoder, buildClassifier } from '../../../services/ml/architectures.ts';
import { compileDenseProgram } from '../../../services/ml/dense-program.ts';
import { createPrng } from '../../../services/ml/prng.ts';
import { initTf, tf } from '../../../services/ml/runtime.ts';

before(() => initTf());

function tfjsOutputs(model: LayersModel, row: number[]): number[][] {
  return tf.tidy(() => {
    const out = model.predict(tf.tensor2d([row])) as Tensor | Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => Array.from(t.dataSync()));
  });
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-4, `index ${i}`);
}

const random = createPrng(3);
const rows = Array.from({ length: 20 }, () => Array.from({ length: 7 }, () => 4 * random() - 2));

test('the plain-JS program reproduces the tfjs autoencoder', () => {
  const model = buildAutoencoder({ width: 7, hidden: 5, bottleneck: 2, seed: 1 });
  const program = compileDenseProgram(model)!;
  assert.deepEqual(program.outputWidths, [7]);
  for (const row of rows) assertClose(program.run(row)[0]!, tfjsOutputs(model, row)[0]!);
});

test('the plain-JS program reproduces both heads of the tfjs classifier', () => {
  const model = buildClassifier({ width: 7, hidden: [6, 4], seed: 2, categories: 3 });
  const program = compileDenseProgram(model)!;
  assert.deepEqual(program.outputWidths, [1, 3]);
  for (const row of rows) {
    const [attack, category] = program.run(row);
    const [tfAttack, tfCategory] = tfjsOutputs(model, row);
    assertClose(attack!, tfAttack!);
    assertClose(category!, tfCategory!);
  }
});

test('a network with other layers or activations is not compiled', () => {
  const withDropout = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 2 }), tf.layers.dropout({ rate: 0.5 })],
  });
  const withSigmoid = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 1, activation: 'sigmoid' })],
  });
  assert.equal(compileDenseProgram(withDropout), null);
  assert.equal(compileDenseProgram(withSigmoid), null);
});

test('occluded outputs equal running the row with each input zeroed', () => {
  const model = buildClassifier({ width: 7, hidden: [6, 4], seed: 4, categories: 2 });
  const program = compileDenseProgram(model)!;
  const row = rows[0]!;
  const occluded = program.runOccluded(row);
  assert.equal(occluded.length, 8);
  occluded.forEach((outputs, r) => {
    const zeroed = row.map((x, j) => (j === r - 1 ? 0 : x));
    const direct = program.run(zeroed);
    assertClose(outputs[0]!, direct[0]!);
    assertClose(outputs[1]!, direct[1]!);
  });
});
