// The real API (`buildApp`) with the real actions service, whose decision table is rebuilt from a private
// key-actions topic pre-filled with `--keys` keys under action; listens on loopback until SIGTERM.
import { parseArgs } from 'node:util';
import { type KeyActionState, keyActionStateSchema } from '../../services/actions/action-schema.ts';
import { createActionsServiceFromConfig } from '../../services/actions/actions-boot.ts';
import { buildApp } from '../../services/api/app.ts';
import { createTokenStore } from '../../services/auth/token-store.ts';
import { createClickHouse } from '../../services/common/clickhouse/client.ts';
import { migrate } from '../../services/common/clickhouse/migrations.ts';
import { loadConfig } from '../../services/common/config/index.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { MetricsRegistry } from '../../services/common/metrics-registry.ts';
import { ensureTopics } from '../../services/consumer/kafka-client.ts';
import { emitResult } from '../lib/child.ts';
import { benchKafka } from '../lib/kafka.ts';

const { values } = parseArgs({ options: { keys: { type: 'string' } } });
const keys = Number(values.keys);
const config = loadConfig();
const now = Date.now();

/** Key `act-i` under a rate limit, every fifth one suspended; valid for a day. */
function stateOf(i: number): KeyActionState {
  const suspend = i % 5 === 0;
  return {
    api_key_id: `act-${i}`,
    updated_at_ms: now,
    actions: [
      {
        action_id: `bench-${i}`,
        api_key_id: `act-${i}`,
        org_id: `org-${i % 997}`,
        action: suspend ? 'suspend' : 'rate_limit',
        mode: 'enforce',
        rpm: suspend ? null : 60,
        tpm: suspend ? null : 100_000,
        reason: 'benchmark fixture',
        actor: 'system:policy',
        alert_id: `alert-${i}`,
        rule: 'bench',
        target_action_id: '',
        created_at_ms: now,
        expires_at_ms: now + 86_400_000,
      },
    ],
  };
}

async function fillKeyActions(): Promise<void> {
  const kafka = benchKafka(config);
  const admin = kafka.admin();
  await admin.connect();
  const topic = config.kafka.topics.keyActions;
  const spec = { topic, partitions: config.actions.topicPartitions, compacted: true };
  await ensureTopics(admin, [spec], config.kafka.replicationFactor);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let from = 0; from < keys; from += 5_000) {
    const messages = [];
    for (let i = from; i < Math.min(keys, from + 5_000); i++)
      messages.push({ key: `act-${i}`, value: JSON.stringify(keyActionStateSchema.parse(stateOf(i))) });
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

const ch = createClickHouse(config.clickhouse);
await migrate(ch, silentLogger);
const tokens = createTokenStore(ch, { cacheMs: config.api.tokenCacheMs, now: Date.now });
const { token } = await tokens.create({ name: 'bench-gateway', role: 'gateway' });
await fillKeyActions();
const actions = createActionsServiceFromConfig(config, silentLogger, { clickhouse: ch });
const rebuildStarted = performance.now();
await actions.start();
const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
if (actions.decision('act-0', Date.now()).decision !== 'deny') throw new Error('decision table was not rebuilt');
const app = await buildApp({
  config,
  logger: silentLogger,
  clickhouse: ch,
  tokens,
  now: Date.now,
  metrics: new MetricsRegistry(),
  actions,
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.once('SIGTERM', async () => {
  await app.close();
  await actions.close();
  await ch.close();
  process.exit(0);
});
emitResult({ port, token, keys, rebuildSeconds });
