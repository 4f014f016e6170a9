import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

/** What two keys may share; each maps to a usage_events column chosen here, with its "has a value" test. */
export const LINKS = {
  template: { column: 'prompt_simhash', present: "prompt_simhash != ''" },
  system_prompt: { column: 'system_prompt_sha256', present: "system_prompt_sha256 != ''" },
  client_ip: { column: 'client_ip', present: "client_ip != ''" },
  asn: { column: 'client_asn', present: 'isNotNull(client_asn)' },
} as const;
export type LinkKind = keyof typeof LINKS;

const rowSchema = z.object({
  api_key_id: z.string(),
  org_id: z.string(),
  shared_values: z.coerce.number(),
  events: z.coerce.number(),
});

const linkedKeySchema = z.object({
  api_key_id: z.string(),
  org_id: z.string(),
  /** Per link kind: how many distinct values the two keys share. */
  shared: z.partialRecord(z.enum(Object.keys(LINKS) as [LinkKind]), z.number()),
  events: z.number(),
});
type LinkedKey = z.infer<typeof linkedKeySchema>;
export const linkedKeysSchema = z.object({
  key: z.string(),
  linked: z.array(linkedKeySchema),
  next_offset: z.number().nullable(),
});

async function linkedBy(ch: ClickHouse, limits: QueryLimits, kind: LinkKind, key: string, range: TimeRange) {
  const col = ident(LINKS[kind].column);
  const present = trusted(LINKS[kind].present);
  const events = table(ch, 'usage_events');
  return ch.query(
    sql`SELECT api_key_id, any(org_id) AS org_id, uniqExact(${col}) AS shared_values, count() AS events
        FROM ${events}
        WHERE ${inRange(range)} AND api_key_id != ${key} AND ${present}
          AND ${col} IN (SELECT ${col} FROM ${events} WHERE api_key_id = ${key} AND ${inRange(range)} AND ${present})
        GROUP BY api_key_id ORDER BY shared_values DESC, api_key_id LIMIT ${limits.maxRows}
        ${limitSettings(limits, limits.maxRows)}`,
    rowSchema,
  );
}

/** Keys sharing templates, system prompts, client IPs or ASNs with `key` in the range; most links first. */
export async function linkedKeys(
  ch: ClickHouse,
  limits: QueryLimits,
  req: { key: string; range: TimeRange; limit: number; offset: number },
) {
  const kinds = Object.keys(LINKS) as LinkKind[];
  const results = await withQueryLimits(limits, () =>
    Promise.all(kinds.map((kind) => linkedBy(ch, limits, kind, req.key, req.range))),
  );
  const merged = new Map<string, LinkedKey>();
  results.forEach((rows, i) => {
    for (const r of rows) {
      const entry = merged.get(r.api_key_id) ?? { api_key_id: r.api_key_id, org_id: r.org_id, shared: {}, events: 0 };
      entry.shared[kinds[i]!] = r.shared_values;
      entry.events = Math.max(entry.events, r.events);
      merged.set(r.api_key_id, entry);
    }
  });
  const strength = (k: LinkedKey) =>
    Object.keys(k.shared).length * 1e9 + Object.values(k.shared).reduce((a, b) => a + b, 0);
  const ranked = [...merged.values()].sort(
    (a, b) => strength(b) - strength(a) || a.api_key_id.localeCompare(b.api_key_id),
  );
  const page = ranked.slice(req.offset, req.offset + req.limit);
  return {
    key: req.key,
    linked: page,
    next_offset: req.offset + req.limit < ranked.length ? req.offset + req.limit : null,
  };
}
