import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errors } from '../../common/errors.ts';

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
  const root = join(modelsDir, 'calibration');
  if (version !== 'latest') return join(root, version);
  const entries = await readdir(root, { withFileTypes: true }).catch((cause: unknown) => {
    throw errors.model(`no calibration under ${root}`, cause);
  });
  const versions = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const latest = versions.at(-1);
  if (!latest) throw errors.model(`no calibration versions under ${root}`);
  return join(root, latest);
}

export async function readCalibration(dir: string): Promise<CalibrationFile> {
  const path = join(dir, CALIBRATION_JSON);
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw errors.model(`${path} cannot be read`, cause);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw errors.model(`${path} is not JSON`, cause);
  }
  const parsed = calibrationSchema.safeParse(json);
  if (!parsed.success) throw errors.model(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export async function writeCalibration(dir: string, calibration: CalibrationFile): Promise<string> {
  const checked = calibrationSchema.parse(calibration);
  await mkdir(dir, { recursive: true });
  const path = join(dir, CALIBRATION_JSON);
  await writeFile(path, `${JSON.stringify(checked, null, 1)}\n`);
  return path;
}
