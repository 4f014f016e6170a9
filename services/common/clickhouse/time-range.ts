import { type SqlQuery, sql } from './sql.ts';

/** A half-open range [fromMs, toMs) of event time in epoch milliseconds. */
export type TimeRange = { fromMs: number; toMs: number };

/** Rows of `usage_events`/`key_features` inside the range, on the partition column `ts` so partitions are pruned. */
export function inRange(range: TimeRange): SqlQuery {
  return sql`ts >= toDateTime(${Math.floor(range.fromMs / 1000)}) AND ts < toDateTime(${Math.ceil(range.toMs / 1000)})`;
}
