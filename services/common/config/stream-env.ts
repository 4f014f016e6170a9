import { z } from 'zod';
import { bool, int, str } from './env-helpers.ts';

export const streamEnv = z
  .object({
    DG_EVENTS_PARTITIONS: int(4, 1, 10_000).describe('Partitions when the service creates a missing topic'),
    DG_KAFKA_FROM_BEGINNING: bool(true).describe('A new consumer group starts at the earliest retained offset'),
    DG_MIGRATE_ON_START: bool(true).describe('Apply pending ClickHouse migrations when the service starts'),
    DG_STREAM_HEALTH_PORT: int(9464, 0, 65_535).describe('Port of the stream worker health/metrics server (0 = off)'),
    DG_STREAM_HEALTH_HOST: str('127.0.0.1').describe('Address the stream health server listens on'),
    DG_DETECTOR_IN_STREAM: bool(true).describe('Run the detector (stage 1) on the ingest consumer'),
    DG_COORDINATION_IN_STREAM: bool(true).describe(
      'Run stage 2 in this process; with several instances one owns it (single-owner group) and the others stand by',
    ),
    DG_CHECKPOINT_INTERVAL_MS: int(10_000, 100, 3_600_000).describe(
      'Detector state checkpoint and offset commit interval (a crash replays at most this much)',
    ),
    DG_CHECKPOINT_RETAIN: int(3, 1, 1_000).describe(
      'Checkpoint chains (a full state and its deltas) kept per consumer group and partition (older ones are replaced)',
    ),
    DG_CHECKPOINT_FULL_EVERY: int(30, 0, 1_000).describe(
      'Delta checkpoints (only the keys changed since the previous one) between two full ones (0 = always full)',
    ),
    DG_CHECKPOINT_PAGE_BYTES: int(4 * 1024 * 1024, 1_024, 256 * 1024 * 1024).describe(
      'A checkpoint is saved in pages of about this many bytes of JSON (no string holds a whole partition state)',
    ),
    DG_SHUTDOWN_TIMEOUT_MS: int(30_000, 1_000, 600_000).describe('Longest a graceful shutdown may take'),
    DG_MAX_FUTURE_SKEW_MS: int(3_600_000, 0, 30 * 86_400_000).describe(
      'Events stamped further ahead of the wall clock go to the dead-letter topic as future_ts (0 = no limit)',
    ),
    DG_STREAM_POISON_ATTEMPTS: int(3, 1, 1_000).describe(
      'Attempts at an event the detector or stage 2 throws on before it goes to the dead-letter topic',
    ),
    DG_CALIBRATION_REFRESH_MS: int(600_000, 0, 86_400_000).describe(
      'How often the stream re-reads the newest alert-threshold calibration (0 = only at start)',
    ),
  })
  .transform((e) => ({
    partitions: e.DG_EVENTS_PARTITIONS,
    fromBeginning: e.DG_KAFKA_FROM_BEGINNING,
    migrateOnStart: e.DG_MIGRATE_ON_START,
    shutdownTimeoutMs: e.DG_SHUTDOWN_TIMEOUT_MS,
    healthPort: e.DG_STREAM_HEALTH_PORT,
    detector: e.DG_DETECTOR_IN_STREAM,
    coordination: e.DG_COORDINATION_IN_STREAM,
    checkpointIntervalMs: e.DG_CHECKPOINT_INTERVAL_MS,
    checkpointRetain: e.DG_CHECKPOINT_RETAIN,
    checkpointFullEvery: e.DG_CHECKPOINT_FULL_EVERY,
    checkpointPageBytes: e.DG_CHECKPOINT_PAGE_BYTES,
    healthHost: e.DG_STREAM_HEALTH_HOST,
    calibrationRefreshMs: e.DG_CALIBRATION_REFRESH_MS,
    maxFutureSkewMs: e.DG_MAX_FUTURE_SKEW_MS,
    poisonAttempts: e.DG_STREAM_POISON_ATTEMPTS,
  }));
