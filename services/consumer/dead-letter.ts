import type { IHeaders, Message, Producer } from 'kafkajs';
import type { DeadLetter, SourcedEvent } from './sink.ts';

/** Header names on dead-letter records; the value is the original message bytes, untouched. */
export const DLQ_HEADERS = {
  reason: 'dg-reason',
  sourceTopic: 'dg-source-topic',
  sourcePartition: 'dg-source-partition',
  sourceOffset: 'dg-source-offset',
} as const;

function toDeadLetterMessage(letter: DeadLetter): Message {
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

/** A valid event a sink rejected, with its original record bytes (re-encoded only when they were not kept). */
export function rejectedEvent({ event, source, raw }: SourcedEvent, reason: string): DeadLetter {
  if (raw) return { key: raw.key, value: raw.value, reason, source };
  return { key: Buffer.from(event.api_key_id), value: Buffer.from(JSON.stringify(event)), reason, source };
}
