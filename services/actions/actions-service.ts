import type { Alert } from '../../schemas/alert-v1.ts';
import type { TimeRange } from '../common/clickhouse/time-range.ts';
import type { Logger } from '../common/logger.ts';
import type { ActionAudit, ActionLogFilter, ActionLogPage } from './action-audit.ts';
import { endingActionId } from './action-id.ts';
import {
  type ActiveAction,
  type AlertResolution,
  activeActionSchema,
  alertResolutionSchema,
  type BreakerStatus,
  type CaseEnforcement,
  type CaseEvidence,
  caseEvidenceSchema,
  type Decision,
  type KeyAction,
  type KeyActionState,
  type LimitRecommendation,
  type ManualActionInput,
  type ManualLiftInput,
  manualLiftInputSchema,
  SYSTEM_EXPIRY_ACTOR,
  SYSTEM_POLICY_ACTOR,
  type ThrottleInput,
} from './action-schema.ts';
import { type PlannedAction, planAlertActions } from './alert-plan.ts';
import { type BreakerLimits, type BreakerTrip, CircuitBreaker } from './circuit-breaker.ts';
import { DecisionTable, strictness } from './decision-table.ts';
import { EscalationChains } from './escalation-chains.ts';
import { createHumanActions, parseInput } from './human-actions.ts';
import { type ActContext, type ActionOutcome, caseAsAlert, type Skipped } from './human-plan.ts';
import { withAction, withoutActions } from './key-action-state.ts';
import type { KeyActionsTopic } from './key-actions-topic.ts';
import type { KeyInfoLookup } from './key-info.ts';
import type { Policy } from './policy.ts';
import { matchRule } from './policy-match.ts';
import { bitingLimits } from './throttle-limits.ts';

/** Automatic throttling, manual actions and gateway decisions (issue 5 item 5). */
export interface ActionsService {
  /** Policy → actions: `enforce`, `dry_run`, or `recommendation` when the breaker is open or the alert suppressed. */
  handleAlert(alert: Alert, context?: { suppressed?: boolean }): Promise<KeyAction[]>;
  /** Enforced at once whatever the policy mode; the key's org is looked up; a repeated idempotency key returns the first. */
  applyManual(input: ManualActionInput): Promise<KeyAction>;
  /** Rate-limits each key at the throttle derived from its own usage (apply recommendation; a cluster's members). */
  throttleKeys(input: ThrottleInput): Promise<ActionOutcome>;
  /** A case resolved as a true positive: its keys go through the policy (mode, no-repeat, audit, lift on resolve). */
  enforceCase(input: CaseEnforcement): Promise<ActionOutcome>;
  /**
   * An open case after new evidence: the policy acts on it as one automatic decision (ids per case and key, breaker,
   * backfill by its latest evidence), so a cluster case whose members' alerts raise its severity limits every member.
   */
  handleCase(input: CaseEvidence): Promise<KeyAction[]>;
  /** Lifts every active action on the key; returns the `lift` audit rows (empty when nothing was active). */
  liftManual(input: ManualLiftInput): Promise<KeyAction[]>;
  /** For `false_positive`/`benign_heavy_user`, lifts the actions the alert (or case) caused; returns the lifts. */
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
  /** Alerts whose event time is further behind now are queued as require_review, outside the breaker (15 min). */
  backfillLagMs?: number;
  /** Event-time span of usage before an alert that is the key's baseline for a throttle (24 h). */
  baselineMs?: number;
  /** The key's org and last event time, from the event log; without it manual actions keep the given org. */
  keyInfo?: KeyInfoLookup;
}

const DEFAULT_BACKFILL_LAG_MS = 15 * 60_000;
const DEFAULT_BASELINE_MS = 86_400_000;
const COVERED = 'the key already has an active action at least as strong';

/**
 * The breaker counts decisions, not keys: an alert is one decision overall and one entry per org of its keys, so a
 * cluster alert over 30 keys of 30 orgs is one of the overall limit and one of each org's (a runaway detector
 * raising many alerts still trips it; `max_cluster_size` bounds a cluster).
 */
const breakerEntry = (a: Pick<KeyAction, 'alert_id' | 'org_id'>) => `${a.alert_id}\u0000${a.org_id}`;

/** Rate limits and suspensions restrict traffic; a review without limits only queues the key for a human. */
const restricts = (a: Pick<KeyAction, 'action' | 'rpm' | 'tpm'>) => strictness(a) >= 2;

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

