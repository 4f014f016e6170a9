import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countingProcessor } from '../../helpers/counting-processor.ts';
import { createTestTopics, testConfig, testKafka } from '../../helpers/infra.ts';
import { memoryCheckpointStore } from '../../helpers/memory-checkpoint-store.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { detectorSinkFor, ingestConsumer, numberedEvent } from '../../helpers/stream-harness.ts';

const EVENTS = 20;

test('a restore that falls back behind the committed offsets reads the partition again from there', async () => {
  const config = testConfig();
  const kafka = testKafka(config);
  const { events, dlq } = config.kafka.topics;
  await createTestTopics(kafka, [
    { topic: events, partitions: 1 },
    { topic: dlq, partitions: 1 },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: events,
    messages: Array.from({ length: EVENTS }, (_, i) => ({ value: JSON.stringify(numberedEvent(i, 1)) })),
  });
  await producer.disconnect();

  const store = memoryCheckpointStore();
  const run = async (until: (p: ReturnType<typeof countingProcessor>) => boolean) => {
    const processors: Array<ReturnType<typeof countingProcessor>> = [];
    const sink = detectorSinkFor(config, {
      createProcessor: () => {
        const p = countingProcessor();
        processors.push(p);
        return p;
      },
      store,
      fullEvery: 10,
    });
    const consumer = ingestConsumer(kafka, config, [sink], 5);
    await consumer.start();
    try {
      await pollUntil(
        'the processor caught up',
        async () => processors.at(-1),
        (p) => p !== undefined && until(p),
        {
          timeoutMs: 60_000,
        },
      );
    } finally {
      await consumer.stop();
    }
    return processors.at(-1)!;
  };

  const first = await run((p) => p.count === EVENTS);
  assert.equal(first.count, EVENTS);
  const rows = store.rows.get(`${config.kafka.groups.ingest}/${events}/0`)!;
  assert.deepEqual(rows[0]!.kind, 'full');
  assert.ok(rows.length >= 2 && rows.at(-1)!.kind === 'delta', `a chain of deltas: ${rows.map((r) => r.kind)}`);
  // The newest delta is lost after its offsets were committed: the restored state ends before them.
  rows.pop();
  const restored = rows.at(-1)!;
  const covered = Number(restored.positions[`${events}:0`]);
  assert.ok(covered < EVENTS);

  const second = await run((p) => p.count === EVENTS);
  assert.equal(second.count, EVENTS, `state rebuilt to ${covered}, then events ${covered}-${EVENTS - 1} read again`);
  assert.deepEqual(
    second.seen,
    Array.from({ length: EVENTS - covered }, (_, i) => `evt-${covered + i}`),
    'each event past the restored state folded once',
  );
  const next = store.newest(config.kafka.groups.ingest, events, 0)!;
  assert.deepEqual(
    [next.kind, next.parent, next.positions],
    ['delta', restored.version, { [`${events}:0`]: String(EVENTS) }],
    'the next checkpoint goes over the link restored',
  );
});
