import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';

/** What the event log knows of a key: its org (from its latest event) and when it was last seen (event time). */
const keyInfoSchema = z.object({ org_id: z.string(), last_event_ms: z.coerce.number().int() });
export type KeyInfo = z.infer<typeof keyInfoSchema>;

/** Null when the key has sent nothing. */
export type KeyInfoLookup = (apiKeyId: string) => Promise<KeyInfo | null>;

export function createKeyInfoLookup(ch: ClickHouse): KeyInfoLookup {
  const usageEvents = table(ch, 'usage_events');
  return async (apiKeyId) => {
    const [row] = await ch.query(
      sql`SELECT argMax(org_id, ts_ms) AS org_id, max(ts_ms) AS last_event_ms
          FROM ${usageEvents} WHERE api_key_id = ${apiKeyId} HAVING count() > 0`,
      keyInfoSchema,
    );
    return row ?? null;
  };
}
