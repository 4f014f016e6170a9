import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert } from '../../../schemas/alert-v1.ts';
import { DistillGuardError } from '../../../services/common/errors.ts';
import { clusterAlertId } from '../../../services/coordination/cluster-alert.ts';
import { createCoordinationEngine } from '../../../services/coordination/index.ts';
import { preparePrompt } from '../../../services/detector/features/prepared-event.ts';
import { rng, runEngine, type TrafficEvent } from './fixtures.ts';
import { benignPopulation, hydra } from './scenarios.ts';

function traffic(): TrafficEvent[] {
  const all = [
    ...hydra({ keys: 80, orgs: 25, asn: 62240, eventsPerKey: 10, hours: [1, 5] }, 31),
    ...benignPopulation({ keys: 80, awsShare: 0.5 }, rng(32)),
  ];
  return all.sort((a, b) => a.event.ts - b.event.ts || (a.event.event_id < b.event.event_id ? -1 : 1));
}

test('the same events give identical alerts, ids derived from members and event time', () => {
  const first = runEngine(createCoordinationEngine(), traffic());
  const second = runEngine(createCoordinationEngine(), traffic());
  assert.ok(first.length > 0);
  assert.deepEqual(second, first);
  for (const a of first) assert.equal(a.alert_id, clusterAlertId([...a.api_key_ids].sort(), a.raised_at));
});

test('snapshot and restore mid-stream continue exactly like an uninterrupted engine', () => {
  const events = traffic();
  const expected = runEngine(createCoordinationEngine(), events);
  const half = Math.floor(events.length / 2);
  const before = createCoordinationEngine();
  const alerts: Alert[] = [];
  for (const { event, fingerprint } of events.slice(0, half)) {
    before.observe(event, fingerprint, preparePrompt(event));
    alerts.push(...before.advance(event.ts));
  }
  const checkpoint = JSON.parse(JSON.stringify(before.snapshot()));
  const after = createCoordinationEngine();
  after.restore(checkpoint);
  assert.deepEqual(JSON.parse(JSON.stringify(after.snapshot())), checkpoint);
  alerts.push(...runEngine(after, events.slice(half)));
  assert.deepEqual(alerts, expected);
});

test('restore rejects a state that is not a coordination snapshot', () => {
  assert.throws(
    () => createCoordinationEngine().restore({ v: 2 }),
    (e: unknown) => e instanceof DistillGuardError && e.code === 'DG_ERR_BAD_INPUT',
  );
});
