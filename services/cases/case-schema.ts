import { createHash } from 'node:crypto';
import { z } from 'zod';
import { alertKindSchema, SEVERITY_RANK, severitySchema } from '../../schemas/alert-v1.ts';
import { alertLabelSchema, storedAlertSchema, storedLabelSchema } from '../alerts-store/alert-row.ts';

export const caseStatusSchema = z.enum(['open', 'resolved', 'merged']);

export const SEVERITIES = severitySchema.options;

/** The identity and triage state of a case (one `cases` row); evidence aggregates come from `case_alerts`. */
export const caseRecordSchema = z.object({
  case_id: z.string(),
  kind: alertKindSchema,
  api_key_ids: z.array(z.string()),
  org_ids: z.array(z.string()),
  first_alert_id: z.string(),
  opened_at_ms: z.coerce.number(),
  status: caseStatusSchema,
  merged_into: z.string(),
  label: storedLabelSchema,
  note: z.string(),
  resolved_by: z.string(),
  resolved_at_ms: z.coerce.number(),
  version: z.coerce.number(),
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

export const CASE_COLUMNS = `case_id, kind, api_key_ids, org_ids, first_alert_id, opened_at_ms, status, merged_into,
  label, note, resolved_by, resolved_at_ms, version`;

/** What the fold needs of an alert (read from the `alerts` table). */
export const foldAlertSchema = storedAlertSchema.pick({
  alert_id: true,
  kind: true,
  api_key_ids: true,
  org_ids: true,
  score: true,
  severity: true,
  category: true,
  raised_at_ms: true,
  suppressed: true,
});
export type FoldAlert = z.infer<typeof foldAlertSchema>;

/** One `case_alerts` row: the alert as evidence of a case ('' = suppressed, in no case). */
export const caseAlertSchema = z.object({
  case_id: z.string(),
  alert_id: z.string(),
  kind: z.string(),
  api_key_ids: z.array(z.string()),
  severity: z.string(),
  severity_rank: z.coerce.number(),
  score: z.coerce.number(),
  category: z.string(),
  raised_at_ms: z.coerce.number(),
});
export type CaseAlertRow = z.infer<typeof caseAlertSchema>;

/** Deterministic from the alert that opened the case, so a replay or redelivery opens the same case. */
export function caseIdFor(firstAlertId: string): string {
  return `case_${createHash('sha256').update(firstAlertId).digest('hex').slice(0, 24)}`;
}

export function caseAlertRow(caseId: string, alert: FoldAlert): CaseAlertRow {
  return {
    case_id: caseId,
    alert_id: alert.alert_id,
    kind: alert.kind,
    api_key_ids: alert.api_key_ids,
    severity: alert.severity,
    severity_rank: SEVERITY_RANK[alert.severity],
    score: alert.score,
    category: alert.category,
    raised_at_ms: alert.raised_at_ms,
  };
}

export const caseFilterSchema = z.object({
  status: caseStatusSchema.default('open'),
  severity: severitySchema.optional(),
  /** Informational (low) cases stay out of the default queue: anomaly without extraction evidence is no finding. */
  min_severity: severitySchema.default('medium'),
  category: z.string().min(1).max(64).optional(),
  kind: alertKindSchema.optional(),
  key: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type CaseFilter = z.infer<typeof caseFilterSchema>;

export const caseResolutionSchema = z
  .object({
    label: alertLabelSchema,
    note: z.string().max(4_000).default(''),
    /** Only with true_positive: act on the case's keys through the actions policy. */
    enforce: z.boolean().default(false),
  })
  .refine((r) => !r.enforce || r.label === 'true_positive', {
    message: 'enforce is only allowed with label true_positive',
    path: ['enforce'],
  });
export type CaseResolution = z.infer<typeof caseResolutionSchema>;
