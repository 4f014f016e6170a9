import { type Admin, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go to pino as structured fields. */
export function createKafka(config: Config['kafka'], logger: Logger, overrides: Partial<KafkaConfig> = {}): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
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

/** Creates missing topics (replication 1 locally; set by the cluster's defaults in production). */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], replicationFactor = 1): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((s) => ({
      topic: s.topic,
      numPartitions: s.partitions,
      replicationFactor,
      configEntries: s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    })),
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
