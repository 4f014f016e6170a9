import type { LayersModel, Tensor, Tensor2D } from '@tensorflow/tfjs';
import { createPrng, shuffleInPlace } from './prng.ts';
import { tf } from './runtime.ts';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** `logisticFromLogits`: binary cross-entropy on a linear output, stable where a sigmoid output saturates. */
  loss: 'meanSquaredError' | 'logisticFromLogits';
  /** Rows drawn per epoch, by index into x; defaults to every row once. Lets callers oversample a rare class. */
  epochIndices?: (epoch: number, random: () => number) => number[];
  onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * Mini-batch training with a seeded shuffle (tfjs's fit shuffles with Math.random), so a seed reproduces a model.
 * Returns the mean loss of the last epoch.
 */
export async function fitSeeded(model: LayersModel, x: Tensor2D, y: Tensor2D, options: FitOptions): Promise<number> {
  const loss =
    options.loss === 'logisticFromLogits'
      ? (labels: Tensor, logits: Tensor) => tf.losses.sigmoidCrossEntropy(labels, logits)
      : options.loss;
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss });
  const random = createPrng(options.seed);
  const rows = x.shape[0];
  let lastLoss = Number.NaN;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = options.epochIndices?.(epoch, random) ?? Array.from({ length: rows }, (_, i) => i);
    shuffleInPlace(order, random);
    lastLoss = await runEpoch(model, x, y, order, options.batchSize);
    options.onEpoch?.(epoch, lastLoss);
    await tf.nextFrame();
  }
  return lastLoss;
}

async function runEpoch(model: LayersModel, x: Tensor2D, y: Tensor2D, order: number[], batchSize: number) {
  let total = 0;
  let batches = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
    const [bx, by] = tf.tidy(() => [tf.gather(x, indices), tf.gather(y, indices)]);
    const loss = await model.trainOnBatch(bx!, by!);
    total += Array.isArray(loss) ? loss[0]! : loss;
    batches++;
    tf.dispose([indices, bx!, by!]);
  }
  return total / Math.max(1, batches);
}
