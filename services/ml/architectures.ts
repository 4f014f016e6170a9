import type { LayersModel } from '@tensorflow/tfjs';
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
}

// Explicit layer names and seeded initialisers make model.json byte-identical across runs with the same seed.
function dense(name: string, units: number, activation: 'relu' | 'linear', seed: number, inputDim?: number) {
  return tf.layers.dense({
    name,
    units,
    activation,
    inputShape: inputDim === undefined ? undefined : [inputDim],
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

/** width → hidden… → 1 linear: the logit that the key's snapshot is extraction traffic (sigmoid applied later). */
export function buildClassifier(shape: ClassifierShape): LayersModel {
  const { width, hidden, seed } = shape;
  const layers = hidden.map((units, i) =>
    dense(`hidden_${i + 1}`, units, 'relu', seed + i, i === 0 ? width : undefined),
  );
  layers.push(dense('attack_logit', 1, 'linear', seed + hidden.length, hidden.length ? undefined : width));
  return tf.sequential({ name: 'classifier', layers });
}
