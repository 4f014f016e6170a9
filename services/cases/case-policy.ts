import { z } from 'zod';
import type { ActionsService } from '../actions/actions-service.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import type { CaseRow } from './case-queries.ts';
import { SEVERITIES } from './case-schema.ts';

/** A severity rank and the score that carries it. */
export interface RankedEvidence {
  rank: number;
  score: number;
}

/** Members with their own alerts needed before they raise a cluster case: this many, and this share of members. */
const CORROBORATING_MEMBERS = 3;
const CORROBORATING_SHARE = 0.25;

/**
 * The severity the policy sees for a cluster case: its cluster alerts' highest, raised to a level only when enough
 * members have their own key alerts at that level. One extraction key linked into a group of legitimate keys (shared
 * cloud ranges, a common tool) must not turn the group's case into a network to throttle; several members each
 * extracting make it one.
 */
export function clusterPolicyEvidence(
  cluster: RankedEvidence,
  members: RankedEvidence[],
  memberCount: number,
): RankedEvidence {
  const needed = Math.max(CORROBORATING_MEMBERS, Math.ceil(CORROBORATING_SHARE * memberCount));
  let best = cluster;
  for (let rank = SEVERITIES.length - 1; rank > best.rank; rank--) {
    const at = members.filter((m) => m.rank >= rank).sort((a, b) => b.score - a.score);
    if (at.length >= needed) best = { rank, score: Math.max(cluster.score, at[needed - 1]!.score) };
  }
  return best;
}

const clusterRowSchema = z.object({ rank: z.coerce.number(), score: z.coerce.number() });

/** The case's cluster alerts' highest severity and score, and each member's highest from its own key alerts. */
async function caseEvidence(ch: ClickHouse, caseId: string) {
  const [cluster] = await ch.query(
    sql`SELECT maxIf(severity_rank, kind = 'cluster') AS rank, maxIf(score, kind = 'cluster') AS score
        FROM ${table(ch, 'case_alerts')} FINAL WHERE case_id = ${caseId}`,
    clusterRowSchema,
  );
  const members = await ch.query(
    sql`SELECT k, max(severity_rank) AS rank, max(score) AS score
        FROM ${table(ch, 'case_alerts')} FINAL ARRAY JOIN api_key_ids AS k
        WHERE case_id = ${caseId} AND kind = 'key' GROUP BY k`,
    clusterRowSchema.extend({ k: z.string() }),
  );
  return { cluster: cluster ?? { rank: 0, score: 0 }, members };
}

/**
 * The policy on open cluster cases: a hydra network's case collects its members' key alerts, so it can reach the
 * cluster rule when several members extract on their own although no single cluster alert does; the case is then
 * one automatic decision over its members (see clusterPolicyEvidence for when members count).
 */
export function clusterCasePolicy(ch: ClickHouse, actions: Pick<ActionsService, 'handleCase'>) {
  return async (cases: CaseRow[]): Promise<void> => {
    for (const c of cases) {
      if (c.kind !== 'cluster' || c.status !== 'open') continue;
      const { cluster, members } = await caseEvidence(ch, c.case_id);
      const seen = clusterPolicyEvidence(cluster, members, c.api_key_ids.length);
      await actions.handleCase({
        case_id: c.case_id,
        kind: c.kind,
        api_key_ids: c.api_key_ids,
        // A case's orgs are the union of its alerts' orgs, not paired with its keys: each key's org is looked up.
        org_ids: [],
        severity: SEVERITIES[seen.rank] ?? 'low',
        category: c.top_category,
        score: seen.score,
        last_evidence_ms: c.last_evidence_ms,
      });
    }
  };
}
