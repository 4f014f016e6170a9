import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAuthFailureLimit } from '../../../services/api/auth-failure-limit.ts';

test('an IP past its failures is limited for the rest of its minute, and starts afresh when the minute ends', () => {
  let clock = Date.parse('2026-03-01T12:00:00Z');
  const limit = createAuthFailureLimit({ maxPerMin: 2, now: () => clock });
  limit.recordFailure('ip-a');
  assert.equal(limit.retryAfterMs('ip-a'), 0, 'under the budget');
  clock += 10_000;
  limit.recordFailure('ip-a');
  assert.equal(limit.retryAfterMs('ip-a'), 50_000);
  assert.equal(limit.retryAfterMs('ip-b'), 0, 'another address is not limited');
  clock += 49_999;
  assert.equal(limit.retryAfterMs('ip-a'), 1, 'limited until the last millisecond of the minute');
  clock += 1;
  assert.equal(limit.retryAfterMs('ip-a'), 0, 'the minute has ended');
  limit.recordFailure('ip-a');
  assert.equal(limit.retryAfterMs('ip-a'), 0, 'one failure in the new minute');
});
