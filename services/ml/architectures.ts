import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import { tf } from './runtime.ts';

export interface AutoencoderShape {
  width: number;
  hidden: number;
  bottleneck: number;
  seed: number;
}

export interface ClassifierShape {
  width: number;
  hidden: readonly number[];
  seed: number;
  /** Suspected-pattern classes of the category head; 0 builds the attack head only. */
  categories: number;
  /** L2 weight penalty on the hidden layers' kernels (0 for none). */
  l2?: number;
}

// Explicit layer names and seeded initialisers make model.json byte-identical across runs with the same seed.
function dense(name: string, units: number, activation: 'relu' | 'linear', seed: number, inputDim?: number, l2 = 0) {
  return tf.layers.dense({
    name,
    units,
    activation,
    inputShape: inputDim === undefined ? undefined : [inputDim],
    kernelRegularizer: l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: 'zeros',
  });
}

/** width → hidden → bottleneck → hidden → width; trained to reproduce benign feature vectors. */
export function buildAutoencoder(shape: AutoencoderShape): LayersModel {
  const { width, hidden, bottleneck, seed } = shape;
  return tf.sequential({
    name: 'autoencoder',
    layers: [
      dense('encode_hidden', hidden, 'relu', seed, width),
      dense('bottleneck', bottleneck, 'linear', seed + 1),
      dense('decode_hidden', hidden, 'relu', seed + 2),
      dense('reconstruction', width, 'linear', seed + 3),
    ],
  });
}

/**
 * width → hidden… → two heads: `attack_logit` (1, linear; sigmoid applied at scoring) and, when `categories` > 0,
 * `category_logits` (one per suspected pattern, softmax applied at scoring).
 */
export function buildClassifier(shape: ClassifierShape): LayersModel {
  const { width, hidden, seed, categories, l2 = 0 } = shape;
  const input = tf.input({ shape: [width], name: 'features' });
  let h = input;
  hidden.forEach((units, i) => {
    h = dense(`hidden_${i + 1}`, units, 'relu', seed + i, undefined, l2).apply(h) as SymbolicTensor;
  });
  const outputs = [dense('attack_logit', 1, 'linear', seed + hidden.length).apply(h) as SymbolicTensor];
  if (categories > 0)
    outputs.push(dense('category_logits', categories, 'linear', seed + 100).apply(h) as SymbolicTensor);
  return tf.model({ name: 'classifier', inputs: input, outputs });
}
