import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert } from '../../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { DLQ_HEADERS } from '../../../services/consumer/dead-letter.ts';
import { createTestTopics, testConfig, testKafka } from '../../helpers/infra.ts';
import { memoryCheckpointStore } from '../../helpers/memory-checkpoint-store.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { detectorSinkFor, ingestConsumer, numberedEvent } from '../../helpers/stream-harness.ts';

const EVENTS = 40;
const POISON = 'evt-17';

const event = (i: number) => numberedEvent(i);

test('a poison event goes to the DLQ alone with its bytes and reason; the stream goes on and commits', async () => {
  const config = testConfig();
  const kafka = testKafka(config);
  const { events, dlq } = config.kafka.topics;
  await createTestTopics(kafka, [
    { topic: events, partitions: 2 },
    { topic: dlq, partitions: 1 },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  const sent = Array.from({ length: EVENTS }, (_, i) => ({ key: `key-${i % 5}`, value: JSON.stringify(event(i)) }));
  await producer.send({ topic: events, messages: sent });
  await producer.disconnect();

  const processed: string[] = [];
  const detector = detectorSinkFor(config, {
    createProcessor: () => ({
      process(e: UsageEvent) {
        if (e.event_id === POISON) throw new Error('feature extraction failed');
        processed.push(e.event_id);
        return { alerts: [] as Alert[], features: [] };
      },
      snapshot: () => [Buffer.from('')],
      load: () => true,
    }),
    store: memoryCheckpointStore(),
    fullEvery: 0,
  });
  const consumer = ingestConsumer(kafka, config, [detector], 10);
  await consumer.start();
  try {
    await pollUntil(
      'every other event processed',
      async () => processed.length,
      (n) => n >= EVENTS - 1,
      {
        timeoutMs: 60_000,
      },
    );
    await pollUntil(
      'the batch flushed',
      async () => consumer.health().deadLetters,
      (n) => n >= 1,
    );
  } finally {
    await consumer.stop();
  }
  assert.deepEqual(
    [...processed].sort(),
    sent
      .map((_, i) => `evt-${i}`)
      .filter((id) => id !== POISON)
      .sort(),
  );

  const letters: Array<{ value: string; headers: Record<string, string> }> = [];
  const reader = kafka.consumer({ groupId: `${config.kafka.groups.ingest}-dlq-reader` });
  await reader.connect();
  await reader.subscribe({ topic: dlq, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      letters.push({ value: message.value?.toString() ?? '', headers });
    },
  });
  await pollUntil(
    'the dead letter',
    async () => letters.length,
    (n) => n >= 1,
    { timeoutMs: 30_000 },
  );
  await reader.disconnect();
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.value, JSON.stringify(event(17)), 'original bytes');
  assert.equal(letters[0]!.headers[DLQ_HEADERS.reason], 'detector_error: feature extraction failed');

  const admin = kafka.admin();
  await admin.connect();
  const committed = await admin.fetchOffsets({ groupId: config.kafka.groups.ingest, topics: [events] });
  await admin.disconnect();
  const total = committed[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0);
  assert.equal(total, EVENTS, 'offsets committed past every event, the poison one included');
});
