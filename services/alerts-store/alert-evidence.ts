import { z } from 'zod';
import { promptColumns, promptFields } from '../auth/prompt-access.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange } from '../common/clickhouse/time-range.ts';
import type { AlertView } from './alert-row.ts';

const MAX_EVIDENCE = 200;
const PROMPT_PREVIEW_CHARS = 500;
const HISTORY_BEFORE_MS = 24 * 3_600_000;
/** Evidence precedes the alert; the bound lets ClickHouse skip older daily partitions. */
const EVIDENCE_BEFORE_MS = 30 * 24 * 3_600_000;
const HISTORY_AFTER_MS = 3_600_000;
const MAX_HISTORY_POINTS = 500;

export const evidenceEventSchema = z.object({
  event_id: z.string(),
  ts_ms: z.coerce.number(),
  api_key_id: z.string(),
  org_id: z.string(),
  model: z.string(),
  endpoint: z.string(),
  status: z.coerce.number(),
  input_tokens: z.coerce.number(),
  output_tokens: z.coerce.number(),
  prompt_preview: promptFields.text,
  prompt_withheld: promptFields.withheld,
  prompt_simhash: z.string(),
  client_ip: z.string(),
  client_asn: z.coerce.number().nullable(),
  client_country: z.string(),
});

/** An evidence event as the API answers it (prompt_withheld a boolean). */
export const evidenceEventViewSchema = evidenceEventSchema.extend({ prompt_withheld: z.boolean() });

/** The alert's reason features over time: `values` follow `features`, null where a snapshot lacks one. */
export const featureHistorySchema = z.object({
  features: z.array(z.string()),
  points: z.array(
    z.object({ api_key_id: z.string(), ts_ms: z.number(), score: z.number(), values: z.array(z.number().nullable()) }),
  ),
});

/**
 * The usage events the detector cited (up to 30 days before the alert), with a truncated prompt preview, or null and
 * prompt_withheld for a caller outside DG_PROMPT_READ_ROLES.
 */
export async function evidenceEvents(ch: ClickHouse, alert: AlertView, mayReadPrompts: boolean) {
  const ids = alert.evidence_event_ids.slice(0, MAX_EVIDENCE);
  const raised = Date.parse(alert.raised_at);
  if (ids.length === 0) return [];
  return ch.query(
    sql`SELECT event_id, ts_ms, api_key_id, org_id, model, endpoint, status, input_tokens, output_tokens,
          ${promptColumns('prompt_preview', PROMPT_PREVIEW_CHARS, mayReadPrompts)}, prompt_simhash, client_ip, client_asn,
          client_country
        FROM ${table(ch, 'usage_events')} FINAL
        WHERE has(${alert.api_key_ids}, api_key_id) AND has(${ids}, event_id)
          AND ${inRange({ fromMs: raised - EVIDENCE_BEFORE_MS, toMs: raised + HISTORY_AFTER_MS })}
        ORDER BY ts_ms, event_id LIMIT ${MAX_EVIDENCE}`,
    evidenceEventSchema,
  );
}

const featureRowSchema = z.object({
  api_key_id: z.string(),
  ts_ms: z.coerce.number(),
  score: z.coerce.number(),
  feature_names: z.array(z.string()),
  feature_values: z.array(z.number().nullable()),
});

/** The values of `features` in one snapshot, null where the snapshot lacks one. */
function pickFeatures(row: { feature_names: string[]; feature_values: Array<number | null> }, features: string[]) {
  return features.map((f) => {
    const i = row.feature_names.indexOf(f);
    return i < 0 ? null : (row.feature_values[i] ?? null);
  });
}

/** Snapshots of the alert's reason features (and score) for its keys, from a day before until an hour after. */
export async function featureHistory(ch: ClickHouse, alert: AlertView) {
  const features = [...new Set(alert.reasons.map((r) => r.feature))];
  const raised = Date.parse(alert.raised_at);
  const rows = await ch.query(
    sql`SELECT api_key_id, ts_ms, score, feature_names, feature_values
        FROM ${table(ch, 'key_features')} FINAL
        WHERE has(${alert.api_key_ids}, api_key_id)
          AND ${inRange({ fromMs: raised - HISTORY_BEFORE_MS, toMs: raised + HISTORY_AFTER_MS + 1 })}
        ORDER BY api_key_id, ts_ms LIMIT ${MAX_HISTORY_POINTS}`,
    featureRowSchema,
  );
  const points = rows.map((r) => ({
    api_key_id: r.api_key_id,
    ts_ms: r.ts_ms,
    score: r.score,
    values: pickFeatures(r, features),
  }));
  return { features, points };
}
