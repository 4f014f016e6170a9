import type { Alert } from '../../schemas/alert-v1.ts';
import { automaticActionId } from './action-id.ts';
import { type KeyAction, SYSTEM_POLICY_ACTOR } from './action-schema.ts';
import type { RuleMatch } from './policy-match.ts';

export type PlannedAction = Omit<KeyAction, 'mode'>;

/** Key i's org: paired by position when the alert lists one org per key, else the alert's first org. */
export function orgForKey(alert: Alert, index: number): string {
  if (alert.org_ids.length === alert.api_key_ids.length) return alert.org_ids[index] ?? '';
  return alert.org_ids[0] ?? '';
}

function reasonFor(alert: Alert, match: RuleMatch): string {
  const top = [...alert.reasons].sort((a, b) => b.contribution - a.contribution)[0];
  const because = top ? `; top reason ${top.feature}=${top.value}` : '';
  return (
    `policy rule ${match.rule.name}: ${alert.kind} alert ${alert.alert_id} (${alert.category}, ` +
    `severity ${alert.severity}, score ${alert.score.toFixed(3)})${because}`
  );
}

/** One action per distinct key of the alert, as the matched rule says; ids are deterministic for idempotency. */
export function planAlertActions(alert: Alert, match: RuleMatch, nowMs: number): PlannedAction[] {
  const outcome = match.rule.action;
  const reason = reasonFor(alert, match);
  const keys = alert.api_key_ids
    .map((api_key_id, i) => ({ api_key_id, org_id: orgForKey(alert, i) }))
    .filter((k, i) => alert.api_key_ids.indexOf(k.api_key_id) === i);
  return keys.map(({ api_key_id, org_id }) => ({
    action_id: automaticActionId(alert.alert_id, api_key_id, outcome.type),
    api_key_id,
    org_id,
    action: outcome.type,
    rpm: outcome.rpm ?? null,
    tpm: outcome.tpm ?? null,
    reason,
    actor: SYSTEM_POLICY_ACTOR,
    alert_id: alert.alert_id,
    rule: match.rule.name,
    target_action_id: '',
    created_at_ms: nowMs,
    expires_at_ms: nowMs + outcome.duration,
  }));
}
