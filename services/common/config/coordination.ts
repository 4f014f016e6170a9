import { z } from 'zod';
import { type CoordinationOptions, coordinationOptionsSchema } from './coordination-options.ts';
import { int, num } from './env-helpers.ts';

/**
 * Defaults and checks live once, in the stage 2 options schema: the variables are mapped onto it and parsed by it, so
 * `config --check` refuses exactly what `createCoordinationEngine` (used by `stream` and `replay`) refuses.
 */
const d = coordinationOptionsSchema.parse({});

export const coordinationEnv = z
  .object({
    DG_COORD_PASS_INTERVAL_MS: int(d.passIntervalMs, 1_000).describe('Event time between two linking passes'),
    DG_COORD_MIN_CLUSTER_SIZE: int(d.minClusterSize, 2).describe('Fewest linked keys that can form a cluster alert'),
    DG_COORD_MIN_ORGS: int(d.minOrgs, 1).describe('Fewest distinct orgs a cluster alert must span'),
    DG_COORD_ALERT_SCORE: num(d.alertScore, 0, 1).describe('Cluster score (0-1) from which an alert is raised'),
    DG_COORD_COOLDOWN_MS: int(d.cooldownMs).describe('Event time in which an alerted cluster is not re-alerted'),
    DG_COORD_GROWTH_TO_ESCALATE: num(d.growthToEscalate).describe('Relative member growth that escalates a cluster'),
    DG_COORD_ESCALATION_INTERVAL_MS: int(d.escalationIntervalMs).describe('Least event time between two escalations'),
    DG_COORD_WARMUP_MS: int(d.warmupMs).describe('Event time after the first event before cluster alerts are raised'),
    DG_COORD_SCHEDULE_WARMUP_MS: int(d.scheduleWarmupMs).describe('Event time before schedules count as evidence'),
    DG_COORD_KEY_IDLE_MS: int(d.keyIdleMs, 60_000).describe('Keys idle this long (event time) leave stage 2'),
    DG_COORD_MAX_KEYS: int(d.maxKeys, 100).describe('Most keys stage 2 tracks; least recently seen go first'),
    DG_COORD_RARE_ORGS: int(d.rareOrgs, 1).describe('Orgs sharing a template or prompt up to which it counts as rare'),
    DG_COORD_MIN_EXTRACTION: num(d.minExtraction, 0, 1).describe('Extraction shape (0-1) a cluster needs to alert'),
    DG_COORD_MAX_ALERT_MEMBERS: int(d.maxAlertMembers, 10).describe('Most member keys listed in one cluster alert'),
  })
  .transform(
    (e): Partial<CoordinationOptions> => ({
      passIntervalMs: e.DG_COORD_PASS_INTERVAL_MS,
      minClusterSize: e.DG_COORD_MIN_CLUSTER_SIZE,
      minOrgs: e.DG_COORD_MIN_ORGS,
      alertScore: e.DG_COORD_ALERT_SCORE,
      cooldownMs: e.DG_COORD_COOLDOWN_MS,
      growthToEscalate: e.DG_COORD_GROWTH_TO_ESCALATE,
      escalationIntervalMs: e.DG_COORD_ESCALATION_INTERVAL_MS,
      warmupMs: e.DG_COORD_WARMUP_MS,
      scheduleWarmupMs: e.DG_COORD_SCHEDULE_WARMUP_MS,
      keyIdleMs: e.DG_COORD_KEY_IDLE_MS,
      maxKeys: e.DG_COORD_MAX_KEYS,
      maxAlertMembers: e.DG_COORD_MAX_ALERT_MEMBERS,
      rareOrgs: e.DG_COORD_RARE_ORGS,
      minExtraction: e.DG_COORD_MIN_EXTRACTION,
    }),
  )
  .pipe(coordinationOptionsSchema);
