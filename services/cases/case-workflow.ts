import type { KeyAction } from '../actions/action-schema.ts';
import type { ActionsService } from '../actions/actions-service.ts';
import { actionsNotRunning, type Enforcement } from '../actions/enforcement.ts';
import { createAlertWorkflow } from '../alerts-store/alert-workflow.ts';
import { auditRow } from '../alerts-store/change-id.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { DistillGuardError, errors } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { findCase } from './case-queries.ts';
import type { CaseRecord, CaseResolution } from './case-schema.ts';
import { caseAlertRows, exclusive, getCaseRecord, writeCases } from './case-store.ts';
import { nextVersion } from './fold.ts';

export interface CaseResolutionResult {
  case: CaseRecord;
  /** Alerts of the case that took its label (those already resolved keep theirs). */
  labelled_alerts: number;
  lifted_actions: KeyAction[];
  enforced_actions: KeyAction[];
  /** Keys the policy left alone on enforce, and why (no rule matched, already acted on, …). */
  skipped: Array<{ api_key_id: string; reason: string }>;
  /** Whether the actions service runs in this process; when not, nothing was lifted or enforced. */
  enforcement: Enforcement;
  /** Set when the resolution is stored but lifting or enforcing failed: act by hand instead of retrying. */
  action_error?: string;
}

async function audit(ch: ClickHouse, before: CaseRecord, after: CaseRecord, actor: string, at: number) {
  await ch.insert('case_events', [
    auditRow({ case_id: after.case_id }, { version: after.version, actor, action: 'resolve', atMs: at, before, after }),
  ]);
}

/** Resolving a case: the label and note on a new version (audited), then the actions service's lift or enforce. */
export function createCaseWorkflow(
  ch: ClickHouse,
  deps: { now: () => number; logger: Logger; actions?: ActionsService },
) {
  const log = deps.logger.child({ component: 'cases' });
  const alerts = createAlertWorkflow(ch, deps.now);

  /** The case's label goes on each of its alerts too, so the alerts list and `labels export` agree with it. */
  async function labelAlerts(c: CaseRecord, actor: string, r: CaseResolution): Promise<number> {
    if (!c.label) return 0;
    let labelled = 0;
    for (const row of await caseAlertRows(ch, [c.case_id])) {
      try {
        await alerts.resolve(row.alert_id, actor, c.label, `case ${c.case_id}${r.note ? `: ${r.note}` : ''}`);
        labelled++;
      } catch (error) {
        // An alert an analyst already resolved keeps that resolution.
        if (!(error instanceof DistillGuardError && error.code === 'DG_ERR_CONFLICT')) throw error;
      }
    }
    return labelled;
  }

  async function store(caseId: string, actor: string, r: CaseResolution): Promise<CaseRecord> {
    return exclusive(async () => {
      const before = await getCaseRecord(ch, caseId);
      if (before.status === 'merged')
        throw errors.conflict(`case ${caseId} was merged into ${before.merged_into}; resolve that case`);
      if (before.status === 'resolved') throw errors.conflict(`case ${caseId} is already resolved`);
      const at = deps.now();
      const after: CaseRecord = {
        ...before,
        status: 'resolved',
        label: r.label,
        note: r.note,
        resolved_by: actor,
        resolved_at_ms: at,
        version: nextVersion(before.version, at),
      };
      await writeCases(ch, [after], at);
      await audit(ch, before, after, actor, at);
      return after;
    });
  }

  /**
   * False positives lift, through the existing lift path, what each of the case's alerts caused and what was started
   * from the case itself (throttles with the case id as source).
   */
  async function lift(actions: ActionsService, c: CaseRecord, actor: string): Promise<KeyAction[]> {
    const sources = [
      ...(await caseAlertRows(ch, [c.case_id])).map((r) => ({ id: r.alert_id, keys: r.api_key_ids })),
      { id: c.case_id, keys: c.api_key_ids },
    ];
    const lifted: KeyAction[] = [];
    for (const source of sources)
      lifted.push(
        ...(await actions.onAlertResolved({
          alert_id: source.id,
          api_key_ids: source.keys,
          label: c.label || 'false_positive',
          actor,
        })),
      );
    return lifted;
  }

  /** A confirmed case goes through the policy as an alert with the case's severity and top category would. */
  async function enforce(actions: ActionsService, c: CaseRecord, actor: string) {
    const row = await findCase(ch, c.case_id);
    return actions.enforceCase({
      case_id: c.case_id,
      kind: c.kind,
      api_key_ids: c.api_key_ids,
      org_ids: c.org_ids.length === c.api_key_ids.length ? c.org_ids : [],
      severity: row?.severity ?? 'low',
      category: row?.top_category ?? 'unknown',
      actor,
    });
  }

  return {
    async resolve(caseId: string, actor: string, r: CaseResolution): Promise<CaseResolutionResult> {
      const resolved = await store(caseId, actor, r);
      const result: CaseResolutionResult = {
        case: resolved,
        labelled_alerts: 0,
        lifted_actions: [],
        enforced_actions: [],
        skipped: [],
        enforcement: deps.actions ? 'running' : 'not_running',
      };
      const lifting = r.label !== 'true_positive';
      try {
        if (!deps.actions) {
          if (lifting || r.enforce) result.action_error = actionsNotRunning(lifting ? 'lifted' : 'enforced');
        } else if (lifting) result.lifted_actions = await lift(deps.actions, resolved, actor);
        else if (r.enforce) {
          const outcome = await enforce(deps.actions, resolved, actor);
          result.enforced_actions = outcome.actions;
          result.skipped = outcome.skipped;
        }
        result.labelled_alerts = await labelAlerts(resolved, actor, r);
      } catch (error) {
        log.error({ err: error, case_id: caseId }, 'acting on a resolved case failed');
        result.action_error = `the case is resolved but its alerts or keys were not all updated: ${(error as Error).message}`;
      }
      return result;
    },
  };
}
