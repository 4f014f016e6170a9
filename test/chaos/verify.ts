import { z } from 'zod';
import type { ClickHouse } from '../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../services/common/clickhouse/sql.ts';

const stored = z.object({
  rows: z.coerce.number(),
  distinct_ids: z.coerce.number(),
  in_range: z.coerce.number(),
});
const count = z.object({ rows: z.coerce.number() });

/**
 * What queries see (rows after FINAL, distinct ids, ids of the produced range) and `raw_rows`, the physical rows
 * before merges collapse redelivered copies.
 */
export async function storedEvents(ch: ClickHouse, produced: number) {
  const db = ident(ch.database);
  const [row] = await ch.query(
    sql`SELECT count() AS rows, uniqExact(event_id) AS distinct_ids,
               countIf(toUInt64OrZero(substring(event_id, 7)) < ${produced} AND startsWith(event_id, 'chaos-')) AS in_range
        FROM ${db}.usage_events FINAL`,
    stored,
  );
  const [raw] = await ch.query(sql`SELECT count() AS rows FROM ${db}.usage_events`, count);
  return { ...row!, raw_rows: raw!.rows };
}

const alertRow = z.object({ rows: z.coerce.number(), distinct_ids: z.coerce.number() });

export async function storedAlerts(ch: ClickHouse) {
  const db = ident(ch.database);
  const [row] = await ch.query(
    sql`SELECT count() AS rows, uniqExact(alert_id) AS distinct_ids FROM ${db}.alerts FINAL`,
    alertRow,
  );
  return row!;
}

/** The stored-events and alerts columns every scenario reports: what queries see, copies hidden by FINAL, duplicates. */
export function storedFigures(
  final: Awaited<ReturnType<typeof storedEvents>>,
  alerts: Awaited<ReturnType<typeof storedAlerts>>,
) {
  return {
    stored: final.distinct_ids,
    duplicates: final.rows - final.distinct_ids,
    redelivered: final.raw_rows - final.distinct_ids,
    alerts: `${alerts.distinct_ids} (${alerts.rows - alerts.distinct_ids} dup)`,
  };
}
