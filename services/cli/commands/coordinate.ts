import { loadConfig } from '../../common/config/index.ts';
import { parseCommandArgs } from '../args.ts';
import { serveStream } from './stream.ts';

export const summary = 'run stage 2 (coordination clusters) alone over every partition of usage-events';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('coordinate', argv, {});
  if (values.help) {
    console.log(
      'usage: distillguard coordinate   (stage 2 on its own; with several instances one owns it, the others stand by)',
    );
    return 0;
  }
  return serveStream(loadConfig(), { ingest: false, detector: false, coordination: true });
}
