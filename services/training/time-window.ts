import { errors } from '../common/errors.ts';

export const DAY_MS = 86_400_000;

/** A half-open window [fromMs, toMs) of event time over stored ClickHouse rows. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

function parseInstant(value: string, flag: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (!Number.isFinite(ms)) throw errors.badInput(`${flag} ${JSON.stringify(value)} is not a date or RFC 3339 time`);
  return ms;
}

/**
 * The window of `--from` / `--to` (dates are UTC midnights): `--to` defaults to the start of today (UTC) so only
 * whole days are read, `--from` to `defaultDays` before `--to`.
 */
export function parseWindow(
  args: { from?: string | undefined; to?: string | undefined },
  defaultDays: number,
  nowMs: number,
): TimeWindow {
  const toMs = args.to === undefined ? Math.floor(nowMs / DAY_MS) * DAY_MS : parseInstant(args.to, '--to');
  const fromMs = args.from === undefined ? toMs - defaultDays * DAY_MS : parseInstant(args.from, '--from');
  if (fromMs >= toMs) throw errors.badInput(`--from must be before --to (${iso(fromMs)} ≥ ${iso(toMs)})`);
  return { fromMs, toMs };
}

/** The window cut at UTC midnights, so one query reads at most one day and stride windows never straddle two. */
export function dayChunks(window: TimeWindow): TimeWindow[] {
  const chunks: TimeWindow[] = [];
  for (let start = window.fromMs; start < window.toMs; ) {
    const end = Math.min(window.toMs, (Math.floor(start / DAY_MS) + 1) * DAY_MS);
    chunks.push({ fromMs: start, toMs: end });
    start = end;
  }
  return chunks;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
