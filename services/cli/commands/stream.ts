import { startStreamSampler } from '../../api/stream-metrics.ts';
import { startSummaryLog } from '../../api/summary-log.ts';
import { createClickHouse } from '../../common/clickhouse/client.ts';
import type { Config } from '../../common/config/index.ts';
import { loadConfig } from '../../common/config/index.ts';
import type { Logger } from '../../common/logger.ts';
import { createLogger } from '../../common/logger.ts';
import { startHealthServer } from '../../consumer/health-server.ts';
import { createKafka } from '../../consumer/kafka-client.ts';
import { startPartitionRetention } from '../../event-store/partition-retention.ts';
import {
  combineHealth,
  type StreamParts,
  type StreamService,
  startStreamService,
} from '../../stream-service/stream-service.ts';
import { parseCommandArgs } from '../args.ts';
import { onShutdownSignal } from '../shutdown.ts';

export const summary =
  'run the streaming service: Kafka usage-events → validate → ClickHouse, detector, stage 2, alerts';

export const usage =
  'usage: distillguard stream   (configured by DG_* environment variables; see `distillguard config`)\n' +
  'Runs ingest and the detector on the ingest consumer group, and stage 2 on its own group unless\n' +
  'DG_COORDINATION_IN_STREAM=false (then run `distillguard coordinate` once per cluster).';

export async function run(argv: string[]): Promise<number> {
  parseCommandArgs('stream', argv, {});
  const config = loadConfig();
  return serveStream(config, {
    ingest: true,
    detector: config.stream.detector,
    coordination: config.stream.coordination,
  });
}

/** Runs the chosen parts with a health port until SIGTERM/SIGINT, then shuts down in order. */
export async function serveStream(config: ReturnType<typeof loadConfig>, parts: StreamParts): Promise<number> {
  const logger = createLogger({ level: config.log.level });
  const ch = createClickHouse(config.clickhouse);
  const probes = [{ name: 'clickhouse', check: () => ch.ping().catch(() => false) }];
  const { healthPort, healthHost } = config.stream;
  let service: StreamService | null = null;
  const notStarted = { ...combineHealth([]), degraded: 'starting' };
  // The health port is bound before consuming starts, so a taken port fails the start instead of a running worker.
  const health = healthPort
    ? await startHealthServer(healthPort, healthHost, () => service?.health() ?? notStarted, probes)
    : null;
  service = await startStreamService(config, logger, parts);
  const running = service;
  logger.info({ parts, healthPort }, 'stream service running');
  const stopSummary = startStreamSummary(config, logger, running);
  // The process that stores events also enforces their retention (an idempotent drop, harmless on several workers).
  const stopRetention = parts.ingest ? startPartitionRetention(ch, config.retention, logger) : async () => {};
  const code = await onShutdownSignal(
    async () => {
      await stopRetention();
      await stopSummary();
      await running.stop();
      health?.close();
      await ch.close();
    },
    logger,
    config.stream.shutdownTimeoutMs,
  );
  process.exit(code);
}

/** Every DG_LOG_SUMMARY_INTERVAL_S: events/s into Kafka, lag per group, alerts, key actions, and this worker's rate. */
function startStreamSummary(config: Config, logger: Logger, service: StreamService): () => Promise<void> {
  const intervalS = config.log.summaryIntervalS;
  if (intervalS <= 0) return async () => {};
  const sampler = startStreamSampler(createKafka(config.kafka, logger).admin(), config, logger, intervalS * 1000);
  let last = { at: Date.now(), consumed: 0 };
  const stop = startSummaryLog(logger, intervalS, sampler.latest, () => {
    const h = service.health();
    const at = Date.now();
    const rate = ((h.consumed - last.consumed) * 1000) / Math.max(1, at - last.at);
    last = { at, consumed: h.consumed };
    return {
      consumed_per_s: Math.round(rate),
      stored_events: h.flushedEvents,
      dead_letters: h.deadLetters,
      ...(h.degraded && { degraded: h.degraded }),
    };
  });
  return async () => {
    stop();
    await sampler.stop();
  };
}
