import type { Alert } from '../../schemas/alert-v1.ts';
import { parseEventValue } from '../../schemas/parse-event.ts';
import { FEATURE_COUNT } from '../detector/features/feature-names.ts';
import type { DetectorPipeline, PipelineOutput } from '../detector/types.ts';
import type { Simulation } from '../simulator/index.ts';
import type { RateLimitBaseline } from './baselines/rate-limit.ts';
import { FeatureStore } from './feature-store.ts';
import type { SystemRecorder } from './system-recorder.ts';

const YIELD_EVERY_EVENTS = 10_000;

export interface DetectorRun {
  events: number;
  activeKeys: Set<string>;
  features: FeatureStore;
  alerts: number;
}

function recordAlert(recorder: SystemRecorder, alert: Alert): void {
  const ts = Date.parse(alert.raised_at);
  if (alert.kind === 'cluster') recorder.clusterFlag(alert.api_key_ids, ts, alert.score);
  else for (const key of alert.api_key_ids) recorder.flag(key, ts, alert.score);
}

export interface DetectorRunHooks {
  onProgress?: (eventTime: number, events: number) => void;
  /** Every alert the detector raised, in order (for `eval --alerts`). */
  onAlert?: (alert: Alert) => void;
}

function record(
  out: PipelineOutput,
  recorder: SystemRecorder,
  features: FeatureStore,
  hooks: DetectorRunHooks,
): number {
  for (const snapshot of out.features) {
    recorder.score(snapshot.api_key_id, snapshot.ts, snapshot.score);
    features.add(snapshot);
  }
  for (const alert of out.alerts) {
    recordAlert(recorder, alert);
    hooks.onAlert?.(alert);
  }
  return out.alerts.length;
}

/**
 * Replays a simulation through the detector as `replay` does (validation by `parseEventValue`, then the
 * event-time pipeline `buildOfflineDetector` built) and feeds the rate-limit baseline the same events.
 */
export async function runDetector(
  sim: Simulation,
  pipeline: DetectorPipeline,
  recorders: { detector: SystemRecorder; rateLimit: RateLimitBaseline },
  hooks: DetectorRunHooks = {},
): Promise<DetectorRun> {
  const { detector, rateLimit } = recorders;
  const features = new FeatureStore(FEATURE_COUNT);
  const activeKeys = new Set<string>();
  let events = 0;
  let alerts = 0;
  for (const { event } of sim.timedEvents) {
    const parsed = parseEventValue(event);
    if (!parsed.ok) throw new Error(`simulator produced an invalid event: ${parsed.reason}`);
    activeKeys.add(parsed.event.api_key_id);
    rateLimit.observe(parsed.event);
    alerts += record(pipeline.process(parsed.event), detector, features, hooks);
    if (++events % YIELD_EVERY_EVENTS === 0) {
      hooks.onProgress?.(parsed.event.ts, events);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  alerts += record(pipeline.finish(), detector, features, hooks);
  return { events, activeKeys, features, alerts };
}
