import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLazyReasons } from '../../../services/common/lazy-reasons.ts';

test('withLazyReasons computes on first read only, once, and the property is enumerable', () => {
  let calls = 0;
  const scored = withLazyReasons({ score: 0.9 }, () => {
    calls++;
    return ['a'];
  });
  assert.equal(calls, 0, 'nothing computed at scoring');
  assert.deepEqual(scored.reasons, ['a']);
  assert.deepEqual(scored.reasons, ['a']);
  assert.equal(calls, 1);
  assert.deepEqual(Object.keys(scored), ['score', 'reasons']);
});
