import { parseEventValue } from '../../schemas/parse-event.ts';
import type { DetectorConfig } from '../common/config/detector.ts';
import { createDetectorPipeline } from '../detector/pipeline.ts';
import type { KeyFeatureSnapshot } from '../detector/types.ts';
import type { ElicitationModel } from '../ml/elicitation/elicitation-scorer.ts';
import type { TimedEvent } from '../simulator/index.ts';
import { simulate } from '../simulator/index.ts';
import { randomisedDataset } from '../simulator/randomised/index.ts';
import type { GroundTruth } from '../simulator/truth.ts';
import { type SimulatedRun, strideFilter } from './snapshot-dataset.ts';
import type { RunSpec } from './splits.ts';

const YIELD_EVERY_EVENTS = 20_000;

/** The events and truth of a run: the classic simulator, or a tuning variant of the randomised family. */
function trafficFor(spec: RunSpec): { truth: GroundTruth; events: Iterable<TimedEvent> } {
  if (spec.randomised) {
    // variant, benign keys and the stress regime, as the run names them
    const ds = randomisedDataset({ seed: spec.seed, hours: spec.hours, humanPrompts: 'tune', ...spec.randomised });
    return { truth: ds.truth, events: ds.timedEvents };
  }
  const sim = simulate({ seed: spec.seed, hours: spec.hours, keysScale: spec.keysScale, variants: spec.variants });
  return { truth: sim.truth, events: sim.timedEvents };
}

/**
 * Generates one run and replays it through the detector pipeline (the replay code path, without tfjs scorers,
 * since features do not depend on scores); returns thinned snapshots and the ground truth.
 */
export async function generateSimulatedRun(
  spec: RunSpec,
  onProgress: (done: number, total: number) => void,
  options: { strideMs: number; detector?: DetectorConfig; elicitation: ElicitationModel | null },
): Promise<SimulatedRun> {
  const traffic = trafficFor(spec);
  const pipeline = createDetectorPipeline({ config: options.detector, elicitation: options.elicitation });
  const keep = strideFilter(options.strideMs); // as the stream goes, so memory stays small
  const snapshots: KeyFeatureSnapshot[] = [];
  const start = Date.parse(traffic.truth.start);
  const span = spec.hours * 3_600_000;
  let count = 0;
  for (const { event } of traffic.events) {
    const parsed = parseEventValue(event);
    if (!parsed.ok) throw new Error(`simulator produced an invalid event: ${parsed.reason}`);
    for (const snapshot of pipeline.process(parsed.event).features) if (keep(snapshot)) snapshots.push(snapshot);
    if (++count % YIELD_EVERY_EVENTS === 0) {
      onProgress(Math.min(span, parsed.event.ts - start), span);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  for (const snapshot of pipeline.finish().features) if (keep(snapshot)) snapshots.push(snapshot);
  onProgress(span, span);
  return { truth: traffic.truth, snapshots };
}
