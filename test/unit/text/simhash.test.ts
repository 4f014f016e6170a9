import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hammingDistance } from '../../../services/common/text/fingerprint.ts';
import { simhashText } from '../../../services/common/text/simhash.ts';
import { hashString, MAX_PROMPT_TOKENS, tokenHashes } from '../../../services/common/text/tokenize.ts';

const template = (slot: string) =>
  `You are a senior analyst. Read the question carefully and answer it step by step, showing your reasoning before the final answer. Question: ${slot}`;

describe('tokenHashes', () => {
  it('splits on punctuation and whitespace, folds case', () => {
    const a = new Int32Array(16);
    const b = new Int32Array(16);
    assert.equal(tokenHashes('Hello, WORLD!  hello', a), 3);
    assert.equal(tokenHashes('hello world hello', b), 3);
    assert.deepEqual(a.slice(0, 3), b.slice(0, 3));
    assert.equal(a[0], a[2]);
  });

  it('makes every ideograph a token and folds Cyrillic capitals', () => {
    const out = new Int32Array(16);
    assert.equal(tokenHashes('逐步推理', out), 4);
    const upper = new Int32Array(4);
    const lower = new Int32Array(4);
    tokenHashes('ШАГ', upper);
    tokenHashes('шаг', lower);
    assert.equal(upper[0], lower[0]);
  });

  it('stops at the buffer size', () => {
    const out = new Int32Array(MAX_PROMPT_TOKENS);
    assert.equal(tokenHashes('w '.repeat(MAX_PROMPT_TOKENS + 50), out), MAX_PROMPT_TOKENS);
  });
});

describe('simhashText', () => {
  it('is deterministic and insensitive to case and punctuation', () => {
    assert.deepEqual(simhashText('What is the capital of France?'), simhashText('what is the capital of france'));
    assert.equal(hammingDistance(simhashText('a b c d'), simhashText('a b c d')), 0);
  });

  it('returns the zero fingerprint for text without words', () => {
    assert.deepEqual(simhashText(''), { hi: 0, lo: 0 });
    assert.deepEqual(simhashText('  ?! '), { hi: 0, lo: 0 });
  });

  it('puts prompts of one template closer than unrelated prompts', () => {
    const a = simhashText(template('What is the derivative of x squared times sine x?'));
    const b = simhashText(template('Prove that there are infinitely many primes.'));
    const unrelated = [
      'Summarise the attached quarterly report for the board, focusing on revenue and risks in Europe.',
      'Write a haiku about autumn leaves falling on a quiet pond at dusk.',
      'Translate this customer email into German and keep the tone formal and friendly.',
    ].map(simhashText);
    const templateDistance = hammingDistance(a, b);
    for (const u of unrelated) assert.ok(hammingDistance(a, u) > templateDistance + 6, `template ${templateDistance}`);
    assert.ok(templateDistance <= 20, `template distance ${templateDistance}`);
  });

  it('keeps a one-word edit of a long prompt within a few bits', () => {
    const base = 'the quick brown fox jumps over the lazy dog near the river bank at noon '.repeat(4);
    assert.ok(hammingDistance(simhashText(base), simhashText(`${base} today`)) <= 4);
  });

  it('spreads unrelated prompts around half of the 64 bits', () => {
    let total = 0;
    const n = 40;
    for (let i = 0; i < n; i++)
      total += hammingDistance(
        simhashText(`alpha ${hashString(`x${i}`)}`),
        simhashText(`omega ${hashString(`y${i}`)}`),
      );
    const mean = total / n;
    assert.ok(mean > 26 && mean < 38, `mean distance ${mean}`);
  });
});
