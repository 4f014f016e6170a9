import { z } from 'zod';
import type { AlertReason } from '../../schemas/alert-v1.ts';
import { alertKindSchema, severitySchema } from '../../schemas/alert-v1.ts';
import type { Decision } from '../actions/action-schema.ts';
import { alertLabelSchema } from '../alerts-store/alert-row.ts';
import type { CaseRow } from './case-queries.ts';
import { caseStatusSchema } from './case-schema.ts';
import { reasonSentences } from './reason-sentences.ts';

const DECISIONS = ['allow', 'limit', 'deny'] as const;

/** The strictest gateway decision over a case's keys, and how many keys get each. */
export const gatewaySummarySchema = z.object({
  decision: z.enum([...DECISIONS, 'unknown']),
  keys: z.object({ allow: z.number(), limit: z.number(), deny: z.number() }),
});
export type GatewaySummary = z.infer<typeof gatewaySummarySchema>;

export const caseViewSchema = z.object({
  case_id: z.string(),
  kind: alertKindSchema,
  status: caseStatusSchema,
  severity: severitySchema,
  score: z.number(),
  api_key_ids: z.array(z.string()),
  org_ids: z.array(z.string()),
  alert_count: z.number(),
  categories: z.array(z.string()),
  top_category: z.string(),
  top_alert_id: z.string(),
  /** The strongest alert's first reason in words. */
  top_reason: z.string(),
  opened_at: z.string().describe('event time of the first evidence'),
  last_evidence_at: z.string().describe('event time of the latest evidence'),
  gateway: gatewaySummarySchema,
  label: alertLabelSchema.nullable(),
  note: z.string(),
  resolved_by: z.string().nullable(),
  resolved_at: z.string().nullable().describe('wall-clock time of the resolution'),
  merged_into: z.string().nullable(),
});
export type CaseView = z.infer<typeof caseViewSchema>;

/** `decide` answers from the actions service's memory; without it the decision is unknown. */
export function gatewaySummary(keys: string[], decide?: (key: string) => Decision): GatewaySummary {
  const counts = { allow: 0, limit: 0, deny: 0 };
  if (!decide) return { decision: 'unknown', keys: counts };
  for (const key of keys) counts[decide(key).decision]++;
  const decision = counts.deny ? 'deny' : counts.limit ? 'limit' : 'allow';
  return { decision, keys: counts };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toCaseView(row: CaseRow, topReasons: AlertReason[], gateway: GatewaySummary): CaseView {
  return {
    case_id: row.case_id,
    kind: row.kind,
    status: row.status,
    severity: row.severity,
    score: row.max_score,
    api_key_ids: row.api_key_ids,
    org_ids: row.org_ids,
    alert_count: row.alert_count,
    categories: row.categories,
    top_category: row.top_category,
    top_alert_id: row.top_alert_id,
    top_reason: reasonSentences(topReasons, 1)[0]?.text ?? '',
    opened_at: iso(row.opened_at_ms),
    last_evidence_at: iso(row.last_evidence_ms),
    gateway,
    label: row.label || null,
    note: row.note,
    resolved_by: row.resolved_by || null,
    resolved_at: row.resolved_at_ms ? iso(row.resolved_at_ms) : null,
    merged_into: row.merged_into || null,
  };
}
