import { randomBytes } from 'node:crypto';
import { type Admin, type Kafka, logLevel } from 'kafkajs';
import type { Config } from '../../services/common/config/index.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { createKafka, ensureTopics } from '../../services/consumer/kafka-client.ts';

/** A private name per scenario run: topics, groups and databases never collide with real ones or each other. */
export function benchName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export function benchKafka(config: Config): Kafka {
  return createKafka(config.kafka, silentLogger, { logLevel: logLevel.NOTHING, clientId: 'distillguard-bench' });
}

async function withAdmin<T>(config: Config, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = benchKafka(config).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export function createTopic(config: Config, topic: string, partitions: number): Promise<void> {
  return withAdmin(config, (admin) => ensureTopics(admin, [{ topic, partitions }], config.kafka.replicationFactor));
}

export async function deleteTopics(config: Config, topics: string[]): Promise<void> {
  await withAdmin(config, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
  });
}

/** Messages behind the group's committed offsets, summed over partitions (uncommitted partitions count from 0). */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]) ?? []);
  return ends.reduce((sum, p) => sum + Number(p.high) - (done.get(p.partition) ?? 0), 0);
}

/** Messages a topic holds (high watermarks summed over partitions); 0 when it does not exist. */
export async function topicMessages(config: Config, topic: string): Promise<number> {
  return withAdmin(config, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  });
}
