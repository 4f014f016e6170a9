import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, joinSql, type SqlQuery, sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { errors } from '../common/errors.ts';
import { FEATURE_NAMES } from '../detector/features/feature-names.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';
import {
  type HourSplit,
  hasRawRemainder,
  MAX_DUPLICATE_HOURS,
  rawRemainder,
  rollupHours,
  splitHours,
} from './rollup-hours.ts';

/** Bucket widths; the SQL function is chosen from this table, never from input text. */
export const BUCKETS = {
  minute: { ms: 60_000, fn: 'toStartOfMinute' },
  hour: { ms: 3_600_000, fn: 'toStartOfHour' },
  day: { ms: 86_400_000, fn: 'toStartOfDay' },
} as const;
type Bucket = keyof typeof BUCKETS;

export const featureNameSchema = z.enum(FEATURE_NAMES);

/**
 * Distinct prompts per bucket by the best fingerprint each event has: the gateway's sha256, else a hash of the text,
 * else the SimHash (near-duplicates then count once); events with none are not counted. As an aggregate state, the
 * same expression as `usage_hours.prompts` (migration 0008), so raw and rolled-up hours merge.
 */
const DISTINCT_PROMPTS_STATE = trusted(`uniqExactIfState(
  multiIf(prompt_sha256 != '', prompt_sha256, prompt_text != '', toString(cityHash64(prompt_text)), prompt_simhash),
  prompt_sha256 != '' OR prompt_text != '' OR prompt_simhash != '')`);

export interface TimelineRequest {
  key: string;
  range: TimeRange;
  bucket: Bucket;
  features: string[];
}

const usageRowSchema = z.object({
  bucket_s: z.coerce.number(),
  dup: z.coerce.number(),
  requests: z.coerce.number(),
  input_tokens: z.coerce.number(),
  output_tokens: z.coerce.number(),
  distinct_prompts: z.coerce.number(),
});
const featureRowSchema = z.object({
  bucket_s: z.coerce.number(),
  dup: z.coerce.number(),
  score: z.number().nullable(),
  values: z.array(z.number().nullable()),
});

const hourRowSchema = z.object({ h: z.coerce.number() });

/** Whole hours of one key whose rollup holds a redelivered event or a rewritten snapshot (read raw instead). */
async function duplicateHours(
  ch: ClickHouse,
  limits: QueryLimits,
  rollup: 'usage_hours' | 'key_feature_hours',
  key: string,
  split: HourSplit,
) {
  const distinct = rollup === 'usage_hours' ? trusted('uniqExactMerge(events)') : trusted('uniqExactMerge(snapshots)');
  const rows = await ch.query(
    sql`SELECT toUInt32(hour) AS h FROM ${table(ch, rollup)} WHERE api_key_id = ${key} AND ${rollupHours(split)}
        GROUP BY hour HAVING countMerge(inserted_rows) != ${distinct} ORDER BY h LIMIT ${MAX_DUPLICATE_HOURS + 1}
        ${limitSettings(limits, MAX_DUPLICATE_HOURS + 1)}`,
    hourRowSchema,
  );
  return rows.map((r) => r.h);
}

interface TimelinePart<T extends z.ZodType<{ dup: number }>> {
  rollup: 'usage_hours' | 'key_feature_hours';
  raw: 'usage_events' | 'key_features';
  /** Bucket expression and merges over `h` (the hour or, for raw rows, the bucket itself) and the states below. */
  outer: SqlQuery;
  /** Rollup columns as the states; `n` (inserted rows) and `d` (distinct events or snapshots) among them. */
  rollupColumns: SqlQuery;
  /** The same states from raw rows read with FINAL. */
  rawStates: SqlQuery;
  tail: SqlQuery;
  range: TimeRange;
  /** Rows with `dup`, the flag DUPLICATE_FLAG adds. */
  schema: T;
}

/** Buckets holding a row more than once: more rows inserted than distinct events or snapshots. */
const DUPLICATE_FLAG = trusted('countMerge(n) != uniqExactMerge(d) AS dup');

/**
 * The rollup's whole hours without `duplicates`, then the raw rest as the same aggregate states (UNION ALL), merged
 * per bucket: sums, maxima, means and distinct counts come out as the raw query's alone would give them. The first
 * query trusts every whole hour and flags the buckets holding a duplicate; only when one does, the hours holding one
 * are looked up and the query runs again with them read raw.
 */
async function timelinePart<T extends z.ZodType<{ dup: number }>>(
  ch: ClickHouse,
  limits: QueryLimits,
  key: string,
  split: HourSplit | null,
  parts: TimelinePart<T>,
) {
  const run = (cut: HourSplit | null, duplicates: number[]) => {
    const selects: SqlQuery[] = [];
    if (cut) {
      const clean = duplicates.length
        ? sql`AND toUInt32(hour) NOT IN (${joinSql(
            duplicates.map((h) => sql`${h}`),
            ', ',
          )})`
        : sql``;
      selects.push(
        sql`SELECT hour AS h, ${parts.rollupColumns} FROM ${table(ch, parts.rollup)}
            WHERE api_key_id = ${key} AND ${rollupHours(cut)} ${clean}`,
      );
    }
    if (hasRawRemainder(cut, duplicates.length))
      selects.push(
        sql`SELECT ${parts.rawStates} FROM ${table(ch, parts.raw)} FINAL
            WHERE api_key_id = ${key} AND ${inRange(parts.range)} AND ${rawRemainder(cut, duplicates)} GROUP BY h`,
      );
    return ch.query(
      sql`SELECT ${parts.outer}, ${DUPLICATE_FLAG} FROM (${joinSql(selects, ' UNION ALL ')}) ${parts.tail}`,
      parts.schema,
    );
  };
  let rows = await run(split, []);
  if (split && rows.some((r) => r.dup)) {
    const duplicates = await duplicateHours(ch, limits, parts.rollup, key, split);
    rows = duplicates.length > MAX_DUPLICATE_HOURS ? await run(null, []) : await run(split, duplicates);
  }
  return rows;
}

