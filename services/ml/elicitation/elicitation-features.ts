import { mix32 } from '../../common/text/tokenize.ts';

/**
 * How a prompt's token hashes become the classifier's features: signed hashed unigrams and bigrams of the tokens in
 * the head and tail of the prompt (instructions sit there; a pasted document in between says nothing about intent).
 * Training and scoring both go through `hashedFeatures`, so they cannot disagree on the hashing.
 */
export const HASHING_SCHEME = 'unigram-bigram-mix32/1' as const;

/**
 * How the sum of the weights is scaled by the number of features n: not at all (`none`), by 1/log2(2 + n) or by 1/√n
 * (which makes a long prompt dilute a short instruction). The head and tail windows already bound n.
 */
export const SCALINGS = ['log2', 'sqrt', 'none'] as const;
export type Scaling = (typeof SCALINGS)[number];

export function featureScale(scaling: Scaling, n: number): number {
  if (n === 0) return 0;
  if (scaling === 'log2') return 1 / Math.log2(2 + n);
  return scaling === 'sqrt' ? 1 / Math.sqrt(n) : 1;
}

export interface FeatureHashing {
  /** log2 of the number of weight buckets. */
  readonly bits: number;
  /** Tokens read from the start and from the end of the prompt (all of it when it is shorter than both). */
  readonly head: number;
  readonly tail: number;
  readonly scaling: Scaling;
}

/** Largest head and tail a model file may ask for; bounds the scratch buffer. */
export const MAX_WINDOW = 512;

const UNIGRAM_SALT = 0x2545f491;
const BIGRAM_SALT = 0x61c88647;
const BIGRAM_MULTIPLIER = 0x9e3779b1 | 0;

/** A feature as (bucket << 1) | sign bit (1 = negative): one int32, so no object per feature. */
export function featureBucket(feature: number): number {
  return feature >>> 1;
}

export function featureSign(feature: number): 1 | -1 {
  return (feature & 1) === 1 ? -1 : 1;
}

function encode(hash: number, bits: number): number {
  return ((hash >>> (32 - bits)) << 1) | (hash & 1);
}

/**
 * Writes the features of `tokens[0..count)` into `out` and returns how many: per token in the scanned windows its
 * unigram, and the bigram with the previous token in the same window. `out` needs 2·(head + tail) slots.
 * Allocation-free.
 */
export function hashedFeatures(tokens: Int32Array, count: number, hashing: FeatureHashing, out: Int32Array): number {
  const { bits, head, tail } = hashing;
  const headEnd = Math.min(count, head);
  const tailStart = Math.max(headEnd, count - tail);
  let n = 0;
  n = windowFeatures(tokens, 0, headEnd, bits, out, n);
  return windowFeatures(tokens, tailStart, count, bits, out, n);
}

function windowFeatures(
  tokens: Int32Array,
  from: number,
  to: number,
  bits: number,
  out: Int32Array,
  n: number,
): number {
  let prev = 0;
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    out[n++] = encode(mix32(token ^ UNIGRAM_SALT), bits);
    if (i > from) out[n++] = encode(mix32(Math.imul(prev ^ BIGRAM_SALT, BIGRAM_MULTIPLIER) ^ token), bits);
    prev = token;
  }
  return n;
}

/** Slots `hashedFeatures` may write for a hashing configuration. */
export function featureCapacity(hashing: FeatureHashing): number {
  return 2 * (hashing.head + hashing.tail);
}
