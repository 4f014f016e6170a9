import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { createCoordinationEngine } from '../../../services/coordination/index.ts';
import { NO_TOKENS } from './fixtures.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const event = (i: number, key = `flood-${i}`): UsageEvent =>
  ({
    event_id: `e-${i}`,
    ts: T0 + i,
    api_key_id: key,
    org_id: `org-${i % 50}`,
    model: 'm',
    input_tokens: 10,
    output_tokens: 10,
  }) as UsageEvent;

test('stage 2 holds at most about maxKeys keys even between linking passes; the least recently seen go', () => {
  const engine = createCoordinationEngine({ maxKeys: 100 });
  for (let i = 0; i < 5_000; i += 1) {
    engine.observe(event(i), null, NO_TOKENS);
    if (i % 20 === 0) engine.observe(event(i, 'steady'), null, NO_TOKENS);
  }
  const stats = engine.stats();
  assert.ok(stats.keys <= 110, `${stats.keys} keys held with maxKeys 100 and no linking pass`);
  assert.ok(stats.capEvictions >= 4_890, `${stats.capEvictions} keys evicted for the cap`);
  const held = (engine.snapshot().keys as Array<{ signature: { api_key_id: string } }>).map(
    (k) => k.signature.api_key_id,
  );
  assert.ok(held.includes('steady'), 'the steadily active key was evicted');
  assert.ok(held.includes('flood-4999'));
});
