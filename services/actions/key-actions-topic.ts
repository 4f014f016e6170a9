import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { errors } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { withRetry } from '../common/retry.ts';
import { ensureTopics, isTransientKafkaError } from '../consumer/kafka-client.ts';
import { type KeyActionState, keyActionStateSchema } from './action-schema.ts';

export type KeyStateListener = (apiKeyId: string, state: KeyActionState | null) => void;

/** The compacted key-actions topic behind a port: read it all, follow it, publish states and tombstones. */
export interface KeyActionsTopic {
  /** Reads from the beginning and follows; resolves once every record present at the call has been delivered. */
  start(onRecord: KeyStateListener): Promise<void>;
  /** Publishes the key's state, or a tombstone (null) when nothing is active. */
  publish(apiKeyId: string, state: KeyActionState | null): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaKeyActionsTopicOptions {
  kafka: Kafka;
  topic: string;
  partitions: number;
  /** Replication factor when the topic has to be created (DG_KAFKA_REPLICATION_FACTOR). */
  replicationFactor: number;
  /** Each reader uses its own group (prefix + random), never commits, and so always reads from the beginning. */
  readerGroupPrefix: string;
  rebuildTimeoutMs: number;
  logger: Logger;
}

function decode(message: KafkaMessage, log: Logger): { key: string; state: KeyActionState | null } | null {
  const key = message.key?.toString('utf8');
  if (!key) return null;
  if (message.value === null || message.value.length === 0) return { key, state: null };
  try {
    const parsed = keyActionStateSchema.safeParse(JSON.parse(message.value.toString('utf8')));
    if (parsed.success && parsed.data.api_key_id === key) return { key, state: parsed.data };
    log.warn({ api_key_id: key, offset: message.offset }, 'key-actions record does not match the schema; skipped');
  } catch {
    log.warn({ api_key_id: key, offset: message.offset }, 'key-actions record is not JSON; skipped');
  }
  return null;
}

/** Partition → the offset that must be seen before the table is complete (partitions already empty are left out). */
async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await withRetry(() => admin.fetchTopicOffsets(topic), {
      retriable: isTransientKafkaError,
      retries: 6,
    });
    return new Map(
      offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high) - 1n]),
    );
  } finally {
    await admin.disconnect();
  }
}

export function createKafkaKeyActionsTopic(o: KafkaKeyActionsTopicOptions): KeyActionsTopic {
  const log = o.logger.child({ component: 'key-actions-topic', topic: o.topic });
  const producer: Producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let consumer: Consumer | null = null;
  let closing: Promise<void> | null = null;

  async function prepare(): Promise<void> {
    const admin = o.kafka.admin();
    await withRetry(() => admin.connect(), { retriable: () => true, retries: 5 });
    try {
      const spec = { topic: o.topic, partitions: o.partitions, compacted: true };
      await withRetry(() => ensureTopics(admin, [spec], o.replicationFactor), {
        retriable: isTransientKafkaError,
        retries: 6,
      });
    } finally {
      await admin.disconnect();
    }
    await withRetry(() => producer.connect(), { retriable: isTransientKafkaError, retries: 6 });
  }

  async function follow(onRecord: KeyStateListener): Promise<void> {
    const pending = await endOffsets(o.kafka, o.topic);
    let caughtUp: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      caughtUp = resolve;
    });
    if (pending.size === 0) caughtUp();
    consumer = o.kafka.consumer({ groupId: `${o.readerGroupPrefix}-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const record = decode(message, log);
        if (record) onRecord(record.key, record.state);
        const end = pending.get(partition);
        if (end !== undefined && BigInt(message.offset) >= end) pending.delete(partition);
        if (pending.size === 0) caughtUp();
      },
    });
    await withTimeout(done, o.rebuildTimeoutMs, `reading ${o.topic} to its end`);
  }

  return {
    async start(onRecord) {
      await prepare();
      await follow(onRecord);
      log.info('decision table rebuilt from the key-actions topic');
    },
    async publish(apiKeyId, state) {
      const value = state === null ? null : JSON.stringify(state);
      try {
        await producer.send({ topic: o.topic, messages: [{ key: apiKeyId, value }] });
      } catch (error) {
        throw errors.kafka(`publishing to ${o.topic}: ${(error as Error).message}`, error);
      }
    },
    close() {
      closing ??= (async () => {
        await consumer?.disconnect();
        await producer.disconnect();
      })();
      return closing;
    },
  };
}

async function withTimeout(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(errors.kafka(`timed out after ${ms} ms ${what}`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
