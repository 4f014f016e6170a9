import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import { parseEventValue } from '../../../schemas/parse-event.ts';
import { createActionsServiceFromConfig } from '../../../services/actions/actions-boot.ts';
import { startActionsRunner } from '../../../services/actions/actions-runner.ts';
import type { ActionsService } from '../../../services/actions/actions-service.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import type { Config } from '../../../services/common/config/index.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { toUsageEventRow } from '../../../services/event-store/usage-event-row.ts';
import { testClickHouse, testConfig, testKafka, uniqueName } from '../../helpers/infra.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { alert as fixtureAlert } from '../../unit/actions/fixtures.ts';
import { readTopic, topicSize } from './topic-reader.ts';

/** Raised now: alerts far behind the wall clock are backfill and only queued for review. */
const alert = (o: Parameters<typeof fixtureAlert>[0] = {}) =>
  fixtureAlert({ raised_at: new Date().toISOString(), ...o });

const HOUR = 3_600_000;
let config: Config;
let kafka: Kafka;
let ch: Awaited<ReturnType<typeof testClickHouse>>;
const services: ActionsService[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { DG_ACTIONS_SWEEP_INTERVAL_MS: '100', DG_ACTIONS_RECOMMEND_MIN_MINUTES: '5', ...extra };
}

async function service(cfg: Config, clock?: () => number): Promise<ActionsService> {
  const s = createActionsServiceFromConfig(cfg, silentLogger, { clickhouse: ch, ...(clock && { clock }) });
  services.push(s);
  await s.start();
  return s;
}

const auditRow = z.object({ action_id: z.string(), action: z.string(), mode: z.string(), actor: z.string() });
async function audited(apiKeyId: string) {
  return ch.query(
    sql`SELECT action_id, action, mode, actor FROM ${ident(ch.database)}.key_actions FINAL
        WHERE api_key_id = ${apiKeyId} ORDER BY created_at_ms, action_id`,
    auditRow,
  );
}

before(async () => {
  config = testConfig(env());
  kafka = testKafka(config);
  ch = await testClickHouse(config);
});

after(async () => {
  for (const s of services) await s.close();
  await ch?.drop();
});

test('an alert becomes an audited action and a state on the compacted key-actions topic; a lift tombstones it', async () => {
  const s = await service(config);
  const reader = await readTopic(kafka, config.kafka.topics.keyActions);
  try {
    const [action] = await s.handleAlert(alert({ alert_id: 'int-1', api_key_ids: ['int-key-1'] }));
    assert.equal(action?.mode, 'enforce');
    assert.deepEqual(await audited('int-key-1'), [
      { action_id: action?.action_id, action: 'rate_limit', mode: 'enforce', actor: 'system:policy' },
    ]);
    const published = await pollUntil(
      'state record',
      async () => reader.records.filter((r) => r.key === 'int-key-1'),
      (r) => r.length === 1,
    );
    const state = published[0]?.value as { actions: Array<{ action_id: string; rpm: number }> };
    assert.deepEqual(
      state.actions.map((a) => [a.action_id, a.rpm]),
      [[action?.action_id, 30]],
    );
    await s.liftManual({ api_key_id: 'int-key-1', reason: 'checked', actor: 'ana' });
    const after = await pollUntil(
      'tombstone',
      async () => reader.records.filter((r) => r.key === 'int-key-1'),
      (r) => r.length === 2,
    );
    assert.equal(after[1]?.value, null);
    assert.deepEqual(
      (await audited('int-key-1')).map((r) => [r.action, r.actor]),
      [
        ['rate_limit', 'system:policy'],
        ['lift', 'ana'],
      ],
    );
    assert.deepEqual(s.decision('int-key-1', Date.now()), { decision: 'allow' });
  } finally {
    await reader.stop();
  }
});

