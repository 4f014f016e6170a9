import { z } from 'zod';
import { promptModeSchema } from '../truth.ts';

export const VARIANTS = ['r1', 'r2', 'r3', 'r4'] as const;
export type VariantName = (typeof VARIANTS)[number];
/**
 * Variants that may be tuned on (services/eval/protocol.ts); every other variant is held out. r3 was the held-out
 * variant until 2026-12-03, when it was read to diagnose false positives: it became a tuning variant, and r4, written
 * blind by someone who does not tune the detector, is held out instead.
 */
export const TUNING_VARIANTS = ['r1', 'r2', 'r3'] as const satisfies readonly VariantName[];
export type TuningVariant = (typeof TUNING_VARIANTS)[number];

export const randomisedOptionsSchema = z
  .object({
    seed: z.int().default(1),
    /** Simulated start (event time), RFC 3339 or epoch ms. */
    start: z
      .union([z.iso.datetime({ offset: true }), z.int().min(946_684_800_000)])
      .default('2026-03-05T00:00:00.000Z'),
    hours: z
      .number()
      .positive()
      .max(24 * 60)
      .default(48),
    /** Benign keys in total: heavy segments plus the light tail of small users. */
    benignKeys: z.int().min(20).max(500_000).default(5_000),
    /** r1, r2 and r3 may be tuned on (r3 since 2026-12-03); r4 is held out (services/eval/protocol.ts). */
    variant: z.enum(VARIANTS).default('r1'),
    promptMode: promptModeSchema.default('text'),
    /** Which ShareGPT slice feeds benign human prompts; `none` uses the generator's own prompts. */
    humanPrompts: z.enum(['tune', 'report', 'none']).default('tune'),
    /** human-turns.jsonl; relative paths resolve from the repository root. */
    humanPromptsPath: z.string().min(1).optional(),
    /** Multiplies the number of attack campaigns (rounded, at least one of each). */
    attackScale: z.number().positive().max(50).default(1),
    /**
     * Multiplies the variant's output lengths and request rates for every key, benign and attack alike: a more verbose
     * model, a busier vendor. Stress regimes for tuning robustness; 1 leaves the variant as it is.
     */
    outScale: z.number().min(0.1).max(10).default(1),
    rateScale: z.number().min(0.1).max(10).default(1),
    /**
     * Stress regime for tuning: each benign segment and each attack gets its own output and rate multipliers,
     * log-normal with this sigma, drawn once per dataset from the seed — segments that behave unlike the variant's
     * own, so tuning cannot learn one shape per segment. 0 leaves the variant as it is.
     */
    segmentJitter: z.number().min(0).max(2).default(0),
  })
  .transform((o) => ({ ...o, start: typeof o.start === 'number' ? o.start : Date.parse(o.start) }));

export type RandomisedOptions = z.input<typeof randomisedOptionsSchema>;
/** A stress regime: every key's outputs and/or rates scaled (absent = 1), per segment or not (absent = 0). */
export type StressRegime = Pick<RandomisedOptions, 'outScale' | 'rateScale' | 'segmentJitter'>;
export type ResolvedRandomisedOptions = z.output<typeof randomisedOptionsSchema>;
