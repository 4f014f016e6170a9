import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initTf, selectBackend, tf } from '../../../services/ml/runtime.ts';

test('initTf picks the wasm backend here (tfjs-node is not installed) and is idempotent', async () => {
  const first = await initTf();
  assert.equal(first, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(await initTf({ backend: 'cpu' }), 'wasm');
  assert.equal(
    tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]),
    5,
  );
});

test('a tfjs-node that fails to import falls back to wasm', async () => {
  let attempted = false;
  const backend = await selectBackend({
    loadNodeBinding: async () => {
      attempted = true;
      throw new Error("Cannot find package '@tensorflow/tfjs-node'");
    },
  });
  assert.equal(attempted, true);
  assert.equal(backend, 'wasm');
});

test('a tfjs-node import that registers no backend also falls back to wasm', async () => {
  assert.equal(await selectBackend({ loadNodeBinding: async () => ({}) }), 'wasm');
});

test('an explicit cpu choice is honoured, then wasm can be selected again', async () => {
  assert.equal(await selectBackend({ backend: 'cpu' }), 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(await selectBackend({ backend: 'wasm' }), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});
