import { z } from 'zod';

const rate = z.number().min(0).max(1);

export const attackMetricsSchema = z.object({
  keys: z.int(),
  detected: z.int(),
  detected_15m: z.int(),
  recall: rate.nullable(),
  /** Share of the archetype's keys flagged within 15 minutes (event time) of their campaign start. */
  recall_15m: rate.nullable(),
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

export const benignMetricsSchema = z.object({
  keys: z.int(),
  fp_keys: z.int(),
  /** Distinct (key, simulated day) pairs with a flag. */
  fp_key_days: z.int(),
  key_days: z.number(),
  fp_per_1000_key_days: z.number(),
});

export const hydraMetricsSchema = z.object({
  campaign_id: z.string(),
  members: z.int(),
  members_in_cluster: z.int(),
  share_in_cluster: rate,
  members_flagged: z.int(),
  /** Minutes from campaign start to the first cluster alert naming a member. */
  first_cluster_alert_min: z.number().nullable(),
});

export const systemMetricsSchema = z.object({
  name: z.string(),
  description: z.string(),
  overall: z.object({
    flagged_keys: z.int(),
    precision: rate.nullable(),
    recall: rate.nullable(),
    recall_15m: rate.nullable(),
    pr_auc: rate.nullable(),
    fp_per_1000_key_days: z.number(),
  }),
  attacks: z.record(z.string(), attackMetricsSchema),
  benign: z.record(z.string(), benignMetricsSchema),
  hydra: z.array(hydraMetricsSchema),
  /** Downsampled overall precision-recall curve. */
  pr_curve: z.array(z.object({ recall: rate, precision: rate })),
  /** Time to detect (minutes) of every detected attack key, for CDF plots. */
  ttd_minutes: z.array(z.number()),
});

export const targetResultSchema = z.object({
  target: z.string(),
  goal: z.string(),
  actual: z.string(),
  met: z.boolean(),
  gap: z.string(),
});

export const evalReportSchema = z.object({
  version: z.literal(1),
  dataset: z.object({
    seed: z.int(),
    start: z.string(),
    hours: z.number(),
    keys_scale: z.number(),
    prompt_mode: z.string(),
    events: z.int(),
    active_keys: z.int(),
    benign_keys: z.int(),
    attack_keys: z.int(),
    campaigns: z.int(),
  }),
  timing: z.object({ seconds: z.number(), events_per_second: z.number() }),
  systems: z.array(systemMetricsSchema),
  targets: z.array(targetResultSchema),
});

export type AttackMetrics = z.infer<typeof attackMetricsSchema>;
export type BenignMetrics = z.infer<typeof benignMetricsSchema>;
export type HydraMetrics = z.infer<typeof hydraMetricsSchema>;
export type SystemMetrics = z.infer<typeof systemMetricsSchema>;
export type TargetResult = z.infer<typeof targetResultSchema>;
export type EvalReport = z.infer<typeof evalReportSchema>;
