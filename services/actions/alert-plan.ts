import type { Alert } from '../../schemas/alert-v1.ts';
import { automaticActionId } from './action-id.ts';
import { type KeyAction, SYSTEM_POLICY_ACTOR } from './action-schema.ts';
import type { RuleMatch } from './policy-match.ts';

export type PlannedAction = Omit<KeyAction, 'mode'>;

/** Key i's org: paired by position when the alert lists one org per key, else the alert's first org. */
export function orgForKey(alert: Pick<Alert, 'org_ids' | 'api_key_ids'>, index: number): string {
  if (alert.org_ids.length === alert.api_key_ids.length) return alert.org_ids[index] ?? '';
  return alert.org_ids[0] ?? '';
}

function reasonFor(alert: Alert, match: RuleMatch, subject = `${alert.kind} alert`): string {
  const top = [...alert.reasons].sort((a, b) => b.contribution - a.contribution)[0];
  const because = top ? `; top reason ${top.feature}=${top.value}` : '';
  return (
    `policy rule ${match.rule.name}: ${subject} ${alert.alert_id} (${alert.category}, ` +
    `severity ${alert.severity}, score ${alert.score.toFixed(3)})${because}`
  );
}

export interface PlanOptions {
  nowMs: number;
  /** Set when the alert's event time is this far behind now: the rule's action is queued as a review instead. */
  backfillLagMs?: number;
  /** Who acts (default `system:policy`; an analyst enforcing a case). */
  actor?: string;
  /** What the reason calls the source (default `<kind> alert`; `cluster case` when a case is the decision). */
  subject?: string;
}

function backfillReason(lagMs: number, type: string, reason: string): string {
  const minutes = Math.round(lagMs / 60_000);
  return `backfill: event time ${minutes} min behind now, queued for review instead of ${type}; ${reason}`;
}

/** One action per distinct key of the alert, as the matched rule says; ids are deterministic for idempotency. */
export function planAlertActions(alert: Alert, match: RuleMatch, o: PlanOptions): PlannedAction[] {
  const outcome = match.rule.action;
  const backfill = o.backfillLagMs !== undefined && outcome.type !== 'require_review';
  const type = backfill ? 'require_review' : outcome.type;
  const reason = backfill
    ? backfillReason(o.backfillLagMs!, outcome.type, reasonFor(alert, match, o.subject))
    : reasonFor(alert, match, o.subject);
  const keys = alert.api_key_ids
    .map((api_key_id, i) => ({ api_key_id, org_id: orgForKey(alert, i) }))
    .filter((k, i) => alert.api_key_ids.indexOf(k.api_key_id) === i);
  return keys.map(({ api_key_id, org_id }) => ({
    action_id: automaticActionId(alert.alert_id, api_key_id, type),
    api_key_id,
    org_id,
    action: type,
    rpm: backfill ? null : (outcome.rpm ?? null),
    tpm: backfill ? null : (outcome.tpm ?? null),
    reason,
    actor: o.actor ?? SYSTEM_POLICY_ACTOR,
    alert_id: alert.alert_id,
    rule: match.rule.name,
    target_action_id: '',
    created_at_ms: o.nowMs,
    expires_at_ms: o.nowMs + outcome.duration,
  }));
}
