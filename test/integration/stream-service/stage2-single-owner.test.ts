import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kafka } from 'kafkajs';
import { silentLogger } from '../../../services/common/logger.ts';
import type { EventSink } from '../../../services/consumer/sink.ts';
import { StreamConsumer } from '../../../services/consumer/stream-consumer.ts';
import { createTestTopics, testConfig, testKafka, uniqueName } from '../../helpers/infra.ts';
import { pollUntil } from '../../helpers/poll.ts';

const PARTITIONS = 3;

/** A sink that records the event ids it was given. */
function recordingSink(seen: string[]): EventSink {
  return {
    name: 'stage2-stub',
    write: async (events) => {
      for (const { event } of events) seen.push(event.event_id);
      return { rejected: [] };
    },
    close: async () => {},
  };
}

async function produce(kafka: Kafka, topic: string, from: number, count: number): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  const ids = Array.from({ length: count }, (_, i) => `evt-${from + i}`);
  await producer.send({
    topic,
    messages: ids.map((event_id, i) => ({
      key: `key-${i % 7}`,
      value: JSON.stringify({
        event_id,
        ts: 1_772_366_400_000 + i,
        api_key_id: `key-${i % 7}`,
        org_id: 'o',
        model: 'm',
        input_tokens: 1,
        output_tokens: 1,
      }),
    })),
  });
  await producer.disconnect();
  return ids;
}

const partitionsOf = (c: StreamConsumer) => Object.values(c.assignment() ?? {}).flat().length;

test('stage 2 group: one member gets every partition, the other stands by and takes over when the owner stops', async () => {
  const config = testConfig();
  const kafka = testKafka(config);
  const topic = config.kafka.topics.events;
  const groupId = uniqueName('stage2');
  await createTestTopics(kafka, [
    { topic, partitions: PARTITIONS },
    { topic: config.kafka.topics.dlq, partitions: 1 },
  ]);
  const seen = [[] as string[], [] as string[]];
  const members = seen.map(
    (s) =>
      new StreamConsumer({
        kafka,
        groupId,
        topic,
        dlqTopic: config.kafka.topics.dlq,
        sinks: [recordingSink(s)],
        maxRows: 50,
        maxMs: 100,
        sessionTimeoutMs: 10_000,
        fromBeginning: true,
        singleOwner: true,
        logger: silentLogger,
      }),
  );
  const admin = kafka.admin();
  await admin.connect();
  const stableMembers = async () => {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]!.state === 'Stable' ? groups[0]!.members.length : 0;
  };
  try {
    await members[0]!.start();
    await pollUntil(
      'the first member owns every partition',
      async () => partitionsOf(members[0]!),
      (n) => n === PARTITIONS,
      { timeoutMs: 60_000 },
    );
    await members[1]!.start();
    await pollUntil('both members in a stable group', stableMembers, (n) => n === 2, { timeoutMs: 60_000 });
    await pollUntil(
      'the second member was assigned',
      async () => members[1]!.assignment(),
      (a) => a !== null,
      {
        timeoutMs: 60_000,
      },
    );
    assert.equal(partitionsOf(members[0]!), PARTITIONS, 'the owner keeps the work when a member joins');
    assert.equal(partitionsOf(members[1]!), 0, 'the second member stands by');

    const first = await produce(kafka, topic, 0, 60);
    await pollUntil(
      'the owner consumed the first events',
      async () => seen[0]!.length,
      (n) => n >= first.length,
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(seen[1], [], 'the standby member consumed nothing');

    await members[0]!.stop();
    await pollUntil(
      'the standby member took over every partition',
      async () => partitionsOf(members[1]!),
      (n) => n === PARTITIONS,
      { timeoutMs: 60_000 },
    );
    const second = await produce(kafka, topic, 60, 60);
    await pollUntil(
      'the new owner consumed the later events',
      async () => new Set(seen[1]).size,
      (n) => n >= second.length,
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(new Set(seen[1]), new Set(second), 'the new owner resumes at the committed offsets');
  } finally {
    for (const m of members) await m.stop();
    await admin.disconnect();
  }
});
