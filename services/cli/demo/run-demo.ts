import type { Alert } from '../../../schemas/alert-v1.ts';
import { parseEventValue } from '../../../schemas/parse-event.ts';
import type { DetectorPipeline } from '../../detector/types.ts';
import type { GroundTruth } from '../../simulator/index.ts';
import { randomisedDataset } from '../../simulator/randomised/index.ts';

/**
 * The domain-randomised family's tuning variant r1 (services/simulator/randomised/) at a demo's size: 200 legitimate keys
 * of every heavy segment (chat apps and agents on cloud networks, serverless egress, enterprises with many keys, new
 * keys, travelling staff, apps hosted abroad, document generation, eval sweeps, synthetic data, tutoring, coding,
 * translation) and light users, and one campaign of each attack, network, country, key age and keys per org drawn alike
 * for both. The generator's own human-like prompts stand in for ShareGPT's, so it needs no downloaded data.
 */
export const DEMO_TRAFFIC = { variant: 'r1', benignKeys: 200, attackScale: 0.25, humanPrompts: 'none' } as const;

export interface DemoResult {
  events: number;
  alerts: Alert[];
  truth: GroundTruth;
  seconds: number;
}

/**
 * Simulates the demo traffic for `hours` of event time and streams it through the pipeline. An event the simulator
 * got wrong is an error (it would be a bug in the generator), not something to skip.
 */
export function runDemo(
  pipeline: DetectorPipeline,
  options: { seed: number; hours: number },
  onAlert: (alert: Alert) => void,
): DemoResult {
  const started = performance.now();
  const dataset = randomisedDataset({ ...DEMO_TRAFFIC, seed: options.seed, hours: options.hours });
  const alerts: Alert[] = [];
  const emit = (list: Alert[]) => {
    for (const alert of list) {
      alerts.push(alert);
      onAlert(alert);
    }
  };
  let events = 0;
  for (const { event } of dataset.timedEvents) {
    const parsed = parseEventValue(event);
    if (!parsed.ok) throw new Error(`the simulator produced an invalid event: ${parsed.reason}`);
    events++;
    emit(pipeline.process(parsed.event).alerts);
  }
  emit(pipeline.finish().alerts);
  return { events, alerts, truth: dataset.truth, seconds: (performance.now() - started) / 1000 };
}

export interface ArchetypeOutcome {
  archetype: string;
  label: 'benign' | 'attack';
  keys: number;
  alerted: number;
}

/** Per archetype: how many of its keys appear in at least one alert. */
export function outcomesByArchetype(truth: GroundTruth, alerts: Alert[]): ArchetypeOutcome[] {
  const alerted = new Set(alerts.flatMap((a) => a.api_key_ids));
  const rows = new Map<string, ArchetypeOutcome>();
  for (const key of truth.keys) {
    const row = rows.get(key.archetype) ?? { archetype: key.archetype, label: key.label, keys: 0, alerted: 0 };
    row.keys++;
    if (alerted.has(key.api_key_id)) row.alerted++;
    rows.set(key.archetype, row);
  }
  return [...rows.values()].sort((a, b) => a.label.localeCompare(b.label) || a.archetype.localeCompare(b.archetype));
}
