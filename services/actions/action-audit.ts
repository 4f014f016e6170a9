import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { joinSql, type SqlQuery, sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { decodeCursor, encodeCursor } from '../common/cursor.ts';
import { errors } from '../common/errors.ts';
import { parseOr } from '../common/zod-issues.ts';
import { actionModeSchema, actionTypeSchema, type KeyAction, keyActionSchema } from './action-schema.ts';

/** Where every action is audited (ClickHouse `key_actions`), behind a port so the service logic tests without it. */
export interface ActionAudit {
  record(actions: KeyAction[]): Promise<void>;
  /** Audited actions with these ids (on these keys), to make redelivered alerts idempotent. */
  find(apiKeyIds: string[], actionIds: string[]): Promise<KeyAction[]>;
  list(filter: ActionLogFilter): Promise<ActionLogPage>;
  close(): Promise<void>;
}

export const actionLogFilterSchema = z.object({
  api_key_id: z.string().min(1).max(128).optional(),
  org_id: z.string().min(1).max(128).optional(),
  alert_id: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(200).optional(),
  action: actionTypeSchema.optional(),
  mode: actionModeSchema.optional(),
  from_ms: z.int().nonnegative().optional(),
  to_ms: z.int().nonnegative().optional(),
  limit: z.int().min(1).max(500).default(100),
  cursor: z.string().max(400).optional(),
});

export type ActionLogFilter = z.input<typeof actionLogFilterSchema>;
export interface ActionLogPage {
  items: KeyAction[];
  next_cursor: string | null;
}

const nullableNumber = z.union([z.null(), z.coerce.number().int()]);

/** A `key_actions` row as ClickHouse returns it (64-bit integers arrive as strings). */
const auditRowSchema = z
  .object({
    action_id: z.string(),
    api_key_id: z.string(),
    org_id: z.string(),
    action: z.string(),
    mode: z.string(),
    rpm: nullableNumber,
    tpm: nullableNumber,
    reason: z.string(),
    actor: z.string(),
    alert_id: z.string(),
    rule: z.string(),
    target_action_id: z.string(),
    created_at_ms: z.coerce.number().int(),
    expires_at_ms: nullableNumber,
  })
  .pipe(keyActionSchema);

const COLUMNS = sql`action_id, api_key_id, org_id, action, mode, rpm, tpm, reason, actor, alert_id, rule, target_action_id, created_at_ms, expires_at_ms`;

function toRow(a: KeyAction): Record<string, unknown> {
  return {
    ...a,
    created_at: Math.floor(a.created_at_ms / 1000),
    expires_at: a.expires_at_ms === null ? null : Math.floor(a.expires_at_ms / 1000),
  };
}

/** The sort key of the last row on a page: newest first, ties broken by action id. */
const cursorSchema = z.tuple([z.int().nonnegative(), z.string().min(1).max(200)]);

function conditions(f: z.output<typeof actionLogFilterSchema>): SqlQuery[] {
  const where = [sql`1`];
  if (f.api_key_id !== undefined) where.push(sql`api_key_id = ${f.api_key_id}`);
  if (f.org_id !== undefined) where.push(sql`org_id = ${f.org_id}`);
  if (f.alert_id !== undefined) where.push(sql`alert_id = ${f.alert_id}`);
  if (f.actor !== undefined) where.push(sql`actor = ${f.actor}`);
  if (f.action !== undefined) where.push(sql`action = ${f.action}`);
  if (f.mode !== undefined) where.push(sql`mode = ${f.mode}`);
  if (f.from_ms !== undefined) where.push(sql`created_at_ms >= ${f.from_ms}`);
  if (f.to_ms !== undefined) where.push(sql`created_at_ms < ${f.to_ms}`);
  if (f.cursor !== undefined) {
    const [atMs, id] = decodeCursor(f.cursor, cursorSchema);
    where.push(sql`(created_at_ms < ${atMs} OR (created_at_ms = ${atMs} AND action_id < ${id}))`);
  }
  return where;
}

const lastPosition = (a: KeyAction): z.input<typeof cursorSchema> => [a.created_at_ms, a.action_id];

export function createClickHouseActionAudit(ch: ClickHouse, options: { ownsClient: boolean }): ActionAudit {
  const keyActions = table(ch, 'key_actions');
  return {
    record: (actions) => ch.insert('key_actions', actions.map(toRow)),
    async find(apiKeyIds, actionIds) {
      if (actionIds.length === 0) return [];
      return ch.query(
        sql`SELECT ${COLUMNS} FROM ${keyActions} FINAL WHERE has(${apiKeyIds}, api_key_id) AND has(${actionIds}, action_id)`,
        auditRowSchema,
      );
    },
    async list(input) {
      const f = parseOr(actionLogFilterSchema, input, errors.badInput);
      const rows = await ch.query(
        sql`SELECT ${COLUMNS} FROM ${keyActions} FINAL WHERE ${joinSql(conditions(f), ' AND ')}
            ORDER BY created_at_ms DESC, action_id DESC LIMIT ${f.limit + 1}`,
        auditRowSchema,
      );
      const items = rows.slice(0, f.limit);
      return {
        items,
        next_cursor: rows.length > f.limit ? encodeCursor(lastPosition(items[items.length - 1]!)) : null,
      };
    },
    close: async () => {
      if (options.ownsClient) await ch.close();
    },
  };
}
