import type { Kafka, Producer } from 'kafkajs';
import { type ClickHouse, createClickHouse } from '../common/clickhouse/client.ts';
import { migrate } from '../common/clickhouse/migrations.ts';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import { withRetry } from '../common/retry.ts';
import { createKafka, ensureTopics } from '../consumer/kafka-client.ts';
import type { EventSink } from '../consumer/sink.ts';
import { StreamConsumer, type StreamHealth } from '../consumer/stream-consumer.ts';
import { resolveAlertThresholds } from '../detector/calibration/alert-thresholds.ts';
import { startThresholdRefresher } from '../detector/calibration/threshold-refresher.ts';
import { loadTfjsScorers } from '../detector/scorers/tfjs-scorer.ts';
import type { CapEvictionListener } from '../detector/state/state-caps.ts';
import { createClickHouseEventSink } from '../event-store/clickhouse-event-sink.ts';
import { loadConfiguredElicitation } from '../ml/elicitation/elicitation-model-file.ts';
import type { ElicitationModel } from '../ml/elicitation/elicitation-scorer.ts';
import { createClickHouseCheckpointStore } from './checkpoint-store.ts';
import { createDetectionOutputs, type DetectionOutputs } from './detection-outputs.ts';
import { injectedPoisonIds, withInjectedPoison } from './injected-poison.ts';
import { coordinationProcessor, detectorProcessor } from './processors.ts';
import { StatefulSink } from './stateful-sink.ts';

export interface StreamParts {
  /** Ingest into ClickHouse and, when `detector`, stage 1 on the same consumer group. */
  ingest: boolean;
  detector: boolean;
  /** Stage 2 on its own consumer group over every partition. */
  coordination: boolean;
}

export interface StreamService {
  health(): StreamHealth;
  stop(): Promise<void>;
}

async function prepare(config: Config, logger: Logger, kafka: Kafka, ch: ClickHouse): Promise<void> {
  if (config.stream.migrateOnStart) await withRetry(() => migrate(ch, logger.child({ component: 'migrate' })));
  const admin = kafka.admin();
  await withRetry(() => admin.connect(), { retriable: () => true });
  const { topics } = config.kafka;
  await ensureTopics(
    admin,
    [
      { topic: topics.events, partitions: config.stream.partitions },
      { topic: topics.dlq, partitions: 1 },
      { topic: topics.alerts, partitions: config.stream.partitions },
    ],
    config.kafka.replicationFactor,
  );
  await admin.disconnect();
}

type Role = 'ingest' | 'coordination';

function consumer(config: Config, logger: Logger, kafka: Kafka, role: Role, sinks: EventSink[], primary: boolean) {
  return new StreamConsumer({
    // Stage 2 folds the whole stream into one state: exactly one member of its group may run it.
    singleOwner: role === 'coordination',
    kafka,
    groupId: config.kafka.groups[role],
    topic: config.kafka.topics.events,
    dlqTopic: config.kafka.topics.dlq,
    sinks,
    maxRows: config.ingest.maxRows,
    maxMs: config.ingest.maxMs,
    commitIntervalMs: sinks.some((s) => s.checkpoint) ? config.stream.checkpointIntervalMs : 0,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    fromBeginning: config.stream.fromBeginning,
    publishDeadLetters: primary,
    maxFutureSkewMs: config.stream.maxFutureSkewMs,
    logger,
  });
}

