import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { errors } from '../common/errors.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

const POPULATION_WINDOW_MS = 86_400_000;
const POPULATION_MAX_KEYS = 10_000;

const latestSchema = z.object({
  org_id: z.string(),
  ts_ms: z.coerce.number(),
  score: z.number(),
  feature_names: z.array(z.string()),
  feature_values: z.array(z.number().nullable()),
});
const populationSchema = z.object({ fv: z.array(z.number().nullable()) });

const nullableNumber = z.number().nullable();
/** A key's latest features against the population: quantiles of every key's latest value and its percentile. */
export const keyProfileSchema = z.object({
  api_key_id: z.string(),
  org_id: z.string(),
  as_of: z.string(),
  score: z.number(),
  population_keys: z.number(),
  features: z.array(
    z.object({
      feature: z.string(),
      value: nullableNumber,
      p50: nullableNumber,
      p90: nullableNumber,
      p99: nullableNumber,
      percentile: nullableNumber,
    }),
  ),
});

/** Value at quantile q of sorted numbers (nearest rank). */
function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
}

/** Share of the population at or below `value`, in percent. */
function percentileOf(sorted: number[], value: number): number | null {
  if (sorted.length === 0) return null;
  let below = 0;
  while (below < sorted.length && (sorted[below] as number) <= value) below++;
  return Math.round((1000 * below) / sorted.length) / 10;
}

/** The key's latest feature snapshot against every key's latest snapshot in the day before it. */
export async function keyProfile(ch: ClickHouse, limits: QueryLimits, key: string) {
  const features = table(ch, 'key_features');
  const [latest] = await ch.query(
    sql`SELECT org_id, ts_ms, score, feature_names, feature_values FROM ${features} FINAL
        WHERE api_key_id = ${key} ORDER BY ts_ms DESC LIMIT 1`,
    latestSchema,
  );
  if (!latest) throw errors.notFound(`feature snapshots of key ${key}`);
  const fromS = Math.floor((latest.ts_ms - POPULATION_WINDOW_MS) / 1000);
  const population = await withQueryLimits(limits, () =>
    ch.query(
      sql`SELECT fv FROM (SELECT api_key_id, argMax(feature_values, ts_ms) AS fv FROM ${features}
          WHERE ts >= toDateTime(${fromS}) AND ts_ms <= ${latest.ts_ms} GROUP BY api_key_id)
          LIMIT ${POPULATION_MAX_KEYS} ${limitSettings(limits, POPULATION_MAX_KEYS)}`,
      populationSchema,
    ),
  );
  return {
    api_key_id: key,
    org_id: latest.org_id,
    as_of: new Date(latest.ts_ms).toISOString(),
    score: latest.score,
    population_keys: population.length,
    features: latest.feature_names.map((feature, i) => {
      const sorted = population
        .map((p) => p.fv[i])
        .filter((v): v is number => typeof v === 'number')
        .sort((a, b) => a - b);
      const value = latest.feature_values[i] ?? null;
      return {
        feature,
        value,
        p50: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
        p99: quantile(sorted, 0.99),
        percentile: value === null ? null : percentileOf(sorted, value),
      };
    }),
  };
}
