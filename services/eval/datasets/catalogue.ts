import type { Dataset } from '../../simulator/dataset.ts';
import type { Archetype } from '../../simulator/index.ts';
import { randomisedDataset } from '../../simulator/randomised/index.ts';
import { type StressRegime, VARIANTS, type VariantName } from '../../simulator/randomised/randomised-options.ts';
import { type DatasetRole, datasetRole, isHeldOutVariant } from '../protocol.ts';
import { TARGETS } from '../targets.ts';
import { classicDataset } from './classic.ts';

type HumanPrompts = 'tune' | 'report' | 'none';

type ClassicSpec = { family: 'classic'; seed: number; hours: number; keysScale: number };
type RandomisedSpec = {
  family: 'randomised';
  variant: VariantName;
  seed: number;
  hours: number;
  benignKeys: number;
  humanPrompts: HumanPrompts;
  /** Stress regime of a tuning set: every key's outputs or rates scaled (a more verbose model, a busier vendor). */
  stress?: StressRegime;
};
/** How to build one dataset: the evaluation never reaches into a generator beyond this. */
export type DatasetSpec = ClassicSpec | RandomisedSpec;

/** Campaigns per archetype with a recall target in the classic family, doubled so recall is less coarse. */
const TARGETED_CAMPAIGNS = 6;

function targetedPopulation(keysScale: number): Partial<Record<Archetype, number>> {
  const count = Math.ceil(TARGETED_CAMPAIGNS * keysScale);
  const archetypes = [...TARGETS.recall15mArchetypes, 'capability_sweep'] as const;
  return Object.fromEntries(archetypes.map((a) => [a, count]));
}

/** A built dataset as the protocol sees it, and why its generator fell back (no ShareGPT file), if it did. */
export type BuiltDataset = Dataset & { humanPrompts?: { slice: string } | null; warning?: string | null };

export function buildDataset(spec: DatasetSpec): BuiltDataset {
  if (spec.family === 'classic') {
    const { seed, hours, keysScale } = spec;
    return classicDataset({ seed, hours, keysScale, population: targetedPopulation(keysScale) });
  }
  const { variant, seed, hours, benignKeys, humanPrompts, stress } = spec;
  const ds = randomisedDataset({ variant, seed, hours, benignKeys, humanPrompts, ...stress });
  const slice = ds.humanPrompts ? `, ShareGPT ${ds.humanPrompts.slice} slice` : '';
  return { ...ds, name: `${ds.name} (${benignKeys.toLocaleString('en-US')} benign keys${slice})` };
}

/** The protocol role of the dataset a spec builds, known before building it. */
export function specRole(spec: DatasetSpec): DatasetRole {
  if (spec.family === 'classic') return datasetRole({ family: 'classic', variant: '', seed: spec.seed, name: '' });
  const humanPrompts = spec.humanPrompts === 'none' ? null : { slice: spec.humanPrompts };
  return datasetRole({ family: 'randomised', variant: spec.variant, seed: spec.seed, name: '', humanPrompts });
}

/** Which datasets tune the baselines and which are reported on (roles follow `protocol.ts`, never this list). */
export interface EvalPlan {
  tuning: DatasetSpec[];
  report: DatasetSpec[];
  /** Run the context-swap test on held-out report datasets. */
  swap: boolean;
}

/**
 * The full protocol run: ≥ 5,000 benign keys over 2 days on held-out r4; in-distribution sets smaller (the gap is
 * visible without doubling the cost); tuning sets large enough to fit baselines. Longest passes first, so two
 * worker threads finish together.
 */
export function fullPlan(): EvalPlan {
  return {
    tuning: [
      { family: 'classic', seed: 7, hours: 12, keysScale: 1 },
      { family: 'randomised', variant: 'r1', seed: 11, hours: 24, benignKeys: 1_500, humanPrompts: 'tune' },
      { family: 'randomised', variant: 'r2', seed: 12, hours: 24, benignKeys: 1_500, humanPrompts: 'tune' },
    ],
    report: [
      { family: 'randomised', variant: 'r4', seed: 1001, hours: 48, benignKeys: 5_000, humanPrompts: 'report' },
      { family: 'randomised', variant: 'r1', seed: 1000, hours: 48, benignKeys: 1_000, humanPrompts: 'report' },
      { family: 'classic', seed: 2026, hours: 24, keysScale: 1 },
    ],
    swap: true,
  };
}

/** Every part of the full run on tiny datasets of both families: seconds, for CI. */
export function smallPlan(): EvalPlan {
  return {
    tuning: [
      { family: 'classic', seed: 7, hours: 1, keysScale: 0.1 },
      { family: 'randomised', variant: 'r1', seed: 11, hours: 2, benignKeys: 120, humanPrompts: 'tune' },
      { family: 'randomised', variant: 'r2', seed: 12, hours: 2, benignKeys: 120, humanPrompts: 'tune' },
    ],
    report: [
      { family: 'randomised', variant: 'r4', seed: 1001, hours: 2, benignKeys: 150, humanPrompts: 'report' },
      { family: 'classic', seed: 2026, hours: 1.5, keysScale: 0.1 },
      { family: 'randomised', variant: 'r1', seed: 1000, hours: 2, benignKeys: 150, humanPrompts: 'report' },
    ],
    swap: true,
  };
}

/** The dataset ids `--datasets` accepts, in words. */
export const DATASET_ID_FORMS = `classic:SEED or ${VARIANTS.join('|')}:SEED`;

/** Size overrides for report datasets from the command line. */
export interface ReportSizes {
  hours?: number;
  benignKeys?: number;
  keysScale?: number;
}

/**
 * Report datasets from ids such as `r4:1001,classic:2026,r1:1000`: each takes the plan's size for its family and
 * variant (or the base plan's first dataset of that family), then the overrides.
 */
export function reportSpecs(ids: string, base: EvalPlan, sizes: ReportSizes): DatasetSpec[] {
  return ids.split(',').map((raw) => {
    const match = /^(classic|r\d+):(-?\d+)$/.exec(raw.trim());
    const known = match?.[1] === 'classic' || (VARIANTS as readonly string[]).includes(match?.[1] ?? '');
    if (!match || !known) throw new RangeError(`bad dataset id "${raw}": expected ${DATASET_ID_FORMS}`);
    const seed = Number(match[2]);
    if (match[1] === 'classic') {
      const like = base.report.find((s): s is ClassicSpec => s.family === 'classic');
      return {
        family: 'classic',
        seed,
        hours: sizes.hours ?? like?.hours ?? 24,
        keysScale: sizes.keysScale ?? like?.keysScale ?? 1,
      };
    }
    const variant = match[1] as VariantName;
    const randomised = base.report.filter((s): s is RandomisedSpec => s.family === 'randomised');
    const like = randomised.find((s) => s.variant === variant) ?? randomised[0]!;
    return {
      family: 'randomised',
      variant,
      seed,
      hours: sizes.hours ?? like.hours,
      benignKeys: sizes.benignKeys ?? like.benignKeys,
      humanPrompts: seed >= 1000 || isHeldOutVariant(variant) ? 'report' : 'tune',
    };
  });
}
