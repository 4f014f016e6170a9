import type { Logger } from '../common/logger.ts';

/** On SIGTERM/SIGINT runs `stop` once, bounded by a deadline; a second signal exits at once. */
export function onShutdownSignal(stop: () => Promise<void>, logger: Logger, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      logger.info({ signal, timeoutMs }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown deadline passed; exiting');
        resolve(1);
      }, timeoutMs);
      stop()
        .then(
          () => 0,
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            return 1;
          },
        )
        .then((code) => {
          clearTimeout(deadline);
          resolve(code);
        });
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  });
}
