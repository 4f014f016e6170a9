import { z } from 'zod';
import { int } from './env-helpers.ts';

export const retentionEnv = z
  .object({
    DG_RETENTION_USAGE_EVENTS_DAYS: int(0, 0, 36_500).describe(
      'Days usage_events (prompt text included) is kept; older daily partitions are dropped; 0 = keep forever',
    ),
    DG_RETENTION_KEY_FEATURES_DAYS: int(0, 0, 36_500).describe(
      'Days key_features is kept; older daily partitions are dropped; 0 = keep forever',
    ),
    DG_RETENTION_INTERVAL_S: int(3_600, 60, 86_400).describe(
      'How often `stream` (with ingest) drops partitions past their retention; also once at start',
    ),
  })
  .transform((e) => ({
    days: { usage_events: e.DG_RETENTION_USAGE_EVENTS_DAYS, key_features: e.DG_RETENTION_KEY_FEATURES_DAYS },
    intervalS: e.DG_RETENTION_INTERVAL_S,
  }));