test('a fresh instance rebuilds the decision table from the compacted topic', async () => {
  const s = await service(config);
  await s.handleAlert(alert({ alert_id: 'int-2', api_key_ids: ['int-key-2'], severity: 'critical', score: 0.99 }));
  await s.applyManual({
    api_key_id: 'int-key-3',
    action: 'rate_limit',
    rpm: 7,
    durationMs: HOUR,
    reason: 'x',
    actor: 'ana',
  });
  const fresh = await service(config);
  const now = Date.now();
  assert.equal(fresh.decision('int-key-2', now).decision, 'deny');
  assert.deepEqual(fresh.decision('int-key-3', now).limits, { rpm: 7 });
  assert.deepEqual(fresh.decision('int-key-3', now), s.decision('int-key-3', now));
  assert.deepEqual(fresh.decision('int-key-1', now), { decision: 'allow' });
});

test('dry_run audits with mode dry_run and produces nothing to the key-actions topic', async () => {
  const dry = testConfig(env({ DG_ACTIONS_MODE: 'dry_run', DG_CLICKHOUSE_DATABASE: ch.database }));
  const s = await service(dry);
  const actions = await s.handleAlert(
    alert({ alert_id: 'dry-1', api_key_ids: ['dry-key'], severity: 'critical', score: 0.99 }),
  );
  assert.deepEqual(
    actions.map((a) => [a.action, a.mode]),
    [['suspend', 'dry_run']],
  );
  assert.deepEqual(
    (await audited('dry-key')).map((r) => r.mode),
    ['dry_run'],
  );
  assert.equal(await topicSize(kafka, dry.kafka.topics.keyActions), 0);
  assert.deepEqual(s.decision('dry-key', Date.now()), { decision: 'allow' });
});

test('the sweep tombstones an expired action and audits the expiry', async () => {
  const clock = { now: Date.now() };
  const s = await service(config, () => clock.now);
  const reader = await readTopic(kafka, config.kafka.topics.keyActions);
  try {
    const manual = await s.applyManual({
      api_key_id: 'exp-key',
      action: 'suspend',
      durationMs: 60_000,
      reason: 'x',
      actor: 'ana',
    });
    clock.now += 60_000;
    await pollUntil(
      'expiry tombstone',
      async () => reader.records.filter((r) => r.key === 'exp-key').at(-1),
      (r) => r?.value === null,
    );
    const rows = await pollUntil(
      'expire row',
      () => audited('exp-key'),
      (r) => r.length === 2,
    );
    assert.deepEqual(
      rows.map((r) => [r.action, r.actor]),
      [
        ['suspend', 'ana'],
        ['expire', 'system:expiry'],
      ],
    );
    assert.equal(manual.expires_at_ms, clock.now);
  } finally {
    await reader.stop();
  }
});

test('the runner consumes the alerts topic and acts on each alert once', async () => {
  const cfg = testConfig(env({ DG_CLICKHOUSE_DATABASE: ch.database, DG_KAFKA_GROUP_ACTIONS: uniqueName('actions') }));
  const s = await service(cfg);
  const runner = await startActionsRunner(cfg, silentLogger, {
    actions: s,
    isSuppressed: (a) => a.alert_id === 'run-2',
  });
  try {
    const producer = kafka.producer();
    await producer.connect();
    const alerts = [
      alert({ alert_id: 'run-1', api_key_ids: ['run-key-1'] }),
      alert({ alert_id: 'run-2', api_key_ids: ['run-key-2'] }),
      alert({ alert_id: 'run-1', api_key_ids: ['run-key-1'] }),
    ];
    await producer.send({
      topic: cfg.kafka.topics.alerts,
      messages: [
        { key: 'x', value: '{"not": "an alert"}' },
        ...alerts.map((a) => ({ key: a.alert_id, value: JSON.stringify(a) })),
      ],
    });
    await producer.disconnect();
    await pollUntil(
      'alerts handled',
      async () => runner.handled(),
      (n) => n === 3,
    );
    assert.deepEqual(
      (await audited('run-key-1')).map((r) => r.mode),
      ['enforce'],
    );
    assert.deepEqual(
      (await audited('run-key-2')).map((r) => r.mode),
      ['recommendation'],
    );
    assert.equal(s.decision('run-key-1', Date.now()).decision, 'limit');
  } finally {
    await runner.stop();
    await runner.stop();
  }
});

