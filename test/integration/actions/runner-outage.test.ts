import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { Admin } from 'kafkajs';
import { createActionsServiceFromConfig } from '../../../services/actions/actions-boot.ts';
import { startActionsRunner } from '../../../services/actions/actions-runner.ts';
import { type ClickHouse, createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { createLogger } from '../../../services/common/logger.ts';
import { testClickHouse, testConfig, testKafka, uniqueName } from '../../helpers/infra.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { alert } from '../../unit/actions/fixtures.ts';

const SESSION_TIMEOUT_MS = 6_000;
const config = testConfig({ DG_KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS) });
const kafka = testKafka(config);
let ch: Awaited<ReturnType<typeof testClickHouse>>;
let admin: Admin;

before(async () => {
  ch = await testClickHouse(config);
  admin = kafka.admin();
  await admin.connect();
});
after(async () => {
  await admin.disconnect();
  await ch.drop();
});

/** ClickHouse that answers from `current`: first an unreachable server, then the real one. */
function switchable(initial: ClickHouse) {
  let current = initial;
  const client = new Proxy({} as ClickHouse, { get: (_, prop) => current[prop as keyof ClickHouse] });
  return { client, use: (next: ClickHouse) => (current = next) };
}

function retryCounter() {
  let retries = 0;
  const destination = new Writable({
    write(chunk, _enc, done) {
      if (String(chunk).includes('handling alert failed; retrying')) retries++;
      done();
    },
  });
  return { logger: createLogger({ level: 'warn', destination }), retries: () => retries };
}

async function members(group: string) {
  const [described] = (await admin.describeGroups([group])).groups;
  return { state: described?.state, ids: (described?.members ?? []).map((m) => m.memberId) };
}

test('the actions runner stays in its group while ClickHouse is down for several session timeouts', async () => {
  const group = uniqueName('actions-outage');
  const cfg = testConfig({
    DG_CLICKHOUSE_DATABASE: ch.database,
    DG_TOPIC_ALERTS: config.kafka.topics.alerts,
    DG_TOPIC_KEY_ACTIONS: config.kafka.topics.keyActions,
    DG_KAFKA_GROUP_ACTIONS: group,
    DG_KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
  });
  const unreachable = createClickHouse({ ...cfg.clickhouse, url: 'http://127.0.0.1:1', timeoutMs: 1_000 });
  const clickhouse = switchable(unreachable);
  const { logger, retries } = retryCounter();
  const actions = createActionsServiceFromConfig(cfg, logger, { clickhouse: clickhouse.client });
  await actions.start();
  const runner = await startActionsRunner(cfg, logger, { actions });
  try {
    const joined = await pollUntil(
      'runner joined',
      () => members(group),
      (m) => m.state === 'Stable',
    );
    const producer = kafka.producer();
    await producer.connect();
    const outage = alert({ alert_id: 'outage-1', api_key_ids: ['outage-key'], raised_at: new Date().toISOString() });
    await producer.send({ topic: cfg.kafka.topics.alerts, messages: [{ value: JSON.stringify(outage) }] });
    await producer.disconnect();
    await pollUntil(
      'first failed attempt',
      async () => retries(),
      (n) => n > 0,
    );
    const failingSince = Date.now();
    // Watch the group through 2.5 session timeouts of failures: one member, the same one, never rebalancing.
    const seen = await pollUntil(
      'outage outlasting the session timeout',
      async () => ({ at: Date.now(), group: await members(group) }),
      (s) => s.group.state !== 'Stable' || s.at - failingSince > 2.5 * SESSION_TIMEOUT_MS,
      { intervalMs: 250, timeoutMs: 60_000 },
    );
    assert.deepEqual(seen.group, joined, 'the runner was thrown out of its group during the outage');
    assert.equal(runner.handled(), 0);
    clickhouse.use(ch);
    await pollUntil(
      'alert handled after recovery',
      async () => runner.handled(),
      (n) => n === 1,
      {
        timeoutMs: 60_000,
      },
    );
    assert.equal(actions.decision('outage-key', Date.now()).decision, 'limit');
    assert.deepEqual(await members(group), joined);
  } finally {
    await runner.stop();
    await actions.close();
    await unreachable.close();
  }
});
