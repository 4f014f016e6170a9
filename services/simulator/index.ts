import type { UsageEventInput } from '../../schemas/usage-v1.ts';
import { keyEvents, type StreamSettings, type TimedEvent } from './key-stream.ts';
import { mergeByTime } from './merge.ts';
import { type ResolvedSimulationOptions, type SimulationOptions, simulationOptionsSchema } from './options.ts';
import { buildPopulation } from './population.ts';
import type { GroundTruth } from './truth.ts';

export type { TimedEvent } from './key-stream.ts';
export type { SimulationOptions } from './options.ts';
export {
  type Archetype,
  ATTACK_ARCHETYPES,
  BENIGN_ARCHETYPES,
  type GroundTruth,
  groundTruthSchema,
  type KeyTruth,
} from './truth.ts';

/** A simulated dataset: events in global event-time order (re-iterable, same events each time) and the truth. */
export interface Simulation {
  options: ResolvedSimulationOptions;
  truth: GroundTruth;
  /** usage.v1 events as a gateway would send them. */
  events: Iterable<UsageEventInput>;
  /** The same events paired with their event time in epoch ms (saves re-parsing `ts`). */
  timedEvents: Iterable<TimedEvent>;
}

/** Builds the population for `options` and returns lazy, deterministic event streams plus the ground truth. */
export function simulate(options: SimulationOptions = {}): Simulation {
  const resolved = simulationOptionsSchema.parse(options);
  const { truth } = buildPopulation(resolved);
  const settings: StreamSettings = { seed: resolved.seed, promptMode: resolved.promptMode };
  const timedEvents: Iterable<TimedEvent> = {
    // Prompt makers keep per-key state (sweep positions), so each iteration starts from a fresh population.
    [Symbol.iterator]: () => mergeByTime(buildPopulation(resolved).profiles.map((p) => keyEvents(p, settings))),
  };
  const events: Iterable<UsageEventInput> = {
    *[Symbol.iterator]() {
      for (const timed of timedEvents) yield timed.event;
    },
  };
  return { options: resolved, truth, events, timedEvents };
}
