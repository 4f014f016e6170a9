import { z } from 'zod';
import {
  evidenceEventSchema,
  evidenceEventViewSchema,
  featureHistory,
  featureHistorySchema,
} from '../alerts-store/alert-evidence.ts';
import { getAlert } from '../alerts-store/alert-queries.ts';
import { ALERT_COLUMNS, alertRowSchema, alertViewSchema } from '../alerts-store/alert-row.ts';
import { promptColumns } from '../auth/prompt-access.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange } from '../common/clickhouse/time-range.ts';
import { errors } from '../common/errors.ts';
import { caseChangeSchema, caseHistory } from './case-history.ts';
import { alertReasons, findCase } from './case-queries.ts';
import { reasonSentenceSchema, reasonSentences } from './reason-sentences.ts';

const MAX_ALERTS = 100;
const MAX_EVENTS = 25;
const HOUR_MS = 3_600_000;
const PROMPT_PREVIEW_CHARS = 160;

/** The strongest alert of each category in the case, strongest category first. */
async function topAlertPerCategory(ch: ClickHouse, caseId: string) {
  return ch.query(
    sql`SELECT category, argMax(alert_id, severity_rank * 10 + score) AS alert_id, max(severity_rank * 10 + score) AS w
        FROM ${table(ch, 'case_alerts')} FINAL WHERE case_id = ${caseId} GROUP BY category ORDER BY w DESC`,
    z.object({ category: z.string(), alert_id: z.string() }),
  );
}

async function caseAlerts(ch: ClickHouse, caseId: string) {
  return ch.query(
    sql`SELECT ${trusted(ALERT_COLUMNS)} FROM ${table(ch, 'alerts')} FINAL
        WHERE alert_id IN (SELECT alert_id FROM ${table(ch, 'case_alerts')} WHERE case_id = ${caseId})
        ORDER BY raised_at_ms DESC, alert_id LIMIT ${MAX_ALERTS}`,
    alertRowSchema,
  );
}

/** An alert's evidence event without the fields the case page leaves out. */
const LEFT_OUT = { org_id: true, endpoint: true, status: true, prompt_simhash: true } as const;
const eventSchema = evidenceEventSchema.omit(LEFT_OUT);

/** The case page's evidence; the route adds the case view and its members' gateway decisions. */
export const caseDetailSchema = z.object({
  reasons: z.array(z.object({ category: z.string(), alert_id: z.string(), sentences: z.array(reasonSentenceSchema) })),
  alerts: z.array(alertViewSchema),
  evidence: z.array(evidenceEventViewSchema.omit(LEFT_OUT)),
  feature_history: featureHistorySchema,
  history: z.array(caseChangeSchema),
  /** The range to open Investigate with. */
  investigate: z.object({ from: z.string(), to: z.string() }),
});

/** The latest events of the case's keys up to its last evidence; Investigate holds the full sample. */
async function recentEvents(
  ch: ClickHouse,
  keys: string[],
  range: { fromMs: number; toMs: number },
  mayReadPrompts: boolean,
) {
  return ch.query(
    sql`SELECT event_id, ts_ms, api_key_id, model, input_tokens, output_tokens,
          ${promptColumns('prompt_preview', PROMPT_PREVIEW_CHARS, mayReadPrompts)}, client_ip, client_asn, client_country
        FROM ${table(ch, 'usage_events')} FINAL
        WHERE has(${keys}, api_key_id) AND ${inRange(range)}
        ORDER BY ts_ms DESC, event_id LIMIT ${MAX_EVENTS}`,
    eventSchema,
  );
}

/**
 * Everything the case page shows except gateway decisions (the route adds those from memory); prompt previews only
 * for a caller in DG_PROMPT_READ_ROLES.
 */
export async function caseDetail(ch: ClickHouse, caseId: string, mayReadPrompts: boolean) {
  const row = await findCase(ch, caseId);
  if (!row) throw errors.notFound(`case ${caseId}`);
  const range = { fromMs: row.opened_at_ms - HOUR_MS, toMs: row.last_evidence_ms + 1 };
  const [tops, alerts, events, history, topAlert] = await Promise.all([
    topAlertPerCategory(ch, caseId),
    caseAlerts(ch, caseId),
    recentEvents(ch, row.api_key_ids, range, mayReadPrompts),
    caseHistory(ch, caseId),
    getAlert(ch, row.top_alert_id),
  ]);
  const reasonsById = await alertReasons(
    ch,
    tops.map((t) => t.alert_id),
  );
  const reasons = tops.map((t) => ({
    category: t.category,
    alert_id: t.alert_id,
    sentences: reasonSentences(reasonsById.get(t.alert_id)?.reasons ?? []),
  }));
  return {
    row,
    reasons,
    alerts,
    evidence: events,
    feature_history: await featureHistory(ch, topAlert),
    history,
    investigate: {
      from: new Date(range.fromMs).toISOString(),
      to: new Date(Math.max(range.toMs, range.fromMs + HOUR_MS)).toISOString(),
    },
  };
}
