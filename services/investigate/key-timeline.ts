import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { joinSql, sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { errors } from '../common/errors.ts';
import { FEATURE_NAMES } from '../detector/features/feature-names.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

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
 * else the SimHash (near-duplicates then count once); events with none are not counted.
 */
const DISTINCT_PROMPTS = trusted(`uniqExactIf(
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
  requests: z.coerce.number(),
  input_tokens: z.coerce.number(),
  output_tokens: z.coerce.number(),
  distinct_prompts: z.coerce.number(),
});
const featureRowSchema = z.object({
  bucket_s: z.coerce.number(),
  score: z.number().nullable(),
  values: z.array(z.number().nullable()),
});

/** Usage per bucket (requests, tokens, distinct prompts) and mean feature values, oldest first. */
export async function keyTimeline(ch: ClickHouse, limits: QueryLimits, req: TimelineRequest) {
  const bucket = BUCKETS[req.bucket];
  const buckets = Math.ceil((req.range.toMs - req.range.fromMs) / bucket.ms);
  if (buckets > limits.maxRows)
    throw errors.badInput(`${buckets} ${req.bucket} buckets exceed ${limits.maxRows}; choose a wider bucket or range`);
  const at = trusted(`toUInt32(${bucket.fn}(ts))`);
  const featureMeans = req.features.length
    ? joinSql(
        req.features.map(
          (f) => sql`avgIf(feature_values[indexOf(feature_names, ${f})], indexOf(feature_names, ${f}) > 0)`,
        ),
        ', ',
      )
    : sql``;
  return withQueryLimits(limits, async () => {
    const [usage, features] = await Promise.all([
      ch.query(
        sql`SELECT ${at} AS bucket_s, count() AS requests, sum(input_tokens) AS input_tokens,
              sum(output_tokens) AS output_tokens, ${DISTINCT_PROMPTS} AS distinct_prompts
            FROM ${table(ch, 'usage_events')} FINAL WHERE api_key_id = ${req.key} AND ${inRange(req.range)}
            GROUP BY bucket_s ORDER BY bucket_s LIMIT ${buckets} ${limitSettings(limits, buckets)}`,
        usageRowSchema,
      ),
      ch.query(
        sql`SELECT ${at} AS bucket_s, max(score) AS score, [${featureMeans}] AS values
            FROM ${table(ch, 'key_features')} FINAL WHERE api_key_id = ${req.key} AND ${inRange(req.range)}
            GROUP BY bucket_s ORDER BY bucket_s LIMIT ${buckets} ${limitSettings(limits, buckets)}`,
        featureRowSchema,
      ),
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
  for (const { bucket_s, ...counts } of usage) Object.assign(entry(bucket_s), counts);
  for (const f of features) {
    const e = entry(f.bucket_s);
    e.score = f.score;
    e.features = Object.fromEntries(names.map((n, i) => [n, f.values[i] ?? null]));
  }
  return { features: names, buckets: [...byBucket.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v) };
}
