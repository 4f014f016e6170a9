import { z } from 'zod';
import { alertKindSchema, severitySchema } from '../../schemas/alert-v1.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { joinSql, type SqlQuery, sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { decodeCursor, encodeCursor } from '../common/cursor.ts';
import { errors } from '../common/errors.ts';
import { ALERT_COLUMNS, type AlertView, alertRowSchema, alertStatusSchema } from './alert-row.ts';

export const alertFilterSchema = z.object({
  status: alertStatusSchema.optional(),
  severity: severitySchema.optional(),
  kind: alertKindSchema.optional(),
  key: z.string().min(1).max(128).optional(),
  org: z.string().min(1).max(128).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** exclude (default queue), include, or only suppressed alerts. */
  suppressed: z.enum(['exclude', 'include', 'only']).default('exclude'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});
export type AlertFilter = z.infer<typeof alertFilterSchema>;

/** Newest first; ties broken by alert_id so pages never skip or repeat a row. */
const positionSchema = z.object({ r: z.number().int(), id: z.string() });

function conditions(f: AlertFilter): SqlQuery[] {
  const where: SqlQuery[] = [sql`1`];
  if (f.status) where.push(sql`status = ${f.status}`);
  if (f.severity) where.push(sql`severity = ${f.severity}`);
  if (f.kind) where.push(sql`kind = ${f.kind}`);
  if (f.key) where.push(sql`has(api_key_ids, ${f.key})`);
  if (f.org) where.push(sql`has(org_ids, ${f.org})`);
  if (f.from) where.push(sql`raised_at_ms >= ${Date.parse(f.from)}`);
  if (f.to) where.push(sql`raised_at_ms < ${Date.parse(f.to)}`);
  if (f.suppressed === 'exclude') where.push(sql`suppressed = 0`);
  if (f.suppressed === 'only') where.push(sql`suppressed = 1`);
  if (f.cursor) {
    const p = decodeCursor(f.cursor, positionSchema);
    where.push(sql`(raised_at_ms < ${p.r} OR (raised_at_ms = ${p.r} AND alert_id < ${p.id}))`);
  }
  return where;
}

export async function listAlerts(ch: ClickHouse, filter: AlertFilter) {
  if (filter.from && filter.to && Date.parse(filter.from) >= Date.parse(filter.to))
    throw errors.badInput('from must be before to');
  const rows = await ch.query(
    sql`SELECT ${trusted(ALERT_COLUMNS)} FROM ${table(ch, 'alerts')} FINAL
        WHERE ${joinSql(conditions(filter), ' AND ')}
        ORDER BY raised_at_ms DESC, alert_id DESC LIMIT ${filter.limit + 1}`,
    alertRowSchema,
  );
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  const next =
    rows.length > filter.limit && last ? encodeCursor({ r: Date.parse(last.raised_at), id: last.alert_id }) : null;
  return { alerts: page, next_cursor: next };
}

export async function getAlert(ch: ClickHouse, alertId: string): Promise<AlertView> {
  const [row] = await ch.query(
    sql`SELECT ${trusted(ALERT_COLUMNS)} FROM ${table(ch, 'alerts')} FINAL WHERE alert_id = ${alertId}`,
    alertRowSchema,
  );
  if (!row) throw errors.notFound(`alert ${alertId}`);
  return row;
}

/** One change of an alert (alert_events): its state before and after. */
export const alertChangeSchema = z.object({
  change_id: z.string(),
  actor: z.string(),
  action: z.string(),
  at: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

const auditRowSchema = z
  .object({
    change_id: z.string(),
    actor: z.string(),
    action: z.string(),
    at_ms: z.coerce.number(),
    before: z.string(),
    after: z.string(),
  })
  .transform((r) => ({
    change_id: r.change_id,
    actor: r.actor,
    action: r.action,
    at: new Date(r.at_ms).toISOString(),
    before: JSON.parse(r.before) as unknown,
    after: JSON.parse(r.after) as unknown,
  }));

/** The audit trail of one alert, oldest first. */
export async function alertHistory(ch: ClickHouse, alertId: string) {
  return ch.query(
    sql`SELECT change_id, actor, action, at_ms, before, after FROM ${table(ch, 'alert_events')} FINAL
        WHERE alert_id = ${alertId} ORDER BY at_ms, change_id`,
    auditRowSchema,
  );
}
