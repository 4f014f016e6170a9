import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createActionsServiceFromConfig } from '../../../services/actions/actions-boot.ts';
import type { ActionsService } from '../../../services/actions/actions-service.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { testClickHouse, testConfig } from '../../helpers/infra.ts';
import { alert as fixtureAlert } from '../../unit/actions/fixtures.ts';
import { type Harness, startHarness } from '../api/harness.ts';

/** Raised now: alerts far behind the wall clock are backfill and only queued for review. */
const alert = (o: Parameters<typeof fixtureAlert>[0] = {}) =>
  fixtureAlert({ raised_at: new Date().toISOString(), ...o });

let h: Harness;
let actions: ActionsService;
let ch: Awaited<ReturnType<typeof testClickHouse>>;

before(async () => {
  const config = testConfig();
  ch = await testClickHouse(config);
  actions = createActionsServiceFromConfig(config, silentLogger, { clickhouse: ch });
  await actions.start();
  h = await startHarness({
    actions,
    env: { DG_CLICKHOUSE_DATABASE: config.clickhouse.database, DG_TOPIC_KEY_ACTIONS: config.kafka.topics.keyActions },
  });
});
after(async () => {
  await actions.close();
  await h.close();
  await ch.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, role: 'analyst' | 'gateway', payload?: object) {
  const r = await h.app.inject({ method, url, headers: h.as(role), ...(payload && { payload }) });
  return { status: r.statusCode, body: r.json() };
}

test('apply, decide, page through the log and lift through the real app, ClickHouse and Kafka', async () => {
  await actions.handleAlert(alert({ alert_id: 'route-1', api_key_ids: ['route-key'] }));
  const applied = await call('POST', '/v1/keys/route-key/actions', 'analyst', {
    action: 'suspend',
    duration: '30m',
    reason: 'confirmed extraction',
  });
  assert.equal(applied.status, 201);
  const decision = await call('GET', '/v1/keys/route-key/decision', 'gateway');
  assert.deepEqual([decision.body.decision, decision.body.action_id], ['deny', applied.body.action_id]);

  const first = await call('GET', '/v1/actions?api_key_id=route-key&limit=1', 'analyst');
  assert.deepEqual(
    first.body.actions.map((a: { action: string }) => a.action),
    ['suspend'],
  );
  assert.ok(first.body.next_cursor);
  const second = await call(
    'GET',
    `/v1/actions?api_key_id=route-key&limit=1&cursor=${first.body.next_cursor}`,
    'analyst',
  );
  assert.deepEqual(
    second.body.actions.map((a: { alert_id: string }) => a.alert_id),
    ['route-1'],
  );
  assert.equal(second.body.next_cursor, null);
  const byActor = await call('GET', '/v1/actions?actor=system:policy&mode=enforce', 'analyst');
  assert.deepEqual(
    byActor.body.actions.map((a: { api_key_id: string }) => a.api_key_id),
    ['route-key'],
  );
  assert.equal((await call('GET', '/v1/actions?cursor=garbage', 'analyst')).status, 400);

  const lifted = await call('DELETE', '/v1/keys/route-key/actions?reason=done', 'analyst');
  assert.equal(lifted.body.lifted.length, 2);
  assert.deepEqual((await call('GET', '/v1/keys/route-key/decision', 'gateway')).body, {
    api_key_id: 'route-key',
    decision: 'allow',
  });
  const page = await call('GET', '/v1/keys/route-key/actions', 'analyst');
  assert.deepEqual(page.body.active, []);
  assert.deepEqual(
    page.body.actions.map((a: { action: string }) => a.action),
    ['lift', 'lift', 'suspend', 'rate_limit'],
  );
});
