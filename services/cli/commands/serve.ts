import { startServer } from '../../api/server.ts';
import { loadConfig } from '../../common/config/index.ts';
import { createLogger } from '../../common/logger.ts';
import { parseCommandArgs } from '../args.ts';
import { onShutdownSignal } from '../shutdown.ts';

export const summary = 'run the triage API and web UI (/ui), with the throttling engine and gateway decisions';

export const usage =
  'usage: distillguard serve [--no-actions]   (DG_API_HOST, DG_API_PORT, …; see `distillguard config`)\n' +
  '  --no-actions   serve alerts and queries only; action routes answer 503';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, { 'no-actions': { type: 'boolean' } });
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level });
  const server = await startServer(config, logger, { actions: !values['no-actions'] });
  logger.info({ url: server.url }, `triage API listening; web UI at ${server.url}/ui`);
  const code = await onShutdownSignal(() => server.close(), logger, config.stream.shutdownTimeoutMs);
  process.exit(code);
}
