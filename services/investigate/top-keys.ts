import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, joinSql, type SqlQuery, sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { FEATURE_NAMES, type FeatureName } from '../detector/features/feature-names.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';
import {
  type HourSplit,
  hasRawRemainder,
  MAX_DUPLICATE_HOURS,
  rawRemainder,
  rollupHours,
  splitHours,
} from './rollup-hours.ts';

/**
 * Aggregations offered over a feature, and their SQL, never taken from input text: the rollup column prefix
 * (migration 0008), the state of raw rows and the merge over both.
 */
export const AGGREGATIONS = {
  max: { column: 'max', state: 'maxIfState', merge: 'maxIfMerge' },
  avg: { column: 'avg', state: 'avgIfState', merge: 'avgIfMerge' },
  p90: { column: 'p90', state: 'quantileIfState(0.9)', merge: 'quantileIfMerge(0.9)' },
} as const;
export type Aggregation = keyof typeof AGGREGATIONS;

export interface TopKeysRequest {
  /** Already checked against FEATURE_NAMES; still bound as a literal. */
  feature: string;
  agg: Aggregation;
  range: TimeRange;
  org?: string | undefined;
  limit: number;
  offset: number;
}

/** `key_org` because an `org_id` alias would shadow the column in the optional org filter. */
const rowSchema = z.object({
  api_key_id: z.string(),
  key_org: z.string(),
  value: z.number(),
  snapshots: z.coerce.number(),
  max_score: z.number(),
  dup: z.coerce.number(),
});

export const topKeysSchema = z.object({
  feature: z.string(),
  agg: z.enum(Object.keys(AGGREGATIONS) as [Aggregation]),
  keys: z.array(rowSchema.omit({ key_org: true, dup: true }).extend({ org_id: z.string() })),
  next_offset: z.number().nullable(),
});

const keyHourSchema = z.object({ api_key_id: z.string(), h: z.coerce.number() });

/**
 * Key-hours of the whole hours that the rollup cannot answer for this feature: a rewritten snapshot (more rows
 * inserted than distinct snapshots) or rows written before the feature existed (fewer names than its position).
 */
async function duplicateKeyHours(ch: ClickHouse, limits: QueryLimits, feature: string, split: HourSplit) {
  const position = FEATURE_NAMES.indexOf(feature as FeatureName) + 1;
  const rows = await ch.query(
    sql`SELECT api_key_id, toUInt32(hour) AS h FROM ${table(ch, 'key_feature_hours')} WHERE ${rollupHours(split)}
        GROUP BY api_key_id, hour
        HAVING countMerge(inserted_rows) != uniqExactMerge(snapshots) OR minMerge(fewest_features) < ${position}
        LIMIT ${MAX_DUPLICATE_HOURS + 1} ${limitSettings(limits, MAX_DUPLICATE_HOURS + 1)}`,
    keyHourSchema,
  );
  return rows.map((r) => ({ key: r.api_key_id, hourS: r.h }));
}

/**
 * Keys ranked by a feature over a range (ties by key id), one page at `offset`. Whole hours come from the hourly
 * rollup `key_feature_hours`, the rest (ragged ends, key-hours the rollup cannot answer) from `key_features` FINAL,
 * as the same aggregate states merged per key.
 */
export async function topKeys(ch: ClickHouse, limits: QueryLimits, req: TopKeysRequest) {
  const agg = AGGREGATIONS[req.agg];
  const org = req.org ? sql`AND org_id = ${req.org}` : sql``;
  const position = FEATURE_NAMES.indexOf(req.feature as FeatureName) + 1;
  const index = sql`indexOf(feature_names, ${req.feature})`;
  /** One ranking over the rollup's whole hours but `skip` and the raw rest; keys flagged `dup` sort first. */
  const rank = (split: HourSplit | null, skip: Array<{ key: string; hourS: number }>, rows: number, offset: number) => {
    const selects: SqlQuery[] = [];
    if (split) {
      const clean = skip.length
        ? sql`AND (api_key_id, toUInt32(hour)) NOT IN (${joinSql(
            skip.map((k) => sql`(${k.key}, ${k.hourS})`),
            ', ',
          )})`
        : sql``;
      selects.push(
        sql`SELECT api_key_id, org_id AS o, ${ident(`${agg.column}_${req.feature}`)} AS v, inserted_rows AS n,
              snapshots AS d, fewest_features AS f, max_score AS s
            FROM ${table(ch, 'key_feature_hours')} WHERE ${rollupHours(split)} ${org} ${clean}`,
      );
    }
    if (hasRawRemainder(split, skip.length))
      selects.push(
        sql`SELECT api_key_id, org_id AS o, ${trusted(agg.state)}(feature_values[${index}], ${index} > 0) AS v,
              countState() AS n, uniqExactState(ts_ms) AS d, minState(toUInt64(length(feature_names))) AS f,
              maxState(score) AS s
            FROM ${table(ch, 'key_features')} FINAL
            WHERE ${inRange(req.range)} AND ${index} > 0 ${org} AND ${rawRemainder(split, [], skip)}
            GROUP BY api_key_id, o`,
      );
    return ch.query(
      sql`SELECT api_key_id, any(o) AS key_org, ${trusted(agg.merge)}(v) AS value, countMerge(n) AS snapshots,
            maxMerge(s) AS max_score, countMerge(n) != uniqExactMerge(d) OR minMerge(f) < ${position} AS dup
          FROM (${joinSql(selects, ' UNION ALL ')})
          GROUP BY api_key_id ORDER BY dup DESC, value DESC, api_key_id LIMIT ${rows} OFFSET ${offset}
          ${limitSettings(limits, rows)}`,
      rowSchema,
    );
  };
  const rows = await withQueryLimits(limits, async () => {
    const split = splitHours(req.range);
    // First every whole hour from the rollup, with the rows before the page: a flagged key (a rewritten snapshot,
    // or snapshots older than the feature) sorts first, so the first row says whether the ranking holds.
    const trusting = await rank(split, [], req.offset + req.limit + 1, 0);
    if (!split || !trusting[0]?.dup) return trusting.slice(req.offset);
    const skip = await duplicateKeyHours(ch, limits, req.feature, split);
    return skip.length > MAX_DUPLICATE_HOURS
      ? rank(null, [], req.limit + 1, req.offset)
      : rank(split, skip, req.limit + 1, req.offset);
  });
  const more = rows.length > req.limit;
  return {
    feature: req.feature,
    agg: req.agg,
    keys: rows.slice(0, req.limit).map(({ key_org, dup: _, ...r }) => ({ ...r, org_id: key_org })),
    next_offset: more ? req.offset + req.limit : null,
  };
}
