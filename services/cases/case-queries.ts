import { z } from 'zod';
import { alertReasonSchema } from '../../schemas/alert-v1.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { joinSql, type SqlQuery, sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { type CaseFilter, caseRecordSchema, SEVERITIES } from './case-schema.ts';

/** A case with its evidence aggregated from `case_alerts`. */
const caseRowSchema = caseRecordSchema
  .extend({
    alert_count: z.coerce.number(),
    severity_rank: z.coerce.number(),
    max_score: z.coerce.number(),
    last_evidence_ms: z.coerce.number(),
    categories: z.array(z.string()),
    top_alert_id: z.string(),
    top_category: z.string(),
  })
  .transform((r) => ({ ...r, severity: SEVERITIES[r.severity_rank] ?? 'low' }));
export type CaseRow = z.output<typeof caseRowSchema>;

/** Aggregates of each case's alerts; inner names differ from the outputs so ClickHouse does not nest aggregates. */
function evidence(ch: ClickHouse): SqlQuery {
  return sql`SELECT case_id, count() AS alert_count, max(r) AS severity_rank, max(s) AS max_score,
      max(t) AS last_evidence_ms, groupUniqArray(category) AS categories, argMax(alert_id, r * 10 + s) AS top_alert_id,
      argMax(category, r * 10 + s) AS top_category
    FROM (SELECT case_id, alert_id, severity_rank AS r, score AS s, raised_at_ms AS t, category
          FROM ${table(ch, 'case_alerts')} FINAL WHERE case_id != '')
    GROUP BY case_id`;
}

type Selection = Partial<Omit<CaseFilter, 'limit' | 'offset'>> & { caseId?: string };

function casesWithEvidence(ch: ClickHouse, f: Selection): SqlQuery {
  const cases = f.caseId ? sql`case_id = ${f.caseId}` : sql`status = ${f.status ?? 'open'}`;
  const where: SqlQuery[] = [sql`1`];
  if (f.severity) where.push(sql`severity_rank = ${SEVERITIES.indexOf(f.severity)}`);
  else if (f.min_severity) where.push(sql`severity_rank >= ${SEVERITIES.indexOf(f.min_severity)}`);
  if (f.category) where.push(sql`has(categories, ${f.category})`);
  if (f.kind) where.push(sql`kind = ${f.kind}`);
  if (f.key) where.push(sql`has(api_key_ids, ${f.key})`);
  return sql`SELECT case_id, kind, api_key_ids, org_ids, first_alert_id, opened_at_ms, status, merged_into, label, note,
      resolved_by, resolved_at_ms, version, alert_count, severity_rank, max_score, last_evidence_ms, categories,
      top_alert_id, top_category
    FROM (SELECT * FROM ${table(ch, 'cases')} FINAL WHERE ${cases})
    ANY INNER JOIN (${evidence(ch)}) USING case_id
    WHERE ${joinSql(where, ' AND ')}`;
}

/** One page of cases, most severe then highest score first, and how many cases match in all. */
export async function listCases(ch: ClickHouse, filter: CaseFilter): Promise<{ cases: CaseRow[]; total: number }> {
  const matching = casesWithEvidence(ch, filter);
  const [cases, counted] = await Promise.all([
    ch.query(
      sql`${matching} ORDER BY severity_rank DESC, max_score DESC, last_evidence_ms DESC, case_id
          LIMIT ${filter.limit} OFFSET ${filter.offset}`,
      caseRowSchema,
    ),
    ch.query(sql`SELECT count() AS n FROM (${matching})`, z.object({ n: z.coerce.number() })),
  ]);
  return { cases, total: counted[0]?.n ?? 0 };
}

/** One case with its evidence aggregates, whatever its status; null when unknown. */
export async function findCase(ch: ClickHouse, caseId: string): Promise<CaseRow | null> {
  const [row] = await ch.query(casesWithEvidence(ch, { caseId }), caseRowSchema);
  return row ?? null;
}

const reasonsRowSchema = z.object({
  alert_id: z.string(),
  category: z.string(),
  reasons: z.string().transform((s) => z.array(alertReasonSchema).parse(JSON.parse(s))),
});

/** The reasons of the given alerts, by alert id. */
export async function alertReasons(ch: ClickHouse, alertIds: string[]) {
  if (alertIds.length === 0) return new Map<string, z.output<typeof reasonsRowSchema>>();
  const rows = await ch.query(
    sql`SELECT alert_id, category, reasons FROM ${table(ch, 'alerts')} FINAL WHERE has(${alertIds}, alert_id)`,
    reasonsRowSchema,
  );
  return new Map(rows.map((r) => [r.alert_id, r]));
}
