import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActiveAction } from '../../../services/actions/action-schema.ts';
import { DecisionTable, decide } from '../../../services/actions/decision-table.ts';

function active(overrides: Partial<ActiveAction>): ActiveAction {
  return {
    action_id: 'act_1',
    api_key_id: 'k',
    org_id: 'o',
    action: 'rate_limit',
    mode: 'enforce',
    rpm: 10,
    tpm: null,
    reason: 'r',
    actor: 'system:policy',
    alert_id: 'a',
    rule: 'high',
    target_action_id: '',
    created_at_ms: 0,
    expires_at_ms: 10_000,
    ...overrides,
  };
}

describe('gateway decisions', () => {
  it('allows a key without actions', () => {
    assert.deepEqual(new DecisionTable().decision('nobody', 0), { decision: 'allow' });
  });

  it('denies while a suspension is active, whatever else is active', () => {
    const d = decide([active({}), active({ action_id: 'act_2', action: 'suspend', rpm: null, reason: 'susp' })], 0);
    assert.deepEqual(d, {
      decision: 'deny',
      reason: 'susp',
      expires_at: '1970-01-01T00:00:10.000Z',
      action_id: 'act_2',
      action: 'suspend',
    });
  });

  it('combines rate limits to the strictest of each and expires with the first of them', () => {
    const d = decide(
      [
        active({ action_id: 'act_a', rpm: 10, tpm: 9000, expires_at_ms: 20_000 }),
        active({ action_id: 'act_b', rpm: 30, tpm: 1000, expires_at_ms: 5_000 }),
      ],
      0,
    );
    assert.equal(d.decision, 'limit');
    assert.deepEqual(d.limits, { rpm: 10, tpm: 1000 });
    assert.equal(d.expires_at, '1970-01-01T00:00:05.000Z');
    assert.equal(d.action_id, 'act_a');
  });

  it('allows with the reason when only a review without limits is required', () => {
    const d = decide([active({ action: 'require_review', rpm: null, reason: 'please review' })], 0);
    assert.equal(d.decision, 'allow');
    assert.equal(d.action, 'require_review');
    assert.equal(d.reason, 'please review');
  });

  it('ignores expired actions before the sweep removes them', () => {
    const table = new DecisionTable();
    table.apply('k', { api_key_id: 'k', actions: [active({ action: 'suspend', rpm: null })], updated_at_ms: 0 });
    assert.equal(table.decision('k', 9_999).decision, 'deny');
    assert.deepEqual(table.decision('k', 10_000), { decision: 'allow' });
    assert.deepEqual(table.keysWithExpired(10_000), ['k']);
    assert.equal(table.active('k', 10_000), null);
    table.apply('k', null);
    assert.equal(table.size, 0);
  });

  it('answers from the remembered decision only while the same actions are active, at any clock reading', () => {
    const table = new DecisionTable();
    const suspend = active({ action_id: 'act_s', action: 'suspend', rpm: null, expires_at_ms: 5_000 });
    const limit = active({ action_id: 'act_l', rpm: 10, expires_at_ms: 20_000 });
    const old = active({ action_id: 'act_o', rpm: 1, expires_at_ms: 1_000 });
    table.apply('k', { api_key_id: 'k', actions: [suspend, limit, old], updated_at_ms: 0 });
    const at = (nowMs: number) => table.decision('k', nowMs);
    // Each reading is checked against decide() on the same actions, in an order that walks forwards and back
    // across every expiry, so a decision kept past its span shows up as a difference.
    for (const nowMs of [2_000, 4_999, 5_000, 19_999, 20_000, 4_000, 999, 1_000, 6_000, 500, 30_000, 3_000])
      assert.deepEqual(at(nowMs), decide([suspend, limit, old], nowMs), `at ${nowMs} ms`);
    assert.equal(at(2_000), at(3_000), 'the same decision object while nothing expired in between');
  });

  it('forgets the remembered decision when the key gets a new state', () => {
    const table = new DecisionTable();
    table.apply('k', { api_key_id: 'k', actions: [active({ rpm: 10 })], updated_at_ms: 0 });
    assert.equal(table.decision('k', 0).decision, 'limit');
    table.apply('k', { api_key_id: 'k', actions: [active({ action: 'suspend', rpm: null })], updated_at_ms: 1 });
    assert.equal(table.decision('k', 0).decision, 'deny');
    table.apply('k', null);
    assert.deepEqual(table.decision('k', 0), { decision: 'allow' });
  });
});
