import { MAX_PROMPT_TOKENS, tokenHashes } from '../../common/text/tokenize.ts';
import {
  type FeatureHashing,
  featureCapacity,
  HASHING_SCHEME,
  hashedFeatures,
} from '../../ml/elicitation/elicitation-features.ts';
import {
  type ElicitationFile,
  encodeWeights,
  parseElicitationModel,
} from '../../ml/elicitation/elicitation-model-file.ts';
import { type ElicitationModel, elicitationProbability } from '../../ml/elicitation/elicitation-scorer.ts';
import { createPrng } from '../../ml/prng.ts';
import { buildElicitationData, type ElicitationData, matchesPhraseList } from './elicitation-dataset.ts';
import { midpointThresholdForRate, type Share, share, shareOf } from './elicitation-metrics.ts';
import { type FeatureExample, fitLogistic } from './fit-logistic.ts';
import { HELD_OUT_LANGUAGE, INSTRUCTION_FAMILIES } from './harvest-instructions.ts';

export interface ElicitationTrainingOptions {
  seed: number;
  version: string;
  tune: readonly string[];
  report: readonly string[];
  /** Negatives per part (0 = all); small runs for tests. */
  limit?: number;
  /** Overrides for experiments and tests (e.g. the share of ordinary requests); the shipped model uses the defaults. */
  settings?: Partial<TrainingSettings>;
  hashing?: FeatureHashing;
}

/** Classifier and phrase list on the same prompts. */
export interface Compared {
  classifier: Share;
  phraseList: Share;
}

export interface ElicitationMetrics {
  threshold: number;
  maxTuneFpr: number;
  trainingLoss: number;
  counts: { trainPositives: number; trainNegatives: number; hardNegatives: number; requests: number };
  tune: { negatives: Compared; phraseNegatives: Share; positives: Compared; requests: Compared };
  report: {
    negatives: Compared;
    /** Ordinary requests in the training languages, and in the held-out language (never trained on). */
    requests: Compared;
    requestsHeldOutLanguage: Compared;
    perLanguageRequests: Array<{ language: string } & Compared>;
    phraseNegatives: Share;
    seenFamilies: Compared;
    heldOutFamilies: Compared;
    heldOutLanguage: Compared;
    perHeldOutFamily: Array<{ family: string } & Compared>;
  };
}

export const DEFAULT_HASHING: FeatureHashing = { bits: 18, head: 64, tail: 64, scaling: 'none' };
export interface TrainingSettings {
  trainShare: number;
  /** Word dropout and mixed families on the training positives (elicitation-dataset.ts `variation`). */
  vary: boolean;
  /** Ordinary requests in the negatives, as a share of the human turns (benign-instructions.ts). */
  requestShare: number;
  /** Ordinary requests per language scored in the report (never trained on). */
  perLanguageRequests: number;
  hardNegativeWeight: number;
  perHeldOutFamily: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** The operating threshold: the 95% upper bound of the share of tune calibration negatives flagged at most this. */
  maxTuneFpr: number;
}

const DEFAULT_SETTINGS: TrainingSettings = {
  trainShare: 0.8,
  vary: true,
  requestShare: 0.1,
  perLanguageRequests: 300,
  hardNegativeWeight: 5,
  perHeldOutFamily: 400,
  epochs: 6,
  learningRate: 0.1,
  l2: 1e-5,
  maxTuneFpr: 0.005,
};

const tokenScratch = new Int32Array(MAX_PROMPT_TOKENS);

function featuresOf(text: string, hashing: FeatureHashing, out: Int32Array): Int32Array {
  const count = tokenHashes(text, tokenScratch);
  return out.slice(0, hashedFeatures(tokenScratch, count, hashing, out));
}

/** The shipped scoring path: the detector's tokeniser, then the scorer. */
export function scoreText(model: ElicitationModel, text: string): number {
  return elicitationProbability(model, tokenScratch, tokenHashes(text, tokenScratch));
}

function compare(model: ElicitationModel, prompts: readonly string[], threshold: number): Compared {
  return {
    classifier: shareOf(prompts, (p) => scoreText(model, p) >= threshold),
    phraseList: shareOf(prompts, matchesPhraseList),
  };
}

/** Several comparisons' counts as one (the same prompts scored once). */
function pooled(parts: readonly Compared[]): Compared {
  const sum = (pick: (c: Compared) => Share) =>
    share(
      parts.reduce((n, c) => n + pick(c).flagged, 0),
      parts.reduce((n, c) => n + pick(c).total, 0),
    );
  return { classifier: sum((c) => c.classifier), phraseList: sum((c) => c.phraseList) };
}

