import { scanElicitation } from '../../common/text/elicitation.ts';
import { BENIGN_TRAINING_LANGUAGES, benignRequest } from './benign-instructions.ts';
import {
  harvestPrompt,
  INSTRUCTION_FAMILIES,
  INSTRUCTION_LANGUAGES,
  type InstructionFamily,
  type InstructionLanguage,
  isHeldOut,
  pick,
  type RandomFn,
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
  /**
   * Tune slice, not trained on: chooses the threshold (negatives) and gives tune recall (training families) and the
   * false-positive rate on ordinary requests in the training languages (`requests`, not used for the threshold).
   */
  calibration: { negatives: string[]; positives: string[]; requests: string[] };
  report: {
    negatives: string[];
    /** Ordinary requests per language around report-slice turns; the held-out language's were never trained on. */
    requests: Map<InstructionLanguage, string[]>;
    /** Harvest prompts from training families around report-slice turns. */
    seenFamilies: string[];
    /** Per held-out family (held-out language included), harvest prompts around report-slice turns. */
    heldOut: Map<string, string[]>;
  };
  families: { train: string[]; heldOut: string[] };
  /** How many of the training negatives are ordinary requests (the rest are human turns). */
  trainRequests: number;
}

export interface DatasetOptions {
  tune: readonly string[];
  report: readonly string[];
  rng: RandomFn;
  /** Share of the tune slice (from its start) trained on; the rest chooses the threshold. */
  trainShare: number;
  /** Weight of a training negative that the phrase list matches (a human asking for reasoning). */
  hardNegativeWeight: number;
  /** Harvest prompts per held-out family in the report. */
  perHeldOutFamily: number;
  /** Cap on negatives per part (0 = all); tests use a few hundred. */
  limit: number;
  /** Vary the training positives' instructions (`variation`). */
  vary: boolean;
  /** Ordinary requests (benign-instructions.ts) added to the training negatives, as a share of the human turns. */
  requestShare: number;
  /** Ordinary requests per language in the report. */
  perLanguageRequests: number;
}

/** Dataset questions are short to medium: a pasted document is cut where a harvester's template would. */
const MAX_PAYLOAD_CHARS = 1_500;
const WORD_DROPOUT = 0.15;
const MIXED_SHARE = 0.25;

export function matchesPhraseList(text: string): boolean {
  const { reasoning, rationale } = scanElicitation(text);
  return reasoning || rationale;
}

/**
 * Training-only variation of an instruction: words (characters, in scripts without spaces) dropped at random and,
 * now and then, another family's instruction added, so no single n-gram carries a family and the weight spreads over
 * every cue word of it. Evaluation prompts are never varied.
 */
function variation(rng: RandomFn, families: readonly InstructionFamily[]): (instruction: string) => string {
  return (instruction) => {
    const words = instruction.split(' ');
    const units = words.length >= 4 ? words : [...instruction];
    const kept = units.filter(() => rng() >= WORD_DROPOUT);
    const text = kept.length >= 3 ? kept.join(units === words ? ' ' : '') : instruction;
    return rng() < MIXED_SHARE ? `${text} ${pick(rng, families).build(rng)}` : text;
  };
}

function harvests(
  rng: RandomFn,
  families: readonly InstructionFamily[],
  pool: readonly string[],
  n: number,
  varied = false,
): string[] {
  const out: string[] = [];
  const vary = varied ? variation(rng, families) : undefined;
  for (let i = 0; i < n; i++) {
    const family = pick(rng, families);
    const batch = rng() < 0.15 ? 2 + Math.floor(rng() * 3) : 1;
    const payloads = Array.from({ length: batch }, () => pick(rng, pool).slice(0, MAX_PAYLOAD_CHARS));
    out.push(harvestPrompt(rng, family, payloads, vary));
  }
  return out;
}

/** `n` ordinary requests, languages in turn from `languages`, half of them about a turn of `pool`. */
function requests(
  rng: RandomFn,
  languages: readonly InstructionLanguage[],
  pool: readonly string[],
  n: number,
): string[] {
  return Array.from({ length: n }, (_, i) =>
    benignRequest(rng, languages[i % languages.length]!, pick(rng, pool).slice(0, MAX_PAYLOAD_CHARS)),
  );
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
  for (const text of harvests(rng, trainFamilies, trainNegatives, trainNegatives.length, options.vary)) {
    train.push({ text, label: 1, weight: 1 });
  }
  const requestCount = Math.round(trainNegatives.length * options.requestShare);
  for (const text of requests(rng, BENIGN_TRAINING_LANGUAGES, trainNegatives, requestCount)) {
    train.push({ text, label: 0, weight: 1 });
  }
  const reportRequests = new Map<InstructionLanguage, string[]>();
  for (const language of INSTRUCTION_LANGUAGES) {
    reportRequests.set(language, requests(rng, [language], reportNegatives, options.perLanguageRequests));
  }
  const heldOutPrompts = new Map<string, string[]>();
  for (const family of heldOutFamilies) {
    heldOutPrompts.set(family.id, harvests(rng, [family], reportNegatives, options.perHeldOutFamily));
  }
  return {
    train,
    calibration: {
      negatives: calibrationNegatives,
      positives: harvests(rng, trainFamilies, calibrationNegatives, Math.ceil(calibrationNegatives.length / 2)),
      requests: requests(
        rng,
        BENIGN_TRAINING_LANGUAGES,
        calibrationNegatives,
        Math.round(calibrationNegatives.length * options.requestShare),
      ),
    },
    report: {
      negatives: reportNegatives,
      requests: reportRequests,
      seenFamilies: harvests(rng, trainFamilies, reportNegatives, Math.ceil(reportNegatives.length / 4)),
      heldOut: heldOutPrompts,
    },
    families: { train: trainFamilies.map((f) => f.id), heldOut: heldOutFamilies.map((f) => f.id) },
    trainRequests: requestCount,
  };
}
