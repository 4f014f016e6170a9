import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import { createCoordinationEngine, stage2Options } from '../coordination/index.ts';
import { preparePrompt } from '../detector/features/prepared-event.ts';
import { createDetectorPipeline } from '../detector/pipeline.ts';
import type { SeverityThresholds } from '../detector/scorers/ensemble.ts';
import type { Scorer } from '../detector/scorers/scorer.ts';
import type { CapEvictionListener } from '../detector/state/state-caps.ts';
import type { StatefulProcessor } from './stateful-sink.ts';

/**
 * Stage 1 for one source partition: the same pipeline replay runs, without stage 2 (that runs over all partitions).
 * Checkpointed incrementally: deltas hold only the keys changed since the previous checkpoint.
 */
export function detectorProcessor(
  config: Config,
  scorers: Scorer[],
  thresholds: () => SeverityThresholds,
  state: Buffer | null,
  onCapEviction?: CapEvictionListener,
): StatefulProcessor {
  const pipeline = createDetectorPipeline({ config: config.detector, scorers, thresholds, state, onCapEviction });
  return {
    process: (event) => pipeline.process(event),
    snapshot: () => pipeline.snapshot(),
    delta: () => pipeline.snapshotDelta(),
    applyDelta: (delta) => pipeline.applyDelta(delta),
  };
}

/**
 * Stage 2 over every partition: the coordination engine fed exactly as the pipeline feeds it in replay. Keys evicted
 * for `DG_COORD_MAX_KEYS` since the previous checkpoint are logged at each checkpoint.
 */
export function coordinationProcessor(config: Config, state: Buffer | null, logger: Logger): StatefulProcessor {
  const engine = createCoordinationEngine(stage2Options(config));
  if (state) engine.restore(JSON.parse(state.toString()));
  let reported = engine.stats().capEvictions;
  return {
    process(event) {
      const prompt = preparePrompt(event);
      engine.observe(event, prompt.fingerprint, prompt);
      return { alerts: engine.advance(event.ts), features: [] };
    },
    snapshot: () => {
      const evicted = engine.stats().capEvictions - reported;
      if (evicted > 0) {
        const cap = config.coordination.maxKeys;
        logger.warn(
          { store: 'coordination_keys', evicted, cap },
          'state cap reached: least recently seen entries evicted',
        );
        reported += evicted;
      }
      return Buffer.from(JSON.stringify(engine.snapshot()));
    },
  };
}
