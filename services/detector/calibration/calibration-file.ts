import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, versionDir, writeJsonFile } from '../../common/stored-files.ts';

export const CALIBRATION_FORMAT = 'distillguard-calibration/1';
export const CALIBRATION_JSON = 'calibration.json';

const referenceSchema = z
  .object({
    key_days: z.int().min(0),
    counts: z.array(z.int().min(0)).min(10).max(10_000),
    /** Benign key-days per segment (archetype) behind the reference, so a reader sees what it covers. */
    segments: z.record(z.string(), z.int().min(0)),
  })
  .refine((r) => r.counts.reduce((a, b) => a + b, 0) === r.key_days, 'counts must add up to key_days');

/**
 * The benign references the alert thresholds are calibrated on, one per scoring profile: `ml` (rules + the tfjs
 * models of the versions named) and `rules` (rules and statistics only, e.g. `replay --no-ml`).
 */
export const calibrationSchema = z.object({
  format: z.literal(CALIBRATION_FORMAT),
  version: z.string().regex(/^[A-Za-z0-9._-]+$/),
  /** Latest event time of the reference traffic (not the wall clock), so a re-run writes the same file. */
  created: z.iso.datetime(),
  models: z.object({ autoencoder: z.string().nullable(), classifier: z.string().nullable() }),
  /** The datasets the references come from; every one must be a tuning dataset, never a held-out one. */
  datasets: z.array(z.string()).min(1),
  profiles: z.object({ ml: referenceSchema.nullable(), rules: referenceSchema }),
});

export type CalibrationFile = z.infer<typeof calibrationSchema>;
export type ReferenceProfile = z.infer<typeof referenceSchema>;

export async function resolveCalibrationDir(modelsDir: string, version: string): Promise<string> {
  return versionDir(join(modelsDir, 'calibration'), version, 'calibration');
}

export async function readCalibration(dir: string): Promise<CalibrationFile> {
  return readJsonFile(join(dir, CALIBRATION_JSON), calibrationSchema, 'is malformed');
}

export async function writeCalibration(dir: string, calibration: CalibrationFile): Promise<string> {
  const path = join(dir, CALIBRATION_JSON);
  await writeJsonFile(path, calibrationSchema, calibration, 1);
  return path;
}
