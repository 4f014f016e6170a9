import type { LayersModel, Tensor2D } from '@tensorflow/tfjs';
import type { AlertReason } from '../../schemas/alert-v1.ts';
import { LazyReasons } from '../common/lazy-reasons.ts';
import { scoreFromAnchors } from './calibration.ts';
import type { ErrorAnchors } from './model-metadata.ts';
import { type MlScore, round, topReasons } from './model-reasons.ts';
import type { StoredModel } from './model-store.ts';
import { NetworkModel } from './network-model.ts';
import { normaliseRow } from './normalisation.ts';
import { tf } from './runtime.ts';

export interface Reconstruction {
  /** Squared error per row and feature in normalised units, row-major. */
  perFeature: Float32Array;
  /** Mean squared error per row: the novelty before calibration. */
  total: Float32Array;
}

/** Runs the autoencoder synchronously on a normalised row-major matrix. */
export function reconstruct(model: LayersModel, x: Float32Array, width: number): Reconstruction {
  const rows = x.length / width;
  if (rows === 0) return { perFeature: new Float32Array(0), total: new Float32Array(0) };
  const [perFeature, total] = tf.tidy(() => {
    const input = tf.tensor2d(x, [rows, width]);
    const squared = tf.squaredDifference(input, model.predict(input) as Tensor2D);
    return [squared.dataSync() as Float32Array, squared.mean(1).dataSync() as Float32Array];
  });
  return { perFeature: perFeature!, total: total! };
}

/** Novelty scorer: reconstruction error on benign-trained weights, calibrated to 0–1 against benign held-out. */
export class AutoencoderModel extends NetworkModel<ErrorAnchors> {
  /** The normalised row of `score`, reused: nothing keeps it past the call. */
  private readonly input: Float32Array;

  constructor(stored: StoredModel) {
    super(stored, 'error-anchors', 'an autoencoder needs error-anchor calibration');
    this.input = new Float32Array(this.width);
  }

  /** Uncalibrated reconstruction errors of raw feature rows (for calibration and evaluation). */
  errors(rows: readonly ArrayLike<number>[]): Float32Array {
    return reconstruct(this.layers, this.normalise(rows), this.width).total;
  }

  calibrate(error: number): number {
    return scoreFromAnchors(this.calibration, error);
  }

  /** Scores raw feature rows in one tfjs batch; reasons are the features the model reconstructs worst. */
  scoreBatch(rows: readonly ArrayLike<number>[], topK?: number): MlScore[] {
    const { perFeature, total } = reconstruct(this.layers, this.normalise(rows), this.width);
    return rows.map((row, i) =>
      this.explain(row, perFeature.subarray(i * this.width, (i + 1) * this.width), total[i]!, topK),
    );
  }

  /** Scores one snapshot (the streaming path): plain-JS forward pass when the network allows, else tfjs. */
  score(row: ArrayLike<number>, topK?: number): MlScore {
    if (!this.program) return this.scoreBatch([row], topK)[0]!;
    const input = normaliseRow(this.metadata.normalisation, row, this.input);
    const output = this.program.run(input)[0]!;
    const errors = new Float64Array(input.length);
    let sum = 0;
    for (let j = 0; j < input.length; j++) {
      errors[j] = (input[j]! - output[j]!) ** 2;
      sum += errors[j]!;
    }
    const meanError = sum / this.width;
    // Reasons only when an alert reads them; the row buffer is the caller's, reused for the next key.
    const values = Array.from(row);
    return new ReconstructionScore(this, this.calibrate(meanError), errors, values, meanError, topK);
  }

  /** The features reconstructed worst, from a snapshot's per-feature errors and raw values. */
  reconstructionReasons(
    errors: ArrayLike<number>,
    row: ArrayLike<number>,
    meanError: number,
    topK: number | undefined,
  ): AlertReason[] {
    return topReasons(errors, row, this.metadata, this.describe(errors, meanError), topK);
  }

  private describe(errors: ArrayLike<number>, meanError: number): (j: number) => string {
    return (j) => `reconstruction error ${round(errors[j]!, 3)} of ${round(meanError * this.width, 3)} in total`;
  }

  private explain(row: ArrayLike<number>, errors: ArrayLike<number>, meanError: number, topK?: number): MlScore {
    return { score: this.calibrate(meanError), reasons: this.reconstructionReasons(errors, row, meanError, topK) };
  }
}

/** An autoencoder score (plain-JS path) whose reasons are worked out when first read. */
class ReconstructionScore extends LazyReasons<AlertReason[]> implements MlScore {
  constructor(
    private readonly model: AutoencoderModel,
    readonly score: number,
    /** Its own copies: the caller's row buffer is reused for the next key before reasons are read. */
    private readonly errors: Float64Array,
    private readonly values: number[],
    private readonly meanError: number,
    private readonly topK: number | undefined,
  ) {
    super();
  }

  protected explain(): AlertReason[] {
    return this.model.reconstructionReasons(this.errors, this.values, this.meanError, this.topK);
  }
}
