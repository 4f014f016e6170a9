import { type CaseRecord, caseIdFor, type FoldAlert } from './case-schema.ts';

/** What folding one alert changed: the case it joined and every case row to write (new, grown or merged). */
export interface FoldStep {
  caseId: string;
  upserts: CaseRecord[];
  /** Key cases absorbed by a cluster case: their evidence is copied under `into`. */
  merged: Array<{ from: string; into: string }>;
}

/** Versions only grow: the wall clock, or one more than the previous version when the clock lags. */
export function nextVersion(previous: number, nowMs: number): number {
  return Math.max(previous + 1, nowMs);
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

function openCase(alert: FoldAlert, nowMs: number): CaseRecord {
  return {
    case_id: caseIdFor(alert.alert_id),
    kind: alert.kind,
    api_key_ids: [...new Set(alert.api_key_ids)],
    org_ids: [...new Set(alert.org_ids)],
    first_alert_id: alert.alert_id,
    opened_at_ms: alert.raised_at_ms,
    status: 'open',
    merged_into: '',
    label: '',
    note: '',
    resolved_by: '',
    resolved_at_ms: 0,
    version: nowMs,
  };
}

/** The open cluster case sharing most members with `keys` (the oldest on a tie), if any. */
function clusterCaseFor(open: Map<string, CaseRecord>, keys: string[]): CaseRecord | undefined {
  let best: { c: CaseRecord; overlap: number } | undefined;
  for (const c of open.values()) {
    if (c.kind !== 'cluster' || c.status !== 'open') continue;
    const overlap = keys.filter((k) => c.api_key_ids.includes(k)).length;
    if (overlap === 0) continue;
    const better =
      !best ||
      overlap > best.overlap ||
      (overlap === best.overlap &&
        (c.opened_at_ms < best.c.opened_at_ms ||
          (c.opened_at_ms === best.c.opened_at_ms && c.case_id < best.c.case_id)));
    if (better) best = { c, overlap };
  }
  return best?.c;
}

function keyCaseFor(open: Map<string, CaseRecord>, key: string): CaseRecord | undefined {
  for (const c of open.values()) if (c.kind === 'key' && c.status === 'open' && c.api_key_ids[0] === key) return c;
  return undefined;
}

/** Members' open key cases become `merged` into the cluster case, so a hydra network is one row in the queue. */
function absorbMemberCases(open: Map<string, CaseRecord>, cluster: CaseRecord, nowMs: number, step: FoldStep): void {
  for (const c of [...open.values()]) {
    if (c.kind !== 'key' || c.status !== 'open' || !cluster.api_key_ids.includes(c.api_key_ids[0] ?? '')) continue;
    const merged: CaseRecord = {
      ...c,
      status: 'merged',
      merged_into: cluster.case_id,
      version: nextVersion(c.version, nowMs),
    };
    open.set(c.case_id, merged);
    step.upserts.push(merged);
    step.merged.push({ from: c.case_id, into: cluster.case_id });
  }
}

function foldCluster(open: Map<string, CaseRecord>, alert: FoldAlert, nowMs: number, step: FoldStep): CaseRecord {
  const existing = clusterCaseFor(open, alert.api_key_ids);
  let target = existing ?? openCase(alert, nowMs);
  const grows = existing && alert.api_key_ids.some((k) => !existing.api_key_ids.includes(k));
  if (grows)
    target = {
      ...target,
      api_key_ids: union(target.api_key_ids, alert.api_key_ids),
      org_ids: union(target.org_ids, alert.org_ids),
      version: nextVersion(target.version, nowMs),
    };
  if (!existing || grows) {
    open.set(target.case_id, target);
    step.upserts.push(target);
  }
  absorbMemberCases(open, target, nowMs, step);
  return target;
}

function foldKey(open: Map<string, CaseRecord>, alert: FoldAlert, nowMs: number, step: FoldStep): CaseRecord {
  const key = alert.api_key_ids[0] ?? '';
  const existing = clusterCaseFor(open, [key]) ?? keyCaseFor(open, key);
  if (existing) return existing;
  const created = openCase(alert, nowMs);
  open.set(created.case_id, created);
  step.upserts.push(created);
  return created;
}

/**
 * Folds one alert into the open cases (mutating `open`, the working set of open cases touching its keys): a key
 * alert joins its key's cluster case, else its key case, else opens one; a cluster alert joins the open cluster case
 * sharing most members (growing it), else opens one, and absorbs its members' key cases.
 */
export function foldAlert(open: Map<string, CaseRecord>, alert: FoldAlert, nowMs: number): FoldStep {
  const step: FoldStep = { caseId: '', upserts: [], merged: [] };
  const target = alert.kind === 'cluster' ? foldCluster(open, alert, nowMs, step) : foldKey(open, alert, nowMs, step);
  step.caseId = target.case_id;
  return step;
}
