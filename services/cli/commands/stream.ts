import { createClickHouse } from '../../common/clickhouse/client.ts';
import { loadConfig } from '../../common/config/index.ts';
import { createLogger } from '../../common/logger.ts';
import { startIngest } from '../../ingest/ingest-service.ts';
import { startHealthServer } from '../../stream/health-server.ts';
import { parseCommandArgs } from '../args.ts';
import { onShutdownSignal } from '../shutdown.ts';

export const summary = 'run the streaming service: Kafka usage-events → validate → ClickHouse (+ dead-letter topic)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('stream', argv, {});
  if (values.help) {
    console.log('usage: distillguard stream   (configured by DG_* environment variables; see `distillguard config`)');
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level });
  const consumer = await startIngest(config, logger);
  const { healthPort, healthHost } = config.stream;
  const ch = createClickHouse(config.clickhouse);
  const probes = [{ name: 'clickhouse', check: () => ch.ping().catch(() => false) }];
  const health = healthPort ? await startHealthServer(healthPort, healthHost, () => consumer.health(), probes) : null;
  const stop = async () => {
    await consumer.stop();
    health?.close();
    await ch.close();
  };
  const code = await onShutdownSignal(stop, logger, config.stream.shutdownTimeoutMs);
  process.exit(code);
}
