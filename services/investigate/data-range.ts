import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import type { TimeRange } from '../common/clickhouse/time-range.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

const DAY_MS = 86_400_000;
const rowSchema = z.object({ n: z.coerce.number(), first: z.coerce.number(), last: z.coerce.number() });

export interface DataScope {
  key?: string | undefined;
  org?: string | undefined;
}

/**
 * The default range of a query without `from`/`to`: the event time of the scope's data (a key's or org's first to
 * last event, or every event), at most `maxSpanMs` ending at the last event; data is event-time, so the wall
 * clock's last day would often be empty. Without any data: the day before `nowMs`.
 */
export async function dataRange(
  ch: ClickHouse,
  limits: QueryLimits,
  scope: DataScope,
  maxSpanMs: number,
  nowMs: number,
): Promise<TimeRange> {
  const where = scope.key ? sql`api_key_id = ${scope.key}` : scope.org ? sql`org_id = ${scope.org}` : sql`1`;
  const [row] = await withQueryLimits(limits, () =>
    ch.query(
      sql`SELECT count() AS n, min(ts_ms) AS first, max(ts_ms) AS last FROM ${table(ch, 'usage_events')}
          WHERE ${where} LIMIT 1 ${limitSettings(limits, 1)}`,
      rowSchema,
    ),
  );
  if (!row || row.n === 0) return { fromMs: nowMs - DAY_MS, toMs: nowMs };
  const toMs = row.last + 1;
  return { fromMs: Math.max(row.first, toMs - maxSpanMs), toMs };
}

export const rangeViewSchema = z.object({ from: z.string(), to: z.string() });

/** The range a response covers, in RFC 3339, so a client can show which window the defaults chose. */
export function rangeView(range: TimeRange): { from: string; to: string } {
  return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
}
