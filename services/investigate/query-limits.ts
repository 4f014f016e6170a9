import { z } from 'zod';
import { clickhouseServerCode } from '../common/clickhouse/client.ts';
import { type SqlQuery, sql } from '../common/clickhouse/sql.ts';
import type { Config } from '../common/config/index.ts';
import { errors } from '../common/errors.ts';

/** Per-query bounds from config `api.query`: widest range, ClickHouse timeout, rows per page, rows per export. */
export type QueryLimits = Config['api']['query'];

const DAY_MS = 86_400_000;

/**
 * A query-string schema with optional `from`/`to` (RFC 3339) added to `shape`; the output carries `range` in epoch
 * ms (null when both are left out: the route then takes its range from the data), checked for `from` < `to` and a
 * span of at most `maxRangeDays`.
 */
export function rangedQuery<S extends z.ZodRawShape>(shape: S, maxRangeDays: number) {
  return z
    .object({
      ...shape,
      // A valid pair in the document lets generated requests (schemathesis) get past the range checks.
      from: z.iso
        .datetime({ offset: true })
        .meta({ examples: ['2026-03-01T00:00:00Z'] })
        .optional(),
      to: z.iso
        .datetime({ offset: true })
        .meta({ examples: ['2026-03-02T00:00:00Z'] })
        .optional(),
    })
    .refine((q) => {
      const { from, to } = q as { from?: string; to?: string };
      return (from === undefined) === (to === undefined);
    }, 'give both from and to, or neither')
    .transform((q) => {
      const { from, to } = q as { from?: string; to?: string };
      const range = from && to ? { fromMs: Date.parse(from), toMs: Date.parse(to) } : null;
      return { ...q, range };
    })
    .refine((q) => q.range === null || q.range.fromMs < q.range.toMs, 'from must be before to')
    .refine(
      (q) => q.range === null || q.range.toMs - q.range.fromMs <= maxRangeDays * DAY_MS,
      `the range may span at most ${maxRangeDays} days`,
    );
}

/**
 * The SETTINGS clause every investigator query ends with: a server-side timeout and a result-row ceiling. Every
 * query also has its own LIMIT, because 18.16 ignores max_result_rows given in the query text (it honours it only
 * as a request setting, which the shared client does not pass yet).
 */
export function limitSettings(limits: QueryLimits, rows: number): SqlQuery {
  return sql`SETTINGS max_execution_time = ${limits.timeoutS}, max_result_rows = ${rows + 1}, result_overflow_mode = 'throw'`;
}

const TIMEOUT_CODES = new Set(['159', '160']);
const TOO_MANY_ROWS = '396';

/** Turns ClickHouse's limit errors into a clear 422 that tells the caller to narrow the query. */
export async function withQueryLimits<T>(limits: QueryLimits, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = clickhouseServerCode(error);
    if (TIMEOUT_CODES.has(code))
      throw errors.queryLimit(`query ran longer than ${limits.timeoutS}s; narrow the range`, error);
    if (code === TOO_MANY_ROWS) throw errors.queryLimit('query result exceeds the row limit; narrow the range', error);
    throw error;
  }
}
