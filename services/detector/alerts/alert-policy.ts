import { createHash } from 'node:crypto';
import type { Alert } from '../../../schemas/alert-v1.ts';
import type { EnsembleResult } from '../scorers/ensemble.ts';
import type { KeyState } from '../state/key-state.ts';

export interface AlertPolicy {
  cooldownMs: number;
  escalationDelta: number;
}

/** Deterministic id: replaying the same events yields the same ids. */
export function alertId(kind: string, subject: string, category: string, ts: number, escalates: string | null): string {
  return createHash('sha256')
    .update(`${kind}\u0000${subject}\u0000${category}\u0000${ts}\u0000${escalates ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * Raises a key alert when the evidence crossed the alert threshold (severity medium or above) or, as an informational
 * `low` alert, when only anomaly speaks for the key; at most once per key and category within the cooldown
 * (event time), except an escalation when the score rose by at least `escalationDelta` since the last alert.
 */
export function decideKeyAlert(state: KeyState, result: EnsembleResult, ts: number, policy: AlertPolicy): Alert | null {
  if (result.severity === 'low' && !result.informational) return null;
  const previous = state.alerts[result.category];
  const inCooldown = previous !== undefined && ts - previous.raisedAt < policy.cooldownMs;
  if (inCooldown && result.score < previous.score + policy.escalationDelta) return null;
  const escalates = inCooldown ? previous.alertId : null;
  const id = alertId('key', state.apiKeyId, result.category, ts, escalates);
  state.alerts[result.category] = { alertId: id, score: result.score, raisedAt: ts };
  return {
    alert_id: id,
    kind: 'key',
    api_key_ids: [state.apiKeyId],
    org_ids: [state.orgId],
    score: result.score,
    severity: result.severity,
    raised_at: new Date(ts).toISOString(),
    category: result.category,
    reasons: result.reasons,
    evidence_event_ids: state.evidenceIds(),
    escalates,
  };
}
