import { z } from 'zod';
import { type Alert, alertKindSchema, alertReasonSchema, severitySchema } from '../../schemas/alert-v1.ts';

export const alertStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);
export const alertLabelSchema = z.enum(['true_positive', 'false_positive', 'benign_heavy_user']);
export type AlertLabel = z.infer<typeof alertLabelSchema>;
/** A label as stored: '' when none. */
export const storedLabelSchema = z.union([alertLabelSchema, z.literal('')]);

/** An alert as the API shows it: the detector's contract plus the triage state of its current version. */
export const alertViewSchema = z.object({
  alert_id: z.string(),
  kind: alertKindSchema,
  api_key_ids: z.array(z.string()),
  org_ids: z.array(z.string()),
  score: z.number(),
  severity: severitySchema,
  category: z.string(),
  raised_at: z.string(),
  reasons: z.array(alertReasonSchema),
  evidence_event_ids: z.array(z.string()),
  escalates: z.string().nullable(),
  status: alertStatusSchema,
  assignee: z.string().nullable(),
  label: alertLabelSchema.nullable(),
  note: z.string(),
  suppressed: z.boolean(),
  updated_at: z.string(),
  version: z.number(),
});
export type AlertView = z.infer<typeof alertViewSchema>;

/** The columns read back from `alerts` (UInt64 arrive as strings in JSONEachRow). */
export const ALERT_COLUMNS = `alert_id, kind, api_key_ids, org_ids, score, severity, category, raised_at_ms, reasons,
  evidence_event_ids, escalates, status, assignee, label, note, suppressed, toUnixTimestamp(updated_at) AS updated_s, version`;

/** An `alerts` row as read back; cases fold a subset of it. */
export const storedAlertSchema = z.object({
  alert_id: z.string(),
  kind: alertKindSchema,
  api_key_ids: z.array(z.string()),
  org_ids: z.array(z.string()),
  score: z.coerce.number(),
  severity: severitySchema,
  category: z.string(),
  raised_at_ms: z.coerce.number(),
  reasons: z.string(),
  evidence_event_ids: z.array(z.string()),
  escalates: z.string(),
  status: alertStatusSchema,
  assignee: z.string(),
  label: storedLabelSchema,
  note: z.string(),
  suppressed: z.coerce.number(),
  updated_s: z.coerce.number(),
  version: z.coerce.number(),
});

/** Parses one stored row into the API view. */
export const alertRowSchema = storedAlertSchema.transform(
  (r): AlertView => ({
    alert_id: r.alert_id,
    kind: r.kind,
    api_key_ids: r.api_key_ids,
    org_ids: r.org_ids,
    score: r.score,
    severity: r.severity,
    category: r.category,
    raised_at: new Date(r.raised_at_ms).toISOString(),
    reasons: z.array(alertReasonSchema).parse(JSON.parse(r.reasons)),
    evidence_event_ids: r.evidence_event_ids,
    escalates: r.escalates || null,
    status: r.status,
    assignee: r.assignee || null,
    label: r.label || null,
    note: r.note,
    suppressed: r.suppressed === 1,
    updated_at: new Date(r.updated_s * 1000).toISOString(),
    version: r.version,
  }),
);

/** The row written to `alerts` for a view at `nowMs`. */
export function toAlertRow(view: AlertView, nowMs: number): Record<string, unknown> {
  const raisedMs = Date.parse(view.raised_at);
  return {
    alert_id: view.alert_id,
    kind: view.kind,
    api_key_ids: view.api_key_ids,
    org_ids: view.org_ids,
    score: view.score,
    severity: view.severity,
    category: view.category,
    raised_at: Math.floor(raisedMs / 1000),
    raised_at_ms: raisedMs,
    reasons: JSON.stringify(view.reasons),
    evidence_event_ids: view.evidence_event_ids,
    escalates: view.escalates ?? '',
    status: view.status,
    assignee: view.assignee ?? '',
    label: view.label ?? '',
    note: view.note,
    suppressed: view.suppressed ? 1 : 0,
    updated_at: Math.floor(nowMs / 1000),
    version: view.version,
  };
}

/** The initial triage state of a detector alert: open, unassigned, version 1. */
export function initialView(alert: Alert, suppressed: boolean, nowMs: number): AlertView {
  return {
    ...alert,
    raised_at: new Date(Date.parse(alert.raised_at)).toISOString(),
    status: 'open',
    assignee: null,
    label: null,
    note: '',
    suppressed,
    updated_at: new Date(Math.floor(nowMs / 1000) * 1000).toISOString(),
    version: 1,
  };
}
