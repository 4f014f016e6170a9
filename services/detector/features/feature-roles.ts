import { FEATURE_INDEX, FEATURE_NAMES, type FeatureName, IDENTITY_FEATURES } from './feature-names.ts';

/**
 * Identity and network attributes: context, not evidence (DESIGN.md "Evidence and context"). Real customers call
 * from clouds, open new keys, run many keys per org and travel, so these features may rank, link and explain an
 * alert but never raise one: no scorer counts them as anomalies and the tfjs models do not see them.
 */
export const CONTEXT_FEATURES: readonly FeatureName[] = IDENTITY_FEATURES;

const CONTEXT_SET = new Set<string>(CONTEXT_FEATURES);

/**
 * Behaviour features appended after the shipped models were trained, which the rules read but the tfjs models do not
 * see yet: the next `train` takes them in by removing them from this list (the shipped-models test then asks for a
 * retrain). Models v8 take every behaviour feature, the flagged-prompt sub-stream's three included.
 */
const NOT_YET_MODEL_INPUTS: ReadonlySet<string> = new Set<FeatureName>([]);

/**
 * The inputs of the tfjs models, in this order: the behaviour features only (what a key does: volume, timing, what it
 * asks and what it harvests), so no model can alert on context.
 */
export const MODEL_FEATURES: readonly FeatureName[] = FEATURE_NAMES.filter(
  (name) => !CONTEXT_SET.has(name) && !NOT_YET_MODEL_INPUTS.has(name),
);

/** Index of each model input in the full feature vector. */
export const MODEL_FEATURE_INDEX: readonly number[] = MODEL_FEATURES.map((name) => FEATURE_INDEX[name]);

const MODEL_SET = new Set<string>(MODEL_FEATURES);

/**
 * Where each of a model's inputs (by name, as its metadata lists them) sits in the full feature vector; throws for a
 * name that is not a model feature (the loader refuses such a model first).
 */
export function modelInputIndex(inputs: readonly string[]): number[] {
  return inputs.map((name) => {
    if (!MODEL_SET.has(name)) throw new RangeError(`'${name}' is not a model feature`);
    return FEATURE_INDEX[name as FeatureName];
  });
}

export function isContextFeature(name: string): boolean {
  return CONTEXT_SET.has(name);
}

/** The model inputs of one full feature vector, in the order of `index` (default: MODEL_FEATURES order). */
export function modelInputs(
  features: ArrayLike<number>,
  out: number[] = [],
  index: readonly number[] = MODEL_FEATURE_INDEX,
): number[] {
  if (out.length !== index.length) out.length = index.length;
  for (let i = 0; i < index.length; i++) out[i] = features[index[i]!]!;
  return out;
}
