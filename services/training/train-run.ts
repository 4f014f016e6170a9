import { join } from 'node:path';
import { AutoencoderModel } from '../ml/autoencoder-model.ts';
import { ClassifierModel } from '../ml/classifier-model.ts';
import { createMetadata, type ModelMetadata } from '../ml/model-metadata.ts';
import { saveModel } from '../ml/model-store.ts';
import { fitNormalisation } from '../ml/normalisation.ts';
import { categoryAccuracy, evaluateScores } from './evaluate-model.ts';
import { categoriesIn, categoryOf, type LabelledSnapshot } from './snapshot-dataset.ts';
import { buildSplits, createdFrom, describeTraining, type GenerateRun, type SplitOptions } from './splits.ts';
import { type AutoencoderHyper, defaultAutoencoderHyper, trainAutoencoder } from './train-autoencoder.ts';
import { type ClassifierHyper, defaultClassifierHyper, trainClassifier } from './train-classifier.ts';

export interface TrainProgress {
  stage: 'simulate' | 'autoencoder' | 'classifier' | 'save';
  done: number;
  total: number;
}

/** What the trainer needs whatever the data source. */
export interface TrainerOptions {
  seed: number;
  version: string;
  outDir: string;
  features: readonly string[];
  /** The model's inputs of one snapshot's values (default: the values as they are). */
  inputsOf?: (values: readonly number[]) => number[];
  onProgress?: (progress: TrainProgress) => void;
  autoencoderHyper?: Partial<AutoencoderHyper>;
  classifierHyper?: Partial<ClassifierHyper>;
}

export interface TrainRunOptions extends TrainerOptions, SplitOptions {
  generate: GenerateRun;
}

/** Labelled rows from any source: training, validation (calibration) and named held-out splits. */
export interface PreparedData {
  train: LabelledSnapshot[];
  validation: LabelledSnapshot[];
  heldOut: Record<string, LabelledSnapshot[]>;
  /** Latest event time of the training data (ISO), so a re-run writes the same files. */
  created: string;
  training: ModelMetadata['training'];
}

export interface SavedModel {
  dir: string;
  metadata: ModelMetadata;
}

/** Novelty score from which the autoencoder alone calls an attack: the benign p99.9 anchor. */
const AUTOENCODER_THRESHOLD = 0.8;

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
function projectData(data: PreparedData, inputsOf: TrainerOptions['inputsOf']): PreparedData {
  if (!inputsOf) return data;
  const project = (rows: readonly LabelledSnapshot[]) => rows.map((row) => ({ ...row, values: inputsOf(row.values) }));
  const heldOut = Object.fromEntries(Object.entries(data.heldOut).map(([name, rows]) => [name, project(rows)]));
  return { ...data, train: project(data.train), validation: project(data.validation), heldOut };
}

/** Generates the simulated data, trains both models, evaluates them on the held-out splits and saves them. */
export async function runTraining(
  options: TrainRunOptions,
): Promise<{ autoencoder: SavedModel; classifier: SavedModel }> {
  const progress = options.onProgress ?? (() => {});
  const splits = await buildSplits(options, options.generate, (done, total) =>
    progress({ stage: 'simulate', done, total }),
  );
  return trainOnData(options, {
    train: splits.train,
    validation: splits.validation,
    heldOut: { held_out_seed: splits.held_out_seed, held_out_variant: splits.held_out_variant },
    created: createdFrom(splits.trainingRuns),
    training: describeTraining(options, splits),
  });
}

/** Trains both models on prepared rows, evaluates them on validation and every held-out split, and saves them. */
export async function trainOnData(
  options: TrainerOptions,
  prepared: PreparedData,
): Promise<{ autoencoder: SavedModel; classifier: SavedModel }> {
  const data = projectData(prepared, options.inputsOf);
  if (!data.train.some((r) => r.label === 1) || !data.train.some((r) => r.label === 0)) {
    throw new Error('the training split needs both attack and benign snapshots: more hours, keys or labels');
  }
  const common: Common = {
    version: options.version,
    created: data.created,
    features: [...options.features],
    normalisation: fitNormalisation(benign(data.train), options.features.length),
    training: data.training,
  };
  const autoencoder = await trainAndSaveAutoencoder(options, data, common);
  const classifier = await trainAndSaveClassifier(options, data, common);
  return { autoencoder, classifier };
}

/** Validation first, then each held-out split, by name. */
function evaluatedSplits(data: PreparedData): Record<string, LabelledSnapshot[]> {
  return { validation: data.validation, ...data.heldOut };
}

function heldOutMetrics(data: PreparedData, score: RowScorer, threshold: number) {
  const splits = Object.entries(evaluatedSplits(data));
  return Object.fromEntries(splits.map(([name, rows]) => [name, evaluateScores(rows, score(rows), threshold)]));
}

async function trainAndSaveAutoencoder(
  options: TrainerOptions,
  data: PreparedData,
  common: Common,
): Promise<SavedModel> {
  const epochs = { ...defaultAutoencoderHyper, ...options.autoencoderHyper }.epochs;
  const trained = await trainAutoencoder({
    train: benign(data.train),
    calibration: benign(data.validation),
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
  const metadata = { ...draft, metrics: heldOutMetrics(data, score, AUTOENCODER_THRESHOLD) };
  return saveAndDispose(options, metadata, model);
}

async function trainAndSaveClassifier(
  options: TrainerOptions,
  data: PreparedData,
  common: Common,
): Promise<SavedModel> {
  const epochs = { ...defaultClassifierHyper, ...options.classifierHyper }.epochs;
  const categories = categoriesIn(data.train);
  const trained = await trainClassifier({
    train: labelled(data.train),
    validation: labelled(data.validation),
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
  const metrics = heldOutMetrics(data, score, model.threshold);
  for (const [split, rows] of Object.entries(evaluatedSplits(data))) {
    Object.assign(metrics[split]!, categoryAccuracy(rows, model.categories(values(rows))));
  }
  const metadata = { ...draft, metrics };
  return saveAndDispose(options, metadata, model);
}

async function saveAndDispose(
  options: TrainerOptions,
  metadata: ModelMetadata,
  model: AutoencoderModel | ClassifierModel,
): Promise<SavedModel> {
  const dir = join(options.outDir, metadata.kind, options.version);
  options.onProgress?.({ stage: 'save', done: 1, total: 1 });
  await saveModel(dir, model.layers, metadata);
  model.dispose();
  return { dir, metadata };
}
