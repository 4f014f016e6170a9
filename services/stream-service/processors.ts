import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import { createCoordinationEngine, stage2Options } from '../coordination/index.ts';
import { preparePrompt } from '../detector/features/prepared-event.ts';
import { createDetectorPipeline, type DetectorPipelineOptions } from '../detector/pipeline.ts';
import type { ElicitationModel } from '../ml/elicitation/elicitation-scorer.ts';
import type { StatefulProcessor } from './stateful-sink.ts';

/**
 * Stage 1 for one source partition: the same pipeline replay runs, without stage 2 (that runs over all partitions).
 * Checkpointed incrementally (deltas hold only the keys changed since the previous checkpoint) and in pages of about
 * `pageBytes` (`DG_CHECKPOINT_PAGE_BYTES`).
 */
export function detectorProcessor(
  config: Config,
  scoring: Pick<DetectorPipelineOptions, 'scorers' | 'thresholds' | 'elicitation' | 'onCapEviction'>,
): StatefulProcessor {
  const pipeline = createDetectorPipeline({ config: config.detector, ...scoring });
  const pageBytes = config.stream.checkpointPageBytes;
  return {
    process: (event) => pipeline.process(event),
    snapshot: () => pipeline.snapshotPages(pageBytes),
    delta: () => pipeline.deltaPages(pageBytes),
    load: (page) => pipeline.loadPage(page),
  };
}

/**
 * Stage 2 over every partition: the coordination engine fed exactly as the pipeline feeds it in replay. Keys evicted
 * for `DG_COORD_MAX_KEYS` since the previous checkpoint are logged at each checkpoint. Its state is saved as one page
 * (one JSON document, bounded by `DG_COORD_MAX_KEYS`).
 */
export function coordinationProcessor(
  config: Config,
  logger: Logger,
  elicitation: ElicitationModel | null,
): StatefulProcessor {
  const engine = createCoordinationEngine(stage2Options(config));
  let reported = engine.stats().capEvictions;
  return {
    process(event) {
      const prompt = preparePrompt(event, elicitation);
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
      return [Buffer.from(JSON.stringify(engine.snapshot()))];
    },
    load: (page) => {
      engine.restore(JSON.parse(page.toString()));
      reported = engine.stats().capEvictions;
      return true;
    },
  };
}
