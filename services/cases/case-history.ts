import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';

/** One change of a case (case_events) and the state it left. */
export const caseChangeSchema = z.object({
  actor: z.string(),
  action: z.string(),
  at: z.string(),
  after: z.record(z.string(), z.unknown()),
});

const auditRowSchema = z
  .object({ actor: z.string(), action: z.string(), at_ms: z.coerce.number(), after: z.string() })
  .transform((r) => {
    const after = JSON.parse(r.after) as { status?: string; label?: string; note?: string };
    return { actor: r.actor, action: r.action, at: new Date(r.at_ms).toISOString(), after };
  });

/** The audit trail of one case, oldest first. */
export async function caseHistory(ch: ClickHouse, caseId: string) {
  return ch.query(
    sql`SELECT actor, action, at_ms, after FROM ${table(ch, 'case_events')} FINAL
        WHERE case_id = ${caseId} ORDER BY at_ms, change_id`,
    auditRowSchema,
  );
}
