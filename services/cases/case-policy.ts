import type { ActionsService } from '../actions/actions-service.ts';
import type { CaseRow } from './case-queries.ts';

/**
 * The policy on open cluster cases: a hydra network's case collects its members' key alerts, so its severity can
 * reach the cluster rule when no single cluster alert does; the case is then one automatic decision over its members.
 */
export function clusterCasePolicy(actions: Pick<ActionsService, 'handleCase'>) {
  return async (cases: CaseRow[]): Promise<void> => {
    for (const c of cases) {
      if (c.kind !== 'cluster' || c.status !== 'open') continue;
      await actions.handleCase({
        case_id: c.case_id,
        kind: c.kind,
        api_key_ids: c.api_key_ids,
        // A case's orgs are the union of its alerts' orgs, not paired with its keys: each key's org is looked up.
        org_ids: [],
        severity: c.severity,
        category: c.top_category,
        score: c.max_score,
        last_evidence_ms: c.last_evidence_ms,
      });
    }
  };
}
