import { randomBytes } from 'node:crypto';
import { type Kafka, logLevel } from 'kafkajs';
import { type ClickHouse, createClickHouse } from '../../services/common/clickhouse/client.ts';
import { migrate } from '../../services/common/clickhouse/migrations.ts';
import { ident, sql } from '../../services/common/clickhouse/sql.ts';
import { type Config, loadConfig } from '../../services/common/config/index.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { createKafka, ensureTopics, type TopicSpec } from '../../services/consumer/kafka-client.ts';

/** A short random suffix so every test gets its own topics, groups and database. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Configuration for a test: the real local services with a private database and topic names. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const id = uniqueName('t');
  return loadConfig({
    ...process.env,
    DG_CLICKHOUSE_DATABASE: `dg_test_${id.slice(2)}`,
    DG_TOPIC_EVENTS: `events-${id}`,
    DG_TOPIC_DLQ: `dlq-${id}`,
    DG_TOPIC_ALERTS: `alerts-${id}`,
    DG_TOPIC_KEY_ACTIONS: `key-actions-${id}`,
    DG_KAFKA_GROUP_INGEST: `ingest-${id}`,
    DG_LOG_LEVEL: 'silent',
    DG_API_VALIDATE_RESPONSES: '1',
    ...overrides,
  });
}

export function testKafka(config: Config): Kafka {
  return createKafka(config.kafka, silentLogger, { logLevel: logLevel.NOTHING });
}

export async function createTestTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, specs, 1);
  } finally {
    await admin.disconnect();
  }
}

/** A migrated private database; `drop()` removes it. */
export async function testClickHouse(config: Config): Promise<ClickHouse & { drop(): Promise<void> }> {
  const ch = createClickHouse(config.clickhouse);
  await migrate(ch, silentLogger);
  return Object.assign(ch, {
    async drop() {
      // On a loaded machine a DROP can outlast the client's timeout while the server still completes it (seen in a
      // browser test's teardown at load 30); IF EXISTS makes another attempt safe.
      for (let attempt = 1; ; attempt++) {
        try {
          await ch.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`);
          break;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
      await ch.close();
    },
  });
}
