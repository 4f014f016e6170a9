import type { Dataset } from '../../simulator/dataset.ts';
import { type SimulationOptions, simulate } from '../../simulator/index.ts';

/** The classic simulator (`services/simulator/`) as a `Dataset`, so evaluation never depends on its internals. */
export function classicDataset(options: SimulationOptions = {}): Dataset {
  const sim = simulate(options);
  const o = sim.options;
  return {
    name: `classic seed ${o.seed}`,
    family: 'classic',
    variant: o.variants.join(','),
    seed: o.seed,
    hours: o.hours,
    promptMode: o.promptMode,
    truth: sim.truth,
    timedEvents: sim.timedEvents,
  };
}