/**
 * Usage per bucket (requests, tokens, distinct prompts) and mean feature values, oldest first. Hour and day buckets
 * read the hourly rollups (migration 0008) for whole hours and the raw tables only for the rest; minute buckets
 * read the raw tables.
 */
export async function keyTimeline(ch: ClickHouse, limits: QueryLimits, req: TimelineRequest) {
  const bucket = BUCKETS[req.bucket];
  const buckets = Math.ceil((req.range.toMs - req.range.fromMs) / bucket.ms);
  if (buckets > limits.maxRows)
    throw errors.badInput(`${buckets} ${req.bucket} buckets exceed ${limits.maxRows}; choose a wider bucket or range`);
  const split = req.bucket === 'minute' ? null : splitHours(req.range);
  const at = trusted(`toUInt32(${bucket.fn}(h))`);
  const rawAt = trusted(`${bucket.fn}(ts) AS h`);
  const tail = sql`GROUP BY bucket_s ORDER BY bucket_s LIMIT ${buckets} ${limitSettings(limits, buckets)}`;
  const present = (f: string) => sql`indexOf(feature_names, ${f}) > 0`;
  const column = (f: string, i: number) => sql`${ident(`avg_${f}`)} AS ${ident(`a${i}`)}`;
  const rawMean = (f: string, i: number) =>
    sql`avgIfState(feature_values[indexOf(feature_names, ${f})], ${present(f)}) AS ${ident(`a${i}`)}`;
  const merged = joinSql(
    req.features.map((_, i) => sql`avgIfMerge(${ident(`a${i}`)})`),
    ', ',
  );
  const withFeatures = (pieces: SqlQuery[]) => (req.features.length ? sql`, ${joinSql(pieces, ', ')}` : sql``);
  return withQueryLimits(limits, async () => {
    const [usage, features] = await Promise.all([
      timelinePart(ch, limits, req.key, split, {
        rollup: 'usage_hours',
        raw: 'usage_events',
        outer: sql`${at} AS bucket_s, countMerge(n) AS requests, sumMerge(i) AS input_tokens,
                   sumMerge(o) AS output_tokens, uniqExactIfMerge(p) AS distinct_prompts`,
        rollupColumns: sql`inserted_rows AS n, events AS d, in_tokens AS i, out_tokens AS o, prompts AS p`,
        rawStates: sql`${rawAt}, countState() AS n, uniqExactState(ts, event_id) AS d, sumState(input_tokens) AS i,
                       sumState(output_tokens) AS o, ${DISTINCT_PROMPTS_STATE} AS p`,
        tail,
        range: req.range,
        schema: usageRowSchema,
      }),
      timelinePart(ch, limits, req.key, split, {
        rollup: 'key_feature_hours',
        raw: 'key_features',
        outer: sql`${at} AS bucket_s, maxMerge(s) AS score, [${merged}] AS values`,
        rollupColumns: sql`inserted_rows AS n, snapshots AS d, max_score AS s${withFeatures(req.features.map(column))}`,
        rawStates: sql`${rawAt}, countState() AS n, uniqExactState(ts_ms) AS d, maxState(score) AS s${withFeatures(
          req.features.map(rawMean),
        )}`,
        tail,
        range: req.range,
        schema: featureRowSchema,
      }),
    ]);
    return mergeBuckets(usage, features, req.features);
  });
}

const timelineBucketSchema = z.object({
  ts: z.string(),
  requests: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  distinct_prompts: z.number(),
  score: z.number().nullable(),
  features: z.record(z.string(), z.number().nullable()),
});
type TimelineBucket = z.infer<typeof timelineBucketSchema>;
/** A key's timeline: the requested features and one entry per bucket with data, oldest first. */
export const keyTimelineSchema = z.object({ features: z.array(z.string()), buckets: z.array(timelineBucketSchema) });

function mergeBuckets(
  usage: Array<z.infer<typeof usageRowSchema>>,
  features: Array<z.infer<typeof featureRowSchema>>,
  names: string[],
) {
  const byBucket = new Map<number, TimelineBucket>();
  const entry = (s: number): TimelineBucket => {
    const found = byBucket.get(s);
    if (found) return found;
    const empty: TimelineBucket = {
      ts: new Date(s * 1000).toISOString(),
      requests: 0,
      input_tokens: 0,
      output_tokens: 0,
      distinct_prompts: 0,
      score: null,
      features: Object.fromEntries(names.map((n) => [n, null])),
    };
    byBucket.set(s, empty);
    return empty;
  };
  for (const { bucket_s, dup: _, ...counts } of usage) Object.assign(entry(bucket_s), counts);
  for (const f of features) {
    const e = entry(f.bucket_s);
    e.score = f.score;
    e.features = Object.fromEntries(names.map((n, i) => [n, f.values[i] ?? null]));
  }
  return { features: names, buckets: [...byBucket.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v) };
}
