import { createClickHouse } from '../../common/clickhouse/client.ts';
import { loadConfig } from '../../common/config/index.ts';
import { createLogger } from '../../common/logger.ts';
import {
  combineHealth,
  type StreamParts,
  type StreamService,
  startStreamService,
} from '../../detector-stream/stream-service.ts';
import { startHealthServer } from '../../stream/health-server.ts';
import { parseCommandArgs } from '../args.ts';
import { onShutdownSignal } from '../shutdown.ts';

export const summary =
  'run the streaming service: Kafka usage-events → validate → ClickHouse, detector, stage 2, alerts';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('stream', argv, {});
  if (values.help) {
    console.log(
      'usage: distillguard stream   (configured by DG_* environment variables; see `distillguard config`)\n' +
        'Runs ingest and the detector on the ingest consumer group, and stage 2 on its own group unless\n' +
        'DG_COORDINATION_IN_STREAM=false (then run `distillguard coordinate` once per cluster).',
    );
    return 0;
  }
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
  const code = await onShutdownSignal(
    async () => {
      await running.stop();
      health?.close();
      await ch.close();
    },
    logger,
    config.stream.shutdownTimeoutMs,
  );
  process.exit(code);
}
