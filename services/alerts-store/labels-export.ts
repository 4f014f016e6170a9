import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { alertLabelSchema } from './alert-row.ts';

/** One analyst label per key of a resolved alert: the line format `train --with-labels` reads. */
const labelLineSchema = z.object({
  api_key_id: z.string(),
  label: alertLabelSchema,
  /** Event time the verdict is about: the alert's raised_at (RFC 3339), so replayed history lines up. */
  ts: z.string(),
  alert_id: z.string(),
});
export type LabelLine = z.infer<typeof labelLineSchema>;

const rowSchema = z.object({
  api_key_id: z.string(),
  label: alertLabelSchema,
  raised_at_ms: z.coerce.number(),
  alert_id: z.string(),
});

/** Labels of every currently resolved alert, by event time; a reopened alert's old label is not exported. */
export async function exportLabels(ch: ClickHouse): Promise<LabelLine[]> {
  const rows = await ch.query(
    sql`SELECT api_key_id, label, raised_at_ms, alert_id
        FROM ${table(ch, 'alerts')} FINAL ARRAY JOIN api_key_ids AS api_key_id
        WHERE status = 'resolved' AND label != '' ORDER BY raised_at_ms, alert_id, api_key_id`,
    rowSchema,
  );
  return rows.map((r) => ({
    api_key_id: r.api_key_id,
    label: r.label,
    ts: new Date(r.raised_at_ms).toISOString(),
    alert_id: r.alert_id,
  }));
}
