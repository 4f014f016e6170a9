import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Alert } from '../../schemas/alert-v1.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { errors } from '../common/errors.ts';
import { FEATURE_NAMES } from '../detector/features/feature-names.ts';
import { auditRow } from './change-id.ts';
import {
  matchingSuppression,
  type Suppression,
  suppressionSchema,
  suppressionScopeSchema,
} from './suppression-rules.ts';

const FEATURES = new Set<string>(FEATURE_NAMES);

/** The fields of a rule as a client sends them; `suppressionInputSchema` adds the cross-field check. */
export const suppressionFieldsSchema = z.object({
  scope: suppressionScopeSchema,
  value: z.string().min(1).max(128),
  reason: z.string().min(1).max(1_000),
  // The example is in the future, as create requires; generated requests (schemathesis) start from it.
  expires_at: z.iso.datetime({ offset: true }).meta({ examples: ['2099-01-01T00:00:00Z'] }),
});

/** A feature rule must name a detector feature, or it would silently match nothing. */
export function requireKnownFeature<S extends z.ZodType<{ scope: string; value: string }>>(schema: S) {
  return schema.refine((s) => s.scope !== 'feature' || FEATURES.has(s.value), {
    message: 'not a feature name; GET /v1/features lists them',
    path: ['value'],
  });
}

const suppressionInputSchema = requireKnownFeature(suppressionFieldsSchema);
export type SuppressionInput = z.infer<typeof suppressionInputSchema>;

const storedSchema = z
  .object({
    suppression_id: z.string(),
    scope: suppressionScopeSchema,
    value: z.string(),
    reason: z.string(),
    created_by: z.string(),
    created_at_ms: z.coerce.number(),
    expires_at_ms: z.coerce.number(),
    deleted: z.coerce.number(),
    version: z.coerce.number(),
  })
  .transform((r) => ({
    deleted: r.deleted === 1,
    rule: suppressionSchema.parse({
      ...r,
      created_at: new Date(r.created_at_ms).toISOString(),
      expires_at: new Date(r.expires_at_ms).toISOString(),
    }),
  }));

function toRow(rule: Suppression, deleted: boolean) {
  const createdMs = Date.parse(rule.created_at);
  return {
    suppression_id: rule.suppression_id,
    scope: rule.scope,
    value: rule.value,
    reason: rule.reason,
    created_by: rule.created_by,
    created_at: Math.floor(createdMs / 1000),
    created_at_ms: createdMs,
    expires_at_ms: Date.parse(rule.expires_at),
    deleted: deleted ? 1 : 0,
    version: rule.version,
  };
}

/** One change of a rule as stored (suppression_events): at_ms a UInt64 (quoted), before/after the JSON text. */
export const suppressionChangeSchema = z.object({
  change_id: z.string(),
  actor: z.string(),
  action: z.string(),
  at_ms: z.string(),
  before: z.string(),
  after: z.string(),
});

/** Suppression rules: CRUD where every change is a new row version plus an audit row in `suppression_events`. */
export function createSuppressionStore(ch: ClickHouse, now: () => number) {
  async function read(where: ReturnType<typeof sql>) {
    return ch.query(
      sql`SELECT suppression_id, scope, value, reason, created_by, created_at_ms, expires_at_ms, deleted, version
          FROM ${table(ch, 'suppressions')} FINAL WHERE ${where} ORDER BY created_at_ms DESC, suppression_id`,
      storedSchema,
    );
  }

  async function audit(
    id: string,
    version: number,
    actor: string,
    action: string,
    before: Suppression | null,
    after: Suppression | null,
  ) {
    const change = { version, actor, action, atMs: now(), before, after };
    await ch.insert('suppression_events', [auditRow({ suppression_id: id }, change)]);
  }

  async function get(id: string): Promise<Suppression> {
    const [row] = await read(sql`suppression_id = ${id}`);
    if (!row || row.deleted) throw errors.notFound(`suppression ${id}`);
    return row.rule;
  }

  return {
    get,
    /** Rules not deleted; `activeOnly` also drops expired ones. */
    async list(options: { activeOnly?: boolean } = {}): Promise<Suppression[]> {
      const rows = await read(options.activeOnly ? sql`deleted = 0 AND expires_at_ms > ${now()}` : sql`deleted = 0`);
      return rows.map((r) => r.rule);
    },
    async create(input: SuppressionInput, actor: string): Promise<Suppression> {
      if (Date.parse(input.expires_at) <= now()) throw errors.badInput('expires_at must be in the future');
      const rule: Suppression = {
        ...input,
        expires_at: new Date(Date.parse(input.expires_at)).toISOString(),
        suppression_id: randomUUID(),
        created_by: actor,
        created_at: new Date(now()).toISOString(),
        version: 1,
      };
      await ch.insert('suppressions', [toRow(rule, false)]);
      await audit(rule.suppression_id, 1, actor, 'create', null, rule);
      return rule;
    },
    async update(id: string, patch: Partial<Pick<Suppression, 'reason' | 'expires_at'>>, actor: string) {
      // Like create: a past expiry (before 1970 it cannot even be stored) is an input error; DELETE ends a rule now.
      if (patch.expires_at !== undefined && Date.parse(patch.expires_at) <= now())
        throw errors.badInput('expires_at must be in the future');
      const before = await get(id);
      const after: Suppression = { ...before, ...patch, version: before.version + 1 };
      await ch.insert('suppressions', [toRow(after, false)]);
      await audit(id, after.version, actor, 'update', before, after);
      return after;
    },
    async remove(id: string, actor: string): Promise<void> {
      const before = await get(id);
      await ch.insert('suppressions', [toRow({ ...before, version: before.version + 1 }, true)]);
      await audit(id, before.version + 1, actor, 'delete', before, null);
    },
    async history(id: string) {
      return ch.query(
        sql`SELECT change_id, actor, action, at_ms, before, after FROM ${table(ch, 'suppression_events')}
            WHERE suppression_id = ${id} ORDER BY change_id`,
        suppressionChangeSchema,
      );
    },
  };
}

/**
 * `isSuppressed(alert)` for the throttling engine and the ingest path: active rules are re-read at most every
 * `ttlMs`, so a new rule takes effect within that time without a query per alert.
 */
export function createSuppressionCheck(ch: ClickHouse, options: { ttlMs: number; now: () => number }) {
  const store = createSuppressionStore(ch, options.now);
  let cached: { rules: Suppression[]; at: number } | null = null;
  async function rules(): Promise<Suppression[]> {
    if (!cached || options.now() - cached.at >= options.ttlMs)
      cached = { rules: await store.list({ activeOnly: true }), at: options.now() };
    return cached.rules;
  }
  return {
    rules,
    async isSuppressed(alert: Pick<Alert, 'api_key_ids' | 'org_ids' | 'reasons'>): Promise<boolean> {
      return matchingSuppression(alert, await rules(), options.now()) !== null;
    },
  };
}
