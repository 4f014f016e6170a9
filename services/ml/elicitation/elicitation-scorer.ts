import {
  type FeatureHashing,
  featureBucket,
  featureScale,
  featureSign,
  hashedFeatures,
  MAX_WINDOW,
} from './elicitation-features.ts';

/** A loaded elicitation classifier: logistic regression over signed hashed features (`elicitation-features.ts`). */
export interface ElicitationModel {
  readonly version: string;
  readonly hashing: FeatureHashing;
  readonly bias: number;
  /** One weight per bucket: 2^bits entries. */
  readonly weights: Float32Array;
  /** Probability at or above which a prompt counts as chain-of-thought harvesting (chosen on tune data only). */
  readonly threshold: number;
}

/**
 * Shared by every call: the scorer runs synchronously, one prompt at a time, on the detector's hot path. Head and tail
 * are at most MAX_WINDOW each (the file schema), so `featureCapacity` never exceeds it.
 */
const scratch = new Int32Array(4 * MAX_WINDOW);

/**
 * The linear score of the features: bias + Σ sign·w[bucket] · featureScale(scaling, n) (n = number of features). A
 * prompt without tokens scores the bias.
 */
export function logitOfFeatures(model: ElicitationModel, features: Int32Array, n: number): number {
  let sum = 0;
  const { weights } = model;
  for (let i = 0; i < n; i++) {
    const f = features[i]!;
    sum += featureSign(f) * weights[featureBucket(f)]!;
  }
  return model.bias + sum * featureScale(model.hashing.scaling, n);
}

/**
 * Probability that the prompt asks for its reasoning trace to be harvested (chain-of-thought / rationale
 * distillation), from the token hashes `tokenHashes` wrote (`tokens[0..tokenCount)`). O(tokens in the scanned
 * windows), allocation-free.
 */
export function elicitationProbability(model: ElicitationModel, tokens: Int32Array, tokenCount: number): number {
  const n = hashedFeatures(tokens, tokenCount, model.hashing, scratch);
  return 1 / (1 + Math.exp(-logitOfFeatures(model, scratch, n)));
}
