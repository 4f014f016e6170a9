import type { Alert } from '../../../schemas/alert-v1.ts';
import { parseEventValue } from '../../../schemas/parse-event.ts';
import type { DetectorPipeline } from '../../detector/types.ts';
import { type GroundTruth, simulate } from '../../simulator/index.ts';

/** A small mixed population: the heavy benign archetypes that look like extraction, and one of each attack. */
export const DEMO_POPULATION = {
  consumer_chat: 2,
  coding_agent: 6,
  document_pipeline: 1,
  eval_harness: 2,
  data_labelling: 2,
  researcher: 8,
  hobbyist: 40,
  bulk_distillation: 1,
  cot_harvesting: 1,
  capability_sweep: 1,
  hydra_network: 1,
  low_and_slow: 1,
  reseller: 1,
  region_evasion: 1,
} as const;

export interface DemoResult {
  events: number;
  alerts: Alert[];
  truth: GroundTruth;
  seconds: number;
}

/** Simulates the demo population for `hours` of event time and streams it through the pipeline. */
export function runDemo(
  pipeline: DetectorPipeline,
  options: { seed: number; hours: number },
  onAlert: (alert: Alert) => void,
): DemoResult {
  const started = performance.now();
  const sim = simulate({ seed: options.seed, hours: options.hours, population: DEMO_POPULATION, hydraMembers: 8 });
  const alerts: Alert[] = [];
  const emit = (list: Alert[]) => {
    for (const alert of list) {
      alerts.push(alert);
      onAlert(alert);
    }
  };
  let events = 0;
  for (const input of sim.events) {
    const parsed = parseEventValue(input);
    if (!parsed.ok) continue;
    events++;
    emit(pipeline.process(parsed.event).alerts);
  }
  emit(pipeline.finish().alerts);
  return { events, alerts, truth: sim.truth, seconds: (performance.now() - started) / 1000 };
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
