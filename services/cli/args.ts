import { type ParseArgsConfig, parseArgs } from 'node:util';
import { errors } from '../common/errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `--flag value` options; unknown flags are a clear DG_ERR_BAD_INPUT naming the command's --help. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw errors.badInput(`${(error as Error).message} (see 'distillguard ${command} --help')`);
  }
}
