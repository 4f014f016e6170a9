import { scanElicitation } from '../../common/text/elicitation.ts';
import {
  harvestPrompt,
  INSTRUCTION_FAMILIES,
  type InstructionFamily,
  isHeldOut,
  type Rng,
} from './harvest-instructions.ts';

/** One labelled prompt: 1 = chain-of-thought harvesting, 0 = a real human prompt. */
export interface LabelledPrompt {
  readonly text: string;
  readonly label: 0 | 1;
  /** Training weight (hard negatives count more); 1 elsewhere. */
  readonly weight: number;
}

/**
 * The data of one training run. Negatives are ShareGPT human turns: the `tune` slice is split (in conversation
 * order) into `train` and `calibration`, the `report` slice is only scored. Positives wrap harvesting instructions
 * around human turns of the same part, so a topic appears on both sides and only the instruction tells them apart.
 */
export interface ElicitationData {
  train: LabelledPrompt[];
  /** Tune slice, not trained on: chooses the threshold (negatives) and gives tune recall (training families). */
  calibration: { negatives: string[]; positives: string[] };
  report: {
    negatives: string[];
    /** Harvest prompts from training families around report-slice turns. */
    seenFamilies: string[];
    /** Per held-out family (held-out language included), harvest prompts around report-slice turns. */
    heldOut: Map<string, string[]>;
  };
  families: { train: string[]; heldOut: string[] };
}

export interface DatasetOptions {
  tune: readonly string[];
  report: readonly string[];
  rng: Rng;
  /** Share of the tune slice (from its start) trained on; the rest chooses the threshold. */
  trainShare: number;
  /** Weight of a training negative that the phrase list matches (a human asking for reasoning). */
  hardNegativeWeight: number;
  /** Harvest prompts per held-out family in the report. */
  perHeldOutFamily: number;
  /** Cap on negatives per part (0 = all); tests use a few hundred. */
  limit: number;
}

/** Dataset questions are short to medium: a pasted document is cut where a harvester's template would. */
const MAX_PAYLOAD_CHARS = 1_500;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

export function matchesPhraseList(text: string): boolean {
  const { reasoning, rationale } = scanElicitation(text);
  return reasoning || rationale;
}

function harvests(rng: Rng, families: readonly InstructionFamily[], pool: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const family = pick(rng, families);
    const batch = rng() < 0.15 ? 2 + Math.floor(rng() * 3) : 1;
    const payloads = Array.from({ length: batch }, () => pick(rng, pool).slice(0, MAX_PAYLOAD_CHARS));
    out.push(harvestPrompt(rng, family, payloads));
  }
  return out;
}

function capped(items: readonly string[], limit: number): string[] {
  return limit > 0 ? items.slice(0, limit) : [...items];
}

export function buildElicitationData(options: DatasetOptions): ElicitationData {
  const { rng, limit } = options;
  const split = Math.floor(options.tune.length * options.trainShare);
  const trainNegatives = capped(options.tune.slice(0, split), limit);
  const calibrationNegatives = capped(options.tune.slice(split), limit);
  const reportNegatives = capped(options.report, limit);
  const trainFamilies = INSTRUCTION_FAMILIES.filter((f) => !isHeldOut(f));
  const heldOutFamilies = INSTRUCTION_FAMILIES.filter(isHeldOut);

  const train: LabelledPrompt[] = trainNegatives.map((text) => ({
    text,
    label: 0,
    weight: matchesPhraseList(text) ? options.hardNegativeWeight : 1,
  }));
  for (const text of harvests(rng, trainFamilies, trainNegatives, trainNegatives.length)) {
    train.push({ text, label: 1, weight: 1 });
  }
  const heldOut = new Map<string, string[]>();
  for (const family of heldOutFamilies) {
    heldOut.set(family.id, harvests(rng, [family], reportNegatives, options.perHeldOutFamily));
  }
  return {
    train,
    calibration: {
      negatives: calibrationNegatives,
      positives: harvests(rng, trainFamilies, calibrationNegatives, Math.ceil(calibrationNegatives.length / 2)),
    },
    report: {
      negatives: reportNegatives,
      seenFamilies: harvests(rng, trainFamilies, reportNegatives, Math.ceil(reportNegatives.length / 4)),
      heldOut,
    },
    families: { train: trainFamilies.map((f) => f.id), heldOut: heldOutFamilies.map((f) => f.id) },
  };
}
