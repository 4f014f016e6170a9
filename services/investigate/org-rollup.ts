import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

const keyRowSchema = z.object({
  api_key_id: z.string(),
  requests: z.coerce.number(),
  input_tokens: z.coerce.number(),
  output_tokens: z.coerce.number(),
  distinct_ips: z.coerce.number(),
  first_ms: z.coerce.number(),
  last_ms: z.coerce.number(),
});
const alertRowSchema = z.object({ api_key_id: z.string(), alerts: z.coerce.number(), max_score: z.number() });

const usageSchema = keyRowSchema.omit({ first_ms: true, last_ms: true });
export const orgRollupSchema = z.object({
  org: z.string(),
  keys: z.array(
    usageSchema.extend({
      first_seen: z.string(),
      last_seen: z.string(),
      alerts: z.number(),
      max_alert_score: z.number().nullable(),
    }),
  ),
  page_totals: z.object({ requests: z.number(), output_tokens: z.number() }),
  next_offset: z.number().nullable(),
});

/** Per key of an org over a range: usage totals, first/last seen, distinct IPs, and its alerts; busiest first. */
export async function orgRollup(
  ch: ClickHouse,
  limits: QueryLimits,
  req: { org: string; range: TimeRange; limit: number; offset: number },
) {
  const [keys, alerts] = await withQueryLimits(limits, () =>
    Promise.all([
      ch.query(
        sql`SELECT api_key_id, count() AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              uniqExact(client_ip) AS distinct_ips, min(ts_ms) AS first_ms, max(ts_ms) AS last_ms
            FROM ${table(ch, 'usage_events')} FINAL WHERE org_id = ${req.org} AND ${inRange(req.range)}
            GROUP BY api_key_id ORDER BY requests DESC, api_key_id LIMIT ${req.limit + 1} OFFSET ${req.offset}
            ${limitSettings(limits, req.limit + 1)}`,
        keyRowSchema,
      ),
      ch.query(
        sql`SELECT api_key_id, count() AS alerts, max(score) AS max_score
            FROM ${table(ch, 'alerts')} FINAL ARRAY JOIN api_key_ids AS api_key_id
            WHERE has(org_ids, ${req.org}) AND raised_at_ms >= ${req.range.fromMs} AND raised_at_ms < ${req.range.toMs}
            GROUP BY api_key_id LIMIT ${limits.maxRows} ${limitSettings(limits, limits.maxRows)}`,
        alertRowSchema,
      ),
    ]),
  );
  const alertsByKey = new Map(alerts.map((a) => [a.api_key_id, a]));
  const page = keys.slice(0, req.limit).map(({ first_ms, last_ms, ...k }) => ({
    ...k,
    first_seen: new Date(first_ms).toISOString(),
    last_seen: new Date(last_ms).toISOString(),
    alerts: alertsByKey.get(k.api_key_id)?.alerts ?? 0,
    max_alert_score: alertsByKey.get(k.api_key_id)?.max_score ?? null,
  }));
  const totals = page.reduce(
    (t, k) => ({ requests: t.requests + k.requests, output_tokens: t.output_tokens + k.output_tokens }),
    { requests: 0, output_tokens: 0 },
  );
  return {
    org: req.org,
    keys: page,
    page_totals: totals,
    next_offset: keys.length > req.limit ? req.offset + req.limit : null,
  };
}
