import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenRateLimit } from '../../../services/api/token-rate-limit.ts';

test('a token gets max requests per window from its first request; refused ones count; the window then restarts', () => {
  let clock = Date.parse('2026-03-01T12:00:00Z');
  const limit = createTokenRateLimit({ windowMs: 60_000, now: () => clock });
  assert.deepEqual(limit.take('t1', 2), { exceeded: false, remaining: 1, resetS: 60 });
  clock += 10_500;
  assert.deepEqual(limit.take('t1', 2), { exceeded: false, remaining: 0, resetS: 50 }, 'reset rounds up');
  assert.deepEqual(limit.take('t1', 2), { exceeded: true, remaining: 0, resetS: 50 });
  assert.deepEqual(limit.take('t2', 2), { exceeded: false, remaining: 1, resetS: 60 }, 'another token has its own');
  clock += 49_499;
  assert.equal(limit.take('t1', 2).exceeded, true, 'refused until the last millisecond of the window');
  clock += 1;
  assert.deepEqual(limit.take('t1', 2), { exceeded: false, remaining: 1, resetS: 60 }, 'a new window');
});

test('past the tracked tokens, ended windows are forgotten first, then the oldest', () => {
  let clock = 0;
  const limit = createTokenRateLimit({ windowMs: 60_000, now: () => clock });
  limit.take('live', 3);
  clock = 30_000;
  for (let i = 0; i < 9_999; i++) limit.take(`old-${i}`, 3);
  clock = 61_000;
  // Full: 'live' started at 0 and has ended, the old-* windows (started at 30 s) are still running.
  limit.take('new', 3);
  assert.equal(limit.take('old-0', 3).remaining, 1, 'the oldest running window was kept');
  clock = 62_000;
  limit.take('newer', 3);
  assert.equal(limit.take('old-0', 3).remaining, 2, 'with no ended window, the oldest was forgotten');
  assert.equal(limit.take('old-5', 3).remaining, 1, 'the others kept counting');
});
