import type { ClickHouse } from '../common/clickhouse/client.ts';
import { type SqlQuery, sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { ALERT_COLUMNS, type AlertLabel, type AlertView, alertRowSchema } from './alert-row.ts';
import { createAlertWorkflow } from './alert-workflow.ts';
import { matchingSuppression, type Suppression } from './suppression-rules.ts';

/** Most alerts one new rule closes in one request; the rest stay open (and suppressed from now on). */
const MAX_CLOSED_PER_RULE = 5_000;

/** An allowlisted key or org is a benign customer; a silenced feature means its alerts were false positives. */
const LABEL: Record<Suppression['scope'], AlertLabel> = {
  key: 'benign_heavy_user',
  org: 'benign_heavy_user',
  feature: 'false_positive',
};

function candidates(rule: Suppression): SqlQuery {
  if (rule.scope === 'key') return sql`has(api_key_ids, ${rule.value})`;
  if (rule.scope === 'org') return sql`has(org_ids, ${rule.value})`;
  return sql`position(reasons, ${rule.value}) > 0`;
}

/**
 * Resolves every open or acknowledged alert the rule covers (the same matching as new alerts: all keys or orgs of
 * the alert, or its top feature), labelled as `LABEL` says, with a note naming the rule. Returns them.
 */
export async function closeMatchingAlerts(
  ch: ClickHouse,
  rule: Suppression,
  actor: string,
  now: () => number,
): Promise<AlertView[]> {
  const open = await ch.query(
    sql`SELECT ${trusted(ALERT_COLUMNS)} FROM ${table(ch, 'alerts')} FINAL
        WHERE status != 'resolved' AND ${candidates(rule)} ORDER BY alert_id LIMIT ${MAX_CLOSED_PER_RULE}`,
    alertRowSchema,
  );
  const workflow = createAlertWorkflow(ch, now);
  const note = `closed by suppression ${rule.suppression_id} (${rule.scope} ${rule.value}): ${rule.reason}`;
  const closed: AlertView[] = [];
  for (const alert of open.filter((a) => matchingSuppression(a, [rule], now()) !== null))
    closed.push(await workflow.resolve(alert.alert_id, actor, LABEL[rule.scope], note));
  return closed;
}
