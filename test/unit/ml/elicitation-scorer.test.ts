import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mix32 } from '../../../services/common/text/tokenize.ts';
import { hashedFeatures, type Scaling } from '../../../services/ml/elicitation/elicitation-features.ts';
import { type ElicitationModel, elicitationProbability } from '../../../services/ml/elicitation/elicitation-scorer.ts';

const BITS = 8;

/** The scheme written out by hand (unigram-bigram-mix32/1): a model file depends on exactly these numbers. */
function unigram(token: number): { bucket: number; sign: number } {
  const h = mix32(token ^ 0x2545f491);
  return { bucket: h >>> (32 - BITS), sign: (h & 1) === 1 ? -1 : 1 };
}

function bigram(prev: number, token: number): { bucket: number; sign: number } {
  const h = mix32(Math.imul(prev ^ 0x61c88647, 0x9e3779b1 | 0) ^ token);
  return { bucket: h >>> (32 - BITS), sign: (h & 1) === 1 ? -1 : 1 };
}

function model(weights: Float32Array, bias: number, head = 4, tail = 0, scaling: Scaling = 'log2'): ElicitationModel {
  return { version: 't', hashing: { bits: BITS, head, tail, scaling }, bias, weights, threshold: 0.5 };
}

test('the probability of a hand-computed tiny model: bias + Σ sign·w · scale(n) through the logistic', () => {
  const tokens = Int32Array.from([101, 202]);
  const features = [unigram(101), unigram(202), bigram(101, 202)];
  assert.equal(new Set(features.map((f) => f.bucket)).size, 3, 'test tokens must not collide');
  const weights = new Float32Array(2 ** BITS);
  const values = [1, 2, 4];
  features.forEach((f, i) => {
    weights[f.bucket] = values[i]!;
  });
  const sum = features.reduce((s, f, i) => s + f.sign * values[i]!, 0);
  const logistic = (z: number) => 1 / (1 + Math.exp(-z));
  for (const [scaling, scale] of [
    ['log2', 1 / Math.log2(5)],
    ['sqrt', 1 / Math.sqrt(3)],
    ['none', 1],
  ] as const) {
    const p = elicitationProbability(model(weights, -0.5, 4, 0, scaling), tokens, 2);
    assert.ok(Math.abs(p - logistic(-0.5 + sum * scale)) < 1e-6, `${scaling}: ${p} vs ${logistic(-0.5 + sum * scale)}`);
  }
  assert.ok(Math.abs(elicitationProbability(model(weights, -0.5), tokens, 0) - logistic(-0.5)) < 1e-9);
});

test('only the head and the tail are read, without a bigram across the gap', () => {
  const tokens = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const out = new Int32Array(64);
  const n = hashedFeatures(tokens, 10, { bits: BITS, head: 2, tail: 2, scaling: 'log2' }, out);
  const head = new Int32Array(64);
  const tail = new Int32Array(64);
  const nh = hashedFeatures(Int32Array.from([1, 2]), 2, { bits: BITS, head: 2, tail: 0, scaling: 'log2' }, head);
  const nt = hashedFeatures(Int32Array.from([9, 10]), 2, { bits: BITS, head: 2, tail: 0, scaling: 'log2' }, tail);
  assert.equal(n, 6);
  assert.deepEqual([...out.subarray(0, n)], [...head.subarray(0, nh), ...tail.subarray(0, nt)]);
  // A prompt shorter than head + tail is read once, not twice.
  assert.equal(hashedFeatures(tokens, 3, { bits: BITS, head: 2, tail: 2, scaling: 'log2' }, out), 4);
});

test('a token in the middle of a long prompt does not change the score; one in the tail does', () => {
  const weights = new Float32Array(2 ** BITS).map((_, i) => ((i * 37) % 11) - 5);
  const m = model(weights, 0, 3, 3);
  const tokens = Int32Array.from({ length: 20 }, (_, i) => 1000 + i);
  const base = elicitationProbability(m, tokens, 20);
  tokens[10] = 77;
  assert.equal(elicitationProbability(m, tokens, 20), base);
  tokens[18] = 77;
  assert.notEqual(elicitationProbability(m, tokens, 20), base);
});
