import type { TrainingData } from '../ml/model-metadata.ts';
import type { StressRegime, TuningVariant } from '../simulator/randomised/randomised-options.ts';
import type { AnalystLabel } from './analyst-labels.ts';
import {
  applyAnalystLabels,
  isValidationKey,
  type LabelledSnapshot,
  labelFromTruth,
  type SimulatedRun,
  strideFilter,
} from './snapshot-dataset.ts';

type SplitRole = 'train' | 'held_out_seed' | 'held_out_variant';

/**
 * One run to generate: a seed, a span and, for the classic simulator, the archetype variants keys may draw; with
 * `randomised`, a tuning variant of the domain-randomised family instead (never a held-out one).
 */
export interface RunSpec {
  role: SplitRole;
  seed: number;
  hours: number;
  keysScale: number;
  variants: number[];
  randomised?: { variant: TuningVariant; benignKeys: number } & StressRegime;
}

export interface SplitOptions {
  seed: number;
  hours: number;
  keysScale: number;
  trainRuns: number;
  /** One snapshot per key per this much event time. */
  strideMs: number;
  /** Share of training keys (by key hash) held back for calibration and early metrics. */
  validationShare: number;
  labels: readonly AnalystLabel[];
  labelsFile: string | null;
  /** Also train on the randomised family's tuning variants r1 and r2 (one run each). */
  randomised?: boolean;
}

export interface Splits {
  train: LabelledSnapshot[];
  validation: LabelledSnapshot[];
  held_out_seed: LabelledSnapshot[];
  held_out_variant: LabelledSnapshot[];
  trainingRuns: SimulatedRun[];
  analystLabels: number;
}

export type GenerateRun = (spec: RunSpec, onProgress: (done: number, total: number) => void) => Promise<SimulatedRun>;

const TRAIN_VARIANTS = [0, 1];
/** Benign keys per randomised training run at keys-scale 1 (the family's heavy segments are a third of them). */
const RANDOMISED_BENIGN_KEYS = 900;
const HELD_OUT_VARIANTS = [2];
/**
 * The randomised family's training runs: each tuning variant at its own scale, then stressed runs (outputs ×2, rates
 * ×2, each segment's outputs and rates drawn anew). r3 joined the tuning variants on 2026-12-03 (r4 is held out).
 */
const RANDOMISED_RUNS = [
  { variant: 'r1' },
  { variant: 'r2' },
  { variant: 'r1', outScale: 2 },
  { variant: 'r2', rateScale: 2 },
  { variant: 'r3' },
  { variant: 'r3', segmentJitter: 0.6 },
] as const;

/** Training seeds on variants 0–1, an unseen seed on the same variants, an unseen seed on variant 2 only. */
function runSpecs(options: Pick<SplitOptions, 'seed' | 'hours' | 'keysScale' | 'trainRuns' | 'randomised'>): RunSpec[] {
  const base = { hours: options.hours, keysScale: options.keysScale };
  const train = Array.from({ length: options.trainRuns }, (_, i) => ({
    ...base,
    role: 'train' as const,
    seed: options.seed + i,
    variants: TRAIN_VARIANTS,
  }));
  // Domain-randomised tuning traffic, so the models cannot learn the classic simulator's network and account tells.
  // Two of them in stress regimes (outputs twice as long, rates doubled) so the models learn behaviour, not one scale.
  const benignKeys = Math.round(RANDOMISED_BENIGN_KEYS * options.keysScale);
  const randomised = (options.randomised ? RANDOMISED_RUNS : []).map((run, i) => ({
    ...base,
    role: 'train' as const,
    seed: options.seed + 100 + i,
    variants: TRAIN_VARIANTS,
    randomised: { ...run, benignKeys },
  }));
  return [
    ...train,
    ...randomised,
    { ...base, role: 'held_out_seed', seed: options.seed + 1000, variants: TRAIN_VARIANTS },
    { ...base, role: 'held_out_variant', seed: options.seed + 2000, variants: HELD_OUT_VARIANTS },
  ];
}

/** Generates every run and files its labelled snapshots; analyst labels apply to the training runs only. */
export async function buildSplits(
  options: SplitOptions,
  generate: GenerateRun,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<Splits> {
  const specs = runSpecs(options);
  const splits: Splits = {
    train: [],
    validation: [],
    held_out_seed: [],
    held_out_variant: [],
    trainingRuns: [],
    analystLabels: 0,
  };
  for (const [i, spec] of specs.entries()) {
    const run = await generate(spec, (done, total) => onProgress(i + done / Math.max(1, total), specs.length));
    const rows = labelFromTruth({ truth: run.truth, snapshots: run.snapshots.filter(strideFilter(options.strideMs)) });
    if (spec.role !== 'train') {
      splits[spec.role].push(...rows);
      continue;
    }
    splits.trainingRuns.push(run);
    const { rows: relabelled, applied } = applyAnalystLabels(rows, options.labels);
    splits.analystLabels += applied;
    for (const row of relabelled) {
      (isValidationKey(row.apiKeyId, options.validationShare) ? splits.validation : splits.train).push(row);
    }
  }
  return splits;
}

/** What the models were trained on, for metadata.json. */
export function describeTraining(options: SplitOptions, splits: Splits): TrainingData {
  const specs = runSpecs(options);
  const archetypes: Record<string, number> = {};
  for (const key of splits.trainingRuns.flatMap((run) => run.truth.keys)) {
    const name = `${key.archetype}/v${key.variant}`;
    archetypes[name] = (archetypes[name] ?? 0) + 1;
  }
  const rows = [...splits.train, ...splits.validation];
  return {
    generator:
      `distillguard simulate (classic, keys scale ${options.keysScale}; randomised r1, r2 and r3 tuning variants, r1 also with outputs ×2, r2 with rates ×2, r3 with each segment's outputs and rates drawn anew) through the detector pipeline; ` +
      `snapshots thinned to one per key per ${options.strideMs / 60_000} min; ` +
      `${Math.round(options.validationShare * 100)}% of training keys held back for calibration`,
    hours: options.hours,
    seeds: {
      train: specs.filter((s) => s.role === 'train').map((s) => s.seed),
      heldOut: specs.filter((s) => s.role !== 'train').map((s) => s.seed),
    },
    archetypes: Object.fromEntries(Object.entries(archetypes).sort(([a], [b]) => a.localeCompare(b))),
    heldOutVariants: HELD_OUT_VARIANTS.map((v) => `v${v} of every archetype (held_out_variant split)`),
    counts: {
      snapshots: rows.length,
      positive: rows.filter((r) => r.label === 1).length,
      negative: rows.filter((r) => r.label === 0).length,
      keys: new Set(rows.map((r) => `${r.seed}/${r.apiKeyId}`)).size,
      analystLabels: splits.analystLabels,
    },
    labelsFile: options.labelsFile,
  };
}

/** Latest event time of the training runs: a `created` stamp that a re-run reproduces. */
export function createdFrom(runs: readonly SimulatedRun[]): string {
  return new Date(Math.max(...runs.map((r) => Date.parse(r.truth.end)))).toISOString();
}
