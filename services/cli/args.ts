import { access } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';
import { errors } from '../common/errors.ts';
import { parseOr } from '../common/zod-issues.ts';
import { parseWindow, type TimeWindow } from '../training/time-window.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `--flag value` options; unknown flags are a clear DG_ERR_BAD_INPUT naming the command's --help. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw errors.badInput(`${(error as Error).message} (see 'distillguard ${command} --help')`);
  }
}

/** The options checked by a zod schema; each problem is named in a DG_ERR_BAD_INPUT pointing at --help. */
export function validArgs<S extends z.ZodType>(command: string, schema: S, values: unknown): z.output<S> {
  return parseOr(schema, values, (issues) => errors.badInput(`${issues} (see 'distillguard ${command} --help')`));
}

/** `--version V` of the model and calibration directories a command writes; `latest` names the newest when read. */
export const versionArg = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/)
  .refine((v) => v !== 'latest', 'latest is reserved')
  .default('1');

/** Refuses to overwrite an existing version directory unless `--force`. */
export async function refuseExisting(dirs: readonly string[], force: boolean | undefined): Promise<void> {
  if (force) return;
  for (const dir of dirs) {
    const exists = await access(dir).then(
      () => true,
      () => false,
    );
    if (exists) throw errors.conflict(`${dir} exists; pick another --version or --force`);
  }
}

/** `--from` / `--to` over stored traffic; without `--from`, the 14 days before `--to` (default: today, UTC). */
export function storedWindow(values: { from?: string | undefined; to?: string | undefined }): TimeWindow {
  return parseWindow(values, 14, Date.now());
}
