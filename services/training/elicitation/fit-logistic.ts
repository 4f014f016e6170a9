import {
  type FeatureHashing,
  featureBucket,
  featureScale,
  featureSign,
} from '../../ml/elicitation/elicitation-features.ts';
import { createPrng, shuffleInPlace } from '../../ml/prng.ts';

/** One training example: its hashed features (`hashedFeatures`), label and weight. */
export interface FeatureExample {
  readonly features: Int32Array;
  readonly label: 0 | 1;
  readonly weight: number;
}

export interface FitOptions {
  hashing: FeatureHashing;
  epochs: number;
  learningRate: number;
  /** L2 penalty per example on the weights an example touches (sparse, as in per-coordinate online learning). */
  l2: number;
  seed: number;
}

export interface FittedLogistic {
  weights: Float32Array;
  bias: number;
  /** Mean weighted log loss of the last epoch (on the training examples, while fitting). */
  loss: number;
}

/**
 * L2-regularised logistic regression by AdaGrad over the scorer's own feature scaling (`featureScale`), in a seeded
 * order: the same examples and seed give the same weights.
 */
export function fitLogistic(examples: readonly FeatureExample[], options: FitOptions): FittedLogistic {
  const size = 2 ** options.hashing.bits;
  const weights = new Float32Array(size);
  const squares = new Float32Array(size);
  let bias = 0;
  let biasSquares = 0;
  let loss = 0;
  const order = examples.map((_, i) => i);
  const random = createPrng(options.seed);
  const { learningRate, l2 } = options;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    let lossSum = 0;
    let weightSum = 0;
    for (const index of order) {
      const { features, label, weight } = examples[index]!;
      const n = features.length;
      const norm = featureScale(options.hashing.scaling, n);
      let z = bias;
      for (let i = 0; i < n; i++) z += featureSign(features[i]!) * weights[featureBucket(features[i]!)]! * norm;
      const p = 1 / (1 + Math.exp(-z));
      lossSum -= weight * Math.log(label === 1 ? Math.max(p, 1e-12) : Math.max(1 - p, 1e-12));
      weightSum += weight;
      const g = weight * (p - label);
      for (let i = 0; i < n; i++) {
        const bucket = featureBucket(features[i]!);
        const grad = g * featureSign(features[i]!) * norm + l2 * weights[bucket]!;
        squares[bucket]! += grad * grad;
        weights[bucket]! -= (learningRate * grad) / (Math.sqrt(squares[bucket]!) + 1e-8);
      }
      biasSquares += g * g;
      bias -= (learningRate * g) / (Math.sqrt(biasSquares) + 1e-8);
    }
    loss = weightSum > 0 ? lossSum / weightSum : 0;
  }
  return { weights, bias, loss };
}
