import { z } from 'zod';
import type { AlertView } from '../alerts-store/alert-row.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { rangeViewSchema } from './data-range.ts';
import { LINKS, type LinkKind } from './linked-keys.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

const WINDOW_BEFORE_MS = 86_400_000;
const WINDOW_AFTER_MS = 3_600_000;
const SHARED_PER_KIND = 20;

const memberSchema = z.object({
  api_key_id: z.string(),
  key_org: z.string(),
  requests: z.coerce.number(),
  output_tokens: z.coerce.number(),
  first_ms: z.coerce.number(),
  last_ms: z.coerce.number(),
});
const sharedSchema = z.object({ value: z.string(), keys: z.array(z.string()), events: z.coerce.number() });

/** A cluster's members with their usage around the alert, and the values they share. */
export const clusterEvidenceSchema = z.object({
  window: rangeViewSchema,
  members: z.array(
    z.object({
      api_key_id: z.string(),
      org_id: z.string().nullable(),
      requests: z.number(),
      output_tokens: z.number(),
      first_seen: z.string().nullable(),
      last_seen: z.string().nullable(),
    }),
  ),
  shared: z.array(sharedSchema.extend({ link: z.enum(Object.keys(LINKS) as [LinkKind]) })),
});

async function sharedBy(ch: ClickHouse, limits: QueryLimits, kind: LinkKind, members: string[], range: TimeRange) {
  const col = ident(LINKS[kind].column);
  const rows = await ch.query(
    sql`SELECT toString(${col}) AS value, groupUniqArray(api_key_id) AS keys, count() AS events
        FROM ${table(ch, 'usage_events')}
        WHERE has(${members}, api_key_id) AND ${inRange(range)}
          AND ${trusted(LINKS[kind].present)}
        GROUP BY value HAVING length(keys) >= 2 ORDER BY length(keys) DESC, events DESC, value
        LIMIT ${SHARED_PER_KIND} ${limitSettings(limits, SHARED_PER_KIND)}`,
    sharedSchema,
  );
  return rows.map((r) => ({ link: kind, ...r, keys: [...r.keys].sort() }));
}

/** Members of a cluster alert with their usage around it, and the values (templates, IPs, …) they share. */
export async function clusterEvidence(ch: ClickHouse, limits: QueryLimits, alert: AlertView) {
  const raised = Date.parse(alert.raised_at);
  const range = { fromMs: raised - WINDOW_BEFORE_MS, toMs: raised + WINDOW_AFTER_MS };
  const members = alert.api_key_ids;
  const kinds = Object.keys(LINKS) as LinkKind[];
  const [usage, ...shared] = await withQueryLimits(limits, () =>
    Promise.all([
      ch.query(
        sql`SELECT api_key_id, any(org_id) AS key_org, count() AS requests, sum(output_tokens) AS output_tokens,
              min(ts_ms) AS first_ms, max(ts_ms) AS last_ms
            FROM ${table(ch, 'usage_events')} FINAL
            WHERE has(${members}, api_key_id) AND ${inRange(range)}
            GROUP BY api_key_id LIMIT ${members.length} ${limitSettings(limits, members.length)}`,
        memberSchema,
      ),
      ...kinds.map((kind) => sharedBy(ch, limits, kind, members, range)),
    ]),
  );
  const byKey = new Map((usage as Array<z.infer<typeof memberSchema>>).map((u) => [u.api_key_id, u]));
  return {
    window: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() },
    members: members.map((key) => {
      const u = byKey.get(key);
      return {
        api_key_id: key,
        org_id: u?.key_org ?? null,
        requests: u?.requests ?? 0,
        output_tokens: u?.output_tokens ?? 0,
        first_seen: u ? new Date(u.first_ms).toISOString() : null,
        last_seen: u ? new Date(u.last_ms).toISOString() : null,
      };
    }),
    shared: shared.flat(),
  };
}
