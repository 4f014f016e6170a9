import { loadConfig } from '../../common/config/index.ts';
import { parseCommandArgs } from '../args.ts';
import { serveStream } from './stream.ts';

export const summary = 'run stage 2 (coordination clusters) alone over every partition of usage-events';

export const usage =
  'usage: distillguard coordinate   (stage 2 on its own; with several instances one owns it, the others stand by)';

export async function run(argv: string[]): Promise<number> {
  parseCommandArgs('coordinate', argv, {});
  return serveStream(loadConfig(), { ingest: false, detector: false, coordination: true });
}
