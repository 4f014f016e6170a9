import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { errors } from '../common/errors.ts';
import type { AnalystLabel } from './analyst-labels.ts';

/** An analyst verdict on one key of a resolved alert, with the alert's category and event time. */
export interface StoredVerdict {
  label: AnalystLabel['label'];
  raisedAtMs: number;
  category: string;
}

/** What the alerts table says about keys up to a time: verdicts, every alerted key, keys in unresolved alerts. */
export interface AlertHistory {
  verdicts: Map<string, StoredVerdict[]>;
  alerted: Set<string>;
  open: Set<string>;
}

/** Alert-key pairs read at most; more means the window should end earlier (the read is one bounded query). */
const MAX_ALERT_KEYS = 1_000_000;

const rowSchema = z.object({
  api_key_id: z.string(),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  label: z.enum(['true_positive', 'false_positive', 'benign_heavy_user', '']),
  category: z.string(),
  severity: z.string(),
  raised_at_ms: z.coerce.number(),
});

/**
 * Every alert (current state) raised before `toMs`, per key; a verdict is the label of a resolved alert. Unresolved
 * informational alerts (severity low: anomaly without extraction evidence) are not counted.
 */
export async function readAlertHistory(ch: ClickHouse, toMs: number, limit = MAX_ALERT_KEYS): Promise<AlertHistory> {
  const rows = await ch.query(
    sql`SELECT api_key_id, status, label, category, severity, raised_at_ms
        FROM ${table(ch, 'alerts')} FINAL ARRAY JOIN api_key_ids AS api_key_id
        WHERE raised_at_ms < ${toMs} ORDER BY raised_at_ms, alert_id, api_key_id LIMIT ${limit + 1}`,
    rowSchema,
  );
  if (rows.length > limit) throw errors.badInput(`more than ${limit} alerted keys before --to; pick an earlier --to`);
  const history: AlertHistory = { verdicts: new Map(), alerted: new Set(), open: new Set() };
  for (const row of rows) {
    // Informational (low) alerts never enter the queue, so nobody resolves them: they neither alert nor block a key.
    if (row.severity === 'low' && (row.status !== 'resolved' || row.label === '')) continue;
    history.alerted.add(row.api_key_id);
    if (row.status !== 'resolved') history.open.add(row.api_key_id);
    else if (row.label !== '') {
      const list = history.verdicts.get(row.api_key_id) ?? [];
      list.push({ label: row.label, raisedAtMs: row.raised_at_ms, category: row.category });
      history.verdicts.set(row.api_key_id, list);
    }
  }
  return history;
}

export function hasTruePositive(history: AlertHistory, apiKeyId: string): boolean {
  return (history.verdicts.get(apiKeyId) ?? []).some((v) => v.label === 'true_positive');
}
