import type { Consumer, Kafka } from 'kafkajs';
import { uniqueName } from '../../helpers/infra.ts';

export interface TopicRecord {
  key: string;
  value: unknown;
}

/** Follows a topic from the beginning in a private group and collects every record (null value = tombstone). */
export async function readTopic(
  kafka: Kafka,
  topic: string,
): Promise<{ records: TopicRecord[]; stop(): Promise<void> }> {
  const records: TopicRecord[] = [];
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      records.push({
        key: message.key?.toString('utf8') ?? '',
        value: message.value === null ? null : JSON.parse(message.value.toString('utf8')),
      });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/** Messages ever written to the topic (sum of high watermarks). */
export async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