test('recommended limits are percentiles of per-minute usage from deduplicated usage_events', async () => {
  const s = await service(config);
  const base = Date.parse('2026-02-01T10:00:00Z');
  const rows = [];
  let n = 0;
  const event = (key: string, ts: number) => {
    const parsed = parseEventValue({
      event_id: `rec-${n++}`,
      ts,
      api_key_id: key,
      org_id: 'o',
      model: 'm',
      input_tokens: 100,
      output_tokens: 50,
    });
    assert.ok(parsed.ok);
    return toUsageEventRow({ event: parsed.event, source: { topic: 't', partition: 0, offset: String(n) } }, base);
  };
  for (let minute = 1; minute <= 10; minute++)
    for (let i = 0; i < minute; i++) rows.push(event('rec-key', base + minute * 60_000 + i * 1000));
  rows.push(event('other-key', base + 60_000));
  rows.push(event('rec-key', base + 20 * 60_000));
  await ch.insert('usage_events', rows);
  await ch.insert('usage_events', [rows[rows.length - 3]!]);
  const r = await s.recommendLimits('rec-key', { fromMs: base, toMs: base + 11 * 60_000 });
  assert.equal(r.active_minutes, 10);
  assert.deepEqual(r.requests_per_minute, { p50: 6, p90: 10, p99: 10, max: 10 });
  assert.deepEqual(r.tokens_per_minute, { p50: 900, p90: 1500, p99: 1500, max: 1500 });
  assert.deepEqual(r.suggested, { rpm: 15, tpm: 2250 });
  assert.deepEqual(r.throttle, { rpm: 1, tpm: 1000 });
  const few = await s.recommendLimits('rec-key', { fromMs: base, toMs: base + 4 * 60_000 });
  assert.equal(few.active_minutes, 3);
  assert.equal(few.suggested, null);
  const none = await s.recommendLimits('nobody', { fromMs: base, toMs: base + HOUR });
  assert.deepEqual([none.active_minutes, none.requests_per_minute, none.suggested], [0, null, null]);
});

test("manual actions store the key's org from usage_events; a throttle derives from the key's last day of usage", async () => {
  const s = await service(config);
  const base = Date.now() - 2 * HOUR;
  const rows = [];
  for (let minute = 0; minute < 30; minute++)
    for (let i = 0; i < 40; i++) {
      const parsed = parseEventValue({
        event_id: `org-${minute}-${i}`,
        ts: base + minute * 60_000 + i * 1000,
        api_key_id: 'org-key',
        org_id: minute < 29 ? 'org-old' : 'org-now',
        model: 'm',
        input_tokens: 1000,
        output_tokens: 1000,
      });
      assert.ok(parsed.ok);
      rows.push(toUsageEventRow({ event: parsed.event, source: { topic: 't', partition: 0, offset: '0' } }, base));
    }
  await ch.insert('usage_events', rows);
  const manual = await s.applyManual({
    api_key_id: 'org-key',
    action: 'require_review',
    durationMs: HOUR,
    reason: 'look',
    actor: 'ann',
    idempotency_key: 'once',
  });
  assert.equal(manual.org_id, 'org-now');
  const retried = await s.applyManual({
    api_key_id: 'org-key',
    action: 'require_review',
    durationMs: HOUR,
    reason: 'look',
    actor: 'ann',
    idempotency_key: 'once',
  });
  assert.equal(retried.action_id, manual.action_id);
  assert.equal((await audited('org-key')).length, 1);
  const { actions, skipped } = await s.throttleKeys({
    api_key_ids: ['org-key', 'no-such-key'],
    durationMs: HOUR,
    reason: 'members',
    actor: 'ann',
  });
  assert.deepEqual(
    actions.map((a) => [a.org_id, a.rpm, a.tpm, a.mode]),
    [['org-now', 10, 20_000, 'enforce']],
  );
  assert.deepEqual(
    skipped.map((k) => k.api_key_id),
    ['no-such-key'],
  );
  assert.deepEqual(s.decision('org-key', Date.now()).limits, { rpm: 10, tpm: 20_000 });
});
