import { z } from 'zod';
import { type Archetype, archetypeSchema, promptModeSchema } from './truth.ts';

/** Keys (benign) or campaigns (attack) per archetype at `keysScale` 1: many benign keys, several campaigns. */
export const DEFAULT_POPULATION: Readonly<Record<Archetype, number>> = {
  consumer_chat: 12,
  coding_agent: 40,
  document_pipeline: 6,
  eval_harness: 10,
  data_labelling: 12,
  researcher: 60,
  hobbyist: 400,
  bulk_distillation: 3,
  cot_harvesting: 3,
  capability_sweep: 3,
  hydra_network: 2,
  low_and_slow: 3,
  reseller: 2,
  region_evasion: 3,
};

export const DEFAULT_START = '2026-03-05T00:00:00.000Z';

export const simulationOptionsSchema = z
  .object({
    seed: z.int().default(1),
    /** Simulated start (event time), RFC 3339 or epoch ms. */
    start: z.union([z.iso.datetime({ offset: true }), z.int().min(946_684_800_000)]).default(DEFAULT_START),
    hours: z
      .number()
      .positive()
      .max(24 * 120)
      .default(24),
    /** Multiplies every default population count (rounded up, so each archetype stays present). */
    keysScale: z.number().positive().max(100).default(1),
    /** Absolute counts that override the scaled defaults: keys for benign archetypes, campaigns for attacks. */
    population: z.partialRecord(archetypeSchema, z.int().min(0)).default({}),
    /** Member keys per hydra network (scaled by keysScale when not given). */
    hydraMembers: z.int().min(2).max(10_000).optional(),
    promptMode: promptModeSchema.default('text'),
    /** Archetype parameter variants keys may draw (0–2); hold one out to test generalisation. */
    variants: z.array(z.int().min(0).max(2)).min(1).default([0, 1, 2]),
    /** Where in the span the new model is released (0–1). */
    newModelAt: z.number().min(0).max(1).default(0.5),
  })
  .transform((o) => ({
    ...o,
    start: typeof o.start === 'number' ? o.start : Date.parse(o.start),
  }));

export type SimulationOptions = z.input<typeof simulationOptionsSchema>;
export type ResolvedSimulationOptions = z.output<typeof simulationOptionsSchema>;

/** The number of keys or campaigns of each archetype for these options. */
export function populationCounts(options: ResolvedSimulationOptions): Record<Archetype, number> {
  const counts = {} as Record<Archetype, number>;
  for (const archetype of archetypeSchema.options) {
    counts[archetype] = options.population[archetype] ?? Math.ceil(DEFAULT_POPULATION[archetype] * options.keysScale);
  }
  return counts;
}

export function hydraMemberCount(options: ResolvedSimulationOptions): number {
  return options.hydraMembers ?? Math.max(4, Math.round(30 * options.keysScale));
}
