import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { silentLogger } from '../../../services/common/logger.ts';
import type { CommitPosition, EventSink, SourcedEvent } from '../../../services/consumer/sink.ts';
import { StreamConsumer } from '../../../services/consumer/stream-consumer.ts';

const TOPIC = 'events';
/** The old consumer awaited every full batch's flush inside the fetch loop: these tests would hang, not pass. */
const TIMEOUT = { timeout: 10_000 };

/** A Kafka whose consumer hands `eachBatch` to the test and records commits; the producer accepts everything. */
function fakeKafka(log: string[]) {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | null = null;
  const consumer = {
    events: { GROUP_JOIN: 'group_join' },
    on: () => {},
    connect: async () => {},
    subscribe: async () => {},
    run: async (o: { eachBatch: typeof eachBatch }) => {
      eachBatch = o.eachBatch;
    },
    pause: () => {},
    stop: async () => {},
    disconnect: async () => {},
    seek: () => {},
    commitOffsets: async (offsets: CommitPosition[]) => {
      log.push(`commit ${offsets.map((o) => `${o.partition}@${o.offset}`).join(',')}`);
    },
  };
  const producer = { connect: async () => {}, disconnect: async () => {}, send: async () => [] };
  const kafka = { consumer: () => consumer, producer: () => producer } as unknown as Kafka;
  /** Delivers records `from`..`to - 1` of partition 0 as one fetched batch; resolves when `eachBatch` returns. */
  const deliver = (from: number, to: number) => {
    const messages = Array.from({ length: to - from }, (_, i) => message(from + i));
    const batch = { topic: TOPIC, partition: 0, messages };
    const payload = {
      batch,
      resolveOffset: () => {},
      heartbeat: async () => {},
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload;
    return eachBatch!(payload);
  };
  return { kafka, deliver };
}

function message(i: number): KafkaMessage {
  const event = {
    event_id: `evt-${i}`,
    ts: 1_772_366_400_000 + i * 1000,
    api_key_id: 'key-1',
    org_id: 'org-1',
    model: 'model-x',
    input_tokens: 1,
    output_tokens: 1,
  };
  return { offset: String(i), key: null, value: Buffer.from(JSON.stringify(event)) } as KafkaMessage;
}

/** A sink whose writes wait until the test releases them, one gate per write, in order. */
function gatedSink(name: string, log: string[], stateful: boolean) {
  const gates: Array<() => void> = [];
  const sink: EventSink = {
    name,
    write: async (events: readonly SourcedEvent[]) => {
      const range = `${events[0]!.source.offset}-${events.at(-1)!.source.offset}`;
      log.push(`${name} start ${range}`);
      await new Promise<void>((resolve) => gates.push(resolve));
      log.push(`${name} done ${range}`);
      return { rejected: [] };
    },
    ...(stateful
      ? {
          checkpoint: async (positions: readonly CommitPosition[]) => {
            log.push(`${name} checkpoint ${positions.map((p) => `${p.partition}@${p.offset}`).join(',')}`);
          },
        }
      : {}),
    close: async () => {},
  };
  /** Releases the oldest waiting write once it has started. */
  const release = async () => {
    while (gates.length === 0) await tick();
    gates.shift()!();
    await tick();
  };
  return { sink, release, waiting: () => gates.length };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function consumerOf(kafka: Kafka, sinks: EventSink[], maxInFlightBatches: number) {
  return new StreamConsumer({
    kafka,
    groupId: 'group',
    topic: TOPIC,
    dlqTopic: 'dlq',
    sinks,
    maxRows: 2,
    maxMs: 60_000,
    commitIntervalMs: 0,
    sessionTimeoutMs: 10_000,
    fromBeginning: true,
    maxInFlightBatches,
    logger: silentLogger,
  });
}

test('the event store writes batch N+1 while stage 1 writes batch N; order and commits are kept', TIMEOUT, async () => {
  const log: string[] = [];
  const { kafka, deliver } = fakeKafka(log);
  const store = gatedSink('store', log, false);
  const detector = gatedSink('detector', log, true);
  const consumer = consumerOf(kafka, [store.sink, detector.sink], 2);
  await consumer.start();
  try {
    // Four records, batches of two: fetching returns with both batches in flight.
    await deliver(0, 4);
    await store.release(); // batch 0-1 stored; it moves on to the detector, batch 2-3 to the store
    while (store.waiting() === 0 || detector.waiting() === 0) await tick();
    assert.deepEqual(log.slice(-2).sort(), ['detector start 0-1', 'store start 2-3']);
    await store.release(); // batch 2-3 stored, but the detector is still on 0-1: it must wait
    assert.ok(!log.includes('detector start 2-3'));
    await detector.release();
    await detector.release();
    while (!log.includes('commit 0@4')) await tick();
  } finally {
    const stopping = consumer.stop();
    await stopping;
  }
  const order = log.filter((l) => !l.startsWith('store'));
  // Stage 1 sees batches in order; each batch's checkpoint precedes its commit, and stage 1 moves on only after it.
  assert.deepEqual(order, [
    'detector start 0-1',
    'detector done 0-1',
    'detector checkpoint 0@2',
    'commit 0@2',
    'detector start 2-3',
    'detector done 2-3',
    'detector checkpoint 0@4',
    'commit 0@4',
  ]);
  assert.ok(log.indexOf('store done 2-3') < log.indexOf('detector start 2-3'), 'a row is stored before stage 1');
});

test('fetching waits while the in-flight cap is reached, so memory stays bounded', TIMEOUT, async () => {
  const log: string[] = [];
  const { kafka, deliver } = fakeKafka(log);
  const store = gatedSink('store', log, false);
  const consumer = consumerOf(kafka, [store.sink], 1);
  await consumer.start();
  let returned = false;
  const fetching = deliver(0, 4).then(() => {
    returned = true;
  });
  try {
    while (store.waiting() === 0) await tick();
    await tick();
    // Batch 0-1 is in flight (the cap is 1) and 2-3 is full: the consumer loop must not return yet.
    assert.equal(returned, false);
    assert.equal(consumer.health().buffered, 4);
    await store.release();
    await fetching;
    assert.equal(returned, true);
    await store.release();
  } finally {
    await consumer.stop();
  }
  assert.deepEqual(
    log.filter((l) => l.startsWith('store')),
    ['store start 0-1', 'store done 0-1', 'store start 2-3', 'store done 2-3'],
  );
});
