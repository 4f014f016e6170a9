import type { UsageEventInput } from '../../schemas/usage-v1.ts';
import { simulate } from '../../services/simulator/index.ts';
import { SMALL_MIXED_POPULATION } from '../fixtures/small-population.ts';

const SPAN_HOURS = 24;
const SIMULATED_START = Date.parse('2026-03-05T00:00:00.000Z');

/**
 * An endless stream of simulated traffic (benign heavy users, one campaign of each attack, a hydra network): day
 * after simulated day, each with the next seed, ids `soak-<n>`. The same keys come back every day, so state stays
 * the size of the population while event time moves on.
 */
export function* soakEvents(): Generator<UsageEventInput> {
  let n = 0;
  for (let day = 0; ; day++) {
    const start = SIMULATED_START + day * SPAN_HOURS * 3_600_000;
    const sim = simulate({ seed: 41, start, hours: SPAN_HOURS, population: SMALL_MIXED_POPULATION, hydraMembers: 8 });
    for (const event of sim.events) yield { ...event, event_id: `soak-${n++}` };
  }
}
