import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { usageEventSchema } from '../../../schemas/usage-v1.ts';
import {
  ATTACK_ARCHETYPES,
  BENIGN_ARCHETYPES,
  groundTruthSchema,
  type Simulation,
  simulate,
} from '../../../services/simulator/index.ts';

const SMALL = { hours: 2, keysScale: 0.1, hydraMembers: 6 } as const;

function digest(sim: Simulation): string {
  const hash = createHash('sha256');
  for (const e of sim.events) hash.update(`${JSON.stringify(e)}\n`);
  return hash.digest('hex');
}

describe('simulate', () => {
  const sim = simulate({ ...SMALL, seed: 11, promptMode: 'both' });
  const events = [...sim.timedEvents];
  const truthByKey = new Map(sim.truth.keys.map((k) => [k.api_key_id, k]));

  it('is deterministic for a seed and differs across seeds', () => {
    const again = simulate({ ...SMALL, seed: 11, promptMode: 'both' });
    assert.equal(digest(again), digest(sim));
    assert.equal(digest(sim), digest(sim), 're-iterating yields the same events');
    assert.notEqual(digest(simulate({ ...SMALL, seed: 12, promptMode: 'both' })), digest(sim));
  });

  it('produces a non-trivial dataset with every archetype present', () => {
    assert.ok(events.length > 1000, `only ${events.length} events`);
    const archetypes = new Set(events.map((t) => truthByKey.get(t.event.api_key_id)?.archetype));
    assert.equal(archetypes.size, 14, [...archetypes].join(','));
  });

  it('emits only events that pass usageEventSchema, with ts as both RFC 3339 and epoch ms', () => {
    for (const { event } of events) {
      const parsed = usageEventSchema.safeParse(event);
      assert.ok(parsed.success, `${event.event_id}: ${parsed.success ? '' : parsed.error.message}`);
    }
    const kinds = new Set(events.map((t) => typeof t.event.ts));
    assert.deepEqual([...kinds].sort(), ['number', 'string']);
  });

  it('orders events globally by event time and keeps event ids unique', () => {
    for (let i = 1; i < events.length; i++) assert.ok(events[i - 1]!.ts <= events[i]!.ts, `out of order at ${i}`);
    for (const { ts, event } of events) assert.equal(usageEventSchema.parse(event).ts, ts);
    assert.equal(new Set(events.map((t) => t.event.event_id)).size, events.length);
  });

  it('has a valid ground truth covering every key, with events inside each key span', () => {
    groundTruthSchema.parse(sim.truth);
    for (const { ts, event } of events) {
      const truth = truthByKey.get(event.api_key_id);
      assert.ok(truth, `no truth for ${event.api_key_id}`);
      assert.equal(truth.org_id, event.org_id);
      assert.ok(ts >= Date.parse(truth.active_from) && ts < Date.parse(truth.active_until), event.event_id);
    }
  });

  it('starts attack traffic at or after the campaign start (resellers carry legitimate traffic before it)', () => {
    const firstSeen = new Map<string, number>();
    for (const { ts, event } of events) if (!firstSeen.has(event.api_key_id)) firstSeen.set(event.api_key_id, ts);
    for (const key of sim.truth.keys.filter((k) => k.label === 'attack')) {
      assert.ok(key.campaign_id && key.campaign_start, key.api_key_id);
      const first = firstSeen.get(key.api_key_id);
      if (first === undefined || key.archetype === 'reseller') continue;
      assert.ok(first >= Date.parse(key.campaign_start), `${key.archetype} ${key.api_key_id} before its campaign`);
    }
    for (const key of sim.truth.keys.filter((k) => k.label === 'benign')) assert.equal(key.campaign_id, null);
  });

  it('never leaks ground truth into events', () => {
    const truthWords = /archetype|campaign|label|benign|attack|hydra/;
    for (const { event } of events.slice(0, 2000)) assert.doesNotMatch(Object.keys(event).join(','), truthWords);
  });

  it('lists campaigns whose member keys are the attack keys', () => {
    const members = sim.truth.campaigns.flatMap((c) => c.api_key_ids).sort();
    const attackKeys = sim.truth.keys.filter((k) => k.label === 'attack').map((k) => k.api_key_id);
    assert.deepEqual(members, attackKeys.sort());
    const hydra = sim.truth.campaigns.filter((c) => c.archetype === 'hydra_network');
    assert.ok(hydra.every((c) => c.api_key_ids.length === 6 && c.org_ids.length >= 2));
  });
});

describe('simulate options', () => {
  it('hydra members share one system prompt', () => {
    const none = Object.fromEntries([...BENIGN_ARCHETYPES, ...ATTACK_ARCHETYPES].map((a) => [a, 0]));
    const sim = simulate({ seed: 3, hours: 3, population: { ...none, hydra_network: 1 }, hydraMembers: 8 });
    assert.equal(sim.truth.keys.length, 8);
    const members = new Set(sim.truth.campaigns.find((c) => c.archetype === 'hydra_network')!.api_key_ids);
    const systems = new Set<string>();
    for (const e of sim.events) if (members.has(e.api_key_id)) systems.add(e.system_prompt_sha256!);
    assert.equal(systems.size, 1);
  });

  it('respects prompt modes', () => {
    const text = [...simulate({ ...SMALL, seed: 5, promptMode: 'text' }).events].slice(0, 300);
    assert.ok(text.every((e) => e.prompt_text && !e.prompt_simhash && e.prompt_sha256));
    const fp = [...simulate({ ...SMALL, seed: 5, promptMode: 'fingerprint' }).events].slice(0, 300);
    assert.ok(fp.every((e) => !e.prompt_text && /^[0-9a-f]{16}$/.test(e.prompt_simhash!) && e.prompt_sha256));
  });

  it('draws only the allowed variants and honours population overrides', () => {
    const sim = simulate({ ...SMALL, seed: 9, variants: [2], population: { hobbyist: 7, bulk_distillation: 4 } });
    assert.ok(sim.truth.keys.every((k) => k.variant === 2));
    assert.equal(sim.truth.campaigns.filter((c) => c.archetype === 'bulk_distillation').length, 4);
    const hobbyKeys = sim.truth.keys.filter((k) => k.archetype === 'hobbyist' && k.rotated_from === null);
    assert.equal(hobbyKeys.length, 7);
  });

  it('rejects invalid options', () => {
    assert.throws(() => simulate({ hours: -1 }));
    assert.throws(() => simulate({ variants: [5] }));
    assert.throws(() => simulate({ promptMode: 'pictures' as 'text' }));
  });

  it('keeps prompt lengths between 50 and about 2000 chars, many around 500', () => {
    const lengths = [...simulate({ ...SMALL, seed: 4 }).events].map((e) => e.prompt_text!.length).sort((a, b) => a - b);
    assert.ok(lengths[0]! >= 40, `shortest ${lengths[0]}`);
    assert.ok(lengths.at(-1)! <= 2600, `longest ${lengths.at(-1)}`);
    const median = lengths[Math.floor(lengths.length / 2)]!;
    assert.ok(median > 200 && median < 900, `median ${median}`);
  });
});
