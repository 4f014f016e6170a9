import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coordinationOptionsSchema } from '../../../services/common/config/coordination-options.ts';
import { AlertLog } from '../../../services/coordination/alert-log.ts';
import { createCoordinationEngine } from '../../../services/coordination/index.ts';
import { preparePrompt } from '../../../services/detector/features/prepared-event.ts';
import { DAY0, rng, type TrafficEvent } from './fixtures.ts';
import { benignPopulation, hydra } from './scenarios.ts';

const HOUR = 3_600_000;
/** The shipped defaults (growthToEscalate 0: any newly linked key). */
const DEFAULTS = coordinationOptionsSchema.parse({});
/** `n` api_key_ids `<prefix>000`, `<prefix>001`, …, sorted as the alert log keeps them. */
const ids = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
const options = { cooldownMs: 24 * HOUR, escalationIntervalMs: HOUR / 2, growthToEscalate: 0.1 };
/** Unrelated customers over two days, so rarity and synchronised starts are judged against a population. */
const background = benignPopulation({ keys: 150, awsShare: 0.5 }, rng(77));

function network(keys: number, hours: [number, number], shiftMs = 0): TrafficEvent[] {
  return hydra({ keys, orgs: 20, asn: 62240, eventsPerKey: 12, hours }, 5).map((t) => ({
    ...t,
    event: { ...t.event, ts: t.event.ts + shiftMs },
  }));
}

/** Feeds the network and the background events up to `until`, in event-time order. */
function feed(
  engine: ReturnType<typeof createCoordinationEngine>,
  traffic: TrafficEvent[],
  from: number,
  until: number,
) {
  const slice = background.filter((t) => t.event.ts >= DAY0 + from && t.event.ts < DAY0 + until);
  for (const { event, fingerprint } of [...traffic, ...slice].sort((a, b) => a.event.ts - b.event.ts))
    engine.observe(event, fingerprint, preparePrompt(event));
}

test('a cluster is alerted once, silenced in the cooldown, escalated when it grows, re-alerted after it', () => {
  const engine = createCoordinationEngine(options);
  feed(engine, network(40, [1, 2]), 0, 2 * HOUR);
  const [first, ...none] = engine.flush(DAY0 + 2 * HOUR);
  assert.ok(first);
  assert.deepEqual(none, []);
  assert.equal(first.api_key_ids.length, 40);
  assert.equal(first.escalates, null);

  feed(engine, network(40, [3, 4]), 2 * HOUR, 5 * HOUR);
  assert.deepEqual(engine.flush(DAY0 + 5 * HOUR), [], 'same members inside the cooldown');

  feed(engine, network(60, [5, 6]), 5 * HOUR, 7 * HOUR);
  const [grown] = engine.flush(DAY0 + 7 * HOUR);
  assert.ok(grown);
  assert.equal(grown.escalates, first.alert_id);
  assert.equal(grown.api_key_ids.length, 60);

  feed(engine, network(60, [8, 9], 24 * HOUR), 7 * HOUR, 34 * HOUR);
  const [again] = engine.flush(DAY0 + 34 * HOUR);
  assert.ok(again, 'the cooldown of the escalation has passed');
  assert.equal(again.escalates, null);
  assert.equal(again.api_key_ids.length, 60);
});

test('growth is escalated at most once per escalation interval', () => {
  const engine = createCoordinationEngine(options);
  feed(engine, network(40, [1, 2]), 0, 2 * HOUR);
  assert.equal(engine.flush(DAY0 + 2 * HOUR).length, 1);
  feed(engine, network(60, [2, 3]), 2 * HOUR, 2 * HOUR + 10 * 60_000);
  assert.deepEqual(engine.flush(DAY0 + 2 * HOUR + 10 * 60_000), [], 'grew, but only 10 minutes after the alert');
  feed(engine, network(60, [3, 4]), 2 * HOUR + 10 * 60_000, 4 * HOUR);
  assert.equal(engine.flush(DAY0 + 4 * HOUR)[0]?.api_key_ids.length, 60);
});

test('a cluster whose severity dips with a growth escalation is not re-alerted when it climbs back', () => {
  const log = new AlertLog(options);
  const members = (n: number) => ids('k', n);
  log.record({ alertId: 'a1', raisedAtMs: 0, severity: 'high', members: members(10) }, null);
  assert.deepEqual(log.decide(members(20), 'medium', HOUR), { emit: true, escalates: 'a1' }, 'grew');
  log.record({ alertId: 'a2', raisedAtMs: HOUR, severity: 'medium', members: members(20) }, 'a1');
  assert.deepEqual(log.decide(members(20), 'high', 2 * HOUR), { emit: false }, 'high was already reported');
  assert.deepEqual(log.decide(members(20), 'critical', 2 * HOUR), { emit: true, escalates: 'a2' });
});

test('a merged group that splits again escalates with the keys its alert did not cover, and only those', () => {
  const log = new AlertLog({ ...options, growthToEscalate: 0 });
  // two networks linked into one group of 87 and alerted
  log.record({ alertId: 'a1', raisedAtMs: 0, severity: 'critical', members: [...ids('a', 42), ...ids('b', 45)] }, null);
  // one network alone, with 7 keys linked since: smaller than the alert, but news
  const network = ids('a', 49);
  assert.deepEqual(log.decide(network, 'critical', HOUR), { emit: true, escalates: 'a1' });
  log.record({ alertId: 'a2', raisedAtMs: HOUR, severity: 'critical', members: network }, 'a1');
  // the other network alone brings nothing new: the escalation still covers it
  assert.deepEqual(log.decide(ids('b', 45), 'critical', 2 * HOUR), { emit: false });
  assert.deepEqual(log.decide(ids('b', 46), 'critical', 2 * HOUR), { emit: true, escalates: 'a2' });
});

test('by default any newly linked member escalates a cluster, at most once per escalation interval', () => {
  const log = new AlertLog(DEFAULTS);
  const members = (n: number) => ids('k', n);
  log.record({ alertId: 'a1', raisedAtMs: 0, severity: 'high', members: members(25) }, null);
  assert.deepEqual(log.decide(members(26), 'high', DEFAULTS.escalationIntervalMs - 1), { emit: false }, 'too soon');
  assert.deepEqual(log.decide(members(25), 'high', DEFAULTS.escalationIntervalMs), { emit: false }, 'no new member');
  assert.deepEqual(log.decide(members(26), 'high', DEFAULTS.escalationIntervalMs), { emit: true, escalates: 'a1' });
  const tenPercent = new AlertLog({ ...DEFAULTS, growthToEscalate: 0.1 });
  tenPercent.record({ alertId: 'a1', raisedAtMs: 0, severity: 'high', members: members(25) }, null);
  assert.deepEqual(tenPercent.decide(members(27), 'high', DEFAULTS.escalationIntervalMs), { emit: false });
});
