import type { z } from 'zod';
import type { Alert } from '../../schemas/alert-v1.ts';
import { errors } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import type { ActionAudit, ActionLogFilter, ActionLogPage } from './action-audit.ts';
import { endingActionId, manualActionId } from './action-id.ts';
import {
  type ActiveAction,
  type AlertResolution,
  activeActionSchema,
  alertResolutionSchema,
  type BreakerStatus,
  type Decision,
  type KeyAction,
  type KeyActionState,
  type LimitRecommendation,
  type ManualActionInput,
  type ManualLiftInput,
  manualActionInputSchema,
  manualLiftInputSchema,
  SYSTEM_EXPIRY_ACTOR,
  SYSTEM_POLICY_ACTOR,
} from './action-schema.ts';
import { type PlannedAction, planAlertActions } from './alert-plan.ts';
import { type BreakerLimits, type BreakerTrip, CircuitBreaker } from './circuit-breaker.ts';
import { DecisionTable } from './decision-table.ts';
import type { KeyActionsTopic } from './key-actions-topic.ts';
import { withAction, withoutActions } from './key-state.ts';
import type { Policy } from './policy.ts';
import { matchRule, type RuleMatch } from './policy-match.ts';

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** Automatic throttling, manual actions and gateway decisions (issue 5 item 5). */
export interface ActionsService {
  /** Policy → actions: `enforce`, `dry_run`, or `recommendation` when the breaker is open or the alert suppressed. */
  handleAlert(alert: Alert, context?: { suppressed?: boolean }): Promise<KeyAction[]>;
  applyManual(input: ManualActionInput): Promise<KeyAction>;
  /** Lifts every active action on the key; returns the `lift` audit rows (empty when nothing was active). */
  liftManual(input: ManualLiftInput): Promise<KeyAction[]>;
  /** For `false_positive`/`benign_heavy_user`, lifts the automatic actions the alert caused; returns the lifts. */
  onAlertResolved(resolution: AlertResolution): Promise<KeyAction[]>;
  /** Synchronous, from memory: what a gateway should do with the key at `nowMs`. */
  decision(api_key_id: string, nowMs: number): Decision;
  /** Active enforced actions on the key (effective first), from memory. */
  activeActions(api_key_id: string, nowMs: number): KeyActionState | null;
  /** The audit log from ClickHouse, newest first, with a cursor for the next page. */
  listActions(filter: ActionLogFilter): Promise<ActionLogPage>;
  recommendLimits(api_key_id: string, range: TimeRange): Promise<LimitRecommendation>;
  breakerStatus(nowMs: number): BreakerStatus;
  /** Rebuilds the decision table from the compacted topic and starts consuming it and the expiry sweep. */
  start(): Promise<void>;
  /** Stops the sweep and the topic consumer. Safe to call twice. */
  close(): Promise<void>;
}

export interface ActionsServiceDeps {
  policy: Policy;
  breaker: BreakerLimits;
  audit: ActionAudit;
  topic: KeyActionsTopic;
  recommend: (api_key_id: string, range: TimeRange) => Promise<LimitRecommendation>;
  sweepIntervalMs: number;
  logger: Logger;
  clock?: () => number;
  /** Called when the breaker trips (after the error log); e.g. to raise an operator alert or a metric. */
  onBreakerTrip?: (trip: BreakerTrip) => void;
  /** Called with every batch of audited actions (any mode, lifts and expiries too); e.g. to count them. */
  onActions?: (actions: KeyAction[]) => void;
}

function asActive(a: KeyAction): ActiveAction {
  return activeActionSchema.parse(a);
}

function ending(kind: 'lift' | 'expire', target: ActiveAction, fields: Partial<KeyAction>): KeyAction {
  return {
    ...target,
    action_id: endingActionId(kind, target.action_id),
    action: kind,
    rpm: null,
    tpm: null,
    rule: '',
    target_action_id: target.action_id,
    expires_at_ms: null,
    ...fields,
  };
}

