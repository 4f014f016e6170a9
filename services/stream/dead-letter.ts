import type { IHeaders, Message, Producer } from 'kafkajs';
import type { DeadLetter } from './sink.ts';

/** Header names on dead-letter records; the value is the original message bytes, untouched. */
export const DLQ_HEADERS = {
  reason: 'dg-reason',
  sourceTopic: 'dg-source-topic',
  sourcePartition: 'dg-source-partition',
  sourceOffset: 'dg-source-offset',
} as const;

export function toDeadLetterMessage(letter: DeadLetter): Message {
  const headers: IHeaders = {
    [DLQ_HEADERS.reason]: letter.reason.slice(0, 2_000),
    [DLQ_HEADERS.sourceTopic]: letter.source.topic,
    [DLQ_HEADERS.sourcePartition]: String(letter.source.partition),
    [DLQ_HEADERS.sourceOffset]: letter.source.offset,
  };
  return { key: letter.key, value: letter.value, headers };
}

/** Produces dead letters with acks from all in-sync replicas; throws so the batch is retried, never dropped. */
export async function publishDeadLetters(producer: Producer, topic: string, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({ topic, acks: -1, messages: letters.map(toDeadLetterMessage) });
}
