import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageEventInput } from '../../../schemas/usage-v1.ts';
import { classicDataset } from '../../../services/eval/datasets/classic.ts';
import { CONTEXT_FIELDS, planSwap, swapContexts } from '../../../services/eval/swap/context-swap.ts';

const SWAPPED = new Set<string>([...CONTEXT_FIELDS, 'key_created_at', 'org_id']);

function behaviour(event: UsageEventInput): string {
  return JSON.stringify(Object.entries(event).filter(([k]) => !SWAPPED.has(k)));
}

function context(event: UsageEventInput): string {
  return JSON.stringify(CONTEXT_FIELDS.map((f) => event[f] ?? null));
}

describe('context swap', () => {
  const original = classicDataset({ seed: 31, hours: 1, keysScale: 0.05 });
  const swapped = swapContexts(original);
  const before = [...original.timedEvents];
  const after = [...swapped.timedEvents];
  const plan = planSwap(original);

  const contextsOf = (events: typeof before, key: string) =>
    new Set(events.filter((e) => e.event.api_key_id === key).map((e) => context(e.event)));

  it('pairs every active attack key with a distinct benign key', () => {
    const attacks = original.truth.keys.filter(
      (k) => k.label === 'attack' && before.some((e) => e.event.api_key_id === k.api_key_id),
    );
    assert.ok(attacks.length > 0);
    const labels = new Map(original.truth.keys.map((k) => [k.api_key_id, k.label]));
    const partners = attacks.map((k) => plan.partnerOf.get(k.api_key_id)!);
    assert.equal(new Set(partners).size, attacks.length);
    for (const p of partners) assert.equal(labels.get(p), 'benign');
  });

  it("gives each swapped key only contexts its partner was observed with, and the partner's key age and org", () => {
    let changed = 0;
    for (const [key, partner] of plan.partnerOf) {
      const observed = contextsOf(before, partner);
      for (const c of contextsOf(after, key)) assert.ok(observed.has(c), `${key} got a context ${partner} never had`);
      const partnerEvent = before.find((e) => e.event.api_key_id === partner)!.event;
      const swappedEvent = after.find((e) => e.event.api_key_id === key)!.event;
      assert.equal(swappedEvent.key_created_at, partnerEvent.key_created_at);
      assert.equal(swappedEvent.org_id, partnerEvent.org_id);
      if ([...contextsOf(before, key)].some((c) => !observed.has(c))) changed++;
    }
    assert.ok(changed > 0, 'some attack key must have had a context its partner lacked');
    const truthOrg = new Map(swapped.truth.keys.map((k) => [k.api_key_id, k.org_id]));
    for (const { event } of after) assert.equal(event.org_id, truthOrg.get(event.api_key_id));
  });

  it('leaves behaviour, order, timing and unpaired keys untouched', () => {
    assert.equal(after.length, before.length);
    before.forEach((b, i) => {
      const a = after[i]!;
      assert.equal(a.ts, b.ts);
      assert.equal(behaviour(a.event), behaviour(b.event));
      if (!plan.partnerOf.has(b.event.api_key_id)) assert.deepEqual(a.event, b.event);
    });
    assert.deepEqual(
      swapped.truth.keys.map((k) => [k.api_key_id, k.label, k.archetype, k.campaign_start]),
      original.truth.keys.map((k) => [k.api_key_id, k.label, k.archetype, k.campaign_start]),
    );
  });

  it('is deterministic', () => {
    assert.deepEqual([...swapContexts(original).timedEvents], after);
    assert.deepEqual([...swapped.timedEvents], after);
  });
});
