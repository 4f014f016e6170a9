import { createHash } from 'node:crypto';
import type { Alert, Severity } from '../../schemas/alert-v1.ts';
import type { ClusterScore } from './cluster-score.ts';
import type { KeyProfile } from './key-profile.ts';

const EVIDENCE_EVENTS = 20;

export function clusterSeverityOf(score: number): Severity {
  if (score >= 0.9) return 'critical';
  if (score >= 0.8) return 'high';
  if (score >= 0.7) return 'medium';
  return 'low';
}

/** Deterministic id: the same members raised at the same event time always give the same alert id. */
export function clusterAlertId(sortedMembers: readonly string[], raisedAt: string): string {
  const hash = createHash('sha256');
  for (const m of sortedMembers) hash.update(m).update('\n');
  return `clu_${hash.update(raisedAt).digest('hex').slice(0, 24)}`;
}

/** One sample event of each of the busiest members, so an analyst can open requests from many keys. */
function evidenceEventIds(members: readonly KeyProfile[]): string[] {
  return [...members]
    .sort((a, b) => b.lifetime.events - a.lifetime.events || (a.apiKeyId < b.apiKeyId ? -1 : 1))
    .slice(0, EVIDENCE_EVENTS)
    .map((m) => m.sampleEventIds[m.sampleEventIds.length - 1])
    .filter((id): id is string => id !== undefined);
}

export interface ClusterAlertInput {
  /** Sorted by api_key_id. */
  members: readonly KeyProfile[];
  score: ClusterScore;
  nowMs: number;
  escalates: string | null;
  maxMembers: number;
}

export function buildClusterAlert(input: ClusterAlertInput): Alert {
  const ids = input.members.map((m) => m.apiKeyId);
  const raisedAt = new Date(input.nowMs).toISOString();
  const listed = input.members.slice(0, input.maxMembers);
  return {
    alert_id: clusterAlertId(ids, raisedAt),
    kind: 'cluster',
    api_key_ids: listed.map((m) => m.apiKeyId),
    org_ids: [...new Set(listed.map((m) => m.orgId))].sort(),
    score: input.score.score,
    severity: clusterSeverityOf(input.score.score),
    raised_at: raisedAt,
    category: 'hydra_network',
    reasons: input.score.reasons,
    evidence_event_ids: evidenceEventIds(input.members),
    escalates: input.escalates,
  };
}
