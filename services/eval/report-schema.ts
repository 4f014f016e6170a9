import { z } from 'zod';

const rate = z.number().min(0).max(1);

const attackMetricsSchema = z.object({
  keys: z.int(),
  detected: z.int(),
  detected_15m: z.int(),
  recall: rate.nullable(),
  /**
   * Share of the archetype's keys flagged within 15 minutes (event time) of their onset: each key's first request at
   * or after its campaign start (until 2026-12-05: of the campaign start itself).
   */
  recall_15m: rate.nullable(),
  /** The same counted from the campaign start (absent in reports written before onsets were counted). */
  recall_15m_of_campaign_start: rate.nullable().optional(),
  /**
   * Keys that sent at least EARLY_EVIDENCE_MIN_EVENTS requests within 15 minutes of their onset, and how many of those
   * were flagged by then (absent in reports written before they were counted).
   */
  keys_busy_15m: z.int().optional(),
  detected_15m_of_busy: z.int().optional(),
  /** This archetype's detected keys against every flagged benign key. */
  precision: rate.nullable(),
  /** Average precision ranking this archetype's keys against all benign keys by the system's key score. */
  pr_auc: rate.nullable(),
  ttd_p50_min: z.number().nullable(),
  ttd_p90_min: z.number().nullable(),
  /** Time to detect (minutes) of each detected key, ascending. */
  ttd_minutes: z.array(z.number()),
  /** Counts per archetype parameter variant ("0", "1", "2"): which way of attacking got through. */
  by_variant: z.record(z.string(), z.object({ keys: z.int(), detected: z.int(), detected_15m: z.int() })),
});

const benignMetricsSchema = z.object({
  keys: z.int(),
  fp_keys: z.int(),
  /** Distinct (key, simulated day) pairs with a flag. */
  fp_key_days: z.int(),
  key_days: z.number(),
  fp_per_1000_key_days: z.number(),
  /** Upper end of the exact Poisson 95% interval on flagged key-days. */
  fp_per_1000_upper95: z.number(),
});

const hydraMetricsSchema = z.object({
  campaign_id: z.string(),
  members: z.int(),
  members_in_cluster: z.int(),
  members_in_cluster_120m: z.int(),
  share_in_cluster: rate,
  members_flagged: z.int(),
  /** Minutes from campaign start to the first cluster alert naming a member. */
  first_cluster_alert_min: z.number().nullable(),
});

const systemMetricsSchema = z.object({
  name: z.string(),
  description: z.string(),
  overall: z.object({
    flagged_keys: z.int(),
    precision: rate.nullable(),
    recall: rate.nullable(),
    recall_15m: rate.nullable(),
    pr_auc: rate.nullable(),
    fp_key_days: z.int(),
    benign_key_days: z.number(),
    fp_per_1000_key_days: z.number(),
    fp_per_1000_upper95: z.number(),
    hydra_in_cluster: rate.nullable(),
    hydra_in_cluster_120m: rate.nullable(),
    /** Alerts that count (detector: severity medium and above; baselines: flags). */
    alerts: z.int(),
    /** Detector alerts of severity low: informational, never a detection. */
    informational_alerts: z.int(),
    alerts_per_day: z.number(),
  }),
  attacks: z.record(z.string(), attackMetricsSchema),
  benign: z.record(z.string(), benignMetricsSchema),
  hydra: z.array(hydraMetricsSchema),
  /** Downsampled overall precision-recall curve. */
  pr_curve: z.array(z.object({ recall: rate, precision: rate })),
  /** Time to detect (minutes) of every detected attack key, for CDF plots. */
  ttd_minutes: z.array(z.number()),
});

const targetResultSchema = z.object({
  dataset: z.string(),
  target: z.string(),
  goal: z.string(),
  actual: z.string(),
  met: z.boolean(),
  gap: z.string(),
});

const datasetRoleSchema = z.enum(['tuning', 'in_distribution', 'held_out']);

const swapResultSchema = z.object({
  dataset: z.string(),
  /** Attack keys, each paired with a distinct benign key. */
  pairs: z.int(),
  systems: z.array(systemMetricsSchema),
  /** Swapped minus original, per system: overall recall and FP per 1,000 benign key-days. */
  deltas: z.array(z.object({ system: z.string(), recall: z.number().nullable(), fp_per_1000: z.number() })),
});

const datasetReportSchema = z.object({
  name: z.string(),
  family: z.string(),
  variant: z.string(),
  seed: z.int(),
  role: datasetRoleSchema,
  used_for_tuning: z.boolean(),
  start: z.string(),
  hours: z.number(),
  prompt_mode: z.string(),
  events: z.int(),
  /** Generated events usage.v1 validation refused (skipped, as replay skips bad lines). */
  rejected_events: z.int(),
  active_keys: z.int(),
  benign_keys: z.int(),
  attack_keys: z.int(),
  campaigns: z.int(),
  seconds: z.number(),
  systems: z.array(systemMetricsSchema),
  swap: swapResultSchema.nullable(),
});

export const evalReportSchema = z.object({
  version: z.literal(2),
  protocol: z.array(z.string()),
  tuning: z.object({
    datasets: z.array(z.object({ name: z.string(), role: datasetRoleSchema, events: z.int(), snapshots: z.int() })),
    logistic: z.object({ rows: z.int(), positives: z.int(), threshold: z.number() }),
    isolation: z.object({ rows: z.int(), threshold: z.number() }),
  }),
  datasets: z.array(datasetReportSchema),
  /** Issue 10 targets, judged on held-out datasets only. */
  targets: z.array(targetResultSchema),
  timing: z.object({ seconds: z.number(), events: z.int(), events_per_second: z.number() }),
});

export type AttackMetrics = z.infer<typeof attackMetricsSchema>;
export type BenignMetrics = z.infer<typeof benignMetricsSchema>;
export type HydraMetrics = z.infer<typeof hydraMetricsSchema>;
export type SystemMetrics = z.infer<typeof systemMetricsSchema>;
export type TargetResult = z.infer<typeof targetResultSchema>;
export type DatasetReport = z.infer<typeof datasetReportSchema>;
export type SwapResult = z.infer<typeof swapResultSchema>;
export type EvalReport = z.infer<typeof evalReportSchema>;