/** The actions service over its ports (audit, topic, usage history); see services/actions/README.md. */
export function createActionsService(deps: ActionsServiceDeps): ActionsService {
  const log = deps.logger.child({ component: 'actions' });
  const now = deps.clock ?? Date.now;
  const table = new DecisionTable();
  const chains = new EscalationChains();
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
  const backfillLagMs = deps.backfillLagMs ?? DEFAULT_BACKFILL_LAG_MS;
  const baselineMs = deps.baselineMs ?? DEFAULT_BASELINE_MS;

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
      if (a.actor === SYSTEM_POLICY_ACTOR && restricts(a))
        breaker.record(breakerEntry(a), a.org_id, a.created_at_ms, now(), a.alert_id);
  }

  /**
   * Only automatic restricting actions count against the breaker; people acting and reviews never do. Overall they
   * count under `ctx.decisionId` (an escalation chain's first alert), in their org under their own alert.
   */
  function modeFor(planned: PlannedAction, ctx: ActContext): KeyAction {
    if (ctx.mode === 'dry_run') return { ...planned, mode: 'dry_run' };
    if (ctx.suppressed) return { ...planned, mode: 'recommendation', reason: `alert suppressed; ${planned.reason}` };
    if (planned.actor !== SYSTEM_POLICY_ACTOR || !restricts(planned)) return { ...planned, mode: 'enforce' };
    const decisionId = ctx.decisionId ?? planned.alert_id;
    const verdict = breaker.tryAcquire(breakerEntry(planned), planned.org_id, ctx.nowMs, decisionId);
    if (verdict.allowed) return { ...planned, mode: 'enforce' };
    return { ...planned, mode: 'recommendation', reason: `${verdict.reason}; ${planned.reason}` };
  }

  /** Escalate only: a key that already has an active action of the same or a stronger kind is left alone. */
  function covered(p: PlannedAction, nowMs: number): boolean {
    return (table.active(p.api_key_id, nowMs)?.actions ?? []).some((a) => strictness(a) >= strictness(p));
  }

  /** The policy's limits lowered to a fraction of the key's median usage before `eventMs` (README "Limits that bite"). */
  async function withBaseline(p: PlannedAction, eventMs: number): Promise<PlannedAction> {
    if (!restricts(p) || p.action === 'suspend') return p;
    const rec = await deps.recommend(p.api_key_id, { fromMs: eventMs - baselineMs, toMs: eventMs + 60_000 });
    const limits = bitingLimits(p, rec);
    if (limits.rpm === p.rpm && limits.tpm === p.tpm) return p;
    const median = rec.requests_per_minute?.p50 ?? 0;
    return { ...p, ...limits, reason: `${p.reason}; limits lowered to a fraction of the key's median ${median} rpm` };
  }

  /** Known ids are returned as audited (retries act once); covered keys are skipped; the rest are acted on. */
  async function actOn(planned: PlannedAction[], ctx: ActContext): Promise<ActionOutcome> {
    const known = await deps.audit.find(
      planned.map((p) => p.api_key_id),
      planned.map((p) => p.action_id),
    );
    const byId = new Map(known.map((a) => [a.action_id, a]));
    const fresh: KeyAction[] = [];
    const skipped: Skipped[] = [];
    for (const p of planned) {
      if (byId.has(p.action_id)) continue;
      if (covered(p, ctx.nowMs)) skipped.push({ api_key_id: p.api_key_id, reason: COVERED });
      else fresh.push(modeFor(await ctx.prepare(p), ctx));
    }
    for (const a of fresh.filter((x) => x.mode === 'enforce'))
      await publishState(a.api_key_id, withAction(table.get(a.api_key_id), asActive(a), ctx.nowMs));
    await audit(fresh);
    const freshById = new Map(fresh.map((a) => [a.action_id, a]));
    const actions = planned.flatMap((p) => byId.get(p.action_id) ?? freshById.get(p.action_id) ?? []);
    return { actions, skipped };
  }

  async function handleAlertNow(alert: Alert, suppressed: boolean, subject?: string): Promise<KeyAction[]> {
    const match = matchRule(deps.policy, alert);
    if (!match) return [];
    const nowMs = now();
    const raisedMs = Date.parse(alert.raised_at);
    const eventMs = Number.isFinite(raisedMs) ? raisedMs : nowMs;
    const lagMs = nowMs - eventMs;
    const backfill = lagMs > backfillLagMs ? { backfillLagMs: lagMs } : {};
    const planned = planAlertActions(alert, match, { nowMs, ...backfill, ...(subject && { subject }) });
    const prepare = (p: PlannedAction) => withBaseline(p, eventMs);
    const decisionId = chains.rootOf(alert);
    const { actions, skipped } = await actOn(planned, { mode: match.mode, suppressed, nowMs, prepare, decisionId });
    if (actions.length || skipped.length)
      log.info(
        { alert_id: alert.alert_id, rule: match.rule.name, actions: actions.length, skipped: skipped.length },
        'alert acted on',
      );
    return actions;
  }

  /**
   * The case as an alert of its own (id = case id). Orgs paired by position, else each key's from the event log,
   * looked up only when a rule matches (the projector calls this after every batch that touches the case).
   */
  async function handleCaseNow(raw: CaseEvidence): Promise<KeyAction[]> {
    const c = parseInput(caseEvidenceSchema, raw);
    const unpaired = caseAsAlert({ ...c, actor: SYSTEM_POLICY_ACTOR }, [], c.last_evidence_ms);
    if (!matchRule(deps.policy, unpaired)) return [];
    const orgIds =
      c.org_ids.length === c.api_key_ids.length
        ? c.org_ids
        : await Promise.all(c.api_key_ids.map(async (k) => (await deps.keyInfo?.(k))?.org_id ?? c.org_ids[0] ?? ''));
    return handleAlertNow({ ...unpaired, org_ids: orgIds }, false, `${c.kind} case`);
  }

  const people = createHumanActions({
    now,
    policy: deps.policy,
    baselineMs,
    audit: deps.audit,
    recommend: deps.recommend,
    keyInfo: (key) => (deps.keyInfo ? deps.keyInfo(key) : Promise.resolve(null)),
    actOn,
    withBaseline,
    async enforce(action) {
      await publishState(action.api_key_id, withAction(table.get(action.api_key_id), action, action.created_at_ms));
      await audit([action]);
    },
    log,
  });

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
      const caused = (a: ActiveAction) => a.alert_id === r.alert_id;
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
    applyManual: (input) => exclusive(() => people.applyManual(input)),
    throttleKeys: (input) => exclusive(() => people.throttleKeys(input)),
    enforceCase: (input) => exclusive(() => people.enforceCase(input)),
    handleCase: (input) => exclusive(() => handleCaseNow(input)),
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
