import type { Kafka } from 'kafkajs';
import { DLQ_HEADERS } from '../../services/consumer/dead-letter.ts';
import { uniqueName } from '../helpers/infra.ts';
import { pollUntil } from '../helpers/poll.ts';

export interface DeadLetterSeen {
  reason: string;
  value: string;
}

/** Every record on the dead-letter topic (none when the topic does not exist), read to its high watermark. */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetterSeen[]> {
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    const offsets = await admin.fetchTopicOffsets(topic);
    total = offsets.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0);
  } finally {
    await admin.disconnect();
  }
  if (total === 0) return [];
  const seen: DeadLetterSeen[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('chaos-dlq-reader') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          reason: message.headers?.[DLQ_HEADERS.reason]?.toString() ?? '',
          value: message.value?.toString('utf8') ?? '',
        });
      },
    });
    await pollUntil(
      `${total} dead letters read`,
      async () => seen.length,
      (n) => n >= total,
      { timeoutMs: 60_000 },
    );
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
