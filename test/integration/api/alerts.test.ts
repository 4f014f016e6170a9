import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { exportLabels } from '../../../services/alerts-store/labels-export.ts';
import { sql } from '../../../services/common/clickhouse/sql.ts';
import { table } from '../../../services/common/clickhouse/table.ts';
import { type Harness, startHarness } from './harness.ts';
import { seedAlerts, seedUsage, T0 } from './seed.ts';

let h: Harness;
const NOW = T0 + 10 * 3_600_000;

before(async () => {
  h = await startHarness({ now: () => NOW });
  await seedUsage(h.ch, NOW);
  await insertAlerts(h.ch, seedAlerts(), NOW);
});
after(() => h.close());

async function get(url: string, role: 'analyst' | 'investigator' | 'gateway' = 'analyst') {
  const r = await h.app.inject({ url, headers: h.as(role) });
  return { status: r.statusCode, body: r.json() };
}

async function post(url: string, payload: unknown, role: 'analyst' | 'investigator' = 'analyst') {
  const r = await h.app.inject({ method: 'POST', url, payload: payload as object, headers: h.as(role) });
  return { status: r.statusCode, body: r.json() };
}

test('the queue lists alerts newest first and filters by severity, kind, key, org and time', async () => {
  const all = await get('/v1/alerts');
  assert.equal(all.status, 200);
  assert.deepEqual(
    all.body.alerts.map((a: { alert_id: string }) => a.alert_id),
    ['alert-d1', 'alert-ac', 'alert-b1', 'alert-a1'],
  );
  const ids = async (q: string) =>
    (await get(`/v1/alerts?${q}`)).body.alerts.map((a: { alert_id: string }) => a.alert_id);
  assert.deepEqual(await ids('severity=critical'), ['alert-ac']);
  assert.deepEqual(await ids('kind=cluster'), ['alert-ac']);
  assert.deepEqual(await ids('key=key-a'), ['alert-ac', 'alert-a1']);
  assert.deepEqual(await ids('org=org-1'), ['alert-ac', 'alert-b1', 'alert-a1']);
  assert.deepEqual(
    await ids(`from=${new Date(T0 + 3 * 3_600_000).toISOString()}&to=${new Date(T0 + 5 * 3_600_000).toISOString()}`),
    ['alert-ac', 'alert-b1'],
  );
});

