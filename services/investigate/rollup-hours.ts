import { joinSql, type SqlQuery, sql } from '../common/clickhouse/sql.ts';
import type { TimeRange } from '../common/clickhouse/time-range.ts';

const HOUR_S = 3_600;
/** More hours than this holding a duplicate, and the query reads the whole range raw (still exact, only slower). */
export const MAX_DUPLICATE_HOURS = 500;

/**
 * A range cut for the rollups of migration 0008 (`usage_hours`, `key_feature_hours`, one row per key and UTC hour):
 * the whole hours [firstFullS, endFullS) come from a rollup; the ragged ends, and any hour a rollup shows holding a
 * redelivered or rewritten row, come from the raw table with FINAL. The seconds match `inRange` (from rounded down,
 * to rounded up), so the two parts cover exactly the rows the raw query alone would read.
 */
export interface HourSplit {
  range: TimeRange;
  firstFullS: number;
  endFullS: number;
}

/** The whole UTC hours inside the range, or null when there are none (the query then reads only the raw table). */
export function splitHours(range: TimeRange): HourSplit | null {
  const firstFullS = Math.ceil(Math.floor(range.fromMs / 1000) / HOUR_S) * HOUR_S;
  const endFullS = Math.floor(Math.ceil(range.toMs / 1000) / HOUR_S) * HOUR_S;
  return endFullS > firstFullS ? { range, firstFullS, endFullS } : null;
}

/** Rollup rows of the whole hours: `hour` in [firstFullS, endFullS). */
export function rollupHours(split: HourSplit): SqlQuery {
  return sql`hour >= toDateTime(${split.firstFullS}) AND hour < toDateTime(${split.endFullS})`;
}

const rawHour = (hourS: number) => sql`(ts >= toDateTime(${hourS}) AND ts < toDateTime(${hourS + HOUR_S}))`;

/**
 * Raw rows the rollup does not answer (the caller adds `inRange`): all of them without a split, else those outside
 * the whole hours or in one of `hours` (UTC hour starts in epoch seconds) or `keyHours` (one key's hour). Each piece
 * bounds `ts` (and the key), so the primary key prunes FINAL's read to those ranges.
 */
export function rawRemainder(
  split: HourSplit | null,
  hours: number[] = [],
  keyHours: Array<{ key: string; hourS: number }> = [],
): SqlQuery {
  if (!split) return sql`1`;
  const pieces = [
    sql`ts < toDateTime(${split.firstFullS})`,
    sql`ts >= toDateTime(${split.endFullS})`,
    ...hours.map(rawHour),
    ...keyHours.map((k) => sql`(api_key_id = ${k.key} AND ${rawHour(k.hourS)})`),
  ];
  return sql`(${joinSql(pieces, ' OR ')})`;
}

/** True when the range has raw rows to read besides the rollup's whole hours. */
export function hasRawRemainder(split: HourSplit | null, duplicates: number): boolean {
  if (!split || duplicates > 0) return true;
  const fromS = Math.floor(split.range.fromMs / 1000);
  const toS = Math.ceil(split.range.toMs / 1000);
  return split.firstFullS > fromS || split.endFullS < toS;
}
