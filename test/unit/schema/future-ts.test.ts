import assert from 'node:assert/strict';
import { test } from 'node:test';
import { futureTimestampReason, parseEventValue } from '../../../schemas/parse-event.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');

function event(ts: number) {
  const parsed = parseEventValue({
    event_id: 'e',
    ts,
    api_key_id: 'k',
    org_id: 'o',
    model: 'm',
    input_tokens: 1,
    output_tokens: 1,
  });
  assert.ok(parsed.ok);
  return parsed.event;
}

test('an event stamped beyond the allowed skew ahead of the clock is quarantined as future_ts', () => {
  const hour = 3_600_000;
  assert.equal(futureTimestampReason(event(NOW - 30 * 86_400_000), NOW, hour), null, 'history is fine');
  assert.equal(futureTimestampReason(event(NOW + hour), NOW, hour), null, 'at the limit is fine');
  const reason = futureTimestampReason(event(NOW + 90 * 86_400_000), NOW, hour);
  assert.match(
    reason ?? '',
    /^future_ts: ts 2027-03-02T12:00:00.000Z is 7776000 s ahead of the clock \(limit 3600 s\)$/,
  );
  assert.equal(futureTimestampReason(event(NOW + 90 * 86_400_000), NOW, 0), null, '0 turns the check off');
});
