import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, sql } from '../common/clickhouse/sql.ts';

/** What the event log knows of a key: its org (from its latest event) and when it was last seen (event time). */
export interface KeyInfo {
  org_id: string;
  last_event_ms: number;
}

/** Null when the key has sent nothing. */
export type KeyInfoLookup = (apiKeyId: string) => Promise<KeyInfo | null>;

const rowSchema = z.object({ org_id: z.string(), last_event_ms: z.coerce.number().int() });

export function createKeyInfoLookup(ch: ClickHouse): KeyInfoLookup {
  const table = sql`${ident(ch.database)}.${ident('usage_events')}`;
  return async (apiKeyId) => {
    const [row] = await ch.query(
      sql`SELECT argMax(org_id, ts_ms) AS org_id, max(ts_ms) AS last_event_ms
          FROM ${table} WHERE api_key_id = ${apiKeyId} HAVING count() > 0`,
      rowSchema,
    );
    return row ?? null;
  };
}
