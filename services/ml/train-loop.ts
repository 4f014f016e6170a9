import type { LayersModel, Tensor, Tensor2D } from '@tensorflow/tfjs';
import { createPrng, shuffleInPlace } from './prng.ts';
import { tf } from './runtime.ts';

/**
 * `logisticFromLogits`: binary cross-entropy on a linear output (stable where a sigmoid output saturates);
 * `softmaxFromLogits`: categorical cross-entropy on linear outputs; an all-zero target row adds no loss.
 */
type LossName = 'meanSquaredError' | 'logisticFromLogits' | 'softmaxFromLogits';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** One loss per model output, in output order. */
  losses: LossName[];
  /** Rows drawn per epoch, by index into x; defaults to every row once. Lets callers oversample a rare class. */
  epochIndices?: (epoch: number, random: () => number) => number[];
  onEpoch?: (epoch: number, loss: number) => void;
}

function lossFunction(name: LossName): (labels: Tensor, predictions: Tensor) => Tensor {
  if (name === 'meanSquaredError') return (labels, predictions) => tf.losses.meanSquaredError(labels, predictions);
  if (name === 'logisticFromLogits')
    return (labels: Tensor, logits: Tensor) => tf.losses.sigmoidCrossEntropy(labels, logits);
  if (name === 'softmaxFromLogits') {
    return (labels: Tensor, logits: Tensor) =>
      tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))));
  }
  throw new TypeError(`unknown loss ${name}`);
}

/**
 * Mini-batch training with a seeded shuffle (tfjs's fit shuffles with Math.random), so a seed reproduces a model.
 * `ys` holds one target matrix per output. Returns the mean total loss of the last epoch.
 */
export async function fitSeeded(model: LayersModel, x: Tensor2D, ys: Tensor2D[], options: FitOptions): Promise<number> {
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: options.losses.map(lossFunction) });
  const random = createPrng(options.seed);
  const rows = x.shape[0];
  let lastLoss = Number.NaN;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = options.epochIndices?.(epoch, random) ?? Array.from({ length: rows }, (_, i) => i);
    shuffleInPlace(order, random);
    lastLoss = await runEpoch(model, x, ys, order, options.batchSize);
    options.onEpoch?.(epoch, lastLoss);
    await tf.nextFrame();
  }
  return lastLoss;
}

async function runEpoch(model: LayersModel, x: Tensor2D, ys: Tensor2D[], order: number[], batchSize: number) {
  let total = 0;
  let batches = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
    const bx = tf.gather(x, indices);
    const bys = ys.map((y) => tf.gather(y, indices));
    const loss = await model.trainOnBatch(bx, bys.length === 1 ? bys[0]! : bys);
    total += Array.isArray(loss) ? loss[0]! : loss;
    batches++;
    tf.dispose([indices, bx, ...bys]);
  }
  return total / Math.max(1, batches);
}
