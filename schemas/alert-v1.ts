import { z } from 'zod';

/** One explanation of an alert: a feature, how far it is from normal, and its share of the score. */
export const alertReasonSchema = z.object({
  feature: z.string(),
  value: z.number(),
  /** The key's own baseline or the cohort median, whichever the scorer compared against; null when none yet. */
  baseline: z.number().nullable(),
  /** Population percentile of `value` in the key's cohort (0–100), when known. */
  percentile: z.number().min(0).max(100).nullable(),
  /** Share of the alert score attributed to this feature (0–1). */
  contribution: z.number().min(0).max(1),
  /** Which scorer produced it: rule, population, baseline, autoencoder, classifier, coordination. */
  scorer: z.string(),
  detail: z.string().optional(),
});

export const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);
export const alertKindSchema = z.enum(['key', 'cluster']);

/** The alert contract (DESIGN.md "Offline replay"): one JSON object per line of `replay --alerts`. */
export const alertSchema = z.object({
  alert_id: z.string(),
  kind: alertKindSchema,
  api_key_ids: z.array(z.string()).min(1),
  org_ids: z.array(z.string()),
  score: z.number().min(0).max(1),
  severity: severitySchema,
  /** Event time (RFC 3339, UTC) of the event that triggered the alert. */
  raised_at: z.string(),
  /** Suspected pattern, e.g. bulk_distillation, cot_harvesting, capability_sweep, hydra_network, region_evasion. */
  category: z.string(),
  reasons: z.array(alertReasonSchema),
  evidence_event_ids: z.array(z.string()),
  /** Alert this one escalates (same key and kind, worse score inside the cooldown), if any. */
  escalates: z.string().nullable(),
});

export type AlertReason = z.infer<typeof alertReasonSchema>;
export type Alert = z.infer<typeof alertSchema>;
export type Severity = z.infer<typeof severitySchema>;

/** Severities in order, as numbers that compare: low 0, medium 1, high 2, critical 3. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.fromEntries(
  severitySchema.options.map((s, rank) => [s, rank]),
) as Record<Severity, number>;
