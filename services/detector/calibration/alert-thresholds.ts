import { DistillGuardError } from '../../common/errors.ts';
import { DEFAULT_SEVERITY_THRESHOLDS, type SeverityThresholds } from '../scorers/ensemble.ts';
import { type CalibrationFile, readCalibration, resolveCalibrationDir } from './calibration-file.ts';
import { thresholdsForBudget } from './fp-budget.ts';

export interface AlertThresholdSettings {
  modelsDir: string;
  calibrationVersion: string;
  /** Benign keys alerted per 1,000 per day (DG_DETECTOR_FP_BUDGET). */
  fpBudget: number;
  /** Whether the tfjs models score: the `ml` reference then applies, else the rules-only one. */
  ml: boolean;
}

export interface ResolvedThresholds {
  thresholds: SeverityThresholds;
  /** Where they came from, for the start-up log and reports. */
  source: string;
}

/** Thresholds for one profile of a calibration file at a budget. */
export function thresholdsFromCalibration(file: CalibrationFile, ml: boolean, fpBudget: number): SeverityThresholds {
  const profile = ml ? (file.profiles.ml ?? file.profiles.rules) : file.profiles.rules;
  return thresholdsForBudget({ keyDays: profile.key_days, counts: profile.counts }, fpBudget);
}

/**
 * The alert thresholds the detector runs with: calibrated to the false-positive budget on the shipped benign reference,
 * or the fixed defaults (with `warning` set) when no calibration can be read.
 */
export async function resolveAlertThresholds(
  settings: AlertThresholdSettings,
): Promise<ResolvedThresholds & { warning?: string }> {
  try {
    const dir = await resolveCalibrationDir(settings.modelsDir, settings.calibrationVersion);
    const file = await readCalibration(dir);
    const profile = settings.ml && file.profiles.ml ? 'ml' : 'rules';
    return {
      thresholds: thresholdsFromCalibration(file, settings.ml, settings.fpBudget),
      source: `${dir} (${profile} profile, budget ${settings.fpBudget} per 1,000 key-days)`,
    };
  } catch (error) {
    const reason = error instanceof DistillGuardError ? error.message : String(error);
    return {
      thresholds: { ...DEFAULT_SEVERITY_THRESHOLDS },
      source: 'fixed defaults',
      warning: `alert thresholds not calibrated (${reason}); using the fixed defaults`,
    };
  }
}
