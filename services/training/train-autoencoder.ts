import type { LayersModel } from '@tensorflow/tfjs';
import { buildAutoencoder } from '../ml/architectures.ts';
import { reconstruct } from '../ml/autoencoder-model.ts';
import { fitErrorAnchors } from '../ml/calibration.ts';
import type { ErrorAnchors } from '../ml/model-metadata.ts';
import { type Normalisation, normaliseRows } from '../ml/normalisation.ts';
import { tf } from '../ml/runtime.ts';
import { fitSeeded } from '../ml/train-loop.ts';

export const defaultAutoencoderHyper = { hidden: 24, bottleneck: 6, epochs: 40, batchSize: 64, learningRate: 0.003 };
export type AutoencoderHyper = typeof defaultAutoencoderHyper;

export interface AutoencoderTraining {
  /** Benign rows the weights are fitted on (raw feature units). */
  train: readonly ArrayLike<number>[];
  /** Benign rows never trained on: their errors calibrate the score. */
  calibration: readonly ArrayLike<number>[];
  normalisation: Normalisation;
  seed: number;
  hyper?: Partial<AutoencoderHyper>;
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface TrainedAutoencoder {
  model: LayersModel;
  calibration: ErrorAnchors;
  hyper: AutoencoderHyper;
  finalLoss: number;
}

export async function trainAutoencoder(input: AutoencoderTraining): Promise<TrainedAutoencoder> {
  const hyper = { ...defaultAutoencoderHyper, ...input.hyper };
  const width = input.normalisation.center.length;
  const model = buildAutoencoder({ width, hidden: hyper.hidden, bottleneck: hyper.bottleneck, seed: input.seed });
  const x = tf.tensor2d(normaliseRows(input.normalisation, input.train), [input.train.length, width]);
  try {
    const finalLoss = await fitSeeded(model, x, [x], {
      ...hyper,
      seed: input.seed,
      losses: ['meanSquaredError'],
      onEpoch: input.onEpoch,
    });
    const errors = reconstruct(model, normaliseRows(input.normalisation, input.calibration), width).total;
    return { model, calibration: fitErrorAnchors(Array.from(errors)), hyper, finalLoss };
  } finally {
    x.dispose();
  }
}
