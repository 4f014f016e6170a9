import { join } from 'node:path';
import { AutoencoderModel } from '../autoencoder-model.ts';
import { ClassifierModel } from '../classifier-model.ts';
import { createMetadata, type ModelMetadata } from '../model-metadata.ts';
import { saveModel } from '../model-store.ts';
import { fitNormalisation } from '../normalisation.ts';
import { categoriesIn, categoryOf, type LabelledSnapshot } from './dataset.ts';
import { categoryAccuracy, evaluateScores } from './evaluate.ts';
import {
  buildSplits,
  createdFrom,
  describeTraining,
  type GenerateRun,
  type SplitOptions,
  type Splits,
} from './splits.ts';
import { type AutoencoderHyper, defaultAutoencoderHyper, trainAutoencoder } from './train-autoencoder.ts';
import { type ClassifierHyper, defaultClassifierHyper, trainClassifier } from './train-classifier.ts';

export interface TrainProgress {
  stage: 'simulate' | 'autoencoder' | 'classifier' | 'save';
  done: number;
  total: number;
}

export interface TrainRunOptions extends SplitOptions {
  version: string;
  outDir: string;
  features: readonly string[];
  /** The model's inputs of one snapshot's values (default: the values as they are). */
  inputsOf?: (values: readonly number[]) => number[];
  generate: GenerateRun;
  onProgress?: (progress: TrainProgress) => void;
  autoencoderHyper?: Partial<AutoencoderHyper>;
  classifierHyper?: Partial<ClassifierHyper>;
}

export interface SavedModel {
  dir: string;
  metadata: ModelMetadata;
}

/** Novelty score from which the autoencoder alone calls an attack: the benign p99.9 anchor. */
export const AUTOENCODER_THRESHOLD = 0.8;

type Common = Pick<ModelMetadata, 'version' | 'created' | 'features' | 'normalisation' | 'training'>;
type RowScorer = (rows: readonly LabelledSnapshot[]) => ArrayLike<number>;

const values = (rows: readonly LabelledSnapshot[]) => rows.map((r) => r.values);
const benign = (rows: readonly LabelledSnapshot[]) => values(rows.filter((r) => r.label === 0));
const labelled = (rows: readonly LabelledSnapshot[]) => ({
  rows: values(rows),
  labels: rows.map((r) => r.label),
  keys: rows.map((r) => `${r.seed}/${r.apiKeyId}`),
  categories: rows.map(categoryOf),
});

/** Keeps, in each row, only the model's inputs (snapshots carry the detector's whole feature vector). */
function projectSplits(splits: Splits, inputsOf: TrainRunOptions['inputsOf']): Splits {
  if (!inputsOf) return splits;
  const project = (rows: readonly LabelledSnapshot[]) => rows.map((row) => ({ ...row, values: inputsOf(row.values) }));
  return {
    ...splits,
    train: project(splits.train),
    validation: project(splits.validation),
    held_out_seed: project(splits.held_out_seed),
    held_out_variant: project(splits.held_out_variant),
  };
}

/** Generates the data, trains both models, evaluates them on the held-out splits and saves them with metadata. */
export async function runTraining(
  options: TrainRunOptions,
): Promise<{ autoencoder: SavedModel; classifier: SavedModel }> {
  const progress = options.onProgress ?? (() => {});
  const splits = projectSplits(
    await buildSplits(options, options.generate, (done, total) => progress({ stage: 'simulate', done, total })),
    options.inputsOf,
  );
  if (!splits.train.some((r) => r.label === 1) || !splits.train.some((r) => r.label === 0)) {
    throw new Error('the training split needs both attack and benign snapshots: simulate more hours or keys');
  }
  const common: Common = {
    version: options.version,
    created: createdFrom(splits.trainingRuns),
    features: [...options.features],
    normalisation: fitNormalisation(benign(splits.train), options.features.length),
    training: describeTraining(options, splits),
  };
  const autoencoder = await trainAndSaveAutoencoder(options, splits, common);
  const classifier = await trainAndSaveClassifier(options, splits, common);
  return { autoencoder, classifier };
}

function heldOutMetrics(splits: Splits, score: RowScorer, threshold: number) {
  return {
    validation: evaluateScores(splits.validation, score(splits.validation), threshold),
    held_out_seed: evaluateScores(splits.held_out_seed, score(splits.held_out_seed), threshold),
    held_out_variant: evaluateScores(splits.held_out_variant, score(splits.held_out_variant), threshold),
  };
}

async function trainAndSaveAutoencoder(options: TrainRunOptions, splits: Splits, common: Common): Promise<SavedModel> {
  const epochs = { ...defaultAutoencoderHyper, ...options.autoencoderHyper }.epochs;
  const trained = await trainAutoencoder({
    train: benign(splits.train),
    calibration: benign(splits.validation),
    normalisation: common.normalisation,
    seed: options.seed,
    hyper: options.autoencoderHyper,
    onEpoch: (epoch) => options.onProgress?.({ stage: 'autoencoder', done: epoch + 1, total: epochs }),
  });
  const draft = createMetadata({
    ...common,
    kind: 'autoencoder',
    hyperparameters: trained.hyper,
    metrics: {},
    calibration: trained.calibration,
  });
  const model = new AutoencoderModel({ model: trained.model, metadata: draft, dir: '(training)' });
  const score: RowScorer = (rows) => Array.from(model.errors(values(rows)), (e) => model.calibrate(e));
  const metadata = { ...draft, metrics: heldOutMetrics(splits, score, AUTOENCODER_THRESHOLD) };
  return saveAndDispose(options, metadata, model);
}

async function trainAndSaveClassifier(options: TrainRunOptions, splits: Splits, common: Common): Promise<SavedModel> {
  const epochs = { ...defaultClassifierHyper, ...options.classifierHyper }.epochs;
  const categories = categoriesIn(splits.train);
  const trained = await trainClassifier({
    train: labelled(splits.train),
    validation: labelled(splits.validation),
    normalisation: common.normalisation,
    categories,
    seed: options.seed,
    hyper: options.classifierHyper,
    onEpoch: (epoch) => options.onProgress?.({ stage: 'classifier', done: epoch + 1, total: epochs }),
  });
  const draft = createMetadata({
    ...common,
    kind: 'classifier',
    categories,
    hyperparameters: trained.hyper,
    metrics: {},
    calibration: trained.calibration,
  });
  const model = new ClassifierModel({ model: trained.model, metadata: draft, dir: '(training)' });
  const score: RowScorer = (rows) => model.probabilities(values(rows));
  const metrics = heldOutMetrics(splits, score, model.threshold);
  for (const split of Object.keys(metrics) as (keyof typeof metrics)[]) {
    Object.assign(metrics[split], categoryAccuracy(splits[split], model.categories(values(splits[split]))));
  }
  const metadata = { ...draft, metrics };
  return saveAndDispose(options, metadata, model);
}

async function saveAndDispose(
  options: TrainRunOptions,
  metadata: ModelMetadata,
  model: AutoencoderModel | ClassifierModel,
): Promise<SavedModel> {
  const dir = join(options.outDir, metadata.kind, options.version);
  options.onProgress?.({ stage: 'save', done: 1, total: 1 });
  await saveModel(dir, model.layers, metadata);
  model.dispose();
  return { dir, metadata };
}
