import { type Admin, type ITopicConfig, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import { kafkaSecurityOptions } from './kafka-security.ts';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go to pino as structured fields; TLS and SASL come from the configuration. */
export function createKafka(config: Config['kafka'], logger: Logger, overrides: Partial<KafkaConfig> = {}): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ...kafkaSecurityOptions(config),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...fields } = entry;
        log[LEVELS[level] ?? 'info'](fields, message);
      },
    ...overrides,
  });
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  compacted?: boolean;
}

/**
 * How the service creates a topic: `replicationFactor` (DG_KAFKA_REPLICATION_FACTOR) for every topic; from 3 replicas
 * on, writes with acks=all need 2 in sync, so one broker may fail without losing an acknowledged record.
 */
export function topicDefinition(spec: TopicSpec, replicationFactor: number): ITopicConfig {
  const configEntries = [];
  if (spec.compacted) configEntries.push({ name: 'cleanup.policy', value: 'compact' });
  if (replicationFactor >= 3) configEntries.push({ name: 'min.insync.replicas', value: '2' });
  return { topic: spec.topic, numPartitions: spec.partitions, replicationFactor, configEntries };
}

/** Creates the missing topics; existing topics are left as they are (their replication is the cluster's). */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], replicationFactor: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((s) => topicDefinition(s, replicationFactor)),
  });
}

/**
 * Errors a fresh topic or a moving leader produce for a moment (NOT_LEADER_FOR_PARTITION, LEADER_NOT_AVAILABLE,
 * UNKNOWN_TOPIC_OR_PARTITION right after creation): worth retrying, unlike bad configuration.
 */
export function isTransientKafkaError(error: unknown): boolean {
  const e = error as { retriable?: boolean; message?: string; originalError?: unknown; cause?: unknown } | null;
  if (!e) return false;
  if (e.retriable === true) return true;
  if (/leader|not available|unknown topic|coordinator|metadata/i.test(e.message ?? '')) return true;
  return e.originalError !== undefined ? isTransientKafkaError(e.originalError) : false;
}

/** Connects on first use and again after a failed attempt, so a probe started while Kafka is down recovers. */
export function lazyConnect(client: { connect(): Promise<void> }): () => Promise<void> {
  let connected: Promise<void> | null = null;
  return () => {
    connected ??= client.connect().catch((error: unknown) => {
      connected = null;
      throw error;
    });
    return connected;
  };
}
