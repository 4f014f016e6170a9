import { mkdirSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { type Kafka, logLevel } from 'kafkajs';
import type { UsageEventInput } from '../../schemas/usage-v1.ts';
import { type ClickHouse, createClickHouse } from '../../services/common/clickhouse/client.ts';
import { migrate } from '../../services/common/clickhouse/migrations.ts';
import { ident, sql } from '../../services/common/clickhouse/sql.ts';
import { loadConfig } from '../../services/common/config/index.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { withRetry } from '../../services/common/retry.ts';
import { createKafka, ensureTopics } from '../../services/consumer/kafka-client.ts';
import { uniqueName } from '../helpers/infra.ts';
import { CHAOS_INFRA, chaosBrokers, chaosClickHouseUrl } from './chaos-env.ts';
import { chaosEvents, produceRange } from './traffic.ts';
import { StreamWorker } from './worker.ts';

export interface ScenarioResult {
  scenario: string;
  produced: number;
  stored: number;
  /** Rows visible to queries beyond the distinct ids (must be 0). */
  duplicates: number;
  /** Redelivered copies stored physically and hidden by FINAL (shows the crash really caused redelivery). */
  redelivered: number;
  alerts: string;
  ok: boolean;
  checked: string[];
}

/** One scenario's private topic, group and database on the chaos infrastructure, and its workers. */
export class ChaosContext {
  readonly id = uniqueName('chaos');
  readonly topic = `events-${this.id}`;
  readonly kafka: Kafka;
  readonly ch: ClickHouse;
  readonly workerEnv: Record<string, string>;
  readonly logDir = `${CHAOS_INFRA.DG_STATE_DIR}/logs`;

  readonly events: UsageEventInput[];

  /** `events`: how many of the seeded simulation's events to produce, or the very events another context produced. */
  constructor(
    events: number | UsageEventInput[],
    readonly partitions = 4,
  ) {
    this.events = typeof events === 'number' ? chaosEvents(events) : events;
    this.workerEnv = {
      DG_KAFKA_BROKERS: chaosBrokers,
      DG_CLICKHOUSE_URL: chaosClickHouseUrl,
      DG_CLICKHOUSE_DATABASE: `dg_${this.id}`,
      DG_TOPIC_EVENTS: this.topic,
      DG_TOPIC_DLQ: `dlq-${this.id}`,
      DG_KAFKA_GROUP_INGEST: `group-${this.id}`,
      DG_BATCH_MAX_ROWS: '2000',
      DG_BATCH_MAX_MS: '300',
      DG_KAFKA_SESSION_TIMEOUT_MS: '10000',
      DG_KAFKA_GROUP_COORDINATION: `coord-${this.id}`,
      DG_TOPIC_ALERTS: `alerts-${this.id}`,
      DG_CHECKPOINT_INTERVAL_MS: '2000',
      DG_LOG_LEVEL: 'info',
    };
    const config = loadConfig({ ...process.env, ...this.workerEnv });
    this.kafka = createKafka(config.kafka, silentLogger, { logLevel: logLevel.NOTHING });
    this.ch = createClickHouse(config.clickhouse);
    mkdirSync(this.logDir, { recursive: true });
  }

  async setUp(): Promise<void> {
    await withRetry(() => migrate(this.ch, silentLogger), { retries: 5 });
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(
      admin,
      [
        { topic: this.topic, partitions: this.partitions },
        { topic: this.workerEnv.DG_TOPIC_ALERTS!, partitions: 1 },
      ],
      1,
    );
    await admin.disconnect();
  }

  async worker(name: string, extraEnv: Record<string, string> = {}): Promise<StreamWorker & { healthPort: number }> {
    const healthPort = await freePort();
    const env = { ...this.workerEnv, DG_STREAM_HEALTH_PORT: String(healthPort), ...extraEnv };
    return Object.assign(new StreamWorker(env, `${this.logDir}/${this.id}-${name}.log`), { healthPort });
  }

  produce(from: number, to: number, ratePerSec = 0): Promise<void> {
    return produceRange(this.kafka, this.topic, this.events, from, to, ratePerSec);
  }

  /** Sum of a group's committed offsets (the ingest group unless named) over the topic's partitions. */
  async committedTotal(groupId = this.workerEnv.DG_KAFKA_GROUP_INGEST!): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({
        groupId,
        topics: [this.topic],
      });
      return (topic?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  async tearDown(): Promise<void> {
    await this.ch.command(sql`DROP DATABASE IF EXISTS ${ident(this.ch.database)}`).catch(() => {});
    await this.ch.close();
  }
}

/** A loopback port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
