import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

/** Aggregations offered over a feature; the SQL function comes from this table, never from input text. */
export const AGGREGATIONS = { max: 'max', avg: 'avg', p90: 'quantile(0.9)' } as const;
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
});

export const topKeysSchema = z.object({
  feature: z.string(),
  agg: z.enum(Object.keys(AGGREGATIONS) as [Aggregation]),
  keys: z.array(rowSchema.omit({ key_org: true }).extend({ org_id: z.string() })),
  next_offset: z.number().nullable(),
});

/** Keys ranked by a feature over a range (ties by key id), one page at `offset`. */
export async function topKeys(ch: ClickHouse, limits: QueryLimits, req: TopKeysRequest) {
  const agg = trusted(AGGREGATIONS[req.agg]);
  const org = req.org ? sql`AND org_id = ${req.org}` : sql``;
  const rows = await withQueryLimits(limits, () =>
    ch.query(
      sql`SELECT api_key_id, any(org_id) AS key_org, ${agg}(feature_values[indexOf(feature_names, ${req.feature})]) AS value,
            count() AS snapshots, max(score) AS max_score
          FROM ${table(ch, 'key_features')} FINAL
          WHERE ${inRange(req.range)} AND indexOf(feature_names, ${req.feature}) > 0 ${org}
          GROUP BY api_key_id ORDER BY value DESC, api_key_id LIMIT ${req.limit + 1} OFFSET ${req.offset}
          ${limitSettings(limits, req.limit + 1)}`,
      rowSchema,
    ),
  );
  const more = rows.length > req.limit;
  return {
    feature: req.feature,
    agg: req.agg,
    keys: rows.slice(0, req.limit).map(({ key_org, ...r }) => ({ ...r, org_id: key_org })),
    next_offset: more ? req.offset + req.limit : null,
  };
}
