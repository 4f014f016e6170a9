import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { createKafkaKeyActionsTopic } from '../../../services/actions/key-actions-topic.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { ensureTopics, topicDefinition } from '../../../services/consumer/kafka-client.ts';

/** An admin that knows `existing` topics and records what it was asked to create. */
function fakeAdmin(existing: string[] = []) {
  const created: ITopicConfig[] = [];
  const admin = {
    connect: async () => {},
    disconnect: async () => {},
    listTopics: async () => existing,
    createTopics: async ({ topics }: { topics: ITopicConfig[] }) => {
      created.push(...topics);
      return true;
    },
    fetchTopicOffsets: async () => [],
  };
  return { admin: admin as unknown as Admin, created };
}

test('DG_KAFKA_REPLICATION_FACTOR: 1 by default (single dev broker), any value up to 32 from the environment', () => {
  assert.equal(loadConfig({}).kafka.replicationFactor, 1);
  assert.equal(loadConfig({ DG_KAFKA_REPLICATION_FACTOR: '3' }).kafka.replicationFactor, 3);
  assert.throws(() => loadConfig({ DG_KAFKA_REPLICATION_FACTOR: '0' }));
});

test('topic definitions carry the replication factor; from 3 replicas acks=all needs 2 in sync', () => {
  assert.deepEqual(topicDefinition({ topic: 'usage-events', partitions: 4 }, 1), {
    topic: 'usage-events',
    numPartitions: 4,
    replicationFactor: 1,
    configEntries: [],
  });
  assert.deepEqual(topicDefinition({ topic: 'key-actions', partitions: 6, compacted: true }, 3), {
    topic: 'key-actions',
    numPartitions: 6,
    replicationFactor: 3,
    configEntries: [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'min.insync.replicas', value: '2' },
    ],
  });
});

test('ensureTopics creates only the missing topics, each with the replication factor', async () => {
  const { admin, created } = fakeAdmin(['usage-events']);
  const specs = [
    { topic: 'usage-events', partitions: 4 },
    { topic: 'usage-events-dlq', partitions: 1 },
    { topic: 'alerts', partitions: 4 },
  ];
  await ensureTopics(admin, specs, 3);
  assert.deepEqual(
    created.map((t) => [t.topic, t.replicationFactor]),
    [
      ['usage-events-dlq', 3],
      ['alerts', 3],
    ],
  );
});

test('the compacted key-actions topic is created with the configured replication factor', async () => {
  const { admin, created } = fakeAdmin();
  const idle = { connect: async () => {}, disconnect: async () => {} };
  const kafka = {
    admin: () => admin,
    producer: () => idle,
    consumer: () => ({ ...idle, subscribe: async () => {}, run: async () => {} }),
  } as unknown as Kafka;
  const config = loadConfig({ DG_KAFKA_REPLICATION_FACTOR: '3' });
  const topic = createKafkaKeyActionsTopic({
    kafka,
    topic: 'key-actions',
    partitions: 6,
    replicationFactor: config.kafka.replicationFactor,
    readerGroupPrefix: 'reader',
    rebuildTimeoutMs: 1_000,
    logger: silentLogger,
  });
  await topic.start(() => {});
  await topic.close();
  assert.deepEqual(created, [topicDefinition({ topic: 'key-actions', partitions: 6, compacted: true }, 3)]);
  assert.equal(created[0]!.replicationFactor, 3);
});
