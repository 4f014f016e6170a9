import type { Config } from '../common/config/index.ts';
import { DistillGuardError } from '../common/errors.ts';
import { createCoordinationEngine, stage2Options } from '../coordination/index.ts';
import { resolveAlertThresholds } from '../detector/calibration/alert-thresholds.ts';
import { createDetectorPipeline, type DetectorPipelineWithState } from '../detector/pipeline.ts';
import type { Scorer } from '../detector/scorers/scorer.ts';
import { loadTfjsScorers } from '../detector/scorers/tfjs-scorer.ts';
import { loadElicitationOrWarn } from '../ml/elicitation/elicitation-model-file.ts';

export interface OfflineDetectorOptions {
  /** `coordination` (from `DG_COORD_*`) builds stage 2 exactly as the stream does; absent, its defaults. */
  config: Pick<Config, 'detector' | 'ml'> & Partial<Pick<Config, 'coordination'>>;
  coordination: boolean;
  ml: boolean;
  /** One human-readable line when something optional (the models) is unavailable. */
  warn: (message: string) => void;
  /** Whether outputs carry key_features rows (default true; replay without `--features` has no use for them). */
  featureRows?: boolean;
}

/** The models are optional offline: without them (a fresh clone before `train`) replay still runs, and says so. */
async function optionalModels(options: OfflineDetectorOptions): Promise<Scorer[]> {
  if (!options.ml || !options.config.ml.enabled) return [];
  try {
    return await loadTfjsScorers(options.config.ml);
  } catch (error) {
    const reason = error instanceof DistillGuardError ? `${error.code}: ${error.message}` : String(error);
    options.warn(`tfjs models not used (${reason}); scoring with rules and statistics only`);
    return [];
  }
}

/**
 * The detector as replay and demo run it: stage 1 plus, unless disabled, stage 2 and the tfjs models, with alert
 * thresholds calibrated to DG_DETECTOR_FP_BUDGET for whichever profile (models or rules only) actually runs.
 */
export async function buildOfflineDetector(options: OfflineDetectorOptions): Promise<DetectorPipelineWithState> {
  const scorers = await optionalModels(options);
  const { ml, detector } = options.config;
  const calibrated = await resolveAlertThresholds({
    modelsDir: ml.modelsDir,
    calibrationVersion: ml.calibrationVersion,
    fpBudget: detector.fpBudget,
    ml: scorers.length > 0,
  });
  if (calibrated.warning) options.warn(calibrated.warning);
  return createDetectorPipeline({
    config: detector,
    elicitation: await loadElicitationOrWarn(ml, options.warn),
    thresholds: calibrated.thresholds,
    scorers,
    coordination: options.coordination ? createCoordinationEngine(stage2Options(options.config)) : undefined,
    featureRows: options.featureRows,
  });
}
