import type { Alert } from '../../schemas/alert-v1.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { type AlertView, initialView, toAlertRow } from './alert-row.ts';
import { changeId } from './change-id.ts';
import { matchingSuppression, type Suppression } from './suppression-rules.ts';
import { createSuppressionStore } from './suppression-store.ts';

/**
 * Stores detector alerts as their initial triage state (status open, version 1) and returns those views.
 * Idempotent on alert_id: a replayed alert writes the same version-1 row, which never outranks an analyst's later
 * version. Active suppression rules are applied here: a suppressed alert is stored with `suppressed: true`, stays
 * queryable, is left out of the default queue, and callers must not act on it (check `view.suppressed`).
 * `rules` may be passed to avoid reading them (e.g. from `createSuppressionCheck(...).rules()`).
 */
export async function insertAlerts(
  ch: ClickHouse,
  alerts: Alert[],
  nowMs: number,
  rules?: Suppression[],
): Promise<AlertView[]> {
  if (alerts.length === 0) return [];
  const active = rules ?? (await createSuppressionStore(ch, () => nowMs).list({ activeOnly: true }));
  const decided = alerts.map((alert) => ({ alert, rule: matchingSuppression(alert, active, nowMs) }));
  const views = decided.map(({ alert, rule }) => initialView(alert, rule !== null, nowMs));
  await ch.insert(
    'alerts',
    views.map((v) => toAlertRow(v, nowMs)),
  );
  await ch.insert(
    'alert_events',
    decided.map(({ alert, rule }, i) => ({
      change_id: changeId(1, 'raise'),
      alert_id: alert.alert_id,
      at: Math.floor(Date.parse(views[i]!.raised_at) / 1000),
      at_ms: Date.parse(views[i]!.raised_at),
      actor: 'detector',
      action: 'raise',
      before: 'null',
      after: JSON.stringify({ status: 'open', suppressed_by: rule?.suppression_id ?? null }),
    })),
  );
  return views;
}
