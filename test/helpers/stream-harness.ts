import type { Kafka } from 'kafkajs';
import type { Config } from '../../services/common/config/index.ts';
import { silentLogger } from '../../services/common/logger.ts';
import type { EventSink } from '../../services/consumer/sink.ts';
import { StreamConsumer } from '../../services/consumer/stream-consumer.ts';
import { StatefulSink, type StatefulSinkOptions } from '../../services/stream-service/stateful-sink.ts';

/** Event `i` of a small valid stream: one second apart, over `keys` keys of one org. */
export const numberedEvent = (i: number, keys = 5) => ({
  event_id: `evt-${i}`,
  ts: 1_772_366_400_000 + i * 1000,
  api_key_id: `key-${i % keys}`,
  org_id: 'org-1',
  model: 'model-x',
  input_tokens: 10,
  output_tokens: 20,
});

/** A stage 1 sink on the ingest group whose outputs go nowhere; the processor and store are the test's. */
export function detectorSinkFor(
  config: Config,
  o: Pick<StatefulSinkOptions, 'createProcessor' | 'store' | 'fullEvery'>,
): StatefulSink {
  return new StatefulSink({
    name: 'detector',
    group: config.kafka.groups.ingest,
    scope: 'partition',
    ...o,
    persistFeatures: async () => {},
    persistAlerts: async () => {},
    publishAlerts: async () => {},
    poisonAttempts: 3,
    logger: silentLogger,
  });
}

/** A consumer on the ingest group and events topic, committing after every flush of `maxRows`. */
export function ingestConsumer(kafka: Kafka, config: Config, sinks: EventSink[], maxRows: number): StreamConsumer {
  return new StreamConsumer({
    kafka,
    groupId: config.kafka.groups.ingest,
    topic: config.kafka.topics.events,
    dlqTopic: config.kafka.topics.dlq,
    sinks,
    maxRows,
    maxMs: 100,
    commitIntervalMs: 0,
    sessionTimeoutMs: 10_000,
    fromBeginning: true,
    logger: silentLogger,
  });
}