test('cursor pagination walks every alert exactly once', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { alerts: Array<{ alert_id: string }>; next_cursor: string | null } } = await get(
      `/v1/alerts?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
    );
    seen.push(...page.body.alerts.map((a) => a.alert_id));
    cursor = page.body.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, ['alert-d1', 'alert-ac', 'alert-b1', 'alert-a1']);
  const bad = await get('/v1/alerts?cursor=not-a-cursor');
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /cursor/);
});

test('alert detail carries reasons, evidence events and feature history', async () => {
  const { status, body } = await get('/v1/alerts/alert-a1');
  assert.equal(status, 200);
  assert.equal(body.alert.reasons[0].feature, 'req_per_min');
  assert.deepEqual(
    body.evidence.map((e: { event_id: string }) => e.event_id),
    ['key-a-1', 'key-a-2'],
  );
  // Analysts are outside the default DG_PROMPT_READ_ROLES: the preview is withheld; investigators read it.
  assert.equal(body.evidence[0].prompt_preview, null);
  assert.equal(body.evidence[0].prompt_withheld, true);
  const asInvestigator = await get('/v1/alerts/alert-a1', 'investigator');
  assert.match(asInvestigator.body.evidence[0].prompt_preview, /topic 1 for key-a/);
  assert.deepEqual(body.feature_history.features, ['req_per_min', 'template_share']);
  // snapshots every 10 min from T0 until raised_at + 1h (2h + 1h) → 19 points, key-a's req_per_min = 30/60
  assert.equal(body.feature_history.points.length, 19);
  assert.deepEqual(body.feature_history.points[0].values, [0.5, 0.9]);
  assert.equal(body.history[0].action, 'raise');
  assert.equal((await get('/v1/alerts/nope')).status, 404);
});

test('acknowledge, assign and resolve each append a version and an audit row', async () => {
  assert.equal((await post('/v1/alerts/alert-b1/acknowledge', {})).body.status, 'acknowledged');
  const assigned = await post('/v1/alerts/alert-b1/assign', { assignee: 'dana' });
  assert.equal(assigned.body.assignee, 'dana');
  const resolved = await post('/v1/alerts/alert-b1/resolve', { label: 'benign_heavy_user', note: 'batch job' });
  assert.equal(resolved.status, 200);
  assert.equal(resolved.body.alert.status, 'resolved');
  assert.equal(resolved.body.alert.version, 4);
  assert.deepEqual(resolved.body.lifted_actions, []);
  const again = await post('/v1/alerts/alert-b1/resolve', { label: 'true_positive' });
  assert.equal(again.status, 409);

  const detail = await get('/v1/alerts/alert-b1');
  const history = detail.body.history as Array<{
    action: string;
    actor: string;
    before: { status: string };
    after: { status: string };
  }>;
  assert.deepEqual(
    history.map((e) => e.action),
    ['raise', 'acknowledge', 'assign', 'resolve'],
  );
  assert.equal(history[3]!.actor, 'analyst-1');
  assert.equal(history[3]!.before.status, 'acknowledged');
  assert.equal(history[3]!.after.status, 'resolved');

  const versions = await h.ch.query(
    sql`SELECT version FROM ${table(h.ch, 'alerts')} WHERE alert_id = 'alert-b1' ORDER BY version`,
    z.object({ version: z.coerce.number() }),
  );
  assert.deepEqual(
    versions.map((v) => v.version),
    [1, 2, 3, 4],
  );
  const metrics = await h.app.inject({ url: '/metrics', headers: h.as('analyst') });
  assert.match(metrics.body, /distillguard_alert_changes_total\{action="resolve"\} 1/);
  assert.match(metrics.body, /distillguard_alert_changes_total\{action="acknowledge"\} 1/);
  assert.deepEqual(
    (await get('/v1/alerts?status=resolved')).body.alerts.map((a: { alert_id: string }) => a.alert_id),
    ['alert-b1'],
  );
});

test('labels export writes one line per key of each resolved alert', async () => {
  await post('/v1/alerts/alert-ac/resolve', { label: 'true_positive', note: '' });
  const labels = await exportLabels(h.ch);
  assert.deepEqual(labels, [
    {
      api_key_id: 'key-b',
      label: 'benign_heavy_user',
      ts: new Date(T0 + 3 * 3_600_000).toISOString(),
      alert_id: 'alert-b1',
    },
    {
      api_key_id: 'key-a',
      label: 'true_positive',
      ts: new Date(T0 + 4 * 3_600_000).toISOString(),
      alert_id: 'alert-ac',
    },
    {
      api_key_id: 'key-c',
      label: 'true_positive',
      ts: new Date(T0 + 4 * 3_600_000).toISOString(),
      alert_id: 'alert-ac',
    },
  ]);
});

test('re-inserting a stored alert keeps the analyst state (idempotent on alert_id)', async () => {
  await insertAlerts(
    h.ch,
    seedAlerts().filter((a) => a.alert_id === 'alert-b1'),
    NOW + 1_000,
  );
  const { body } = await get('/v1/alerts/alert-b1');
  assert.equal(body.alert.status, 'resolved');
  assert.equal(body.history.length, 4);
});

test('malformed input is a 400 naming the field; readers cannot change alerts', async () => {
  const bad = await post('/v1/alerts/alert-a1/resolve', { label: 'maybe' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /body\.label/);
  assert.equal((await get('/v1/alerts?severity=urgent')).status, 400);
  assert.equal((await get('/v1/alerts?limit=100000')).status, 400);
  assert.equal((await post('/v1/alerts/alert-a1/acknowledge', {}, 'investigator')).status, 403);
  assert.equal((await get('/v1/alerts', 'gateway')).status, 403);
});