function stateful(config: Config, logger: Logger, ch: ClickHouse, outputs: DetectionOutputs) {
  const fullEvery = config.stream.checkpointFullEvery;
  const store = createClickHouseCheckpointStore(ch, { retain: config.stream.checkpointRetain, fullEvery });
  const base = { store, fullEvery, logger, poisonAttempts: config.stream.poisonAttempts, ...outputs };
  // Loaded once for stage 1 and stage 2, by whichever of them the process runs first.
  let loadingElicitation: Promise<ElicitationModel> | undefined;
  const elicitationModel = () => (loadingElicitation ??= loadConfiguredElicitation(config.ml));
  return {
    detector: async () => {
      // The service refuses to start on a bad model (wrong feature list, corrupt files) rather than score without it.
      const scorers = config.ml.enabled ? await loadTfjsScorers(config.ml, logger.child({ component: 'ml' })) : [];
      const elicitation = await elicitationModel();
      const settings = {
        modelsDir: config.ml.modelsDir,
        calibrationVersion: config.ml.calibrationVersion,
        fpBudget: config.detector.fpBudget,
        ml: scorers.length > 0,
      };
      const calibrated = await resolveAlertThresholds(settings);
      if (calibrated.warning) logger.warn({ component: 'detector' }, calibrated.warning);
      logger.info({ component: 'detector', ...calibrated.thresholds, source: calibrated.source }, 'alert thresholds');
      const refresher = startThresholdRefresher(
        settings,
        calibrated.thresholds,
        config.stream.calibrationRefreshMs,
        (next, source) => logger.info({ component: 'detector', ...next, source }, 'alert thresholds recalibrated'),
      );
      const capLog = logger.child({ component: 'detector' });
      // Test-only fault injection (chaos poison scenario); empty, hence inert, unless DG_TEST_POISON_EVENT_IDS is set.
      const poisonIds = injectedPoisonIds();
      if (poisonIds.size > 0)
        capLog.warn({ events: poisonIds.size }, 'test fault injection: detector throws on events');
      const onCapEviction: CapEvictionListener = (store, evicted, cap) =>
        capLog.warn({ store, evicted, cap }, 'state cap reached: least recently seen entries evicted');
      return new StatefulSink({
        ...base,
        name: 'detector',
        group: config.kafka.groups.ingest,
        scope: 'partition',
        createProcessor: () =>
          withInjectedPoison(
            detectorProcessor(config, { scorers, thresholds: refresher.current, elicitation, onCapEviction }),
            poisonIds,
          ),
      });
    },
    coordination: async () => {
      // Stage 2 reads which prompts are harvesting instructions, as stage 1 does in replay (one shared event pass).
      const elicitation = await elicitationModel();
      return new StatefulSink({
        ...base,
        name: 'coordination',
        group: config.kafka.groups.coordination,
        scope: 'all',
        createProcessor: () => coordinationProcessor(config, logger.child({ component: 'coordination' }), elicitation),
      });
    },
  };
}

/** Boots the streaming service: ingest (+ stage 1 on the same group) and/or stage 2 on its own group. */
export async function startStreamService(config: Config, logger: Logger, parts: StreamParts): Promise<StreamService> {
  const ch = createClickHouse(config.clickhouse);
  const kafka = createKafka(config.kafka, logger);
  await prepare(config, logger, kafka, ch);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await withRetry(() => producer.connect(), { retriable: () => true });
  const sinks = stateful(config, logger, ch, createDetectionOutputs(ch, producer, config.kafka.topics.alerts));
  const consumers: StreamConsumer[] = [];
  if (parts.ingest) {
    const ingestSinks: EventSink[] = [createClickHouseEventSink(ch, config.ingest.prompts)];
    if (parts.detector) ingestSinks.push(await sinks.detector());
    consumers.push(consumer(config, logger, kafka, 'ingest', ingestSinks, true));
  }
  if (parts.coordination) {
    consumers.push(consumer(config, logger, kafka, 'coordination', [await sinks.coordination()], !parts.ingest));
  }
  for (const c of consumers) await c.start();
  let stopped: Promise<void> | null = null;
  return {
    health: () => ({
      ...combineHealth(consumers.map((c) => c.health())),
      consumedByGroup: Object.fromEntries(consumers.map((c) => [c.groupId, c.health().consumed])),
    }),
    stop() {
      stopped ??= (async () => {
        await Promise.all(consumers.map((c) => c.stop()));
        await producer.disconnect();
        await ch.close();
      })();
      return stopped;
    },
  };
}

/** One view over several consumers: running when all run, degraded when any is, counters summed. */
export function combineHealth(all: StreamHealth[]): StreamHealth {
  return {
    running: all.length > 0 && all.every((h) => h.running),
    degraded: all.find((h) => h.degraded)?.degraded ?? null,
    consumed: all.reduce((n, h) => n + h.consumed, 0),
    flushedEvents: all.reduce((n, h) => n + h.flushedEvents, 0),
    deadLetters: all.reduce((n, h) => n + h.deadLetters, 0),
    lastFlushAt: Math.max(0, ...all.map((h) => h.lastFlushAt ?? 0)) || null,
    buffered: all.reduce((n, h) => n + h.buffered, 0),
  };
}