function evaluate(
  model: ElicitationModel,
  data: ElicitationData,
  loss: number,
  settings: TrainingSettings,
): ElicitationMetrics {
  const tuneScores = data.calibration.negatives.map((p) => scoreText(model, p));
  const threshold = midpointThresholdForRate(tuneScores, settings.maxTuneFpr);
  const flags = (p: string) => scoreText(model, p) >= threshold;
  const heldOutIds = [...data.report.heldOut.keys()];
  const languageOf = new Map(INSTRUCTION_FAMILIES.map((f) => [f.id, f.language]));
  const heldOutPrompts = (inLanguage: boolean) =>
    heldOutIds
      .filter((id) => (languageOf.get(id) === HELD_OUT_LANGUAGE) === inLanguage)
      .flatMap((id) => data.report.heldOut.get(id)!);
  const trainNegatives = data.train.filter((e) => e.label === 0);
  const perLanguageRequests = [...data.report.requests].map(([language, r]) => ({
    language,
    ...compare(model, r, threshold),
  }));
  const requestsIn = (heldOut: boolean) =>
    pooled(perLanguageRequests.filter((r) => (r.language === HELD_OUT_LANGUAGE) === heldOut));
  return {
    threshold,
    maxTuneFpr: settings.maxTuneFpr,
    trainingLoss: loss,
    counts: {
      trainPositives: data.train.length - trainNegatives.length,
      trainNegatives: trainNegatives.length,
      hardNegatives: trainNegatives.filter((e) => e.weight !== 1).length,
      requests: data.trainRequests,
    },
    tune: {
      negatives: compare(model, data.calibration.negatives, threshold),
      phraseNegatives: shareOf(data.calibration.negatives.filter(matchesPhraseList), flags),
      positives: compare(model, data.calibration.positives, threshold),
      requests: compare(model, data.calibration.requests, threshold),
    },
    report: {
      negatives: compare(model, data.report.negatives, threshold),
      requests: requestsIn(false),
      requestsHeldOutLanguage: requestsIn(true),
      perLanguageRequests,
      phraseNegatives: shareOf(data.report.negatives.filter(matchesPhraseList), flags),
      seenFamilies: compare(model, data.report.seenFamilies, threshold),
      heldOutFamilies: compare(model, heldOutPrompts(false), threshold),
      heldOutLanguage: compare(model, heldOutPrompts(true), threshold),
      perHeldOutFamily: heldOutIds.map((family) => ({
        family,
        ...compare(model, data.report.heldOut.get(family)!, threshold),
      })),
    },
  };
}

function compact(s: Share): string {
  return `${s.flagged}/${s.total}`;
}

/**
 * Trains the classifier, quantises it as the file stores it, and judges the quantised model: the threshold is chosen
 * on tune calibration negatives only, then tune and report figures are measured with it. Deterministic for a seed.
 */
export function trainElicitation(options: ElicitationTrainingOptions): {
  file: ElicitationFile;
  model: ElicitationModel;
  metrics: ElicitationMetrics;
} {
  const hashing = options.hashing ?? DEFAULT_HASHING;
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const upToLimit = (n: number) => (options.limit ? Math.min(n, options.limit) : n);
  const data = buildElicitationData({
    tune: options.tune,
    report: options.report,
    rng: createPrng(options.seed),
    trainShare: settings.trainShare,
    hardNegativeWeight: settings.hardNegativeWeight,
    vary: settings.vary,
    requestShare: settings.requestShare,
    perLanguageRequests: upToLimit(settings.perLanguageRequests),
    perHeldOutFamily: upToLimit(settings.perHeldOutFamily),
    limit: options.limit ?? 0,
  });
  const buffer = new Int32Array(featureCapacity(hashing));
  const examples: FeatureExample[] = data.train.map((e) => ({
    features: featuresOf(e.text, hashing, buffer),
    label: e.label,
    weight: e.weight,
  }));
  const fitted = fitLogistic(examples, { hashing, ...settings, seed: options.seed });
  const base = {
    format: 'distillguard-elicitation/2' as const,
    version: options.version,
    hashing: { scheme: HASHING_SCHEME, ...hashing },
    bias: fitted.bias,
    weights: encodeWeights(fitted.weights),
  };
  // Judged as shipped: the int16 weights read back through the loader's own decoding.
  const provisional = parseElicitationModel({ ...base, threshold: 0.5, training: {} }, 'trained weights');
  const metrics = evaluate(provisional, data, fitted.loss, settings);
  const file: ElicitationFile = {
    ...base,
    threshold: metrics.threshold,
    training: {
      seed: options.seed,
      settings,
      data: 'ShareGPT human turns: tune slice (conversations 0-6,999) split 80/20 in order into train and calibration; report slice (7,000-9,999) only scored; ordinary requests in nine languages (benign-instructions.ts) added to the negatives',
      counts: metrics.counts,
      families: data.families,
      heldOutLanguage: HELD_OUT_LANGUAGE,
      thresholdRule: `Wilson 95% upper bound of the FPR <= ${settings.maxTuneFpr} on tune calibration negatives`,
      tune: {
        fpr: compact(metrics.tune.negatives.classifier),
        fprOrdinaryRequests: compact(metrics.tune.requests.classifier),
        recallTrainingFamilies: compact(metrics.tune.positives.classifier),
      },
      report: {
        fpr: compact(metrics.report.negatives.classifier),
        fprPhraseMatching: compact(metrics.report.phraseNegatives),
        fprOrdinaryRequests: compact(metrics.report.requests.classifier),
        fprOrdinaryRequestsHeldOutLanguage: compact(metrics.report.requestsHeldOutLanguage.classifier),
        recallHeldOutFamilies: compact(metrics.report.heldOutFamilies.classifier),
        recallHeldOutLanguage: compact(metrics.report.heldOutLanguage.classifier),
      },
    },
  };
  return { file, model: { ...provisional, threshold: metrics.threshold }, metrics };
}
