import type { z } from 'zod';
import type { TimeRange } from '../common/clickhouse/time-range.ts';
import { errors } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { parseOr } from '../common/zod-issues.ts';
import type { ActionAudit } from './action-audit.ts';
import { manualActionId } from './action-id.ts';
import {
  type ActiveAction,
  type CaseEnforcement,
  caseEnforcementSchema,
  type KeyAction,
  type LimitRecommendation,
  type ManualActionInput,
  manualActionInputSchema,
  type ThrottleInput,
  throttleInputSchema,
} from './action-schema.ts';
import { orgForKey, type PlannedAction, planAlertActions } from './alert-plan.ts';
import { type ActContext, type ActionOutcome, caseAsAlert, planThrottle, type Skipped } from './human-plan.ts';
import type { KeyInfo } from './key-info.ts';
import type { Policy } from './policy.ts';
import { matchRule } from './policy-match.ts';

/** Parses a service input; a failure is DG_ERR_BAD_INPUT naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return parseOr(schema, input, errors.badInput);
}

/** What the actions service lends to the actions people take: its clock, ports and the shared act-on path. */
export interface ActionCore {
  now(): number;
  policy: Policy;
  baselineMs: number;
  audit: ActionAudit;
  recommend(apiKeyId: string, range: TimeRange): Promise<LimitRecommendation>;
  keyInfo(apiKeyId: string): Promise<KeyInfo | null>;
  /** Idempotent on action ids, escalate-only, policy mode and breaker, publish and audit (actions-service.ts). */
  actOn(planned: PlannedAction[], ctx: ActContext): Promise<ActionOutcome>;
  withBaseline(p: PlannedAction, eventMs: number): Promise<PlannedAction>;
  /** Publishes one enforced action on its key and audits it. */
  enforce(action: ActiveAction): Promise<void>;
  log: Logger;
}

/** Manual actions, throttles (apply recommendation, cluster members) and case enforcement; see the README. */
export function createHumanActions(core: ActionCore) {
  async function applyManual(raw: ManualActionInput): Promise<KeyAction> {
    const input = parseInput(manualActionInputSchema, raw);
    const nowMs = core.now();
    const { idempotency_key: key, api_key_id, actor } = input;
    const action_id = manualActionId(key ? { apiKeyId: api_key_id, actor, key } : undefined);
    if (key) {
      const [first] = await core.audit.find([api_key_id], [action_id]);
      if (first) return first;
    }
    const action: ActiveAction = {
      action_id,
      api_key_id,
      org_id: (await core.keyInfo(api_key_id))?.org_id ?? input.org_id,
      action: input.action,
      mode: 'enforce',
      rpm: input.rpm ?? null,
      tpm: input.tpm ?? null,
      reason: input.reason,
      actor,
      alert_id: '',
      rule: '',
      target_action_id: '',
      created_at_ms: nowMs,
      expires_at_ms: nowMs + input.durationMs,
    };
    await core.enforce(action);
    return action;
  }

  async function throttleKeys(raw: ThrottleInput): Promise<ActionOutcome> {
    const t = parseInput(throttleInputSchema, raw);
    const nowMs = core.now();
    const planned: PlannedAction[] = [];
    const skipped: Skipped[] = [];
    for (const api_key_id of new Set(t.api_key_ids)) {
      const info = await core.keyInfo(api_key_id);
      const to = info?.last_event_ms ?? nowMs;
      const rec = info ? await core.recommend(api_key_id, { fromMs: to - core.baselineMs, toMs: to + 1 }) : null;
      if (!info || !rec?.throttle) skipped.push({ api_key_id, reason: 'no usage history to derive a throttle from' });
      else planned.push(planThrottle({ ...t, api_key_id, org_id: info.org_id, limits: rec.throttle, nowMs }));
    }
    const outcome = await core.actOn(planned, {
      mode: core.policy.mode,
      suppressed: false,
      nowMs,
      prepare: async (p) => p,
    });
    return { actions: outcome.actions, skipped: [...skipped, ...outcome.skipped] };
  }

  async function enforceCase(raw: CaseEnforcement): Promise<ActionOutcome> {
    const c = parseInput(caseEnforcementSchema, raw);
    const nowMs = core.now();
    const infos = new Map<string, KeyInfo | null>();
    for (const key of new Set(c.api_key_ids)) infos.set(key, await core.keyInfo(key));
    const orgIds = c.org_ids.length
      ? c.api_key_ids.map((_, i) => orgForKey(c, i))
      : c.api_key_ids.map((k) => infos.get(k)?.org_id ?? '');
    const alert = caseAsAlert(c, orgIds, nowMs);
    const match = matchRule(core.policy, alert);
    if (!match) {
      const reason = `no policy rule matches a ${c.severity} ${c.kind} case (${c.category}, ${infos.size} keys)`;
      return { actions: [], skipped: [...infos.keys()].map((api_key_id) => ({ api_key_id, reason })) };
    }
    const planned = planAlertActions(alert, match, { nowMs, actor: c.actor }).map((p) => ({
      ...p,
      reason: `case ${c.case_id} confirmed by ${c.actor}; ${p.reason}`,
    }));
    const prepare = (p: PlannedAction) => core.withBaseline(p, infos.get(p.api_key_id)?.last_event_ms ?? nowMs);
    const outcome = await core.actOn(planned, { mode: match.mode, suppressed: false, nowMs, prepare });
    core.log.info({ case_id: c.case_id, rule: match.rule.name, actions: outcome.actions.length }, 'case enforced');
    return outcome;
  }

  return { applyManual, throttleKeys, enforceCase };
}
