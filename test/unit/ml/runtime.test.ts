import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initTf, selectBackend, tf } from '../../../services/ml/runtime.ts';
import { expectedAutoBackend } from './installed-backend.ts';

test('initTf picks tfjs-node when it is installed, else wasm, and is idempotent', async () => {
  const first = await initTf();
  assert.equal(first, expectedAutoBackend());
  assert.equal(tf.getBackend(), first);
  assert.equal(await initTf({ backend: 'cpu' }), first);
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
