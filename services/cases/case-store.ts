import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { errors } from '../common/errors.ts';
import {
  CASE_COLUMNS,
  type CaseAlertRow,
  type CaseRecord,
  caseAlertSchema,
  caseRecordSchema,
  type FoldAlert,
  foldAlertSchema,
} from './case-schema.ts';

const sec = (ms: number) => Math.floor(ms / 1000);

export async function writeCases(ch: ClickHouse, records: CaseRecord[], nowMs: number): Promise<void> {
  if (records.length === 0) return;
  await ch.insert(
    'cases',
    records.map((r) => ({ ...r, opened_at: sec(r.opened_at_ms), updated_at: sec(nowMs) })),
  );
}

export async function writeCaseAlerts(ch: ClickHouse, rows: CaseAlertRow[], nowMs: number): Promise<void> {
  if (rows.length === 0) return;
  await ch.insert(
    'case_alerts',
    rows.map((r) => ({ ...r, raised_at: sec(r.raised_at_ms), folded_at: sec(nowMs) })),
  );
}

/** Open cases that name any of `keys` (key cases by their key, cluster cases by a member). */
export async function openCasesFor(ch: ClickHouse, keys: string[]): Promise<CaseRecord[]> {
  if (keys.length === 0) return [];
  return ch.query(
    sql`SELECT ${trusted(CASE_COLUMNS)} FROM ${table(ch, 'cases')} FINAL
        WHERE status = 'open' AND hasAny(api_key_ids, ${keys})`,
    caseRecordSchema,
  );
}

export async function getCaseRecord(ch: ClickHouse, caseId: string): Promise<CaseRecord> {
  const [row] = await ch.query(
    sql`SELECT ${trusted(CASE_COLUMNS)} FROM ${table(ch, 'cases')} FINAL WHERE case_id = ${caseId}`,
    caseRecordSchema,
  );
  if (!row) throw errors.notFound(`case ${caseId}`);
  return row;
}

/** Alerts not yet folded (nor set aside as suppressed), oldest event time first. */
export async function unfoldedAlerts(ch: ClickHouse, limit: number): Promise<FoldAlert[]> {
  return ch.query(
    sql`SELECT alert_id, kind, api_key_ids, org_ids, score, severity, category, raised_at_ms, suppressed
        FROM ${table(ch, 'alerts')} FINAL
        WHERE alert_id NOT IN (SELECT alert_id FROM ${table(ch, 'case_alerts')})
        ORDER BY raised_at_ms, alert_id LIMIT ${limit}`,
    foldAlertSchema,
  );
}

/** The evidence rows of the given cases, oldest first. */
export async function caseAlertRows(ch: ClickHouse, caseIds: string[]): Promise<CaseAlertRow[]> {
  if (caseIds.length === 0) return [];
  return ch.query(
    sql`SELECT case_id, alert_id, kind, api_key_ids, severity, severity_rank, score, category, raised_at_ms
        FROM ${table(ch, 'case_alerts')} FINAL WHERE has(${caseIds}, case_id) ORDER BY raised_at_ms, alert_id`,
    caseAlertSchema,
  );
}

let queue: Promise<unknown> = Promise.resolve();

/** Serialises every change to cases inside this process (the fold and analysts' resolutions). */
export function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => {});
  return run;
}

/** The open-or-not case an alert is evidence of, following merges to the case that absorbed it. */
export async function caseIdOfAlert(ch: ClickHouse, alertId: string): Promise<string | null> {
  const rows = await ch.query(
    sql`SELECT case_id FROM ${table(ch, 'case_alerts')}
        ANY INNER JOIN (SELECT case_id, status FROM ${table(ch, 'cases')} FINAL) USING case_id
        WHERE alert_id = ${alertId} AND case_id != '' AND status != 'merged' LIMIT 1`,
    z.object({ case_id: z.string() }),
  );
  return rows[0]?.case_id ?? null;
}
