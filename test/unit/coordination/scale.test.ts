import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCoordinationEngine } from '../../../services/coordination/index.ts';
import { preparePrompt } from '../../../services/detector/features/prepared-event.ts';
import { rng } from './fixtures.ts';
import { benignPopulation, hydra } from './scenarios.ts';

test('one pass over thousands of keys finds a 1,500-key network and nothing else', () => {
  const traffic = [
    ...hydra({ keys: 1500, orgs: 60, asn: 62240, eventsPerKey: 10, hours: [1, 5] }, 41),
    ...benignPopulation({ keys: 1500, awsShare: 0.5 }, rng(42)),
  ];
  const engine = createCoordinationEngine({ warmupMs: 0 });
  for (const { event, fingerprint } of traffic) engine.observe(event, fingerprint, preparePrompt(event));
  const alerts = engine.flush(Math.max(...traffic.map((t) => t.event.ts)));
  assert.equal(alerts.length, 1);
  const members = alerts[0]!.api_key_ids;
  assert.ok(members.every((k) => k.startsWith('hydra-')));
  assert.ok(members.length >= 1425, `${members.length} of 1500`);
  assert.equal(engine.stats().keys, 3000);
});
