import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { type Harness, startHarness } from './harness.ts';
import { HOUR, seedAlerts, T0 } from './seed.ts';

let h: Harness;
const NOW = T0 + 10 * HOUR;

before(async () => {
  h = await startHarness({ now: () => NOW });
  await insertAlerts(h.ch, seedAlerts(), NOW);
});
after(() => h.close());

async function post(payload: object) {
  const r = await h.app.inject({ method: 'POST', url: '/v1/suppressions', headers: h.as('analyst'), payload });
  return { status: r.statusCode, body: r.json() };
}

async function statusOf(id: string) {
  const r = await h.app.inject({ url: `/v1/alerts/${id}`, headers: h.as('analyst') });
  const { alert } = r.json();
  return [alert.status, alert.label];
}

const rule = (scope: string, value: string, extra = {}) => ({
  scope,
  value,
  reason: 'known customer',
  expires_at: '2099-01-01T00:00:00Z',
  ...extra,
});

test('a feature suppression must name a detector feature', async () => {
  const unknown = await post(rule('feature', 'no_such_feature'));
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error.message, /body\.value: not a feature name; GET \/v1\/features lists them/);
  const known = await post(rule('feature', 'template_share'));
  assert.equal(known.status, 201);
  assert.deepEqual(known.body.closed_alert_ids, []);
});

test('close_matching resolves the open alerts the rule covers, and only those', async () => {
  const keyRule = await post(rule('key', 'key-a', { close_matching: true }));
  assert.equal(keyRule.status, 201);
  // The cluster alert also has key-c, so a rule for key-a alone does not cover it.
  assert.deepEqual(keyRule.body.closed_alert_ids, ['alert-a1']);
  assert.deepEqual(await statusOf('alert-a1'), ['resolved', 'benign_heavy_user']);
  assert.deepEqual(await statusOf('alert-ac'), ['open', null]);
  const feature = await post(rule('feature', 'req_per_min', { close_matching: true }));
  assert.deepEqual(feature.body.closed_alert_ids, ['alert-ac', 'alert-b1', 'alert-d1']);
  assert.deepEqual(await statusOf('alert-b1'), ['resolved', 'false_positive']);
  const detail = await h.app.inject({ url: '/v1/alerts/alert-b1', headers: h.as('analyst') });
  assert.match(detail.json().alert.note, /^closed by suppression [0-9a-f-]+ \(feature req_per_min\): known customer/);
});
