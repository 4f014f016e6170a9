import type { LayersModel, Tensor2D } from '@tensorflow/tfjs';
import { buildClassifier } from '../ml/architectures.ts';
import { fitPlatt, sigmoid } from '../ml/calibration.ts';
import { predictLogits } from '../ml/classifier-model.ts';
import { thresholdAtFpr } from '../ml/metrics.ts';
import type { PlattCalibration } from '../ml/model-metadata.ts';
import { type Normalisation, normaliseRows } from '../ml/normalisation.ts';
import { tf } from '../ml/runtime.ts';
import { fitSeeded } from '../ml/train-loop.ts';

export const defaultClassifierHyper = {
  hidden1: 32,
  hidden2: 16,
  epochs: 30,
  batchSize: 64,
  learningRate: 0.003,
  /** L2 penalty on hidden kernels: smoother decision surfaces generalise better to unseen archetype variants. */
  l2: 0.01,
  /** Share of validation benign keys allowed to reach the decision threshold in any snapshot. */
  targetBenignKeyShare: 0.001,
};
export type ClassifierHyper = typeof defaultClassifierHyper;

interface LabelledRows {
  rows: readonly ArrayLike<number>[];
  labels: readonly number[];
  /** Key of each row, so thresholds count a benign key once however many snapshots it has. */
  keys?: readonly string[];
  /** Category of each attack row (a name from `ClassifierTraining.categories`), null when unknown or benign. */
  categories?: readonly (string | null)[];
}

export interface ClassifierTraining {
  train: LabelledRows;
  /** Rows of keys never trained on: Platt scaling and the threshold are fitted here. */
  validation: LabelledRows;
  normalisation: Normalisation;
  /** Classes of the category head, in output order; empty trains the attack head only. */
  categories?: readonly string[];
  seed: number;
  hyper?: Partial<ClassifierHyper>;
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface TrainedClassifier {
  model: LayersModel;
  calibration: PlattCalibration;
  hyper: ClassifierHyper;
  finalLoss: number;
}

/** Each epoch draws every row of the larger class and as many of the smaller, so rare attacks are not ignored. */
function balancedEpoch(labels: readonly number[]) {
  const positives = labels.flatMap((l, i) => (l === 1 ? [i] : []));
  const negatives = labels.flatMap((l, i) => (l === 1 ? [] : [i]));
  const [major, minor] = positives.length >= negatives.length ? [positives, negatives] : [negatives, positives];
  return (_epoch: number, random: () => number) =>
    minor.length === 0 ? [...major] : [...major, ...major.map(() => minor[Math.floor(random() * minor.length)]!)];
}

export async function trainClassifier(input: ClassifierTraining): Promise<TrainedClassifier> {
  const hyper = { ...defaultClassifierHyper, ...input.hyper };
  const width = input.normalisation.center.length;
  const names = input.categories ?? [];
  const model = buildClassifier({
    width,
    hidden: [hyper.hidden1, hyper.hidden2],
    seed: input.seed,
    categories: names.length,
    l2: hyper.l2,
  });
  const x = tf.tensor2d(normaliseRows(input.normalisation, input.train.rows), [input.train.rows.length, width]);
  const ys = [tf.tensor2d(Float32Array.from(input.train.labels), [input.train.labels.length, 1])];
  if (names.length) ys.push(oneHotCategories(input.train, names));
  try {
    const finalLoss = await fitSeeded(model, x, ys, {
      ...hyper,
      seed: input.seed,
      losses: names.length ? ['logisticFromLogits', 'softmaxFromLogits'] : ['logisticFromLogits'],
      epochIndices: balancedEpoch(input.train.labels),
      onEpoch: input.onEpoch,
    });
    return { model, calibration: calibrate(model, input, width, hyper.targetBenignKeyShare), hyper, finalLoss };
  } finally {
    tf.dispose([x, ...ys]);
  }
}

/** One-hot category targets; benign and unknown-category rows get an all-zero row, which adds no loss. */
function oneHotCategories(data: LabelledRows, names: readonly string[]): Tensor2D {
  const out = new Float32Array(data.rows.length * names.length);
  data.categories?.forEach((category, i) => {
    const c = category === null ? -1 : names.indexOf(category);
    if (c >= 0 && data.labels[i] === 1) out[i * names.length + c] = 1;
  });
  return tf.tensor2d(out, [data.rows.length, names.length]);
}

function calibrate(model: LayersModel, input: ClassifierTraining, width: number, keyShare: number): PlattCalibration {
  const logits = Array.from(predictLogits(model, normaliseRows(input.normalisation, input.validation.rows), width));
  const { a, b } = fitPlatt(logits, input.validation.labels);
  const calibrated = logits.map((x) => sigmoid(a * x + b));
  const threshold = Math.min(1, thresholdAtFpr(calibrated, input.validation.labels, keyShare, input.validation.keys));
  return { kind: 'platt', a, b, threshold };
}
