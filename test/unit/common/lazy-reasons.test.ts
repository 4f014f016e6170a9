import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LazyReasons } from '../../../services/common/lazy-reasons.ts';

class Counted extends LazyReasons<string[]> {
  calls = 0;
  constructor(readonly score: number) {
    super();
  }
  protected explain(): string[] {
    this.calls++;
    return ['a'];
  }
}

test('LazyReasons computes on first read only, once, and keeps the result', () => {
  const scored = new Counted(0.9);
  assert.equal(scored.calls, 0, 'nothing computed at scoring');
  const first = scored.reasons;
  assert.deepEqual(first, ['a']);
  assert.equal(scored.reasons, first, 'the same array, kept');
  assert.equal(scored.calls, 1);
  assert.equal(scored.score, 0.9);
});
