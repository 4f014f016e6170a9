import type { LayersModel, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { AlertReason } from '../../schemas/alert-v1.ts';
import { errors } from '../common/errors.ts';
import { LazyReasons } from '../common/lazy-reasons.ts';
import { plattProbability } from './calibration.ts';
import type { PlattCalibration } from './model-metadata.ts';
import { type MlScore, round, topReasons } from './model-reasons.ts';
import type { StoredModel } from './model-store.ts';
import { NetworkModel } from './network-model.ts';
import { normaliseRow } from './normalisation.ts';
import { tf } from './runtime.ts';

interface ClassifierOutputs {
  /** Attack logit per row. */
  logits: Float32Array;
  /** Category probabilities per row, row-major (rows × categories); empty without a category head. */
  categoryProbabilities: Float32Array;
}

/** Runs the classifier synchronously on a normalised row-major matrix. */
function predictHeads(model: LayersModel, x: Float32Array, width: number): ClassifierOutputs {
  const rows = x.length / width;
  if (rows === 0) return { logits: new Float32Array(0), categoryProbabilities: new Float32Array(0) };
  const [logits, categories] = tf.tidy(() => {
    const out = model.predict(tf.tensor2d(x, [rows, width])) as Tensor | Tensor[];
    const [attack, category] = Array.isArray(out) ? out : [out];
    return [
      attack!.dataSync() as Float32Array,
      category ? (tf.softmax(category as Tensor2D).dataSync() as Float32Array) : new Float32Array(0),
    ];
  });
  return { logits: logits!, categoryProbabilities: categories! };
}

export function predictLogits(model: LayersModel, x: Float32Array, width: number): Float32Array {
  return predictHeads(model, x, width).logits;
}

/**
 * Copies of one normalised row with each feature in turn reset to 0 (the benign median), after the row itself:
 * occlusion attribution costs one forward pass over width+1 rows.
 */
function occlusionBatch(normalised: Float32Array, width: number): Float32Array {
  const out = new Float32Array((width + 1) * width);
  for (let r = 0; r <= width; r++) out.set(normalised, r * width);
  for (let j = 0; j < width; j++) out[(j + 1) * width + j] = 0;
  return out;
}

/** The network's outputs must match the metadata: one attack head, plus a category head of the listed width. */
function assertCategoryHead(stored: StoredModel): void {
  const outputs = stored.model.outputs.map((o) => o.shape[1]);
  const expected = stored.metadata.categories.length ? [1, stored.metadata.categories.length] : [1];
  if (outputs.join() !== expected.join()) {
    throw errors.model(
      `${stored.dir}: classifier outputs [${outputs.join()}] do not match metadata [${expected.join()}]`,
    );
  }
}

function softmax(logits: Float64Array): Float64Array {
  const max = Math.max(...logits);
  const exp = logits.map((z) => Math.exp(z - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

/** A classifier score (plain-JS path) whose occlusion reasons are worked out when first read. */
class OcclusionScore extends LazyReasons<AlertReason[]> implements MlScore {
  category?: string;

  constructor(
    private readonly model: ClassifierModel,
    readonly score: number,
    /** The model's own copies: the caller's row buffer is reused for the next key before reasons are read. */
    private readonly normalised: Float32Array,
    private readonly values: number[],
    private readonly topK: number | undefined,
  ) {
    super();
  }

  protected explain(): AlertReason[] {
    return this.model.occlusionReasonsOf(this.score, this.normalised, this.values, this.topK);
  }
}

/** Probability from which the category head's best class is reported with the score. */
const CATEGORY_FROM_SCORE = 0.5;

/** Supervised scorer: calibrated attack probability, suspected category, occlusion reasons against the benign median. */
export class ClassifierModel extends NetworkModel<PlattCalibration> {
  constructor(stored: StoredModel) {
    super(stored, 'platt', 'a classifier needs Platt calibration');
    assertCategoryHead(stored);
  }

  /** The probability at and above which the classifier alone would call a snapshot an attack. */
  get threshold(): number {
    return this.calibration.threshold;
  }

  /** Calibrated attack probabilities of raw feature rows, without reasons (evaluation, batch scoring). */
  probabilities(rows: readonly ArrayLike<number>[]): number[] {
    const { logits } = predictHeads(this.layers, this.normalise(rows), this.width);
    return Array.from(logits, (z) => plattProbability(this.calibration, z));
  }

  /** Most likely category of each row (null without a category head). */
  categories(rows: readonly ArrayLike<number>[]): (string | null)[] {
    const { categoryProbabilities } = predictHeads(this.layers, this.normalise(rows), this.width);
    return rows.map((_, i) => this.bestCategory(categoryProbabilities, i));
  }

  /**
   * Scores one snapshot (the streaming path): plain JS when the network allows, else tfjs. The occlusion reasons are
   * worked out when first read (on the JS path), since only the snapshots that raise an alert need them.
   */
  score(row: ArrayLike<number>, topK?: number): MlScore {
    if (!this.program) {
      const normalised = this.normalise([row]);
      const { logits, categoryProbabilities } = predictHeads(
        this.layers,
        occlusionBatch(normalised, this.width),
        this.width,
      );
      const probability = plattProbability(this.calibration, logits[0]!);
      const reasons = this.occlusionReasons(probability, logits, row, topK);
      return this.scored(probability, () => categoryProbabilities, { score: probability, reasons });
    }
    // Its own copy: the reasons read it later, when an alert asks for them.
    const normalised = normaliseRow(this.metadata.normalisation, row);
    const [attack, category] = this.program.run(normalised);
    const probability = plattProbability(this.calibration, attack![0]!);
    const values = Array.from(row);
    // The category head's buffer is the program's, read here at once (and only when the category is reported).
    return this.scored(
      probability,
      () => (category ? softmax(category) : new Float64Array(0)),
      new OcclusionScore(this, probability, normalised, values, topK),
    );
  }

  /** Occlusion reasons of a snapshot scored on the plain-JS path, from its normalised row and raw values. */
  occlusionReasonsOf(
    probability: number,
    normalised: Float32Array,
    row: ArrayLike<number>,
    topK: number | undefined,
  ): AlertReason[] {
    const { logits } = this.runProgram(normalised);
    return this.occlusionReasons(probability, logits, row, topK);
  }

  /** The category, when the classifier is confident of an attack, added to `result`. */
  private scored<T extends { score: number }>(
    probability: number,
    categoryProbabilities: () => Float32Array | Float64Array,
    result: T,
  ): T & { category?: string } {
    const category = probability >= CATEGORY_FROM_SCORE ? this.bestCategory(categoryProbabilities(), 0) : null;
    return category ? Object.assign(result, { category }) : result;
  }

  /** Features whose reset to the benign median lowers the probability most (logits: row, then each occluded row). */
  private occlusionReasons(
    probability: number,
    logits: ArrayLike<number>,
    row: ArrayLike<number>,
    topK?: number,
  ): MlScore['reasons'] {
    const drops = Array.from(
      { length: this.width },
      (_, j) => probability - plattProbability(this.calibration, logits[j + 1]!),
    );
    const describe = (j: number) => `at the benign median the attack probability would drop by ${round(drops[j]!, 3)}`;
    return topReasons(drops, row, this.metadata, describe, topK);
  }

  /** The outputs `predictHeads` gives for the occlusion batch, from the plain-JS program (category: row 0 only). */
  private runProgram(normalised: Float32Array): { logits: Float64Array; categoryProbabilities: Float64Array } {
    const outputs = this.program!.runOccluded(normalised);
    const logits = Float64Array.from(outputs, ([attack]) => attack![0]!);
    const category = outputs[0]![1];
    return { logits, categoryProbabilities: category ? softmax(category) : new Float64Array(0) };
  }

  scoreBatch(rows: readonly ArrayLike<number>[], topK?: number): MlScore[] {
    return rows.map((row) => this.score(row, topK));
  }

  private bestCategory(probabilities: Float32Array | Float64Array, row: number): string | null {
    const names = this.metadata.categories;
    if (names.length === 0 || probabilities.length === 0) return null;
    const slice = probabilities.subarray(row * names.length, (row + 1) * names.length);
    let best = 0;
    for (let c = 1; c < names.length; c++) if (slice[c]! > slice[best]!) best = c;
    return names[best]!;
  }
}
