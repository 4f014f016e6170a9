import { createClickHouse } from '../common/clickhouse/client.ts';
import { migrate } from '../common/clickhouse/migrate.ts';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import { withRetry } from '../common/retry.ts';
import { createKafka, ensureTopics } from '../stream/kafka-client.ts';
import type { EventSink } from '../stream/sink.ts';
import { StreamConsumer } from '../stream/stream-consumer.ts';
import { createClickHouseEventSink } from './clickhouse-event-sink.ts';

/** Boots the ingest stage: migrations, topics, then the consumer with the ClickHouse sink plus any extra sinks. */
export async function startIngest(
  config: Config,
  logger: Logger,
  extraSinks: EventSink[] = [],
): Promise<StreamConsumer> {
  const ch = createClickHouse(config.clickhouse);
  if (config.stream.migrateOnStart) await withRetry(() => migrate(ch, logger.child({ component: 'migrate' })));
  const kafka = createKafka(config.kafka, logger);
  const admin = kafka.admin();
  await withRetry(() => admin.connect(), { retriable: () => true });
  const { topics } = config.kafka;
  await ensureTopics(admin, [
    { topic: topics.events, partitions: config.stream.partitions },
    { topic: topics.dlq, partitions: 1 },
  ]);
  await admin.disconnect();
  const consumer = new StreamConsumer({
    kafka,
    groupId: config.kafka.groups.ingest,
    topic: topics.events,
    dlqTopic: topics.dlq,
    sinks: [createClickHouseEventSink(ch), ...extraSinks],
    maxRows: config.ingest.maxRows,
    maxMs: config.ingest.maxMs,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    fromBeginning: config.stream.fromBeginning,
    logger,
  });
  await consumer.start();
  return consumer;
}
