import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { coordinationOptionsSchema } from '../../../services/common/config/coordination-options.ts';
import { AlertLog } from '../../../services/coordination/alert-log.ts';
import { coordinationSnapshotSchema } from '../../../services/coordination/engine-snapshot.ts';
import { contentStart, KeyRegistry } from '../../../services/coordination/key-registry.ts';
import { DAY0, NO_TOKENS, nearDuplicate, randomFingerprint, rng } from './fixtures.ts';

const HOUR = 3_600_000;
const OPTIONS = coordinationOptionsSchema.parse({});

function event(i: number, ts: number): UsageEvent {
  return { event_id: `e${i}`, ts, api_key_id: 'aged', org_id: 'o', model: 'm', input_tokens: 300, output_tokens: 400 };
}

/**
 * An aged key: ten hours of an ordinary user's unrelated prompts (one every 20 minutes), then a campaign's template
 * from hour 10 (one a minute), which two hours later rotates to a second template for good.
 */
function agedKeyPutToACampaign(registry: KeyRegistry): { campaignAt: number; rotatedAt: number } {
  const random = rng(3);
  const first = randomFingerprint(random);
  const second = randomFingerprint(random);
  let i = 0;
  for (let t = 0; t < 10 * HOUR; t += 20 * 60_000)
    registry.observe(event(i++, DAY0 + t), randomFingerprint(random), NO_TOKENS);
  registry.refresh();
  const campaignAt = DAY0 + 10 * HOUR;
  const rotatedAt = campaignAt + 2 * HOUR;
  for (let t = campaignAt; t < rotatedAt + 8 * HOUR; t += 60_000) {
    const template = t < rotatedAt ? first : second;
    registry.observe(event(i++, t), nearDuplicate(template, 2, random), NO_TOKENS);
    if (t % (5 * 60_000) === 0) registry.refresh();
  }
  registry.refresh();
  return { campaignAt, rotatedAt };
}

test("an aged key starts, for stage 2, at its campaign's first template and stays there when templates rotate", () => {
  const registry = new KeyRegistry(OPTIONS, false);
  const { campaignAt } = agedKeyPutToACampaign(registry);
  const record = registry.records.get('aged')!;
  assert.equal(record.profile.firstSeen, DAY0);
  assert.equal(contentStart(record), campaignAt, 'the first template prompt, not first seen, and not the rotation');
  assert.ok(
    record.profile.templates.every((slot) => slot.since > campaignAt + HOUR),
    'the first template has faded out of the slots',
  );
});

test('a key without templates starts when first seen, and the start survives a checkpoint', () => {
  const registry = new KeyRegistry(OPTIONS, false);
  const random = rng(4);
  registry.observe(event(0, DAY0 + HOUR), randomFingerprint(random), NO_TOKENS);
  registry.refresh();
  assert.equal(contentStart(registry.records.get('aged')!), DAY0 + HOUR);

  const aged = new KeyRegistry(OPTIONS, false);
  const { campaignAt } = agedKeyPutToACampaign(aged);
  const state = coordinationSnapshotSchema.shape.keys.parse(aged.toState().keys);
  const restored = new KeyRegistry(OPTIONS, false, { ...aged.toState(), keys: state });
  assert.equal(contentStart(restored.records.get('aged')!), campaignAt);
});

test('by default any newly linked member escalates a cluster, at most once per escalation interval', () => {
  const log = new AlertLog(OPTIONS);
  const members = (n: number) => Array.from({ length: n }, (_, i) => `k${String(i).padStart(3, '0')}`);
  log.record({ alertId: 'a1', raisedAtMs: 0, severity: 'high', members: members(25) }, null);
  assert.deepEqual(log.decide(members(26), 'high', OPTIONS.escalationIntervalMs - 1), { emit: false }, 'too soon');
  assert.deepEqual(log.decide(members(25), 'high', OPTIONS.escalationIntervalMs), { emit: false }, 'no new member');
  assert.deepEqual(log.decide(members(26), 'high', OPTIONS.escalationIntervalMs), { emit: true, escalates: 'a1' });
  const tenPercent = new AlertLog({ ...OPTIONS, growthToEscalate: 0.1 });
  tenPercent.record({ alertId: 'a1', raisedAtMs: 0, severity: 'high', members: members(25) }, null);
  assert.deepEqual(tenPercent.decide(members(27), 'high', OPTIONS.escalationIntervalMs), { emit: false });
});
