import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { createCaseProjector } from '../../../services/cases/case-projector.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { type Harness, startHarness } from './harness.ts';
import { seedAlerts, T0 } from './seed.ts';

// The API started with --no-actions: resolutions are stored, and the answer says nothing was lifted or enforced.
let h: Harness;
const NOW = T0 + 10 * 3_600_000;

before(async () => {
  h = await startHarness({ now: () => NOW });
  await insertAlerts(h.ch, seedAlerts(), NOW);
  await createCaseProjector(h.ch, { now: () => NOW, logger: silentLogger, batchSize: 10 }).foldPending();
});
after(() => h.close());

async function post(url: string, payload: object) {
  const r = await h.app.inject({ method: 'POST', url, payload, headers: h.as('analyst') });
  return { status: r.statusCode, body: r.json() };
}

async function caseOf(key: string): Promise<string> {
  const r = await h.app.inject({ url: '/v1/cases?limit=200&min_severity=low', headers: h.as('analyst') });
  const found = r.json().cases.find((c: { api_key_ids: string[] }) => c.api_key_ids.includes(key));
  assert.ok(found, `a case of ${key}`);
  return found.case_id;
}

test('resolving an alert as a false positive says the actions service is not running and nothing was lifted', async () => {
  const fp = await post('/v1/alerts/alert-b1/resolve', { label: 'false_positive' });
  assert.equal(fp.status, 200);
  assert.equal(fp.body.alert.status, 'resolved', 'the resolution is stored');
  assert.equal(fp.body.enforcement, 'not_running');
  assert.deepEqual(fp.body.lifted_actions, []);
  assert.match(fp.body.lift_error, /not lifted: the actions service does not run in this API process/);

  const tp = await post('/v1/alerts/alert-d1/resolve', { label: 'true_positive' });
  assert.equal(tp.body.enforcement, 'not_running');
  assert.equal(tp.body.lift_error, undefined, 'a true positive asks for no lift');
});

test('resolving a case with lift or enforce: stored and its alerts labelled, action_error names the cause', async () => {
  const lifted = await post(`/v1/cases/${await caseOf('key-c')}/resolve`, { label: 'benign_heavy_user' });
  assert.equal(lifted.status, 200, JSON.stringify(lifted.body));
  assert.equal(lifted.body.case.status, 'resolved');
  assert.equal(lifted.body.enforcement, 'not_running');
  assert.match(lifted.body.action_error, /not lifted: the actions service does not run/);
  assert.ok(lifted.body.labelled_alerts >= 1, 'the case label still goes on its alerts');

  const enforced = await post(`/v1/cases/${await caseOf('key-b')}/resolve`, { label: 'true_positive', enforce: true });
  assert.equal(enforced.status, 200, JSON.stringify(enforced.body));
  assert.equal(enforced.body.enforcement, 'not_running');
  assert.match(enforced.body.action_error, /not enforced: the actions service does not run/);
  assert.deepEqual(enforced.body.enforced_actions, []);
});
