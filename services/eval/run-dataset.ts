import type { Alert } from '../../schemas/alert-v1.ts';
import { parseEventValue } from '../../schemas/parse-event.ts';
import type { DetectorPipeline, KeyFeatureSnapshot, PipelineOutput } from '../detector/types.ts';
import type { Dataset } from '../simulator/dataset.ts';
import type { RateLimitBaseline } from './baselines/rate-limit.ts';
import type { SnapshotSystem } from './baselines/snapshot-baselines.ts';
import { DETECT_WITHIN_MIN } from './metrics/evaluate.ts';
import type { SystemRecorder } from './system-recorder.ts';

const YIELD_EVERY_EVENTS = 10_000;

/** One detector configuration under test (e.g. with and without the tfjs models) and what it said. */
export interface DetectorUnderTest {
  pipeline: DetectorPipeline;
  recorder: SystemRecorder;
}

export interface DatasetRunSystems {
  /** Every one sees the same events; the first one's feature snapshots feed `snapshots` and `onSnapshot`. */
  detectors: readonly DetectorUnderTest[];
  rateLimit?: RateLimitBaseline;
  snapshots?: readonly SnapshotSystem[];
}

export interface DatasetRunHooks {
  onProgress?: (eventTime: number, events: number) => void;
  onAlert?: (alert: Alert) => void;
  onSnapshot?: (snapshot: KeyFeatureSnapshot) => void;
}

export interface DatasetRun {
  /** Valid events replayed. */
  events: number;
  activeKeys: Set<string>;
  /**
   * Each attack key's onset: the event time of its first request at or after its campaign start (absent: it sent
   * none). Keys of one campaign do not all begin at the campaign's start (a worker pool brings keys in over time, an
   * aged key waits), and none can be detected before it sends.
   */
  onsets: Map<string, number>;
  /** Events of each attack key within DETECT_WITHIN_MIN of its onset: how much there was to detect by then. */
  earlyEvents: Map<string, number>;
  /** Events `parseEventValue` refused: skipped as replay skips bad lines, counted with their reasons. */
  rejected: number;
  rejectReasons: Map<string, number>;
}

/** Alerts of severity low are informational: they never count as a detection or a false positive. */
export function recordAlert(recorder: SystemRecorder, alert: Alert): void {
  const ts = Date.parse(alert.raised_at);
  if (alert.severity === 'low') {
    recorder.informationalAlerts++;
    for (const key of alert.api_key_ids) recorder.score(key, ts, alert.score);
    return;
  }
  recorder.alerts++;
  if (alert.kind === 'cluster') recorder.clusterFlag(alert.api_key_ids, ts, alert.score);
  else for (const key of alert.api_key_ids) recorder.flag(key, ts, alert.score);
}

function record(out: PipelineOutput, index: number, systems: DatasetRunSystems, hooks: DatasetRunHooks): void {
  const { recorder } = systems.detectors[index]!;
  for (const snapshot of out.features) {
    recorder.score(snapshot.api_key_id, snapshot.ts, snapshot.score);
    if (index !== 0) continue;
    for (const system of systems.snapshots ?? []) system.observe(snapshot);
    hooks.onSnapshot?.(snapshot);
  }
  for (const alert of out.alerts) {
    recordAlert(recorder, alert);
    if (index === 0) hooks.onAlert?.(alert);
  }
}

/**
 * One pass over a dataset: each event is validated as `replay` validates it (`parseEventValue`; refused ones are
 * skipped and counted, as replay counts bad lines) and fed to every
 * detector pipeline and the rate-limit baseline; the first pipeline's snapshots feed the snapshot baselines.
 */
export async function runDataset(ds: Dataset, systems: DatasetRunSystems, hooks: DatasetRunHooks = {}) {
  const activeKeys = new Set<string>();
  const campaignStarts = new Map<string, number>();
  for (const k of ds.truth.keys) if (k.campaign_start) campaignStarts.set(k.api_key_id, Date.parse(k.campaign_start));
  const onsets = new Map<string, number>();
  const earlyEvents = new Map<string, number>();
  const rejectReasons = new Map<string, number>();
  let events = 0;
  let rejected = 0;
  for (const { event } of ds.timedEvents) {
    const parsed = parseEventValue(event);
    if (!parsed.ok) {
      rejected++;
      rejectReasons.set(parsed.reason, (rejectReasons.get(parsed.reason) ?? 0) + 1);
      continue;
    }
    activeKeys.add(parsed.event.api_key_id);
    // Each key's events come in time order, so its first one from the campaign start on is its onset.
    const { api_key_id: key, ts } = parsed.event;
    const start = campaignStarts.get(key);
    if (start !== undefined && ts >= start) {
      const onset = onsets.get(key) ?? ts;
      onsets.set(key, onset);
      if (ts <= onset + DETECT_WITHIN_MIN * 60_000) earlyEvents.set(key, (earlyEvents.get(key) ?? 0) + 1);
    }
    systems.rateLimit?.observe(parsed.event);
    systems.detectors.forEach((d, i) => {
      record(d.pipeline.process(parsed.event), i, systems, hooks);
    });
    if (++events % YIELD_EVERY_EVENTS === 0) {
      hooks.onProgress?.(parsed.event.ts, events);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  systems.detectors.forEach((d, i) => {
    record(d.pipeline.finish(), i, systems, hooks);
  });
  return {
    events,
    activeKeys,
    onsets,
    earlyEvents,
    rejected,
    rejectReasons,
  } satisfies DatasetRun;
}
