import type { Alert } from '../../schemas/alert-v1.ts';
import { manualActionId } from './action-id.ts';
import type { caseEnforcementSchema, KeyAction } from './action-schema.ts';
import type { PlannedAction } from './alert-plan.ts';
import type { PolicyMode } from './policy.ts';

export interface Skipped {
  api_key_id: string;
  reason: string;
}

/** What a throttle, a case enforcement or an alert did: actions taken (or found, for a retry) and keys left alone. */
export interface ActionOutcome {
  actions: KeyAction[];
  skipped: Skipped[];
}

/** How a batch of planned actions is acted on: the policy mode, and what to do to each before its mode is set. */
export interface ActContext {
  mode: PolicyMode;
  suppressed: boolean;
  nowMs: number;
  prepare: (p: PlannedAction) => Promise<PlannedAction>;
  /** The decision the breaker counts these actions under overall; each action's `alert_id` when absent. */
  decisionId?: string;
}

export interface ThrottlePlanInput {
  api_key_id: string;
  org_id: string;
  limits: { rpm: number; tpm: number };
  durationMs: number;
  reason: string;
  actor: string;
  source_id: string;
  idempotency_key?: string | undefined;
  nowMs: number;
}

/** A rate limit an analyst asked for, at the limits derived from the key's own usage. */
export function planThrottle(t: ThrottlePlanInput): PlannedAction {
  const idempotency = t.idempotency_key
    ? { apiKeyId: t.api_key_id, actor: t.actor, key: t.idempotency_key }
    : undefined;
  return {
    action_id: manualActionId(idempotency),
    api_key_id: t.api_key_id,
    org_id: t.org_id,
    action: 'rate_limit',
    rpm: t.limits.rpm,
    tpm: t.limits.tpm,
    reason: `${t.reason} (throttle at a fraction of the key's median rate)`,
    actor: t.actor,
    alert_id: t.source_id,
    rule: '',
    target_action_id: '',
    created_at_ms: t.nowMs,
    expires_at_ms: t.nowMs + t.durationMs,
  };
}

type CaseInput = ReturnType<typeof caseEnforcementSchema.parse>;

/** The case as an alert with its figures, so the policy matches it exactly as it would the alerts behind it. */
export function caseAsAlert(c: CaseInput, orgIds: string[], nowMs: number): Alert {
  return {
    alert_id: c.case_id,
    kind: c.kind,
    api_key_ids: c.api_key_ids,
    org_ids: orgIds,
    score: c.score,
    severity: c.severity,
    raised_at: new Date(nowMs).toISOString(),
    category: c.category,
    reasons: [],
    evidence_event_ids: [],
    escalates: null,
  };
}
