import { z } from 'zod';

const HOUR_MS = 3_600_000;
/** Default output length from which a response counts as long (`DG_DETECTOR_LONG_OUTPUT_TOKENS`, both stages). */
export const LONG_OUTPUT_TOKENS = 1_000;

/**
 * Tuning of stage 2 (`services/coordination`); every option has a default. It lives in common so the configuration
 * (`DG_COORD_*`, `config/coordination.ts`) and the engine validate with this one schema, cross-field checks included.
 */
export const coordinationOptionsSchema = z
  .object({
    /** Event time between two linking passes. */
    passIntervalMs: z
      .int()
      .min(1_000)
      .default(5 * 60_000),
    /** Smallest linked group that can become a cluster alert. */
    minClusterSize: z.int().min(2).default(5),
    /** Fewest distinct orgs a cluster must span: one org's own keys are its business, and per-org limits apply. */
    minOrgs: z.int().min(1).default(2),
    /** Cluster score (0–1) from which an alert is raised. */
    alertScore: z.number().min(0).max(1).default(0.75),
    /** Summed rarity-weighted strength of the two content values keys share before they are linked. */
    linkThreshold: z.number().min(0).default(0.7),
    /** Rarity (0–1, over all orgs) each of the two linking values needs: popular values never link. */
    minRarity: z.number().min(0).max(1).default(0.35),
    /** Share of the smaller of two linked cores that must be the same keys before they are one cluster. */
    coreOverlap: z.number().gt(0).max(1).default(0.5),
    /** Extraction shape (0–1) a cluster needs before it is alerted: shared content alone is not a hydra. */
    minExtraction: z.number().min(0).max(1).default(0.3),
    /** A cluster alerted within this much event time is not re-alerted unless it grew or worsened. */
    cooldownMs: z
      .int()
      .min(0)
      .default(24 * HOUR_MS),
    /**
     * Newly linked keys, relative to those the cluster's alert already covers (0.1 = 10% more), that re-alert it
     * inside the cooldown as an escalation; 0, the default, escalates on any newly linked key, at most once per
     * escalation interval: a network of 25 keys that links 2 more is news to its analyst, and the queue folds the
     * escalation into the network's case (alert-log.ts).
     */
    growthToEscalate: z.number().min(0).default(0),
    /**
     * Least event time between two growth escalations of one cluster, so a network forming is not a stream. Ten
     * minutes: a network of aged keys links a few members per pass, and each escalation brings the newly linked ones
     * inside the alert (the triage queue folds them into the network's one case). Tuning data (r1 seed 31, r2 seed
     * 22, r3 seed 77), hydra members inside a cluster alert within 120 minutes: 30 minutes 255 of 290, 10 minutes
     * 269 of 290, no benign key in a cluster alert either way.
     */
    escalationIntervalMs: z
      .int()
      .min(0)
      .default(10 * 60_000),
    /** Event time after the first event before alerts are raised, so rarity is judged on a populated index. */
    warmupMs: z
      .int()
      .min(0)
      .default(30 * 60_000),
    /** Event time after the first event before schedules count as evidence (hours seen must span a day). */
    scheduleWarmupMs: z
      .int()
      .min(0)
      .default(24 * HOUR_MS),
    /** Keys idle this long (event time) are dropped from stage 2. */
    keyIdleMs: z
      .int()
      .min(60_000)
      .default(72 * HOUR_MS),
    /** Hard bound on tracked keys; the least recently seen are dropped first. */
    maxKeys: z.int().min(100).default(250_000),
    /** Members listed in one alert; a larger cluster is reported with its size in the reasons. */
    maxAlertMembers: z.int().min(10).default(25_000),
    /** Distinct orgs (of the whole population) carrying a value up to which it counts as rare (full weight). */
    rareOrgs: z.int().min(1).default(25),
    /** Hamming radius (bits) within which two template centroids are one template family. */
    familyRadius: z.int().min(0).max(20).default(12),
    /**
     * Every this much event time a key's content counts (templates, system prompts, networks) are halved and its
     * vocabulary sketch restarts, so evidence follows what the key sends now: a bought or aged key's earlier ordinary
     * traffic stops outweighing the campaign it was put to within a generation or two. One hour by default; 0 keeps
     * lifetime counts. See services/coordination/README.md for what each setting linked on tuning data.
     */
    contentGenerationMs: z
      .int()
      .refine((ms) => ms === 0 || ms >= 60_000, 'must be 0 (off) or at least 60000')
      .default(3_600_000),
    /** Share of a key's events a value needs before it is used as linking evidence. */
    minEvidenceShare: z.number().min(0).max(1).default(0.15),
    /** Output length from which a response counts as long: stage 1's `longOutputTokens`, passed in with it. */
    longOutputTokens: z.int().min(1).default(LONG_OUTPUT_TOKENS),
  })
  .refine((o) => o.cooldownMs === 0 || o.cooldownMs >= o.passIntervalMs, {
    message: 'cooldownMs must be 0 or at least passIntervalMs',
    path: ['cooldownMs'],
  });

export type CoordinationOptions = z.output<typeof coordinationOptionsSchema>;