function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw errors.badInput(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
}

/** The actions service over its ports (audit, topic, usage history); see services/actions/README.md. */
export function createActionsService(deps: ActionsServiceDeps): ActionsService {
  const log = deps.logger.child({ component: 'actions' });
  const now = deps.clock ?? Date.now;
  const table = new DecisionTable();
  const breaker = new CircuitBreaker(deps.breaker, (trip) => {
    log.error(
      { event: 'circuit_breaker_tripped', ...trip },
      'circuit breaker tripped: automatic actions become recommendations',
    );
    deps.onBreakerTrip?.(trip);
  });
  let queue: Promise<unknown> = Promise.resolve();
  let sweepTimer: NodeJS.Timeout | null = null;
  let closing: Promise<void> | null = null;

  async function audit(actions: KeyAction[]): Promise<void> {
    await deps.audit.record(actions);
    if (actions.length) deps.onActions?.(actions);
  }

  /** Serialises every read-modify-write of key states inside this process. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn);
    queue = run.catch(() => {});
    return run;
  }

  async function publishState(apiKeyId: string, next: KeyActionState | null): Promise<void> {
    await deps.topic.publish(apiKeyId, next);
    table.apply(apiKeyId, next);
  }

  function onTopicRecord(apiKeyId: string, state: KeyActionState | null): void {
    table.apply(apiKeyId, state);
    for (const a of state?.actions ?? [])
      if (a.actor === SYSTEM_POLICY_ACTOR) breaker.record(a.action_id, a.org_id, a.created_at_ms, now());
  }

  function modeFor(planned: PlannedAction, match: RuleMatch, suppressed: boolean, nowMs: number): KeyAction {
    if (match.mode === 'dry_run') return { ...planned, mode: 'dry_run' };
    if (suppressed) return { ...planned, mode: 'recommendation', reason: `alert suppressed; ${planned.reason}` };
    const verdict = breaker.tryAcquire(planned.action_id, planned.org_id, nowMs);
    if (verdict.allowed) return { ...planned, mode: 'enforce' };
    return { ...planned, mode: 'recommendation', reason: `${verdict.reason}; ${planned.reason}` };
  }

  async function handleAlertNow(alert: Alert, suppressed: boolean): Promise<KeyAction[]> {
    const match = matchRule(deps.policy, alert);
    if (!match) return [];
    const nowMs = now();
    const planned = planAlertActions(alert, match, nowMs);
    const known = await deps.audit.find(
      alert.api_key_ids,
      planned.map((p) => p.action_id),
    );
    const byId = new Map(known.map((a) => [a.action_id, a]));
    const fresh = planned.filter((p) => !byId.has(p.action_id)).map((p) => modeFor(p, match, suppressed, nowMs));
    for (const a of fresh.filter((x) => x.mode === 'enforce'))
      await publishState(a.api_key_id, withAction(table.get(a.api_key_id), asActive(a), nowMs));
    await audit(fresh);
    if (fresh.length)
      log.info({ alert_id: alert.alert_id, rule: match.rule.name, actions: fresh.length }, 'alert acted on');
    const freshById = new Map(fresh.map((a) => [a.action_id, a]));
    return planned.map((p) => byId.get(p.action_id) ?? freshById.get(p.action_id)!);
  }

  async function applyManualNow(raw: ManualActionInput): Promise<KeyAction> {
    const input = parseInput(manualActionInputSchema, raw);
    const nowMs = now();
    const action: ActiveAction = {
      action_id: manualActionId(),
      api_key_id: input.api_key_id,
      org_id: input.org_id,
      action: input.action,
      mode: 'enforce',
      rpm: input.rpm ?? null,
      tpm: input.tpm ?? null,
      reason: input.reason,
      actor: input.actor,
      alert_id: '',
      rule: '',
      target_action_id: '',
      created_at_ms: nowMs,
      expires_at_ms: nowMs + input.durationMs,
    };
    await publishState(action.api_key_id, withAction(table.get(action.api_key_id), action, nowMs));
    await audit([action]);
    return action;
  }

  /** Removes the selected actions from the key, publishes the rest or a tombstone, audits one row per ended action. */
  async function endActions(
    apiKeyId: string,
    select: (a: ActiveAction) => boolean,
    toRow: (a: ActiveAction) => KeyAction,
  ): Promise<KeyAction[]> {
    const state = table.get(apiKeyId);
    if (!state) return [];
    const { next, removed } = withoutActions(state, select, now());
    if (removed.length === 0) return [];
    await publishState(apiKeyId, next);
    const rows = removed.map(toRow);
    await audit(rows);
    return rows;
  }

  function liftManualNow(raw: ManualLiftInput): Promise<KeyAction[]> {
    const input = parseInput(manualLiftInputSchema, raw);
    const at = now();
    return endActions(
      input.api_key_id,
      () => true,
      (a) => ending('lift', a, { reason: input.reason, actor: input.actor, created_at_ms: at }),
    );
  }

  async function onAlertResolvedNow(raw: AlertResolution): Promise<KeyAction[]> {
    const r = parseInput(alertResolutionSchema, raw);
    if (r.label === 'true_positive') return [];
    const at = now();
    const reason = `alert ${r.alert_id} resolved as ${r.label}`;
    const lifts: KeyAction[] = [];
    for (const key of r.api_key_ids) {
      const caused = (a: ActiveAction) => a.alert_id === r.alert_id && a.actor === SYSTEM_POLICY_ACTOR;
      lifts.push(
        ...(await endActions(key, caused, (a) => ending('lift', a, { reason, actor: r.actor, created_at_ms: at }))),
      );
    }
    if (lifts.length)
      log.info({ alert_id: r.alert_id, label: r.label, lifted: lifts.length }, 'automatic actions lifted');
    return lifts;
  }

  /** Tombstones expired actions; the audit row is stamped with the expiry so every instance writes the same row. */
  async function sweepNow(): Promise<void> {
    const nowMs = now();
    for (const key of table.keysWithExpired(nowMs)) {
      const expired = (a: ActiveAction) => a.expires_at_ms <= nowMs;
      await endActions(key, expired, (a) =>
        ending('expire', a, { reason: 'expired', actor: SYSTEM_EXPIRY_ACTOR, created_at_ms: a.expires_at_ms }),
      );
    }
  }

  function sweep(): void {
    exclusive(sweepNow).catch((error) => log.warn({ err: error }, 'expiry sweep failed; retrying next interval'));
  }

  return {
    handleAlert: (alert, context = {}) => exclusive(() => handleAlertNow(alert, context.suppressed === true)),
    applyManual: (input) => exclusive(() => applyManualNow(input)),
    liftManual: (input) => exclusive(() => liftManualNow(input)),
    onAlertResolved: (resolution) => exclusive(() => onAlertResolvedNow(resolution)),
    decision: (apiKeyId, nowMs) => table.decision(apiKeyId, nowMs),
    activeActions: (apiKeyId, nowMs) => table.active(apiKeyId, nowMs),
    listActions: (filter) => deps.audit.list(filter),
    recommendLimits: (apiKeyId, range) => deps.recommend(apiKeyId, range),
    breakerStatus: (nowMs) => breaker.status(nowMs),
    async start() {
      await deps.topic.start(onTopicRecord);
      sweepTimer = setInterval(sweep, deps.sweepIntervalMs);
      sweepTimer.unref();
      log.info(
        { keys: table.size, mode: deps.policy.mode, rules: deps.policy.rules.length },
        'actions service started',
      );
    },
    close() {
      closing ??= (async () => {
        if (sweepTimer) clearInterval(sweepTimer);
        await queue;
        await deps.topic.close();
        await deps.audit.close();
      })();
      return closing;
    },
  };
}
