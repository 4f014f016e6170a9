import { z } from 'zod';
import { int, num, oneOf, str } from './env-helpers.ts';

export const actionsEnv = z
  .object({
    DG_ACTIONS_POLICY_FILE: str().describe(
      'Throttle policy JSON file; empty means the bundled infra/policy/default-policy.json',
    ),
    DG_ACTIONS_MODE: oneOf(['', 'enforce', 'dry_run'], '').describe(
      'Overrides the policy file mode (dry_run is a global safety switch); empty keeps the file mode',
    ),
    DG_ACTIONS_BREAKER_MAX: int(50, 1).describe(
      'Circuit breaker: most automatic enforcing decisions (an alert with its escalations) per window overall',
    ),
    DG_ACTIONS_BREAKER_MAX_PER_ORG: int(10, 1).describe(
      'Circuit breaker: most automatic enforcing decisions per org and window',
    ),
    DG_ACTIONS_BREAKER_WINDOW_MS: int(3_600_000, 1_000).describe('Circuit breaker sliding window'),
    DG_ACTIONS_SWEEP_INTERVAL_MS: int(5_000, 100, 3_600_000).describe('How often expired actions are tombstoned'),
    DG_ACTIONS_TOPIC_PARTITIONS: int(4, 1, 10_000).describe('Partitions when the key-actions topic is created'),
    DG_ACTIONS_REBUILD_TIMEOUT_MS: int(120_000, 1_000).describe('Longest start may take reading key-actions'),
    DG_KAFKA_GROUP_ACTIONS: str('distillguard-actions').describe(
      'Consumer group of the actions runner on the alerts topic',
    ),
    DG_ACTIONS_READER_GROUP_PREFIX: str('distillguard-key-actions-reader').describe(
      'Prefix of the per-instance group that reads key-actions from the beginning',
    ),
    DG_ACTIONS_RECOMMEND_HEADROOM: num(1.5, 1, 100).describe('Suggested limit = p99 per-minute usage x headroom'),
    DG_ACTIONS_RECOMMEND_TIMEOUT_S: int(10, 1, 600).describe(
      'Bound of the rate-limit recommendation query (ClickHouse max_execution_time and a client-side abort)',
    ),
    DG_ACTIONS_RECOMMEND_MIN_MINUTES: int(30, 1).describe('Fewest active minutes before limits are suggested'),
    DG_ACTIONS_BACKFILL_LAG_MS: int(900_000, 0).describe(
      'Alerts whose event time is further behind now are queued as require_review, outside the breaker',
    ),
    DG_ACTIONS_THROTTLE_FRACTION: num(0.25, 0.01, 1).describe(
      "Automatic throttle = min(policy limit, fraction x the key's median per-minute rate)",
    ),
    DG_ACTIONS_THROTTLE_FLOOR_RPM: int(1, 1).describe('Lowest requests per minute a derived throttle goes to'),
    DG_ACTIONS_THROTTLE_FLOOR_TPM: int(1_000, 1).describe('Lowest tokens per minute a derived throttle goes to'),
    DG_ACTIONS_THROTTLE_BASELINE_MS: int(86_400_000, 60_000, 92 * 86_400_000).describe(
      "Event-time span before an alert whose per-minute usage is the key's baseline",
    ),
  })
  .transform((e) => ({
    policyFile: e.DG_ACTIONS_POLICY_FILE,
    modeOverride: e.DG_ACTIONS_MODE === '' ? undefined : e.DG_ACTIONS_MODE,
    breaker: {
      maxPerWindow: e.DG_ACTIONS_BREAKER_MAX,
      maxPerOrgPerWindow: e.DG_ACTIONS_BREAKER_MAX_PER_ORG,
      windowMs: e.DG_ACTIONS_BREAKER_WINDOW_MS,
    },
    sweepIntervalMs: e.DG_ACTIONS_SWEEP_INTERVAL_MS,
    topicPartitions: e.DG_ACTIONS_TOPIC_PARTITIONS,
    rebuildTimeoutMs: e.DG_ACTIONS_REBUILD_TIMEOUT_MS,
    runnerGroup: e.DG_KAFKA_GROUP_ACTIONS,
    readerGroupPrefix: e.DG_ACTIONS_READER_GROUP_PREFIX,
    recommendHeadroom: e.DG_ACTIONS_RECOMMEND_HEADROOM,
    recommendMinMinutes: e.DG_ACTIONS_RECOMMEND_MIN_MINUTES,
    recommendTimeoutMs: e.DG_ACTIONS_RECOMMEND_TIMEOUT_S * 1_000,
    backfillLagMs: e.DG_ACTIONS_BACKFILL_LAG_MS,
    throttle: {
      fraction: e.DG_ACTIONS_THROTTLE_FRACTION,
      floorRpm: e.DG_ACTIONS_THROTTLE_FLOOR_RPM,
      floorTpm: e.DG_ACTIONS_THROTTLE_FLOOR_TPM,
      baselineMs: e.DG_ACTIONS_THROTTLE_BASELINE_MS,
    },
  }));
