import type { LayersModel, Tensor2D } from '@tensorflow/tfjs';
import { plattProbability } from './calibration.ts';
import type { ModelMetadata, PlattCalibration } from './model-metadata.ts';
import type { StoredModel } from './model-store.ts';
import { normaliseRows } from './normalisation.ts';
import { type MlScore, round, topReasons } from './reasons.ts';
import { tf } from './runtime.ts';

/** Runs the classifier synchronously on a normalised row-major matrix; returns its raw logits. */
export function predictLogits(model: LayersModel, x: Float32Array, width: number): Float32Array {
  const rows = x.length / width;
  if (rows === 0) return new Float32Array(0);
  return tf.tidy(() => (model.predict(tf.tensor2d(x, [rows, width])) as Tensor2D).dataSync() as Float32Array);
}

/**
 * Copies of one normalised row with each feature in turn reset to 0 (the benign median), after the row itself:
 * occlusion attribution costs one forward pass over width+1 rows.
 */
export function occlusionBatch(normalised: Float32Array, width: number): Float32Array {
  const out = new Float32Array((width + 1) * width);
  for (let r = 0; r <= width; r++) out.set(normalised, r * width);
  for (let j = 0; j < width; j++) out[(j + 1) * width + j] = 0;
  return out;
}

/** Supervised scorer: calibrated attack probability with occlusion reasons against the benign median. */
export class ClassifierModel {
  readonly metadata: ModelMetadata;
  /** The underlying tfjs network (saved by training, disposed by `dispose`). */
  readonly layers: LayersModel;
  private readonly calibration: PlattCalibration;

  constructor(stored: StoredModel) {
    if (stored.metadata.calibration.kind !== 'platt') {
      throw new TypeError(`${stored.dir}: a classifier needs Platt calibration`);
    }
    this.layers = stored.model;
    this.metadata = stored.metadata;
    this.calibration = stored.metadata.calibration;
  }

  get width(): number {
    return this.metadata.features.length;
  }

  /** Calibrated attack probabilities of raw feature rows, without reasons (evaluation, batch scoring). */
  probabilities(rows: readonly ArrayLike<number>[]): number[] {
    const raw = predictLogits(this.layers, normaliseRows(this.metadata.normalisation, rows), this.width);
    return Array.from(raw, (z) => plattProbability(this.calibration, z));
  }

  /** The probability at and above which the classifier alone would call a snapshot an attack. */
  get threshold(): number {
    return this.calibration.threshold;
  }

  score(row: ArrayLike<number>, topK?: number): MlScore {
    const normalised = normaliseRows(this.metadata.normalisation, [row]);
    const outputs = predictLogits(this.layers, occlusionBatch(normalised, this.width), this.width);
    const probability = plattProbability(this.calibration, outputs[0]!);
    const drops = Array.from(
      { length: this.width },
      (_, j) => probability - plattProbability(this.calibration, outputs[j + 1]!),
    );
    const describe = (j: number) => `at the benign median the attack probability would drop by ${round(drops[j]!, 3)}`;
    return { score: probability, reasons: topReasons(drops, row, this.metadata, describe, topK) };
  }

  scoreBatch(rows: readonly ArrayLike<number>[], topK?: number): MlScore[] {
    return rows.map((row) => this.score(row, topK));
  }

  dispose(): void {
    this.layers.dispose();
  }
}
