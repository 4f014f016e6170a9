import { z } from 'zod';
import { coordinationOptionsSchema } from './coordination-options.ts';
import { int, num } from './env-helpers.ts';

/**
 * Defaults and checks live once, in the stage 2 options schema: the variables are mapped onto it and parsed by it, so
 * `config --check` refuses exactly what `createCoordinationEngine` (used by `stream` and `replay`) refuses.
 */
const d = coordinationOptionsSchema.parse({});

const variables = z.object({
  DG_COORD_PASS_INTERVAL_MS: int(d.passIntervalMs, 1_000).describe('Event time between two linking passes'),
  DG_COORD_MIN_CLUSTER_SIZE: int(d.minClusterSize, 2).describe('Fewest linked keys that can form a cluster alert'),
  DG_COORD_MIN_ORGS: int(d.minOrgs, 1).describe('Fewest distinct orgs a cluster alert must span'),
  DG_COORD_ALERT_SCORE: num(d.alertScore, 0, 1).describe('Cluster score (0-1) from which an alert is raised'),
  DG_COORD_COOLDOWN_MS: int(d.cooldownMs).describe('Event time in which an alerted cluster is not re-alerted'),
  DG_COORD_GROWTH_TO_ESCALATE: num(d.growthToEscalate).describe(
    'Newly linked keys, relative to those a cluster alert covers, that escalate it (0: any, once per escalation interval)',
  ),
  DG_COORD_ESCALATION_INTERVAL_MS: int(d.escalationIntervalMs).describe('Least event time between two escalations'),
  DG_COORD_WARMUP_MS: int(d.warmupMs).describe('Event time after the first event before cluster alerts are raised'),
  DG_COORD_SCHEDULE_WARMUP_MS: int(d.scheduleWarmupMs).describe('Event time before schedules count as evidence'),
  DG_COORD_KEY_IDLE_MS: int(d.keyIdleMs, 60_000).describe('Keys idle this long (event time) leave stage 2'),
  DG_COORD_MAX_KEYS: int(d.maxKeys, 100).describe('Most keys stage 2 tracks; least recently seen go first'),
  DG_COORD_RARE_ORGS: int(d.rareOrgs, 1).describe('Orgs sharing a template or prompt up to which it counts as rare'),
  DG_COORD_MIN_EXTRACTION: num(d.minExtraction, 0, 1).describe('Extraction shape (0-1) a cluster needs to alert'),
  DG_COORD_CONTENT_GENERATION_MS: int(d.contentGenerationMs, 0)
    .refine((ms) => ms === 0 || ms >= 60_000, 'must be 0 (off) or at least 60000')
    .describe(
      "Event time after which a key's content evidence counts are halved so older traffic fades out (links aged or bought keys sooner); 0 = off, lifetime counts",
    ),
  DG_COORD_MAX_ALERT_MEMBERS: int(d.maxAlertMembers, 10).describe('Most member keys listed in one cluster alert'),
});

/** `DG_COORD_PASS_INTERVAL_MS` sets `passIntervalMs`: each variable names the option it sets. */
const optionOf = (name: string) =>
  name
    .slice('DG_COORD_'.length)
    .toLowerCase()
    .replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
for (const name of Object.keys(variables.shape))
  if (!(optionOf(name) in coordinationOptionsSchema.shape)) throw new Error(`${name} names no stage 2 option`);

export const coordinationEnv = variables
  .transform((e) => Object.fromEntries(Object.entries(e).map(([name, value]) => [optionOf(name), value])))
  .pipe(coordinationOptionsSchema);
