import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCoordinationEngine } from '../../../services/coordination/index.ts';
import { DAY0, type TrafficEvent } from './fixtures.ts';
import { hydra } from './scenarios.ts';

const HOUR = 3_600_000;
const options = { warmupMs: 0, cooldownMs: 24 * HOUR, escalationIntervalMs: HOUR / 2, growthToEscalate: 0.1 };

function network(keys: number, hours: [number, number], shiftMs = 0): TrafficEvent[] {
  return hydra({ keys, orgs: 20, asn: 62240, eventsPerKey: 8, hours }, 5).map((t) => ({
    ...t,
    event: { ...t.event, ts: t.event.ts + shiftMs },
  }));
}

function feed(engine: ReturnType<typeof createCoordinationEngine>, traffic: TrafficEvent[]): void {
  for (const { event, fingerprint } of traffic.sort((a, b) => a.event.ts - b.event.ts))
    engine.observe(event, fingerprint);
}

test('a cluster is alerted once, silenced in the cooldown, escalated when it grows, re-alerted after it', () => {
  const engine = createCoordinationEngine(options);
  feed(engine, network(40, [1, 2]));
  const [first, ...none] = engine.flush(DAY0 + 2 * HOUR);
  assert.ok(first);
  assert.deepEqual(none, []);
  assert.equal(first.api_key_ids.length, 40);
  assert.equal(first.escalates, null);

  feed(engine, network(40, [3, 4]));
  assert.deepEqual(engine.flush(DAY0 + 5 * HOUR), [], 'same members inside the cooldown');

  feed(engine, network(60, [5, 6]));
  const [grown] = engine.flush(DAY0 + 7 * HOUR);
  assert.ok(grown);
  assert.equal(grown.escalates, first.alert_id);
  assert.equal(grown.api_key_ids.length, 60);

  feed(engine, network(60, [8, 9], 24 * HOUR));
  const [again] = engine.flush(DAY0 + 34 * HOUR);
  assert.ok(again, 'the cooldown of the escalation has passed');
  assert.equal(again.escalates, null);
  assert.equal(again.api_key_ids.length, 60);
});

test('growth is escalated at most once per escalation interval', () => {
  const engine = createCoordinationEngine(options);
  feed(engine, network(40, [1, 2]));
  assert.equal(engine.flush(DAY0 + 2 * HOUR).length, 1);
  feed(engine, network(60, [2, 3]));
  assert.deepEqual(engine.flush(DAY0 + 2 * HOUR + 10 * 60_000), [], 'grew, but only 10 minutes after the alert');
  feed(engine, network(60, [3, 4]));
  assert.equal(engine.flush(DAY0 + 4 * HOUR)[0]?.api_key_ids.length, 60);
});
