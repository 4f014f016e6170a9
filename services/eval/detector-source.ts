import { defaultDetectorConfig } from '../common/config/detector.ts';
import { loadConfig } from '../common/config/index.ts';
import { mlEnv } from '../common/config/ml.ts';
import type { DetectorPipeline } from '../detector/types.ts';
import { buildOfflineDetector } from '../replay/build-detector.ts';

/** Builds a fresh detector as `replay` does; `ml` asks for the tfjs models, `coordination` for stage 2. */
export type DetectorFactory = (options: { ml: boolean; coordination: boolean }) => Promise<DetectorPipeline>;

/**
 * Where the detector's configuration comes from, as plain data so worker threads can build the same detector:
 * `config` is the environment (`DG_*`, as `replay` reads it), `builtin` the built-in defaults without tfjs models.
 */
export type DetectorSource = 'config' | 'builtin';

export function detectorFactory(source: DetectorSource, warn: (message: string) => void): DetectorFactory {
  if (source === 'builtin') {
    const config = { detector: defaultDetectorConfig(), ml: mlEnv.parse({ DG_ML_ENABLED: 'false' }) };
    return ({ coordination }) => buildOfflineDetector({ config, coordination, ml: false, warn });
  }
  const config = loadConfig();
  return ({ ml, coordination }) => buildOfflineDetector({ config, coordination, ml, warn });
}
